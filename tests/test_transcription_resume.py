"""A transcription job survives its worker: `sessionnav worker` is killed (SIGKILL) after the
job's first chunk is stored, and the worker started again resumes from the last finished
chunk (the chunks before it are not recognised again) and finishes. Meanwhile the progress is
visible on the import page and in `sessionnav jobs`."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from speech_media import PARAGRAPH, recall, speech_wav

from app.models import JobState, TranscriptionJob
from app.services import recordings, transcription
from app.timecodes import format_time

pytestmark = pytest.mark.live  # the worker is another process: everything must be committed
CHUNK = 5.0  # seconds of audio per chunk: four in the paragraph


def _environment(settings) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": settings.effective_database_url,
        "SESSIONNAV_DATA_DIR": str(settings.data_dir),
        "SESSIONNAV_SECRET_KEY": settings.secret_key,
    }


def _job(database, job_id: int) -> TranscriptionJob:
    """The job as committed now (a fresh transaction each time, so SQLite shows new commits)."""
    with database.unit_of_work(write=False) as session:
        job = session.get(TranscriptionJob, job_id)
        assert job is not None
        return job


def _wait_for(database, job_id: int, done, what: str, worker: subprocess.Popen, log: Path):
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = _job(database, job_id)
        if done(job):
            return job
        assert worker.poll() is None, f"the worker stopped: {log.read_text()}"
        time.sleep(0.05)  # polling the database for the worker's commit, with a deadline
    raise AssertionError(f"{what} within 240 s; the worker said: {log.read_text()}")


def _recognised(log: Path) -> list[str]:
    """The chunks a worker recognised, by their start: "0:00:05", ..."""
    return re.findall(r"job \d+: (\S+) to \S+ recognised", log.read_text())


def test_a_killed_worker_resumes_from_its_last_finished_chunk(
    client, browser_as, settings, database, tmp_path
):
    client.post("/api/v1/events", json={"slug": "forum", "title": "Forum"})
    with speech_wav(tmp_path).open("rb") as f:
        response = client.post(
            "/api/v1/recordings/upload",
            data={"event": "forum", "title": "Long debate"},
            files={"file": ("p.wav", f)},
        )
    assert response.status_code == 201, response.text
    slug = response.json()["slug"]
    with database.unit_of_work() as session:
        recording = recordings.get(session, slug=slug, viewer=None)
        job = transcription.start(
            session,
            recording=recording,
            language="en",
            settings=settings,
            user=None,
            chunk_seconds=CHUNK,
        )  # not sent to the queue: the worker finds it when it starts
    job_id = job.id
    assert job_id is not None
    command = [sys.executable, "-m", "app.cli", "worker"]
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    workers = []
    try:
        with first_log.open("w") as out:
            first = subprocess.Popen(command, env=_environment(settings), stderr=out, stdout=out)
        workers.append(first)
        stored = _wait_for(
            database,
            job_id,
            lambda j: j.done_seconds >= CHUNK,
            "no chunk was stored",
            first,
            first_log,
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed = _job(database, job_id)
        checkpoint = killed.done_seconds
        assert killed.state is JobState.running and CHUNK <= checkpoint < killed.duration
        assert checkpoint >= stored.done_seconds and checkpoint % CHUNK == 0
        percent = int(100 * checkpoint / killed.duration)

        listed = subprocess.run(
            [sys.executable, "-m", "app.cli", "jobs"],
            env=_environment(settings),
            capture_output=True,
            text=True,
        )
        assert re.search(rf"{slug}\s+en\s+running\s+{percent} %", listed.stdout), listed.stdout
        browser, _token = browser_as("editor")
        page = browser.get(f"/r/{slug}/import")
        assert f'<progress id="job-progress" max="100" value="{percent}">' in page.text
        assert "Running" in page.text and "left" in page.text  # the ETA, once a chunk is done

        with second_log.open("w") as out:
            second = subprocess.Popen(command, env=_environment(settings), stderr=out, stdout=out)
        workers.append(second)
        finished = _wait_for(
            database,
            job_id,
            lambda j: j.state is JobState.done,
            "the job did not finish",
            second,
            second_log,
        )
        resumed = _recognised(second_log)
        done_before = {format_time(s) for s in range(0, int(checkpoint), int(CHUNK))}
        assert resumed[0] == format_time(checkpoint), second_log.read_text()
        assert not done_before & set(resumed), "a finished chunk was recognised again"
        assert finished.done_seconds == finished.duration
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()

    cues = client.get(f"/api/v1/recordings/{slug}/transcript", params={"limit": 500}).json()
    heard = " ".join(c["text"] for c in cues["items"])
    assert all(0 <= c["start"] < c["end"] <= finished.duration for c in cues["items"])
    score = recall(PARAGRAPH, heard)
    print(f"\nresumed at {checkpoint} s; word recall {score:.0%}: {heard}")
    assert score >= 0.8
    listed = subprocess.run(
        [sys.executable, "-m", "app.cli", "jobs"],
        env=_environment(settings),
        capture_output=True,
        text=True,
    ).stdout
    assert re.search(rf"{slug}\s+en\s+done\s+100 %", listed), listed
