"""The product's own full JSON export of an event, and its import (PRODUCT §6): a lossless
backup that moves an event between installs. The document is described by
event-export.schema.json beside this module (format "sessionnav-event", version 1) and
read and checked by app.services.exports.event_document.

The document holds no database ids (slugs, usernames and document-local refs instead) and
keeps every timestamp, so export → import into an empty database → export gives the same
bytes. It is written item by item (`export` yields text), so the caller can stream it
without holding it twice. The import checks the whole document before it writes, then
writes in the caller's one unit of work: a refusal anywhere leaves the database unchanged.
Segments and speakers go through their services (they are few, and their rules apply);
annotations, tags, cues and turns are bulk inserts, as 10,000 annotations through the
annotation service (one flush and audit entry each) would take minutes.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, union
from sqlmodel import Session, col, select
from tqdm import tqdm

from app.errors import Conflict, DomainError, validated
from app.i18n import _
from app.models import (
    Annotation,
    AnnotationTag,
    AuditAction,
    Event,
    MediaKind,
    Recording,
    Segment,
    SegmentSpeaker,
    Speaker,
    SpeakerTurn,
    TranscriptCue,
    User,
)
from app.schemas import EventCreate, SegmentCreate, SpeakerCreate
from app.services import audit, events, segments
from app.services import speakers as speaker_service
from app.services.common import exists
from app.services.exports.event_document import (
    FORMAT,
    VERSION,
    check,
    parse,
    parse_stamp,
    schema,
    stamp,
)
from app.services.speaker_names import SpeakerBook
from app.textfiles import in_pieces

__all__ = ["ImportSummary", "check", "export", "import_event", "parse", "schema"]
BATCH = 1000  # rows per bulk insert statement


def _fields(row: Any, *, exclude: set[str]) -> dict[str, Any]:
    """A row's columns in the model's order: `model_dump` follows the order the attributes
    were loaded in, which differs between processes, and the document's bytes must not."""
    return {name: getattr(row, name) for name in type(row).model_fields if name not in exclude}


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- export ---------------------------------------------------------------------------


def export(session: Session, *, event: Event) -> Iterator[str]:
    """The whole event as the document's text, in pieces of about 64 K characters; rows
    are read one recording at a time. The caller checks that the reader is an editor."""
    return in_pieces(_document(session, event))


def _document(session: Session, event: Event) -> Iterator[str]:
    recordings = session.exec(
        select(Recording).where(Recording.event_id == event.id).order_by(col(Recording.id))
    ).all()
    ids = [r.id for r in recordings]
    speakers = _speakers(session, ids)
    slug_of = {s.id: s.slug for s in speakers}
    users = {u.id: u.username for u in session.exec(select(User))}
    head = {"format": FORMAT, "version": VERSION, "event": _event(event)}
    yield _dump(head)[:-1] + ',\n"speakers": ['
    yield ",".join("\n" + _dump(_speaker(s)) for s in speakers)
    yield '\n],\n"recordings": ['
    for n, recording in enumerate(recordings):
        yield from _recording(session, recording, slug_of, users, first=n == 0)
    yield "\n]}\n"


def _event(event: Event) -> dict[str, Any]:
    return {
        **_fields(event, exclude={"id", "created_at", "start_date", "end_date"}),
        "start_date": event.start_date.isoformat() if event.start_date else None,
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "created_at": stamp(event.created_at),
    }


def _speakers(session: Session, recording_ids: list[int | None]) -> list[Speaker]:
    """Every speaker a segment, annotation, cue or turn of these recordings names, by slug."""
    named: Any = union(
        select(SegmentSpeaker.speaker_id)
        .join(Segment, col(Segment.id) == SegmentSpeaker.segment_id)
        .where(col(Segment.recording_id).in_(recording_ids)),
        *(
            select(table.speaker_id).where(col(table.recording_id).in_(recording_ids))
            for table in (Annotation, TranscriptCue, SpeakerTurn)
        ),
    )
    return list(
        session.exec(select(Speaker).where(col(Speaker.id).in_(named)).order_by(col(Speaker.slug)))
    )


def _speaker(speaker: Speaker) -> dict[str, Any]:
    return {
        **_fields(speaker, exclude={"id", "aliases"}),
        "aliases": speaker_service.aliases_of(speaker),
    }


