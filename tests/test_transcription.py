"""Machine transcripts (PRODUCT §6d): a known paragraph spoken by espeak-ng, uploaded as an
audio-only recording, transcribed by `sessionnav transcribe` and by the import page's button
(run by a queue worker), with progress, cancelling, refusals and who may do what."""

import math
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from processes import environment
from speech_media import PARAGRAPH, QUOTE, content_words, recall, speak, speech_wav

from app import speech
from app.jobs import Jobs
from app.models import JobState, TranscriptionWord
from app.services import recordings, transcriber, transcription

UPLOAD = "/api/v1/recordings/upload"
MODEL = "Whisper tiny.en"
# The page runs the job-following script (every page's import map names it, as a module).
JOBS_SCRIPT = re.compile(r'<script type="module" src="[^"]*/js/jobs\.js')


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture
def spoken(client, voice) -> str:
    """The paragraph (about 17 s) uploaded as an audio-only recording, with an unplaced quote
    of its third sentence in the recording's one session; returns the recording's slug."""
    client.post("/api/v1/events", json={"slug": "forum", "title": "Forum"})
    with speech_wav(voice).open("rb") as f:
        response = client.post(
            UPLOAD, data={"event": "forum", "title": "Radio debate"}, files={"file": ("p.wav", f)}
        )
    assert response.status_code == 201, response.text
    client.post("/api/v1/speakers", json={"name": "Jane Holloway"})
    session = {"slug": "debate", "title": "Debate", "start": 0, "end": 17}
    client.post("/api/v1/recordings/radio-debate/segments", json=session)
    quote = {"kind": "quote", "text": QUOTE, "speaker": "jane-holloway", "segment": "debate"}
    made = client.post("/api/v1/recordings/radio-debate/annotations", json=quote)
    assert made.status_code == 201 and made.json()["placement"] == "unplaced", made.text
    return "radio-debate"


def _quote_id(client, slug: str) -> int:
    items = client.get(f"/api/v1/recordings/{slug}/annotations", params={"kind": "quote"}).json()
    [quote] = items["items"]
    return quote["id"]


def _check_transcript(client, slug: str, voice: Path) -> None:
    """Cues cover the speech and lie within the file; most content words are recognised; the
    quote's proposed moment is within 3 s of when espeak-ng says it."""
    length = speech.duration(speech_wav(voice))
    cues = client.get(f"/api/v1/recordings/{slug}/transcript", params={"limit": 500}).json()
    cues = cues["items"]
    assert cues and all(0 <= c["start"] < c["end"] <= length for c in cues)
    assert cues[0]["start"] < 1.0 and cues[-1]["end"] > length - 2.0  # speech from start to end
    heard = " ".join(c["text"] for c in cues)
    score = recall(PARAGRAPH, heard)
    print(f"\nword recall {score:.0%} of {len(content_words(PARAGRAPH))} content words: {heard}")
    assert score >= 0.8

    proposal = client.get(f"/api/v1/annotations/{_quote_id(client, slug)}/placement").json()
    before = PARAGRAPH[: PARAGRAPH.index(QUOTE)].strip()
    said_at = speech.duration(speak(before, voice / "before-quote.wav"))  # the same voice, cut
    assert abs(proposal["start"] - said_at) <= 3, (proposal, said_at)

    page = client.get(f"/r/{slug}?t=3").text  # the navigator says honestly who made it
    assert "Machine transcript by Whisper tiny.en (CTranslate2) (English)" in page
    russian = client.get(f"/r/{slug}?t=3&lang=ru").text
    assert "Машинная расшифровка" in russian and "(английский)" in russian.lower()


@pytest.mark.live  # the command is another process: the recording must be committed
def test_the_command_transcribes_a_recording(client, spoken, voice, settings):
    env = environment(
        PATH="",
        DATABASE_URL=settings.effective_database_url,
        SESSIONNAV_DATA_DIR=str(settings.data_dir),
    )
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "transcribe", spoken, "--language", "en"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(rf"\d+ cues \(en\) stored, made by {MODEL}", result.stdout)
    assert "100%" in result.stderr  # the progress bar, with its ETA before that
    quote = _quote_id(client, spoken)
    assert f"quote {quote} may be at" in result.stdout
    assert f"/a/{quote}/placement" in result.stdout
    _check_transcript(client, spoken, voice)

    listed = subprocess.run(
        [sys.executable, "-m", "app.cli", "jobs"], env=env, capture_output=True, text=True
    ).stdout
    assert re.search(rf"{spoken}\s+en\s+done\s+100 %", listed)


def _action(page, form_id: str) -> str:
    return re.search(rf'<form id="{form_id}" method="post" action="([^"]+)"', page.text)[1]


