"""Transcripts: a recording's cues stored (an import replaces a language's cues all or
nothing), and read back as pages, windows around a moment, and files."""

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, delete, func, select
from tqdm import tqdm

from app import links
from app.errors import Invalid
from app.i18n import _
from app.models import Recording, Speaker, Transcript, TranscriptCue, TranscriptOrigin, utcnow
from app.pagination import Key, keyset_page
from app.schemas import TranscriptCuePublic
from app.services.speaker_names import SpeakerBook
from app.services.subtitles import TranscriptFormat, parse, to_srt, to_webvtt
from app.services.turns import derive_from_transcript
from app.timecodes import format_time

LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,3}")  # BCP 47, loosely
INSERT_BATCH = 1000


@dataclass(frozen=True)
class ImportResult:
    cues: int
    language: str
    speakers_matched: list[str]
    speakers_created: list[str]


def import_transcript(
    session: Session,
    *,
    recording: Recording,
    text: str,
    format: TranscriptFormat | None = None,
    language: str | None = None,
    field: str = "body",
    progress: bool = False,
) -> ImportResult:
    """Replace the recording's transcript in `language` (default: the recording's).

    Everything is checked before the first write, and all writes share the caller's
    transaction, so a refused file leaves the stored transcript as it was.
    """
    if language is not None:
        checked_language(language)
    cues = parse(text, format=format, duration=recording.duration, field=field)
    language = language or recording.language
    book = SpeakerBook(session)
    matched: list[str] = []
    created: list[str] = []
    speaker_ids: dict[str | None, int | None] = {}  # by a cue's voice, which may be None
    for voice in dict.fromkeys(c.voice for c in cues if c.voice):
        known = book.find(voice)
        speaker = known or book.get_or_create(voice)
        (matched if known else created).append(speaker.slug)
        speaker_ids[voice] = speaker.id
    rows = [
        {"speaker_id": speaker_ids.get(c.voice), "start": c.start, "end": c.end, "text": c.text}
        for c in cues
    ]
    replace(
        session,
        recording=recording,
        language=language,
        rows=rows,
        origin=TranscriptOrigin.human,
        progress=progress,
    )
    return ImportResult(len(rows), language, matched, created)


def checked_language(language: str) -> str:
    """`language` when it is a language tag; Invalid naming it when it is not."""
    if not LANGUAGE.fullmatch(language):
        raise Invalid(
            _("%(tag)s is not a language tag such as en or pt-BR") % {"tag": repr(language[:40])},
            field="language",
        )
    return language


def replace(
    session: Session,
    *,
    recording: Recording,
    language: str,
    rows: list[dict[str, Any]],
    origin: TranscriptOrigin,
    model: str = "",
    progress: bool = False,
) -> None:
    """The recording's transcript in `language` becomes `rows` (start, end, text, speaker_id),
    recorded as made by people or by the speech model `model`, in the caller's transaction."""
    session.exec(
        delete(TranscriptCue).where(
            col(TranscriptCue.recording_id) == recording.id,
            col(TranscriptCue.language) == language,
        )
    )
    rows = [
        {"speaker_id": None, **r, "recording_id": recording.id, "language": language} for r in rows
    ]
    connection = session.connection()
    with tqdm(total=len(rows), unit="cue", disable=not progress, desc="cues") as bar:
        for i in range(0, len(rows), INSERT_BATCH):
            batch = rows[i : i + INSERT_BATCH]
            connection.execute(insert(TranscriptCue), batch)
            bar.update(len(batch))
    if connection.dialect.name == "postgresql":
        # A bulk insert can change the table's size and words many times over before
        # autovacuum notices; fresh statistics keep search plans (GIN index, row estimates) right.
        connection.exec_driver_sql("ANALYZE transcript_cue")
    made = made_by(session, recording=recording, language=language)
    if made is None:
        assert recording.id is not None  # a stored row
        made = Transcript(recording_id=recording.id, language=language, origin=origin)
    made.origin, made.model, made.made_at = origin, model, utcnow()
    session.add(made)
    session.flush()
    derive_from_transcript(session, recording=recording)  # who spoke when, from the voices


def made_by(session: Session, *, recording: Recording, language: str) -> Transcript | None:
    """Who made the transcript in `language`; None for one stored without that record (an
    event import), which is people's work as far as anyone knows."""
    stmt = select(Transcript).where(
        Transcript.recording_id == recording.id, Transcript.language == language
    )
    return session.exec(stmt).first()


def cue_query(*, recording: Recording, language: str):
    """The recording's cues in one language; callers add windows, order and paging."""
    return select(TranscriptCue).where(
        TranscriptCue.recording_id == recording.id, TranscriptCue.language == language
    )


