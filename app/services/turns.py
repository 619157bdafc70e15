"""Who spoke when (PRODUCT §6c): speaker turns derived from a transcript's voice tags or set by
an editor, read as pages, around a moment, per speaker, and as the navigator's lane."""

import math
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, SQLColumnExpression, cast, insert
from sqlmodel import Session, col, delete, func, select

from app import links
from app.errors import Invalid, NotFound
from app.i18n import _
from app.models import Recording, Speaker, SpeakerTurn, TranscriptCue, TurnSource, User
from app.pagination import Key, keyset_page
from app.schemas import MAX_ID, TurnCreate, TurnPublic, TurnUpdate
from app.services import access
from app.services import speakers as speaker_service
from app.services.common import apply_changes
from app.timecodes import format_time

# One speaker's consecutive cues are one turn while the silence between them is at most this:
# a breath or a pause between sentences (subtitle cues are usually back to back, or 1-2 s
# apart), not the applause, unrecorded question or slide change that passes the floor on.
MERGE_GAP = 3.0
# The most blocks the navigator's lane draws, whatever the number of turns: at ~150 bytes of
# HTML a block, under 5 KB of the page's weight budget (PRODUCT §8).
LANE_BLOCKS = 32
INSERT_BATCH = 1000


def derive_from_transcript(session: Session, *, recording: Recording) -> int:
    """Replace the recording's transcript turns with those its voice-tagged cues give, and say
    how many there are now; an editor's turns are left as they are.

    The cues come from one transcript: the recording's own language when its cues name
    speakers, else the language whose cues name them most (a recording has one set of turns,
    not one per translation). A cue without a speaker ends the turn before it.
    """
    session.exec(
        delete(SpeakerTurn).where(
            col(SpeakerTurn.recording_id) == recording.id,
            col(SpeakerTurn.source) == TurnSource.transcript,
        )
    )
    voiced = dict(
        session.exec(
            select(TranscriptCue.language, func.count())
            .where(
                TranscriptCue.recording_id == recording.id,
                col(TranscriptCue.speaker_id).is_not(None),
            )
            .group_by(col(TranscriptCue.language))
        ).all()
    )
    if not voiced:
        return 0
    language = recording.language
    if language not in voiced:
        language = max(voiced, key=lambda tag: voiced[tag])
    cues = session.exec(
        select(TranscriptCue.speaker_id, TranscriptCue.start, TranscriptCue.end)
        .where(TranscriptCue.recording_id == recording.id, TranscriptCue.language == language)
        .order_by(col(TranscriptCue.start), col(TranscriptCue.id))
    )
    turns: list[dict] = []
    current: dict | None = None
    for speaker_id, start, end in cues:
        if current and current["speaker_id"] == speaker_id and start - current["end"] <= MERGE_GAP:
            current["end"] = max(current["end"], end)
        elif speaker_id is None:
            current = None
        else:
            current = {"speaker_id": speaker_id, "start": start, "end": end}
            turns.append(current)
    connection = session.connection()
    for i in range(0, len(turns), INSERT_BATCH):
        batch = turns[i : i + INSERT_BATCH]
        rows = [{**t, "recording_id": recording.id, "source": TurnSource.transcript} for t in batch]
        connection.execute(insert(SpeakerTurn), rows)
    return len(turns)


def get(session: Session, *, turn_id: int, viewer: User | None) -> SpeakerTurn:
    """The turn, unless it is in a draft `viewer` may not see ("not found" then too)."""
    turn = session.get(SpeakerTurn, turn_id) if 0 < turn_id <= MAX_ID else None
    recording = session.get(Recording, turn.recording_id) if turn else None
    if turn is None or recording is None or not (recording.published or access.sees_drafts(viewer)):
        raise NotFound(_("no speaker turn %(id)s") % {"id": turn_id}, field="turn")
    return turn


def list_page(
    session: Session,
    *,
    recording: Recording,
    start: float | None = None,
    end: float | None = None,
    key: Key | None,
    limit: int,
) -> tuple[list[TurnPublic], Key | None]:
    """Turns in time order; a window keeps those starting in [start, end], as the
    annotation and transcript lists do (a range scan on ix_speaker_turn_recording_start)."""
    if start is not None and end is not None and end < start:
        raise Invalid(_("'to' must not be before 'from'"), field="to")
    stmt = select(SpeakerTurn).where(SpeakerTurn.recording_id == recording.id)
    if start is not None:
        stmt = stmt.where(col(SpeakerTurn.start) >= start)
    if end is not None:
        stmt = stmt.where(col(SpeakerTurn.start) <= end)
    columns = [col(SpeakerTurn.start), col(SpeakerTurn.id)]
    rows, after = keyset_page(session, stmt, columns, key, limit)
    return to_public(session, rows, recording), after