def test_the_import_page_button_queues_a_job_that_a_worker_runs(
    browser_as, client, spoken, voice, settings, database
):
    browser, _token = browser_as("editor")
    page = browser.get(f"/r/{spoken}/import")
    assert page.status_code == 200
    assert MODEL in page.text and "This model recognises English only." in page.text
    asked = browser.post(
        _action(page, "machine-form"), data={"language": "en"}, follow_redirects=False
    )
    assert asked.status_code == 303, asked.text
    assert asked.headers["location"] == f"/r/{spoken}/import#machine-h"

    page = browser.get(f"/r/{spoken}/import")
    assert re.search(r'<progress id="job-progress" max="100" value="0">', page.text)
    assert "Queued" in page.text and ">Cancel</button>" in page.text
    # without scripts: a link that reloads the page (a new query each time, not just #machine-h)
    assert re.search(
        rf'href="/r/{spoken}/import\?shown=\d+#machine-h" data-job-refresh>', page.text
    )
    assert JOBS_SCRIPT.search(page.text)  # followed by the script while it is unfinished
    status = browser.get(f"/api/v1/recordings/{spoken}/transcription").json()
    assert (status["state"], status["percent"], status["language"]) == ("queued", 0, "en")
    assert status["model"].startswith(MODEL) and status["eta"] is None

    jobs = Jobs(settings, database)  # the worker: what its consumer does with each message
    try:
        jobs.huey.execute(jobs.huey.dequeue())
    finally:
        jobs.close()

    status = browser.get(f"/api/v1/recordings/{spoken}/transcription").json()
    assert (status["state"], status["percent"], status["active"]) == ("done", 100, False)
    page = browser.get(f"/r/{spoken}/import")
    assert re.search(r'<progress id="job-progress" max="100" value="100">', page.text)
    made_by = re.search(r'<p id="machine-made-by">(.*?)</p>', page.text)[1]
    assert f"a machine transcript by {MODEL}" in made_by and "English" in made_by
    assert not JOBS_SCRIPT.search(page.text)
    quote = _quote_id(client, spoken)
    assert f'href="/a/{quote}/placement"' in page.text  # its proposed moment, to review
    _check_transcript(client, spoken, voice)


def test_an_imported_transcript_replaces_the_machine_one_as_human(
    client, spoken, settings, database
):
    with database.unit_of_work() as session:
        recording = recordings.get(session, slug=spoken, viewer=None)
        job = transcription.start(
            session, recording=recording, language="en", settings=settings, user=None
        )
    transcriber.run(database, job_id=job.id, settings=settings)
    page = client.get(f"/r/{spoken}/import")
    assert 'id="machine-made-by"' in page.text
    vtt = b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nClusters grow.\n"
    assert client.post(f"/api/v1/recordings/{spoken}/transcript", content=vtt).status_code == 201
    page = client.get(f"/r/{spoken}/import")
    assert 'id="machine-made-by"' not in page.text
    assert page.context["made_by"].origin.value == "human"


def test_cancelling_a_running_job_stops_it_after_its_chunk_and_keeps_nothing(
    client, spoken, settings, database, connection
):
    with database.unit_of_work() as session:
        recording = recordings.get(session, slug=spoken, viewer=None)
        job = transcription.start(
            session,
            recording=recording,
            language="en",
            settings=settings,
            user=None,
            chunk_seconds=5,
        )
    seen = []

    def cancel_after_the_first_chunk(running):
        seen.append(running.done_seconds)
        if len(seen) == 1:
            words = connection.execute(
                TranscriptionWord.__table__.select().where(TranscriptionWord.job_id == job.id)
            ).all()
            assert words  # the first chunk's words are stored
            response = client.post(f"/api/v1/recordings/{spoken}/transcription/cancel")
            assert response.status_code == 200, response.text
            assert response.json()["state"] == "cancelled"

    ended = transcriber.run(
        database, job_id=job.id, settings=settings, on_chunk=cancel_after_the_first_chunk
    )
    assert ended is not None and ended.state is JobState.cancelled
    assert seen == [5.0]  # the chunk under way when it was cancelled was dropped
    assert connection.execute(TranscriptionWord.__table__.select()).all() == []
    cues = client.get(f"/api/v1/recordings/{spoken}/transcript").json()["items"]
    assert cues == []
    status = client.get(f"/api/v1/recordings/{spoken}/transcription").json()
    length = status["duration"]
    assert status["state"] == "cancelled" and status["percent"] == math.floor(500 / length)


