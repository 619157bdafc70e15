from collections import defaultdict

from sqlmodel import Session, col, delete, select

from app import links
from app.errors import Invalid, NotFound
from app.models import (
    Annotation,
    AnnotationKind,
    AnnotationTag,
    Event,
    Placement,
    Recording,
    Segment,
    Speaker,
    Visibility,
    utcnow,
)
from app.pagination import DEFAULT_LIMIT, Key, keyset_page
from app.schemas import MAX_ID, AnnotationCreate, AnnotationPublic, AnnotationUpdate
from app.services import segments as segment_service
from app.services import speakers as speaker_service
from app.services.citations import citation
from app.services.common import apply_changes
from app.timecodes import format_time


def get(session: Session, *, annotation_id: int) -> Annotation:
    """Private annotations stay invisible until accounts exist to say whose they are."""
    annotation = session.get(Annotation, annotation_id) if 0 < annotation_id <= MAX_ID else None
    if annotation is None or annotation.visibility is Visibility.private:
        raise NotFound(f"no annotation {annotation_id}", field="annotation")
    return annotation


def list_page(
    session: Session,
    *,
    recording: Recording,
    start: float | None = None,
    end: float | None = None,
    kind: AnnotationKind | None = None,
    speaker: str | None = None,
    tag: str | None = None,
    key: Key | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[Annotation], Key | None]:
    """Annotations in time order, then the unplaced ones; a window keeps only those starting
    in [start, end], a range scan on ix_annotation_recording_start.

    Two phases, so each walks an index in order: placed ones by (start, id), then unplaced
    ones by id. The key says which: ["placed", start, id] or ["unplaced", id].
    """
    if start is not None and end is not None and end < start:
        raise Invalid("'to' must not be before 'from'", field="to")
    stmt = select(Annotation).where(
        Annotation.recording_id == recording.id,
        Annotation.visibility == Visibility.public,
        col(Annotation.reply_to_id).is_(None),
    )
    if start is not None:
        stmt = stmt.where(col(Annotation.start) >= start)
    if end is not None:
        stmt = stmt.where(col(Annotation.start) <= end)
    if kind is not None:
        stmt = stmt.where(Annotation.kind == kind)
    if speaker is not None:
        speaker_id = speaker_service.get(session, slug=speaker).id
        stmt = stmt.where(Annotation.speaker_id == speaker_id)
    if tag is not None:
        tagged = select(AnnotationTag.annotation_id).where(AnnotationTag.tag == tag.lower())
        stmt = stmt.where(col(Annotation.id).in_(tagged))
    rows: list[Annotation] = []
    if key is None or key[0] == "placed":
        placed = stmt.where(col(Annotation.start).is_not(None))
        columns = [col(Annotation.start), col(Annotation.id)]
        rows, after = keyset_page(session, placed, columns, key[1:] if key else None, limit)
        if after is not None:
            return rows, ["placed", *after]
        if start is not None or end is not None:
            return rows, None
        key = None
    unplaced = stmt.where(col(Annotation.start).is_(None))
    if len(rows) == limit:  # the page is full: say whether unplaced ones follow
        return rows, ["unplaced"] if session.exec(unplaced.limit(1)).first() else None
    more, after = keyset_page(
        session, unplaced, [col(Annotation.id)], key[1:] if key else None, limit - len(rows)
    )
    return rows + more, None if after is None else ["unplaced", *after]


def _check(session: Session, recording: Recording, annotation: Annotation) -> None:
    """The rules of PRODUCT §3: a range has start < end within the recording; an unplaced
    quote has no time but belongs to a session; a quote names its speaker."""
    if (annotation.placement is Placement.unplaced) != (annotation.start is None):
        raise Invalid(
            "an annotation without start must be 'unplaced', and an unplaced one has no start",
            field="placement",
        )
    if annotation.start is None:
        if annotation.end is not None:
            raise Invalid("an unplaced annotation has no end", field="end")
        if annotation.segment_id is None:
            raise Invalid("an unplaced annotation must name its segment", field="segment")
    start, end = annotation.start, annotation.end
    if start is not None and end is not None and end <= start:
        raise Invalid("end must be after start", field="end")
    latest = annotation.end if annotation.end is not None else annotation.start
    if latest is not None and recording.duration is not None and latest > recording.duration:
        field = "end" if annotation.end is not None else "start"
        raise Invalid(
            f"{format_time(latest)} is past the recording's end {format_time(recording.duration)}",
            field=field,
        )
    if annotation.kind is AnnotationKind.quote and annotation.speaker_id is None:
        raise Invalid("a quote names its speaker", field="speaker")


def _resolve_refs(session: Session, recording: Recording, annotation: Annotation, data) -> None:
    """Turn the slugs the client sent into ids; the segment defaults to the one at start."""
    sent = data.model_fields_set
    if "speaker" in sent:
        annotation.speaker_id = (
            speaker_service.get(session, slug=data.speaker, field="speaker").id
            if data.speaker
            else None
        )
    if data.segment is not None:
        annotation.segment_id = segment_service.get(
            session, recording=recording, slug=data.segment, field="segment"
        ).id
    elif annotation.start is not None and ("start" in sent or annotation.segment_id is None):
        at = segment_service.at_time(session, recording=recording, t=annotation.start)
        annotation.segment_id = at.id if at else None


def _set_tags(session: Session, annotation: Annotation, tags: list[str]) -> None:
    assert annotation.id is not None  # the annotation has been flushed
    session.exec(delete(AnnotationTag).where(col(AnnotationTag.annotation_id) == annotation.id))
    for tag in dict.fromkeys(t.lower() for t in tags):
        session.add(AnnotationTag(annotation_id=annotation.id, tag=tag))