def around(
    session: Session, *, recording: Recording, t: float, before: int = 3, after: int = 6
) -> list[TurnPublic]:
    """The turns an editor fixing "this moment" needs: a few up to `t` (the one playing among
    them, however long ago it started) and a few after, in time order."""
    stmt = select(SpeakerTurn).where(SpeakerTurn.recording_id == recording.id)
    start, ident = col(SpeakerTurn.start), col(SpeakerTurn.id)
    earlier = stmt.where(start <= t).order_by(start.desc(), ident.desc()).limit(before)
    later = stmt.where(start > t).order_by(start, ident).limit(after)
    rows = list(session.exec(earlier))[::-1] + list(session.exec(later))
    return to_public(session, rows, recording)


def of_speaker(
    session: Session, *, speaker: Speaker, viewer: User | None, limit: int = 500
) -> list[tuple[SpeakerTurn, Recording]]:
    """A speaker's turns across the recordings `viewer` may see, in recording then time order."""
    return list(
        session.exec(
            select(SpeakerTurn, Recording)
            .join(Recording, col(Recording.id) == SpeakerTurn.recording_id)
            .where(SpeakerTurn.speaker_id == speaker.id, access.recordings_visible_to(viewer))
            .order_by(col(Recording.id), col(SpeakerTurn.start), col(SpeakerTurn.id))
            .limit(limit)
        ).all()
    )


def _check(recording: Recording, turn: SpeakerTurn) -> None:
    """A turn is a range: start < end, within the recording when its duration is known."""
    duration = recording.duration
    if duration is not None and turn.start >= duration:
        raise Invalid(
            _("start %(start)s is at or past the recording's end %(duration)s")
            % {"start": format_time(turn.start), "duration": format_time(duration)},
            field="start",
        )
    if turn.end <= turn.start:
        raise Invalid(_("end must be after start"), field="end")
    if duration is not None and turn.end > duration:
        raise Invalid(
            _("end %(end)s is past the recording's end %(duration)s")
            % {"end": format_time(turn.end), "duration": format_time(duration)},
            field="end",
        )


def create(session: Session, *, recording: Recording, data: TurnCreate) -> SpeakerTurn:
    """An editor's turn: a re-imported transcript leaves it alone."""
    assert recording.id is not None  # a stored row
    speaker = speaker_service.get(session, slug=data.speaker, field="speaker")
    assert speaker.id is not None
    turn = SpeakerTurn(
        recording_id=recording.id,
        speaker_id=speaker.id,
        start=data.start,
        end=data.end,
        source=TurnSource.editor,
    )
    _check(recording, turn)
    session.add(turn)
    session.flush()
    return turn


def update(session: Session, *, turn: SpeakerTurn, data: TurnUpdate) -> SpeakerTurn:
    """A corrected turn becomes the editor's, so re-importing the transcript does not undo
    the correction."""
    recording = session.get(Recording, turn.recording_id)
    assert recording is not None  # recording_id is a foreign key
    apply_changes(turn, data, skip={"speaker"})
    if "speaker" in data.model_fields_set:
        if data.speaker is None:
            raise Invalid(_("a turn names its speaker"), field="speaker")
        speaker = speaker_service.get(session, slug=data.speaker, field="speaker")
        assert speaker.id is not None
        turn.speaker_id = speaker.id
    _check(recording, turn)
    turn.source = TurnSource.editor
    session.add(turn)
    session.flush()
    return turn


def delete_turn(session: Session, *, turn: SpeakerTurn) -> None:
    session.delete(turn)
    session.flush()


def _speakers(session: Session, ids: set[int]) -> dict[int, Speaker]:
    if not ids:
        return {}
    found = session.exec(select(Speaker).where(col(Speaker.id).in_(ids)))
    return {s.id: s for s in found if s.id is not None}


def to_public(session: Session, turns: list[SpeakerTurn], recording: Recording) -> list[TurnPublic]:
    speakers = _speakers(session, {t.speaker_id for t in turns})
    return [
        TurnPublic(
            id=t.id,
            recording=recording.slug,
            speaker=speakers[t.speaker_id].slug,
            speaker_name=speakers[t.speaker_id].name,
            start=t.start,
            start_tc=format_time(t.start),
            end=t.end,
            end_tc=format_time(t.end),
            source=t.source,
            url=links.recording_url(recording.slug, t.start),
        )
        for t in turns
    ]


@dataclass(frozen=True)
class LaneBlock:
    speaker: Speaker
    colour: int  # the speaker's place in `Lane.speakers`
    start: float
    end: float