def _recording(
    session: Session, recording: Recording, slug_of: dict, users: dict, *, first: bool
) -> Iterator[str]:
    head = {
        **_fields(recording, exclude={"id", "event_id", "uploaded_by_id", "created_at"}),
        "created_at": stamp(recording.created_at),
    }
    yield ("" if first else ",") + "\n" + _dump(head)[:-1] + ',\n "segments": ['
    rows = session.exec(
        select(Segment)
        .where(Segment.recording_id == recording.id)
        .order_by(col(Segment.start), col(Segment.parent_id).is_not(None), col(Segment.slug))
    ).all()
    segment_slug = {s.id: s.slug for s in rows}
    roles: dict[int | None, list[dict[str, str]]] = {}
    for link in session.exec(
        select(SegmentSpeaker)
        .where(col(SegmentSpeaker.segment_id).in_(list(segment_slug)))
        .order_by(col(SegmentSpeaker.segment_id), col(SegmentSpeaker.speaker_id))
    ):
        entry = {"speaker": slug_of[link.speaker_id], "role": link.role.value}
        roles.setdefault(link.segment_id, []).append(entry)
    yield _items(
        {
            **_fields(s, exclude={"id", "recording_id", "parent_id"}),
            "parent": segment_slug.get(s.parent_id),
            "speakers": sorted(roles.get(s.id, []), key=lambda e: e["speaker"]),
        }
        for s in rows
    )
    yield '],\n "annotations": ['
    yield _items(_annotations(session, recording, segment_slug, slug_of, users))
    yield '],\n "cues": ['
    cues = select(TranscriptCue).where(TranscriptCue.recording_id == recording.id)
    yield _items(
        {"start": c.start, "end": c.end, "text": c.text, "language": c.language}
        | {"speaker": slug_of.get(c.speaker_id)}
        for c in session.exec(
            cues.order_by(
                col(TranscriptCue.language), col(TranscriptCue.start), col(TranscriptCue.id)
            )
        )
    )
    yield '],\n "turns": ['
    turns = select(SpeakerTurn).where(SpeakerTurn.recording_id == recording.id)
    yield _items(
        {"speaker": slug_of[t.speaker_id], "start": t.start, "end": t.end, "source": t.source}
        for t in session.exec(turns.order_by(col(SpeakerTurn.start), col(SpeakerTurn.id)))
    )
    yield "]}"


def _items(items: Any) -> str:
    text = ",".join("\n  " + _dump(item) for item in items)
    return text + "\n " if text else ""


def _annotations(
    session: Session, recording: Recording, segment_slug: dict, slug_of: dict, users: dict
) -> Iterator[dict[str, Any]]:
    """Thread by thread: each annotation in the order they were made, then its replies."""
    rows = session.exec(
        select(Annotation)
        .where(Annotation.recording_id == recording.id)
        .order_by(col(Annotation.id))
    ).all()
    tags: dict[int, list[str]] = {}
    for tag in session.exec(
        select(AnnotationTag)
        .join(Annotation, col(Annotation.id) == AnnotationTag.annotation_id)
        .where(Annotation.recording_id == recording.id)
        .order_by(col(AnnotationTag.annotation_id), col(AnnotationTag.tag))
    ):
        tags.setdefault(tag.annotation_id, []).append(tag.tag)
    replies: dict[int | None, list[Annotation]] = {}
    for row in rows:
        if row.reply_to_id is not None:
            replies.setdefault(row.reply_to_id, []).append(row)
    refs: dict[int | None, str] = {}
    for row in rows:
        if row.reply_to_id is None:
            for item in (row, *replies.get(row.id, [])):
                refs[item.id] = f"a{len(refs) + 1}"
                yield {
                    "ref": refs[item.id],
                    "reply_to": refs.get(item.reply_to_id),
                    **{
                        n: getattr(item, n)
                        for n in ("kind", "start", "end", "placement", "text", "author")
                    },
                    "segment": segment_slug.get(item.segment_id),
                    "speaker": slug_of.get(item.speaker_id),
                    "owner": users.get(item.owner_id),
                    "visibility": item.visibility,
                    "hidden_at": stamp(item.hidden_at),
                    "source_title": item.source_title,
                    "source_url": item.source_url,
                    "tags": tags.get(item.id or 0, []),
                    "created_at": stamp(item.created_at),
                    "updated_at": stamp(item.updated_at),
                }


# --- import ---------------------------------------------------------------------------