def create(session: Session, *, recording: Recording, data: AnnotationCreate) -> Annotation:
    assert recording.id is not None  # a stored recording
    placement = data.placement or (Placement.unplaced if data.start is None else Placement.exact)
    annotation = Annotation(
        **data.model_dump(exclude={"speaker", "segment", "tags", "reply_to", "placement"}),
        placement=placement,
        recording_id=recording.id,
    )
    if data.reply_to is not None:
        parent = session.get(Annotation, data.reply_to)
        if parent is None or parent.recording_id != recording.id:
            raise Invalid(f"no annotation {data.reply_to} on this recording", field="reply_to")
        annotation.reply_to_id = parent.id
    _resolve_refs(session, recording, annotation, data)
    _check(session, recording, annotation)
    session.add(annotation)
    session.flush()
    _set_tags(session, annotation, data.tags)
    session.flush()
    return annotation


def update(session: Session, *, annotation: Annotation, data: AnnotationUpdate) -> Annotation:
    """Placing an unplaced quote is an update that sends start (placement becomes exact)."""
    recording = session.get(Recording, annotation.recording_id)
    assert recording is not None  # recording_id is a foreign key
    apply_changes(annotation, data, skip={"speaker", "segment", "tags", "placement"})
    if data.placement is not None:
        annotation.placement = data.placement
    elif "start" in data.model_fields_set and annotation.placement is Placement.unplaced:
        annotation.placement = Placement.exact
    _resolve_refs(session, recording, annotation, data)
    _check(session, recording, annotation)
    if data.tags is not None:
        _set_tags(session, annotation, data.tags)
    annotation.updated_at = utcnow()
    session.add(annotation)
    session.flush()
    return annotation


def delete_annotation(session: Session, *, annotation: Annotation) -> None:
    session.delete(annotation)
    session.flush()


def to_public_many(
    session: Session, annotations: list[Annotation], *, site: str
) -> list[AnnotationPublic]:
    """Public shapes for a page, with tags, speakers, segments and events fetched once per
    page; `site` is the site's address, for the citation's absolute link."""
    ids = [a.id for a in annotations]
    tags: dict[int, list[str]] = defaultdict(list)
    for annotation_id, tag in session.exec(
        select(AnnotationTag.annotation_id, AnnotationTag.tag)
        .where(col(AnnotationTag.annotation_id).in_(ids))
        .order_by(AnnotationTag.tag)
    ):
        tags[annotation_id].append(tag)
    speakers = _by_id(session, Speaker, {a.speaker_id for a in annotations})
    segments = _by_id(session, Segment, {a.segment_id for a in annotations})
    recordings = _by_id(session, Recording, {a.recording_id for a in annotations})
    events = _by_id(session, Event, {r.event_id for r in recordings.values()})
    shapes = []
    for a in annotations:
        assert a.id is not None  # stored annotations
        recording, segment = recordings[a.recording_id], segments.get(a.segment_id)
        public = AnnotationPublic(
            **a.model_dump(exclude={"recording_id", "segment_id", "speaker_id", "reply_to_id"}),
            recording=recording.slug,
            start_tc=format_time(a.start) if a.start is not None else None,
            end_tc=format_time(a.end) if a.end is not None else None,
            speaker=speaker_service.to_public(speakers[a.speaker_id]) if a.speaker_id else None,
            segment=segment.slug if segment else None,
            segment_title=segment.title if segment else None,
            tags=tags[a.id],
            reply_to=a.reply_to_id,
            links={
                "permalink": links.annotation_url(a.id),
                "navigator": _navigator_link(a, recording, segment),
            },
            citation="",
        )
        public.citation = citation(
            public, event=events[recording.event_id], recording=recording, site=site
        )
        shapes.append(public)
    return shapes


def to_public(session: Session, annotation: Annotation, *, site: str) -> AnnotationPublic:
    return to_public_many(session, [annotation], site=site)[0]


def _navigator_link(annotation: Annotation, recording: Recording, segment: Segment | None) -> str:
    """Placed annotations open at their second; unplaced ones at their session."""
    if annotation.start is None and segment is not None:
        return links.segment_url(recording.slug, segment.slug)
    return links.recording_url(recording.slug, annotation.start, annotation.end)


def _by_id(session: Session, model, ids: set[int | None]) -> dict:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(wanted)))}


def tags_in(session: Session, *, recording: Recording) -> list[str]:
    """The tags used on a recording's public annotations, for a filter menu."""
    return list(
        session.exec(
            select(AnnotationTag.tag)
            .join(Annotation, col(Annotation.id) == AnnotationTag.annotation_id)
            .where(
                Annotation.recording_id == recording.id,
                Annotation.visibility == Visibility.public,
            )
            .distinct()
            .order_by(AnnotationTag.tag)
        ).all()
    )


def speakers_in(session: Session, *, recording: Recording) -> list[Speaker]:
    """The speakers named by a recording's public annotations, for a filter menu."""
    return list(
        session.exec(
            select(Speaker)
            .where(
                col(Speaker.id).in_(
                    select(Annotation.speaker_id).where(
                        Annotation.recording_id == recording.id,
                        Annotation.visibility == Visibility.public,
                    )
                )
            )
            .order_by(Speaker.name)
        ).all()
    )


def quotes_of(session: Session, *, speaker: Speaker, limit: int = 500) -> list[Annotation]:
    """A speaker's public annotations across recordings, in recording then time order."""
    return list(
        session.exec(
            select(Annotation)
            .where(
                Annotation.speaker_id == speaker.id,
                Annotation.visibility == Visibility.public,
            )
            .order_by(
                col(Annotation.recording_id),
                col(Annotation.start).is_(None),
                col(Annotation.start),
                col(Annotation.id),
            )
            .limit(limit)
        ).all()
    )