@dataclass(frozen=True)
class Lane:
    """The navigator's who-spoke-when lane: at most LANE_BLOCKS blocks, so the page weighs the
    same for 10 turns or 10,000. With more turns than that, each block is a stretch in which
    one speaker spoke most (`coarse`); the API and the speaker pages keep every turn."""

    blocks: list[LaneBlock]
    speakers: list[Speaker]  # in the order they first appear in the lane: legend and colours
    coarse: bool


def lane(session: Session, *, recording: Recording, span: float) -> Lane:
    """The lane over [0, span], the timeline's scale (what lies past it is cut off), in a
    fixed number of queries whose answers stay small however many turns there are."""
    stmt = select(SpeakerTurn.speaker_id, SpeakerTurn.start, SpeakerTurn.end).where(
        SpeakerTurn.recording_id == recording.id, col(SpeakerTurn.start) < span
    )
    order = [col(SpeakerTurn.start), col(SpeakerTurn.id)]
    rows = session.exec(stmt.order_by(*order).limit(LANE_BLOCKS + 1)).all()
    coarse = len(rows) > LANE_BLOCKS
    stretches = _coarse(session, recording=recording, span=span) if coarse else rows
    colours = list(dict.fromkeys(speaker_id for speaker_id, _, _ in stretches))
    speakers = _speakers(session, set(colours))
    blocks = [
        LaneBlock(speakers[speaker_id], colours.index(speaker_id), start, min(end, span))
        for speaker_id, start, end in stretches
    ]
    return Lane(blocks, [speakers[i] for i in colours], coarse)


def _slot(
    session: Session, seconds: SQLColumnExpression[float], width: float
) -> ColumnElement[int]:
    """floor(seconds / width) in SQL, for times (never negative): SQLite builds may lack
    floor(), and its CAST truncates, which is the same thing here."""
    if session.connection().dialect.name == "sqlite":
        return cast(seconds / width, Integer)
    return cast(func.floor(seconds / width), Integer)


def _coarse(
    session: Session, *, recording: Recording, span: float
) -> list[tuple[int, float, float]]:
    """(speaker, start, end) stretches: the span cut into LANE_BLOCKS slots, each given to
    whoever spoke longest in it (the earlier to speak on a tie), neighbouring slots of one
    speaker joined. A stretch runs from that speaker's first word in its first slot to their
    last in its last, so its link opens where they start.

    The database sums the turns that lie inside one slot (most of them); the few that cross a
    slot's edge are shared out here."""
    width = span / LANE_BLOCKS
    talk: list[dict[int, float]] = [defaultdict(float) for _ in range(LANE_BLOCKS)]
    first: dict[tuple[int, int], float] = {}
    last: dict[tuple[int, int], float] = {}

    def add(i: int, speaker_id: int, seconds: float, a: float, b: float) -> None:
        talk[i][speaker_id] += seconds
        first[i, speaker_id] = min(first.get((i, speaker_id), a), a)
        last[i, speaker_id] = max(last.get((i, speaker_id), b), b)

    start, end = col(SpeakerTurn.start), col(SpeakerTurn.end)
    opens, closes = _slot(session, start, width), _slot(session, end, width)
    mine = (SpeakerTurn.recording_id == recording.id, start < span)
    inside = (
        select(SpeakerTurn.speaker_id, func.sum(end - start), func.min(start), func.max(end))
        .where(*mine, opens == closes)
        .group_by(opens, col(SpeakerTurn.speaker_id))
    )
    for speaker_id, seconds, a, b in session.exec(inside):  # a group's turns share a's slot
        add(min(int(a // width), LANE_BLOCKS - 1), speaker_id, seconds, a, b)
    across = select(SpeakerTurn.speaker_id, start, end).where(*mine, opens != closes)
    for speaker_id, a, b in session.exec(across):
        for i in range(int(a // width), min(int(b // width), LANE_BLOCKS - 1) + 1):
            left, right = max(a, i * width), min(b, (i + 1) * width)
            if right > left:
                add(i, speaker_id, right - left, left, right)
    stretches: list[tuple[int, float, float]] = []
    previous: int | None = None
    for i, spoken in enumerate(talk):
        who = max(spoken, key=lambda s: (spoken[s], -first[i, s])) if spoken else None
        if who is not None and who == previous:
            stretches[-1] = (who, stretches[-1][1], math.ceil(last[i, who]))
        elif who is not None:  # whole seconds: a stretch's edges are approximate anyway
            stretches.append((who, math.floor(first[i, who]), math.ceil(last[i, who])))
        previous = who
    return stretches
