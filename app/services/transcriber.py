"""The transcriber: runs a machine-transcript job (app.services.transcription), chunk by chunk.

A chunk's words are stored and the checkpoint (`done_seconds`) advanced in one transaction, so
whoever runs the job next (a restarted worker, `sessionnav transcribe` again) starts after the
last finished chunk. One process holds a running job at a time: it claims it (queued ->
running, naming itself), and every later write it makes is conditional on still holding it, so
after a cancel, or after the job was taken back from a worker presumed dead, its next write
finds nothing and it stops, the chunk in hand discarded. At the end, in one transaction, the
words become cues that replace the transcript in the job's language, marked as made by the
job's model.
"""

import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from app import speech, video
from app.config import Settings
from app.db import Database
from app.errors import Conflict, DomainError
from app.models import (
    ACTIVE_JOB_STATES,
    JobState,
    Recording,
    TranscriptionJob,
    TranscriptionWord,
    TranscriptOrigin,
    utcnow,
)
from app.services import transcripts
from app.services.transcription import media_path
from app.timecodes import format_time

# A running job whose worker has not advanced it for this long is taken back and queued again
# (a worker on this machine that has died is noticed at once, by its process id). Longer than
# any chunk takes, even with a large model on a slow CPU.
STALE_AFTER = timedelta(minutes=15)
log = logging.getLogger(__name__)