def test_a_queued_job_is_cancelled_and_its_message_finds_nothing_to_do(
    browser_as, spoken, settings, database
):
    browser, _token = browser_as("editor")
    page = browser.get(f"/r/{spoken}/import")
    browser.post(_action(page, "machine-form"), data={"language": "en"})
    page = browser.get(f"/r/{spoken}/import")
    cancel = re.search(r'<form method="post" action="([^"]+/transcription/cancel[^"]*)"', page.text)
    assert browser.post(cancel[1], follow_redirects=False).status_code == 303
    page = browser.get(f"/r/{spoken}/import")
    assert "Cancelled" in page.text and ">Cancel</button>" not in page.text
    jobs = Jobs(settings, database)
    try:
        jobs.huey.execute(jobs.huey.dequeue())  # nothing to run
    finally:
        jobs.close()
    assert browser.get(f"/api/v1/recordings/{spoken}/transcription").json()["state"] == "cancelled"


def test_refusals_are_clear_and_change_nothing(client, spoken, make_recording, snapshot):
    api = "/api/v1/recordings/{}/transcription"
    make_recording("linked")
    youtube = {"event": "forum", "slug": "yt", "title": "YT", "media_kind": "youtube"}
    client.post("/api/v1/recordings", json=youtube | {"youtube_id": "dQw4w9WgXcQ"})
    before = snapshot()
    cases = [
        ("linked", {}, 422, None, "only a recording whose media file is stored here"),
        ("yt", {}, 422, None, "a YouTube recording cannot be transcribed here"),
        (spoken, {"language": "not a tag"}, 422, "body.language", "is not a language tag"),
        (spoken, {"language": "ru"}, 422, "body.language", "recognises English only"),
        (spoken, {"chunk": 3}, 422, "body.chunk", "not a field"),
        ("no-such-recording", {}, 404, "path.recording", "no recording"),
    ]
    for slug, body, code, field, words in cases:
        response = client.post(api.format(slug), json=body)
        assert response.status_code == code, (slug, body, response.text)
        assert words in response.json()["detail"], response.text
        assert field is None or response.json()["field"] == field, response.text
    nothing = client.get(api.format(spoken))
    assert nothing.status_code == 404 and "no machine transcript" in nothing.json()["detail"]
    assert client.post(f"{api.format(spoken)}/cancel").status_code == 409
    assert snapshot() == before

    assert client.post(api.format(spoken), json={"language": "en"}).status_code == 202
    again = client.post(api.format(spoken), json={})
    assert again.status_code == 409 and "already queued" in again.json()["detail"]


def test_the_form_says_why_it_refuses(browser_as, spoken):
    browser, _token = browser_as("editor")
    page = browser.get(f"/r/{spoken}/import")
    refused = browser.post(_action(page, "machine-form"), data={"language": "ru"})
    assert refused.status_code == 422
    error = re.search(r'<p class="error" role="alert" id="machine-error">(.*?)</p>', refused.text)
    assert "English only" in error[1]
    assert 'value="ru"' in refused.text  # the editor's input is kept


def test_without_a_speech_model_the_page_and_the_api_say_how_to_get_one(
    client, spoken, settings, tmp_path
):
    settings.asr_model = tmp_path / "no-model-here"
    page = client.get(f"/r/{spoken}/import")
    assert 'id="machine-form"' not in page.text
    notice = re.search(r'<p class="notice" id="machine-unavailable">(.*?)</p>', page.text, re.S)
    assert "CTranslate2 Whisper model folder" in notice[1]
    response = client.post(f"/api/v1/recordings/{spoken}/transcription", json={})
    assert response.status_code == 409 and "CTranslate2 Whisper model folder" in response.text


def test_members_follow_progress_but_only_editors_start_or_cancel(clients, spoken):
    api = f"/api/v1/recordings/{spoken}/transcription"
    member, anonymous = clients("member"), clients()
    assert member.post(api, json={}).status_code == 403
    assert anonymous.post(api, json={}).status_code == 401
    assert clients("editor").post(api, json={}).status_code == 202
    assert member.post(f"{api}/cancel").status_code == 403
    shown = anonymous.get(api)
    assert shown.status_code == 200 and shown.json()["state"] == "queued"
    assert member.get(f"/r/{spoken}/import").status_code == 403


def test_the_queue_can_live_in_redis(client, spoken, settings, database):
    import redis

    url = os.environ.get("SESSIONNAV_TEST_REDIS_URL", "redis://127.0.0.1:6379")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {url}: {exc}")
    settings.jobs_url = url
    jobs = Jobs(settings, database, name=f"test-{uuid.uuid4().hex}")
    with database.unit_of_work() as session:
        recording = recordings.get(session, slug=spoken, viewer=None)
        job = transcription.start(
            session,
            recording=recording,
            language="en",
            settings=settings,
            user=None,
            enqueue=jobs.enqueue,
        )
    try:
        jobs.huey.execute(jobs.huey.dequeue())
    finally:
        jobs.huey.flush()
    status = client.get(f"/api/v1/recordings/{spoken}/transcription").json()
    assert status["id"] == job.id and status["state"] == "done"
