"""Machine transcripts (PRODUCT §6d): a job recognises a recording's own audio in chunks, then
replaces the recording's transcript in one language with what it heard.

Here an editor asks for one, follows it and cancels it; app.services.transcriber runs it. The
job row is the truth, and a queue (app.jobs) only says "work on job N".

Chunks are 60 s of audio: Whisper listens in 30-s windows, so a chunk is two windows plus a
little context, the per-chunk costs (seeking, decoding, a commit) stay small beside the
recognition, and a killed worker loses at most a minute of audio — seconds of work with the
bundled tiny.en on two cores.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app import links, speech, video
from app.config import Settings
from app.db import after_commit
from app.errors import Conflict, DomainError, Invalid, NotFound
from app.i18n import _, language_name
from app.models import (
    ACTIVE_JOB_STATES,
    Annotation,
    AnnotationKind,
    JobState,
    MediaKind,
    Placement,
    Recording,
    TranscriptionJob,
    TranscriptionWord,
    User,
    utcnow,
)
from app.schemas import PlacementProposal
from app.services import access, media, placement, transcripts
from app.timecodes import format_time

CHUNK_SECONDS = 60.0


class TranscriptionAsked(BaseModel):
    """What an editor asks for: a transcript in one language (the recording's by default)."""

    model_config = ConfigDict(extra="forbid")
    language: str | None = Field(default=None, max_length=35, description="BCP 47 tag")


class TranscriptionStatus(BaseModel):
    """A job as pages, scripts and the command line show it."""

    id: int
    recording: str
    language: str
    language_name: str
    model: str
    state: JobState
    active: bool
    percent: int = Field(description="share of the audio recognised, 0-100")
    done: float = Field(description="seconds of audio recognised")
    done_tc: str
    duration: float
    duration_tc: str
    eta: float | None = Field(description="seconds of work left, once the rate is known")
    eta_tc: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str
    links: dict[str, str]


@dataclass(frozen=True)
class Proposal:
    """An unplaced quote of the recording and where the new transcript says it was said."""

    quote: Annotation
    proposal: PlacementProposal


def media_path(settings: Settings, recording: Recording) -> Path:
    """The recording's own media file; recordings elsewhere (YouTube, a link) are refused,
    since this service never downloads at run time."""
    field = "recording"
    if recording.media_kind is MediaKind.youtube:
        raise Invalid(
            _("a YouTube recording cannot be transcribed here: its audio is on YouTube"),
            field=field,
        )
    if recording.media_kind is not MediaKind.file or not recording.media_path:
        raise Invalid(
            _("only a recording whose media file is stored here can be transcribed"), field=field
        )
    try:
        return media.resolve_media_path(settings.media_dir, recording.media_path, field=field)
    except Invalid:
        raise Invalid(_("the recording's media file is missing"), field=field) from None


def _checked_language(language: str | None, recording: Recording, settings: Settings) -> str:
    language = transcripts.checked_language((language or "").strip() or recording.language)
    try:
        speech.check_language(language, settings)
    except speech.UnsupportedLanguage as exc:
        raise Invalid(str(exc), field="language") from None
    return language


@dataclass(frozen=True)
class Recogniser:
    """The speech model as the import page presents it, or why there is none."""

    name: str = ""
    english_only: bool = False
    problem: str = ""


def recogniser(settings: Settings) -> Recogniser:
    try:
        return Recogniser(
            name=speech.model_name(settings),
            english_only=speech.model_languages(settings) == {"en"},
        )
    except speech.SpeechUnavailable as exc:
        return Recogniser(problem=str(exc))


def model_name(settings: Settings) -> str:
    """The speech model's name; Conflict, saying how to install it, when there is none."""
    try:
        return speech.model_name(settings)
    except speech.SpeechUnavailable as exc:
        raise Conflict(str(exc)) from None


def start(
    session: Session,
    *,
    recording: Recording,
    language: str | None,
    settings: Settings,
    user: User | None,
    enqueue: Callable[[int], None] | None = None,
    chunk_seconds: float = CHUNK_SECONDS,
) -> TranscriptionJob:
    """Queue a machine transcript of the recording in `language` (default: its own).

    Everything is checked first: the media is here and has audio, the model is installed and
    knows the language, no other job of this recording is unfinished. `enqueue(job_id)` runs
    once the job is committed, so a worker never looks for a job it cannot see yet.
    """
    if not chunk_seconds > 0:
        raise Invalid(_("a chunk must last more than 0 seconds"), field="chunk_seconds")
    model = model_name(settings)
    language = _checked_language(language, recording, settings)
    path = media_path(settings, recording)
    active = current(session, recording=recording, active=True)
    if active is not None:
        raise Conflict(
            _("a machine transcript of this recording is already %(state)s (%(percent)s %% done)")
            % {"state": _state_word(active.state), "percent": _percent(active)}
        )
    try:
        seconds = speech.duration(path)
    except video.InvalidMedia:
        raise Invalid(
            _("the recording's media has no audio to transcribe"), field="recording"
        ) from None
    assert recording.id is not None  # a stored row
    job = TranscriptionJob(
        recording_id=recording.id,
        language=language,
        model=model,
        duration=seconds,
        chunk_seconds=chunk_seconds,
        requested_by_id=user.id if user else None,
    )
    session.add(job)
    session.flush()
    assert job.id is not None  # flushed
    if enqueue is not None:
        job_id = job.id
        after_commit(session, lambda: enqueue(job_id))
    return job


def _state_word(state: JobState) -> str:
    return {
        JobState.queued: _("queued"),
        JobState.running: _("running"),
        JobState.done: _("done"),
        JobState.failed: _("failed"),
        JobState.cancelled: _("cancelled"),
    }[state]


def current(
    session: Session, *, recording: Recording, active: bool = False
) -> TranscriptionJob | None:
    """The recording's newest job (only a queued or running one with `active`)."""
    stmt = select(TranscriptionJob).where(TranscriptionJob.recording_id == recording.id)
    if active:
        stmt = stmt.where(col(TranscriptionJob.state).in_(ACTIVE_JOB_STATES))
    return session.exec(stmt.order_by(col(TranscriptionJob.id).desc()).limit(1)).first()


def latest(session: Session, *, recording: Recording) -> TranscriptionJob:
    """The recording's newest job, or NotFound."""
    job = current(session, recording=recording)
    if job is None:
        raise NotFound(_("no machine transcript has been asked for this recording"))
    return job


def cancel(session: Session, *, recording: Recording) -> TranscriptionJob:
    """Stop the recording's queued or running job: its words so far are discarded at once, and
    a worker at work on it stops after its current chunk, keeping nothing of it."""
    job = current(session, recording=recording, active=True)
    if job is None:
        raise Conflict(_("no machine transcript of this recording is queued or running"))
    changed = session.connection().execute(
        update(TranscriptionJob)
        .where(
            col(TranscriptionJob.id) == job.id,
            col(TranscriptionJob.state).in_(ACTIVE_JOB_STATES),
        )
        .values(state=JobState.cancelled, finished_at=utcnow(), worker="")
    )
    if changed.rowcount != 1:  # it finished meanwhile
        raise Conflict(_("the machine transcript has just finished; there is nothing to cancel"))
    session.connection().execute(
        delete(TranscriptionWord).where(col(TranscriptionWord.job_id) == job.id)
    )
    session.refresh(job)
    return job


def _percent(job: TranscriptionJob) -> int:
    if job.state is JobState.done:
        return 100
    return min(99, math.floor(100 * job.done_seconds / job.duration)) if job.duration else 0


def eta(job: TranscriptionJob) -> float | None:
    """Seconds of work left at the rate of the chunks done so far (None before the first)."""
    if job.state not in ACTIVE_JOB_STATES or job.done_seconds <= 0:
        return None
    return (job.duration - job.done_seconds) * job.busy_seconds / job.done_seconds


def status(session: Session, job: TranscriptionJob) -> TranscriptionStatus:
    recording = session.get(Recording, job.recording_id)
    assert recording is not None  # recording_id is a foreign key
    left = eta(job)
    api = f"/api/v1/recordings/{recording.slug}/transcription"
    return TranscriptionStatus(
        id=job.id,
        recording=recording.slug,
        language=job.language,
        language_name=language_name(job.language),
        model=job.model,
        state=job.state,
        active=job.state in ACTIVE_JOB_STATES,
        percent=_percent(job),
        done=job.done_seconds,
        done_tc=format_time(round(job.done_seconds)),
        duration=job.duration,
        duration_tc=format_time(round(job.duration)),
        eta=None if left is None else round(left, 1),
        eta_tc=None if left is None else format_time(round(left)),
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        error=job.error,
        links={
            "self": api,
            "cancel": f"{api}/cancel",
            "page": links.import_url(recording.slug),
            "navigator": links.recording_url(recording.slug),
        },
    )


def recent(session: Session, *, limit: int = 20) -> list[TranscriptionJob]:
    """Unfinished jobs, then the latest finished ones: what `sessionnav jobs` lists."""
    stmt = select(TranscriptionJob).order_by(
        col(TranscriptionJob.state).in_(ACTIVE_JOB_STATES).desc(),
        col(TranscriptionJob.id).desc(),
    )
    return list(session.exec(stmt.limit(limit)))


def proposals(session: Session, *, recording: Recording, viewer: User | None) -> list[Proposal]:
    """Where the transcript says each of the recording's unplaced quotes was said."""
    stmt = select(Annotation).where(
        Annotation.recording_id == recording.id,
        Annotation.kind == AnnotationKind.quote,
        Annotation.placement == Placement.unplaced,
        access.visible_to(viewer),
    )
    found = []
    for quote in session.exec(stmt.order_by(col(Annotation.id))):
        try:
            found.append(Proposal(quote, placement.propose(session, annotation=quote)))
        except DomainError:
            continue  # a quote without words, or no transcript to look in
    return found
