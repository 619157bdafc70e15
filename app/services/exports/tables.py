"""A recording's annotations as tables other tools open: CSV (spreadsheets, scripts) and
ELAN's EAF (linguists' time-aligned tiers), each holding only what the viewer may see.

EAF: one tier per speaker (named after them, PARTICIPANT their name) holding their turns
(empty values) and their placed quotes (the quote's words), and one tier "Annotations" for
the other placed annotations ("kind: text"). Times are the stored milliseconds; a point
annotation, which ELAN cannot draw, lasts POINT_MS. Unplaced quotes have no time and are
left out. Overlaps within a tier (a quote inside its speaker's turn) are kept: ELAN opens
them, and splitting turns around quotes would change the times the database holds.
"""

import csv
import io
from collections.abc import Iterator
from xml.etree import ElementTree

from pympi.Elan import Eaf, to_adocument  # type: ignore[import-untyped]
from sqlmodel import Session, col, select

from app import links
from app.models import AnnotationKind, Recording, Speaker, SpeakerTurn, User
from app.services.exports.webannotation import count, details, timestamp, visible
from app.timecodes import format_time

CSV_COLUMNS = [
    "id", "reply_to", "kind", "start", "end", "start_tc", "end_tc",
    "speaker", "text", "tags", "owner", "created", "url",
]  # fmt: skip
BATCH = 1000
POINT_MS = 1000
OTHER_TIER = "Annotations"


def _batches(session: Session, recording: Recording, viewer: User | None) -> Iterator[list]:
    """The visible annotations a thousand at a time, so a large recording is never all in
    memory as rows."""
    total = count(session, recording=recording, viewer=viewer)
    for offset in range(0, total, BATCH):
        yield visible(session, recording=recording, viewer=viewer, offset=offset, limit=BATCH)


def annotations_csv(
    session: Session, *, recording: Recording, viewer: User | None, site: str
) -> str:
    """One row per annotation, replies right after theirs with reply_to their parent's id;
    times in seconds and as time codes; tags joined by "; "."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for rows in _batches(session, recording, viewer):
        known = details(session, rows)
        for a in rows:
            assert a.id is not None  # stored rows
            owner = known.owners.get(a.owner_id) if a.owner_id else None
            speaker = known.speakers.get(a.speaker_id) if a.speaker_id else None
            writer.writerow([
                a.id, a.reply_to_id or "", a.kind.value,
                "" if a.start is None else a.start, "" if a.end is None else a.end,
                "" if a.start is None else format_time(a.start),
                "" if a.end is None else format_time(a.end),
                speaker.name if speaker else "", a.text, "; ".join(known.tags[a.id]),
                owner.username if owner else "", timestamp(a.created_at),
                site + links.annotation_url(a.id),
            ])  # fmt: skip
    return out.getvalue()


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def eaf(session: Session, *, recording: Recording, viewer: User | None, site: str) -> bytes:
    """The EAF document (UTF-8 XML) linked to the recording's media."""
    document = Eaf(author="Session Navigator")
    document.remove_tier("default")
    source = links.media_src(recording)
    if source:
        document.add_linked_file(source if "://" in source else site + source)
    duration_ms = _ms(recording.duration) if recording.duration else None
    turns = session.exec(
        select(SpeakerTurn)
        .where(SpeakerTurn.recording_id == recording.id)
        .order_by(col(SpeakerTurn.start), col(SpeakerTurn.id))
    ).all()
    speakers = {
        s.id: s
        for s in session.exec(
            select(Speaker).where(col(Speaker.id).in_({t.speaker_id for t in turns}))
        )
    }
    tiers: dict[int, str] = {}

    def tier_of(speaker: Speaker) -> str:
        assert speaker.id is not None
        if speaker.id not in tiers:
            name = speaker.name if speaker.name not in tiers.values() else speaker.slug
            document.add_tier(name, part=speaker.name)
            tiers[speaker.id] = name
        return tiers[speaker.id]

    for turn in turns:
        document.add_annotation(tier_of(speakers[turn.speaker_id]), _ms(turn.start), _ms(turn.end))
    for rows in _batches(session, recording, viewer):
        known = details(session, rows)
        for a in rows:
            if a.start is None or a.reply_to_id is not None:
                continue
            start = _ms(a.start)
            end = _ms(a.end) if a.end is not None else start + POINT_MS
            if duration_ms is not None:
                end = max(start + 1, min(end, duration_ms))
            if a.kind is AnnotationKind.quote and a.speaker_id is not None:
                tier = tier_of(known.speakers[a.speaker_id])
                document.add_annotation(tier, start, end, a.text)
            else:
                if OTHER_TIER not in document.tiers:
                    document.add_tier(OTHER_TIER)
                document.add_annotation(OTHER_TIER, start, end, f"{a.kind.value}: {a.text}")
    return ElementTree.tostring(
        to_adocument(document, True), encoding="UTF-8", xml_declaration=True
    )
