"""Transcripts: JSON under /api/v1 (`router`) and WebVTT/SRT files next to the navigator
(`files_router`, at /r/{recording}/transcript.vtt for <track> elements and downloads)."""

from typing import Annotated, Any

from fastapi import Query, Request, Response, status

from app.api.imports import TEXT_BODY_DOC, TextBody
from app.api.params import AnnotationPath, FromQuery, ToQuery
from app.deps import PagingDep, SessionDep
from app.http.auth import Anyone, Editors
from app.http.errors import DOCUMENTED_ERRORS
from app.http.routing import router as make_router
from app.models import User
from app.schemas import Page, PlacementProposal, TranscriptCuePublic, TranscriptImported
from app.services import annotations, placement, recordings, transcripts
from app.services.subtitles import TranscriptFormat
from app.sizes import MAX_IMPORT_BODY_BYTES

router = make_router(tags=["transcripts"])
files_router = make_router(prefix="/r/{recording}", tags=["exports"], responses=DOCUMENTED_ERRORS)
LanguageQuery = Annotated[
    str | None,
    Query(
        max_length=35,
        pattern=rf"^{transcripts.LANGUAGE.pattern}$",
        description="BCP 47 tag; defaults to the recording's language",
    ),
]
FILE_TYPES = {TranscriptFormat.vtt: "text/vtt", TranscriptFormat.srt: "application/x-subrip"}


@router.get("/recordings/{recording}/transcript")
def list_cues(
    session: SessionDep,
    user: Anyone,
    paging: PagingDep,
    recording: str,
    from_: FromQuery = None,
    to: ToQuery = None,
    language: LanguageQuery = None,
) -> Page[TranscriptCuePublic]:
    """Cues in time order; `from`/`to` keep those that start inside the window."""
    cues, after = transcripts.page(
        session,
        recording=recordings.get(session, slug=recording, viewer=user),
        language=language,
        start=from_,
        end=to,
        key=paging.key,
        limit=paging.limit,
    )
    return paging.page(cues, after)


@router.post(
    "/recordings/{recording}/transcript",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=TEXT_BODY_DOC,
    max_body_size=MAX_IMPORT_BODY_BYTES,
)
def import_transcript(
    session: SessionDep,
    user: Editors,
    recording: str,
    body: TextBody,
    format: Annotated[TranscriptFormat | None, Query(description="detected when left out")] = None,
    language: LanguageQuery = None,
) -> TranscriptImported:
    """Replace the transcript in that language with a WebVTT or SRT file; WebVTT voice
    tags (`<v Name>`) name the speakers. A bad file is refused naming its line."""
    result = transcripts.import_transcript(
        session,
        recording=recordings.get(session, slug=recording, viewer=user),
        text=body.text,
        format=format,
        language=language,
        field=body.field,
    )
    return TranscriptImported(**vars(result))


@router.get("/annotations/{annotation}/placement")
def propose_placement(
    session: SessionDep, user: Anyone, annotation: AnnotationPath
) -> PlacementProposal:
    """The moment the transcript suggests for a quote, with a confidence 0-100. Accept it
    with `PATCH /annotations/{id}` and `{"start": ..., "end": ...}`."""
    row = annotations.get(session, annotation_id=annotation, viewer=user)
    return placement.propose(session, annotation=row)


def _file(
    session, user: User | None, recording: str, language: str | None, format: TranscriptFormat
) -> Response:
    rec = recordings.get(session, slug=recording, viewer=user)
    body = transcripts.as_file(session, recording=rec, language=language, format=format)
    return Response(body, media_type=f"{FILE_TYPES[format]}; charset=utf-8")


_FILE_DOC: dict[TranscriptFormat, dict[int | str, dict[str, Any]]] = {
    format: {200: {"content": {media: {"schema": {"type": "string"}}}, "description": "the file"}}
    for format, media in FILE_TYPES.items()
}


@files_router.get(
    "/transcript.vtt", response_class=Response, responses=_FILE_DOC[TranscriptFormat.vtt]
)
def transcript_vtt(
    request: Request,
    session: SessionDep,
    user: Anyone,
    recording: str,
    language: LanguageQuery = None,
) -> Response:
    """Made once per change for readers not signed in: every player asks for it."""
    return request.app.state.pages.page(
        request, session, lambda: _file(session, user, recording, language, TranscriptFormat.vtt)
    )


@files_router.get(
    "/transcript.srt", response_class=Response, responses=_FILE_DOC[TranscriptFormat.srt]
)
def transcript_srt(
    session: SessionDep, user: Anyone, recording: str, language: LanguageQuery = None
) -> Response:
    return _file(session, user, recording, language, TranscriptFormat.srt)