def cues_of(session: Session, *, recording: Recording, language: str) -> list[TranscriptCue]:
    stmt = cue_query(recording=recording, language=language)
    return list(session.exec(stmt.order_by(col(TranscriptCue.start), col(TranscriptCue.id))))


def count(session: Session, *, recording: Recording, language: str | None = None) -> int:
    """How many cues the recording's transcript in `language` (default: its own) holds."""
    stmt = cue_query(recording=recording, language=language or recording.language)
    return session.exec(select(func.count()).select_from(stmt.subquery())).one()


def by_ids(session: Session, ids: list[int]) -> list[TranscriptCue]:
    """Cues by id, in time order."""
    stmt = select(TranscriptCue).where(col(TranscriptCue.id).in_(ids))
    return list(session.exec(stmt.order_by(col(TranscriptCue.start))))


def speakers_of(session: Session, cues: list[TranscriptCue]) -> dict[int, Speaker]:
    ids = {c.speaker_id for c in cues if c.speaker_id}
    if not ids:
        return {}
    stmt = select(Speaker).where(col(Speaker.id).in_(ids))
    return {s.id: s for s in session.exec(stmt) if s.id is not None}


def to_public(
    cues: list[TranscriptCue], speakers: dict[int, Speaker], recording: Recording
) -> list[TranscriptCuePublic]:
    return [
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
            url=links.recording_url(recording.slug, c.start),
        )
        for c in cues
    ]


def page(
    session: Session,
    *,
    recording: Recording,
    language: str | None,
    start: float | None,
    end: float | None,
    key: Key | None,
    limit: int,
) -> tuple[list[TranscriptCuePublic], Key | None]:
    """Cues in time order; `start`/`end` keep those that start inside the window."""
    if start is not None and end is not None and end < start:
        raise Invalid(_("'to' must not be before 'from'"), field="to")
    stmt = cue_query(recording=recording, language=language or recording.language)
    if start is not None:
        stmt = stmt.where(col(TranscriptCue.start) >= start)
    if end is not None:
        stmt = stmt.where(col(TranscriptCue.start) <= end)
    columns = [col(TranscriptCue.start), col(TranscriptCue.id)]
    rows, after = keyset_page(session, stmt, columns, key, limit)
    return to_public(rows, speakers_of(session, rows), recording), after


@dataclass
class Window:
    """The cues around a moment, as the navigator shows them beside the player."""

    cues: list[TranscriptCue] = field(default_factory=list)
    speakers: dict[int, Speaker] = field(default_factory=dict)
    current: int | None = None  # id of the cue playing at the moment
    earlier: float | None = None  # where the previous window starts, when there is one
    later: float | None = None  # where the next window starts, when there is one
    language: str = "en"
    made_by: Transcript | None = None  # a machine transcript names its model


def window(session: Session, *, recording: Recording, at: float, before: int, after: int) -> Window:
    """`before` cues up to `at` and `after` cues past it: three small indexed queries,
    whatever the transcript's length."""
    query = cue_query(recording=recording, language=recording.language)
    start, ident = col(TranscriptCue.start), col(TranscriptCue.id)
    backwards = query.where(start <= at).order_by(start.desc(), ident.desc())
    earlier_rows = list(session.exec(backwards.limit(before + 1)))
    later_rows = list(session.exec(query.where(start > at).order_by(start, ident).limit(after + 1)))
    # The previous window is the one whose last cue is just before this one's first.
    earlier = None
    if len(earlier_rows) > before:
        back = backwards.with_only_columns(start).offset(before + after - 1).limit(1)
        earlier = session.exec(back).first() or 0.0
    cues = earlier_rows[:before][::-1] + later_rows[:after]
    playing = next((c for c in earlier_rows[:1] if c.end > at), None)
    return Window(
        cues=cues,
        speakers=speakers_of(session, cues),
        current=playing.id if playing else None,
        earlier=earlier,
        later=later_rows[after - 1].start if len(later_rows) > after else None,
        language=recording.language,
        made_by=made_by(session, recording=recording, language=recording.language)
        if cues
        else None,
    )


def as_file(
    session: Session, *, recording: Recording, language: str | None, format: TranscriptFormat
) -> str:
    """The transcript as a WebVTT (voice tags kept) or SRT file."""
    cues = cues_of(session, recording=recording, language=language or recording.language)
    if format is TranscriptFormat.vtt:
        return to_webvtt(cues, speakers_of(session, cues))
    return to_srt(cues)


def languages(session: Session, *, recording: Recording) -> list[str]:
    """The languages the recording has cues in, its own first: one captions track each."""
    stmt = select(TranscriptCue.language).where(TranscriptCue.recording_id == recording.id)
    found = set(session.exec(stmt.distinct()))
    return sorted(found, key=lambda tag: (tag != recording.language, tag))
