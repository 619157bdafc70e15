"""Machine transcripts (PRODUCT §6d) under /api/v1: an editor asks for one, anyone who may see
the recording follows its progress, an editor cancels it. The work is a background job
(app.jobs); a finished job has replaced the transcript in its language."""

from typing import Annotated

from fastapi import Body, status

from app import jobs
from app.deps import SessionDep, SettingsDep
from app.http.auth import Anyone, Editors
from app.http.errors import DOCUMENTED_ERRORS
from app.http.routing import router as make_router
from app.services import recordings, transcription
from app.services.transcription import TranscriptionAsked, TranscriptionStatus

router = make_router(prefix="/api/v1", tags=["transcripts"], responses=DOCUMENTED_ERRORS)
PATH = "/recordings/{recording}/transcription"


@router.post(PATH, status_code=status.HTTP_202_ACCEPTED)
def start_transcription(
    session: SessionDep,
    settings: SettingsDep,
    user: Editors,
    recording: str,
    data: Annotated[TranscriptionAsked | None, Body()] = None,
) -> TranscriptionStatus:
    """Queue a machine transcript of the recording's own audio in `language` (its own by
    default). Refused when the media is not stored here (a YouTube video, a link), the
    speech model cannot recognise the language, or a job of this recording is unfinished."""
    job = transcription.start(
        session,
        recording=recordings.get(session, slug=recording, viewer=user),
        language=data.language if data else None,
        settings=settings,
        user=user,
        enqueue=jobs.enqueuer(settings),
    )
    return transcription.status(session, job)


@router.get(PATH)
def transcription_status(session: SessionDep, user: Anyone, recording: str) -> TranscriptionStatus:
    """The recording's latest job: state, percent, seconds done, ETA, the model and language."""
    rec = recordings.get(session, slug=recording, viewer=user)
    return transcription.status(session, transcription.latest(session, recording=rec))


@router.post(f"{PATH}/cancel")
def cancel_transcription(session: SessionDep, user: Editors, recording: str) -> TranscriptionStatus:
    """Cancel the queued or running job; what it has recognised so far is discarded."""
    rec = recordings.get(session, slug=recording, viewer=user)
    return transcription.status(session, transcription.cancel(session, recording=rec))