def worker_name() -> str:
    """This process, as a job's `worker` names it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _hold(session: Session, job_id: int, holder: str, **values: object) -> bool:
    """Write `values` to the job if `holder` still runs it; False when it no longer does."""
    changed = session.connection().execute(
        update(TranscriptionJob)
        .where(
            col(TranscriptionJob.id) == job_id,
            col(TranscriptionJob.state) == JobState.running,
            col(TranscriptionJob.worker) == holder,
        )
        .values(**values)
    )
    return changed.rowcount == 1


def claim(session: Session, *, job_id: int, worker: str) -> TranscriptionJob | None:
    """The job, now run by `worker`, if it was queued; None when another has it or it ended."""
    job = session.get(TranscriptionJob, job_id)
    if job is None:
        return None
    now = utcnow()
    changed = session.connection().execute(
        update(TranscriptionJob)
        .where(col(TranscriptionJob.id) == job_id, col(TranscriptionJob.state) == JobState.queued)
        .values(
            state=JobState.running,
            worker=worker,
            heartbeat_at=now,
            started_at=job.started_at or now,
        )
    )
    if changed.rowcount != 1:
        return None
    session.refresh(job)
    return job


def _orphaned(job: TranscriptionJob) -> bool:
    """Whether a running job's worker is gone: a process of this machine that no longer
    exists, or any worker that has not advanced the job for STALE_AFTER."""
    if job.heartbeat_at is None or job.heartbeat_at < utcnow() - STALE_AFTER:
        return True
    host, _colon, pid = job.worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user: alive
        return False
    return False


def take_back(session: Session, *, job: TranscriptionJob) -> bool:
    """Queue again a running job whose worker is gone; whether the job is queued now."""
    assert job.id is not None  # a stored job
    if job.state is JobState.running and _orphaned(job):
        if _hold(session, job.id, job.worker, state=JobState.queued, worker=""):
            log.warning("job %s: its worker %s is gone; queued again", job.id, job.worker)
        session.refresh(job)
    return job.state is JobState.queued


def recover(database: Database, *, queued_too: bool) -> list[int]:
    """The jobs to queue again: running ones whose worker is gone, and with `queued_too` (at a
    worker's start, when queue messages may have been lost) the queued ones."""
    again = []
    with database.unit_of_work() as session:
        stmt = select(TranscriptionJob).where(col(TranscriptionJob.state).in_(ACTIVE_JOB_STATES))
        for job in session.exec(stmt.order_by(col(TranscriptionJob.id))):
            was_queued = job.state is JobState.queued
            if take_back(session, job=job) and (queued_too or not was_queued):
                again.append(job.id)
    return [job_id for job_id in again if job_id is not None]


def run(
    database: Database,
    *,
    job_id: int,
    settings: Settings,
    worker: str | None = None,
    stop: Callable[[], bool] | None = None,
    on_chunk: Callable[[TranscriptionJob], None] | None = None,
) -> TranscriptionJob | None:
    """Run a queued job from its checkpoint to the end; None when it is not queued (another
    process runs it, or it has ended).

    Returns the job as it is left: done, failed (with its error), cancelled, or queued again
    when `stop()` asked to stop between chunks (a consumer shutting down) or the run was
    interrupted. `on_chunk` hears of each stored chunk (a progress bar).
    """
    worker = worker or worker_name()
    with database.unit_of_work() as session:
        job = claim(session, job_id=job_id, worker=worker)
    if job is None:
        return None
    try:
        _run(database, job, settings, worker, stop, on_chunk)
    except (
        DomainError,
        speech.SpeechUnavailable,
        speech.UnsupportedLanguage,
        video.InvalidMedia,
    ) as exc:
        _fail(database, job_id, worker, getattr(exc, "message", str(exc)))
    except Exception as exc:
        _fail(database, job_id, worker, f"{type(exc).__name__}: {exc}")
        raise  # a fault of ours: the worker logs its traceback
    except BaseException:  # Ctrl-C: the next run resumes from the checkpoint
        _release(database, job_id, worker)
        raise
    with database.unit_of_work(write=False) as session:
        return session.get(TranscriptionJob, job_id)


def _run(
    database: Database,
    job: TranscriptionJob,
    settings: Settings,
    worker: str,
    stop: Callable[[], bool] | None,
    on_chunk: Callable[[TranscriptionJob], None] | None,
) -> None:
    job_id = job.id
    assert job_id is not None  # a stored job
    with database.unit_of_work(write=False) as session:
        recording = session.get(Recording, job.recording_id)
        assert recording is not None  # recording_id is a foreign key
        path = media_path(settings, recording)
    if speech.model_name(settings) != job.model:
        raise Conflict(
            f"the job asks for the speech model {job.model}, and this worker has "
            f"{speech.model_name(settings)}"
        )
    log.info(
        "job %s: %s, %s from %s",
        job_id,
        recording.slug,
        job.language,
        format_time(job.done_seconds),
    )
    while job.done_seconds < job.duration:
        if stop is not None and stop():
            _release(database, job_id, worker)
            log.info("job %s: paused at %s", job_id, format_time(job.done_seconds))
            return
        start, end = job.done_seconds, min(job.done_seconds + job.chunk_seconds, job.duration)
        began = time.monotonic()
        words = speech.recognise(
            path, start=start, end=end, language=job.language, settings=settings
        )
        busy = time.monotonic() - began
        with database.unit_of_work() as session:
            held = _hold(
                session,
                job_id,
                worker,
                done_seconds=end,
                busy_seconds=col(TranscriptionJob.busy_seconds) + busy,
                heartbeat_at=utcnow(),
            )
            if not held:
                log.info(
                    "job %s: cancelled; the chunk from %s is dropped", job_id, format_time(start)
                )
                return
            if words:
                rows = [
                    {"job_id": job_id, "start": w.start, "end": w.end, "text": w.text}
                    for w in words
                ]
                session.connection().execute(insert(TranscriptionWord), rows)
            job = session.get_one(TranscriptionJob, job_id)
        log.info(
            "job %s: %s to %s recognised, %d words",
            job_id,
            format_time(start),
            format_time(end),
            len(words),
        )
        if on_chunk is not None:
            on_chunk(job)
    with database.unit_of_work() as session:
        if not _hold(session, job_id, worker, state=JobState.done, finished_at=utcnow(), worker=""):
            return
        staged = select(TranscriptionWord).where(TranscriptionWord.job_id == job_id)
        heard = [
            speech.Word(start=w.start, end=w.end, text=w.text)
            for w in session.exec(
                staged.order_by(col(TranscriptionWord.start), col(TranscriptionWord.id))
            )
        ]
        made = speech.cues(heard)
        transcripts.replace(
            session,
            recording=recording,
            language=job.language,
            rows=[{"start": c.start, "end": c.end, "text": c.text} for c in made],
            origin=TranscriptOrigin.machine,
            model=job.model,
        )
        session.connection().execute(
            delete(TranscriptionWord).where(col(TranscriptionWord.job_id) == job_id)
        )
    log.info("job %s: done, %d cues from %d words", job_id, len(made), len(heard))


def _release(database: Database, job_id: int, worker: str) -> None:
    """Put a job back in the queue, to resume from its checkpoint."""
    with database.unit_of_work() as session:
        _hold(session, job_id, worker, state=JobState.queued, worker="")


def _fail(database: Database, job_id: int, worker: str, error: str) -> None:
    """End a job that cannot go on, its staged words discarded."""
    log.warning("job %s: %s", job_id, error)
    with database.unit_of_work() as session:
        if _hold(
            session,
            job_id,
            worker,
            state=JobState.failed,
            error=error,
            finished_at=utcnow(),
            worker="",
        ):
            session.connection().execute(
                delete(TranscriptionWord).where(col(TranscriptionWord.job_id) == job_id)
            )
