"""Transcripts: JSON under /api/v1 (`router`) and WebVTT/SRT files next to the navigator
(`files_router`, at /r/{recording}/transcript.vtt for <track> elements and downloads)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from app import links, placement, transcripts
from app.api.imports import TEXT_BODY_DOC, TextBody
from app.api.params import TimeParam, parse_seconds
from app.deps import DEFAULT_PAGE, CursorQuery, LimitQuery, SessionDep
from app.errors import Invalid
from app.models import TranscriptCue
from app.pagination import keyset_page
from app.schemas import Page, PlacementProposal, TranscriptCuePublic, TranscriptImported
from app.services import annotations, recordings
from app.timecodes import format_time
from app.transcripts import TranscriptFormat

router = APIRouter(tags=["transcripts"])
files_router = APIRouter(prefix="/r/{recording}", tags=["exports"])
LanguageQuery = Annotated[
    str | None,
    Query(
        max_length=35,
        pattern=rf"^{transcripts.LANGUAGE.pattern}$",
        description="BCP 47 tag; defaults to the recording's language",
    ),
]


@router.get("/recordings/{recording}/transcript")
def list_cues(
    session: SessionDep,
    recording: str,
    from_: Annotated[TimeParam, Query(alias="from")] = None,
    to: TimeParam = None,
    language: LanguageQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE,
) -> Page[TranscriptCuePublic]:
    """Cues in time order; `from`/`to` keep those that start inside the window."""
    start, end = parse_seconds(from_, "query.from"), parse_seconds(to, "query.to")
    if start is not None and end is not None and end < start:
        raise Invalid("'to' must not be before 'from'", field="query.to")
    rec = recordings.get(session, slug=recording)
    stmt = transcripts.cue_query(recording=rec, language=language or rec.language)
    if start is not None:
        stmt = stmt.where(TranscriptCue.start >= start)
    if end is not None:
        stmt = stmt.where(TranscriptCue.start <= end)
    rows, nxt = keyset_page(session, stmt, [TranscriptCue.start, TranscriptCue.id], cursor, limit)
    speakers = transcripts.speakers_of(session, rows)
    return Page(
        items=[
            TranscriptCuePublic(
                id=c.id,
                start=c.start,
                start_tc=format_time(c.start),
                end=c.end,
                end_tc=format_time(c.end),
                text=c.text,
                speaker=speakers[c.speaker_id].slug if c.speaker_id else None,
                speaker_name=speakers[c.speaker_id].name if c.speaker_id else None,
                language=c.language,
                url=links.recording_url(rec.slug, c.start),
            )
            for c in rows
        ],
        next=nxt,
    )


@router.post(
    "/recordings/{recording}/transcript",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=TEXT_BODY_DOC,
)
def import_transcript(
    session: SessionDep,
    recording: str,
    body: TextBody,
    format: Annotated[TranscriptFormat | None, Query(description="detected when left out")] = None,
    language: LanguageQuery = None,
) -> TranscriptImported:
    """Replace the transcript in that language with a WebVTT or SRT file; WebVTT voice
    tags (`<v Name>`) name the speakers. A bad file is refused naming its line."""
    rec = recordings.get(session, slug=recording)
    result = transcripts.import_transcript(
        session, recording=rec, text=body.text, format=format, language=language, field=body.field
    )
    return TranscriptImported(**vars(result))


@router.get("/annotations/{annotation_id}/placement")
def propose_placement(
    session: SessionDep, annotation_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> PlacementProposal:
    """The moment the transcript suggests for a quote, with a confidence 0-100. Accept it
    with `PATCH /annotations/{id}` and `{"start": ..., "end": ...}`."""
    annotation = annotations.get(session, annotation_id=annotation_id)
    return placement.propose(session, annotation=annotation)


@files_router.get("/transcript.vtt", response_class=Response)
def transcript_vtt(session: SessionDep, recording: str, language: LanguageQuery = None) -> Response:
    rec = recordings.get(session, slug=recording)
    cues = transcripts.cues_of(session, recording=rec, language=language or rec.language)
    body = transcripts.to_webvtt(cues, transcripts.speakers_of(session, cues))
    return Response(body, media_type="text/vtt; charset=utf-8")


@files_router.get("/transcript.srt", response_class=Response)
def transcript_srt(session: SessionDep, recording: str, language: LanguageQuery = None) -> Response:
    rec = recordings.get(session, slug=recording)
    cues = transcripts.cues_of(session, recording=rec, language=language or rec.language)
    return Response(transcripts.to_srt(cues), media_type="application/x-subrip; charset=utf-8")