@dataclass
class ImportSummary:
    event: str
    recordings: int = 0
    segments: int = 0
    annotations: int = 0
    cues: int = 0
    turns: int = 0
    speakers_created: list[str] = field(default_factory=list)
    speakers_matched: list[str] = field(default_factory=list)
    unknown_owners: list[str] = field(default_factory=list)  # their annotations: the importer's


@contextmanager
def _at(where: str) -> Iterator[None]:
    """A service's refusal, with the place in the document it concerns."""
    try:
        yield
    except DomainError as exc:
        inner = f"{where}.{exc.field}" if exc.field else where
        raise type(exc)(f"{inner}: {exc.message}", field=inner) from None


def import_event(
    session: Session, *, document: Any, actor: User, progress: bool = False
) -> ImportSummary:
    """Create the document's event with everything in it; all of it, or (on any refusal)
    nothing. An event slug or recording slug in use is a Conflict: importing never merges."""
    check(document)
    slug = document["event"]["slug"]
    if exists(session, Event, slug=slug):
        raise Conflict(
            _("an event %(slug)s exists already; delete it or change event.slug in the file")
            % {"slug": repr(slug)},
            field="event.slug",
        )
    for n, recording in enumerate(document["recordings"]):
        if exists(session, Recording, slug=recording["slug"]):
            message = _("a recording %(slug)s exists already") % {"slug": repr(recording["slug"])}
            raise Conflict(f"recordings.{n}.slug: {message}", field=f"recordings.{n}.slug")
    summary = ImportSummary(event=slug)
    with _at("event"):
        data = {k: v for k, v in document["event"].items() if k != "created_at"}
        event = events.create(session, data=validated(EventCreate, data, prefix=("event",)))
    event.created_at = parse_stamp(document["event"].get("created_at")) or event.created_at
    speaker_ids = _import_speakers(session, document["speakers"], summary)
    owners = {u.username: u.id for u in session.exec(select(User))}
    total = sum(
        len(r.get(part, [])) for r in document["recordings"] for part in ("annotations", "cues")
    )
    with tqdm(total=total, unit="row", disable=not progress, desc="import") as bar:
        for n, data in enumerate(document["recordings"]):
            recording = _import_recording(session, event, data)
            with _at(f"recordings.{n}"):
                segment_ids = _import_segments(session, recording, data, speaker_ids)
            _import_annotations(
                session, recording, data, segment_ids, speaker_ids, owners, actor, summary
            )
            bar.update(len(data.get("annotations", [])))
            _import_timeline(session, recording, data, speaker_ids)
            bar.update(len(data.get("cues", [])))
            summary.recordings += 1
            summary.segments += len(segment_ids)
            summary.cues += len(data.get("cues", []))
            summary.turns += len(data.get("turns", []))
    audit.record(
        session,
        actor=actor,
        action=AuditAction.created,
        subject="event",
        subject_id=event.id,
        summary=f"imported event {slug}: {summary.recordings} recordings, "
        f"{summary.annotations} annotations, {summary.cues} cues",
    )
    session.flush()
    return summary


def _import_speakers(session: Session, speakers: list[dict], summary: ImportSummary) -> dict:
    """Document slug -> stored speaker id: the stored speaker of that slug, else of that name
    or alias, else a new one with the document's details."""
    book = SpeakerBook(session)
    ids = {}
    for n, data in enumerate(speakers):
        found = session.exec(select(Speaker).where(Speaker.slug == data["slug"])).first()
        found = found or book.find(data["name"])
        if found is None:
            with _at(f"speakers.{n}"):
                found = speaker_service.create(
                    session, data=validated(SpeakerCreate, data, prefix=("speakers", str(n)))
                )
            summary.speakers_created.append(found.slug)
        else:
            summary.speakers_matched.append(found.slug)
        ids[data["slug"]] = found.id
    return ids


def _import_recording(session: Session, event: Event, data: dict) -> Recording:
    """Stored as the document says: a file recording's media file is not probed, as the
    file is not in the document (copy the media folder along with it)."""
    assert event.id is not None  # a stored event
    fields = {
        k: v for k, v in data.items() if k not in ("segments", "annotations", "cues", "turns")
    }
    recording = Recording(
        **fields | {"created_at": parse_stamp(fields.get("created_at")) or datetime.now(UTC)},
        event_id=event.id,
    )
    recording.media_kind = MediaKind(data["media_kind"])
    session.add(recording)
    session.flush()
    return recording


def _import_segments(
    session: Session, recording: Recording, data: dict, speaker_ids: dict
) -> dict[str, int | None]:
    """Outer segments first, so the inner ones find their parent."""
    stored_slug = {
        s.id: s.slug
        for s in session.exec(select(Speaker).where(col(Speaker.id).in_(speaker_ids.values())))
    }
    ids: dict[str, int | None] = {}
    ordered = sorted(
        enumerate(data.get("segments", [])), key=lambda p: p[1].get("parent") is not None
    )
    for n, segment in ordered:
        body = segment | {
            "speakers": [
                e | {"speaker": stored_slug[speaker_ids[e["speaker"]]]}
                for e in segment.get("speakers", [])
            ]
        }
        with _at(f"segments.{n}"):
            created = segments.create(
                session, recording=recording, data=validated(SegmentCreate, body)
            )
        ids[segment["slug"]] = created.id
    return ids


def _import_annotations(
    session: Session,
    recording: Recording,
    data: dict,
    segment_ids: dict,
    speaker_ids: dict,
    owners: dict,
    actor: User,
    summary: ImportSummary,
) -> None:
    """Threads' first annotations, then the replies (which need their ids), then tags."""
    items = data.get("annotations", [])
    now = datetime.now(UTC)
    rows = []
    for item in items:
        owner = item.get("owner")
        if owner is not None and owner not in owners and owner not in summary.unknown_owners:
            summary.unknown_owners.append(owner)
        rows.append(
            {
                "recording_id": recording.id,
                "kind": item["kind"],
                "start": item.get("start"),
                "end": item.get("end"),
                "placement": item.get(
                    "placement", "unplaced" if item.get("start") is None else "exact"
                ),
                "text": item.get("text", ""),
                "author": item.get("author", ""),
                "visibility": item.get("visibility", "public"),
                "owner_id": None if owner is None else owners.get(owner, actor.id),
                "segment_id": segment_ids.get(item.get("segment") or ""),
                "speaker_id": speaker_ids.get(item.get("speaker") or ""),
                "hidden_at": parse_stamp(item.get("hidden_at")),
                "source_title": item.get("source_title"),
                "source_url": item.get("source_url"),
                "created_at": parse_stamp(item.get("created_at")) or now,
                "updated_at": parse_stamp(item.get("updated_at")) or now,
                "reply_to_id": None,
            }
        )
    ids: dict[str, int | None] = {}
    pairs = list(zip(items, rows, strict=True))
    for replies in (False, True):
        chosen = [(i, r) for i, r in pairs if (i.get("reply_to") is not None) == replies]
        for start in range(0, len(chosen), BATCH):
            batch = chosen[start : start + BATCH]
            for item, row in batch:
                if replies:
                    row["reply_to_id"] = ids[item["reply_to"]]
            stmt = insert(Annotation).returning(col(Annotation.id), sort_by_parameter_order=True)
            made = session.connection().execute(stmt, [r for _, r in batch]).scalars()
            ids.update(zip((item["ref"] for item, _ in batch), made, strict=True))
    tags = [
        {"annotation_id": ids[item["ref"]], "tag": tag}
        for item in items
        for tag in item.get("tags", [])
    ]
    for start in range(0, len(tags), BATCH):
        session.connection().execute(insert(AnnotationTag), tags[start : start + BATCH])
    summary.annotations += len(items)


def _import_timeline(session: Session, recording: Recording, data: dict, speaker_ids: dict) -> None:
    """The transcript's cues and the speaker turns, as bulk inserts."""
    cues = [
        {
            "recording_id": recording.id,
            "start": c["start"],
            "end": c["end"],
            "text": c["text"],
            "language": c.get("language", recording.language),
            "speaker_id": speaker_ids.get(c.get("speaker") or ""),
        }
        for c in data.get("cues", [])
    ]
    turns = [
        {
            "recording_id": recording.id,
            "start": t["start"],
            "end": t["end"],
            "speaker_id": speaker_ids[t["speaker"]],
            "source": t.get("source", "editor"),
        }
        for t in data.get("turns", [])
    ]
    for table, rows in ((TranscriptCue, cues), (SpeakerTurn, turns)):
        for start in range(0, len(rows), BATCH):
            session.connection().execute(insert(table), rows[start : start + BATCH])
