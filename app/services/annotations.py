"""Annotations and quotes: reading them as the viewer may (app.services.access), and the
rules of writing them (PRODUCT §3, §6b). Every write is recorded in the audit log."""

from sqlmodel import Session, col, delete, select

from app.errors import Forbidden, Invalid, NotFound
from app.i18n import _, lazy
from app.models import (
    Annotation,
    AnnotationKind,
    AnnotationTag,
    AuditAction,
    Placement,
    Recording,
    Role,
    User,
    Visibility,
    utcnow,
)
from app.pagination import DEFAULT_LIMIT, Key, keyset_page
from app.schemas import MAX_ID, AnnotationCreate, AnnotationUpdate
from app.services import access, audit, live_events
from app.services import segments as segment_service
from app.services import speakers as speaker_service
from app.services.accounts import at_least, require
from app.services.common import apply_changes
from app.timecodes import format_time

SUBJECT = "annotation"
# Why a note (or any annotation but a quote) has no source, said of its kind.
_NO_SOURCE = {
    AnnotationKind.note: lazy("only a quote has a source; clear %(field)s for a note"),
    AnnotationKind.highlight: lazy("only a quote has a source; clear %(field)s for a highlight"),
    AnnotationKind.question: lazy("only a quote has a source; clear %(field)s for a question"),
    AnnotationKind.bookmark: lazy("only a quote has a source; clear %(field)s for a bookmark"),
}


def get(session: Session, *, annotation_id: int, viewer: User | None) -> Annotation:
    """The annotation, if `viewer` may see it: an invisible one is "not found", not "not
    allowed", so its existence is not given away."""
    annotation = session.get(Annotation, annotation_id) if 0 < annotation_id <= MAX_ID else None
    if (
        annotation is None
        or not access.may_see(viewer, annotation)
        or _in_draft(session, annotation, viewer)
    ):
        raise NotFound(_("no annotation %(id)s") % {"id": annotation_id}, field="annotation")
    return annotation


def _in_draft(session: Session, annotation: Annotation, viewer: User | None) -> bool:
    recording = session.get(Recording, annotation.recording_id)
    return recording is not None and not recording.published and not access.sees_drafts(viewer)


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
    viewer: User | None,
) -> tuple[list[Annotation], Key | None]:
    """Annotations in time order, then the unplaced ones; a window keeps only those starting
    in [start, end], a range scan on ix_annotation_recording_start.

    Two phases, so each walks an index in order: placed ones by (start, id), then unplaced
    ones by id. The key says which: ["placed", start, id] or ["unplaced", id].
    """
    if start is not None and end is not None and end < start:
        raise Invalid(_("'to' must not be before 'from'"), field="to")
    stmt = select(Annotation).where(
        Annotation.recording_id == recording.id,
        access.visible_to(viewer),
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
            _("an annotation without start must be 'unplaced', and an unplaced one has no start"),
            field="placement",
        )
    if annotation.start is None:
        if annotation.end is not None:
            raise Invalid(_("an unplaced annotation has no end"), field="end")
        if annotation.segment_id is None:
            raise Invalid(_("an unplaced annotation must name its segment"), field="segment")
    start, end = annotation.start, annotation.end
    if start is not None and end is not None and end <= start:
        raise Invalid(_("end must be after start"), field="end")
    latest = annotation.end if annotation.end is not None else annotation.start
    if latest is not None and recording.duration is not None and latest > recording.duration:
        field = "end" if annotation.end is not None else "start"
        raise Invalid(
            _("%(time)s is past the recording's end %(end)s")
            % {"time": format_time(latest), "end": format_time(recording.duration)},
            field=field,
        )
    if annotation.kind is AnnotationKind.quote and annotation.speaker_id is None:
        raise Invalid(_("a quote names its speaker"), field="speaker")
    _check_source(annotation)


def _check_source(annotation: Annotation) -> None:
    """A source says where a speaker's words were published and is cited as "quoted in":
    on a note or a question it would credit someone else's words to that publication."""
    annotation.source_title = annotation.source_title or None  # a blank title is none
    if annotation.kind is AnnotationKind.quote:
        return
    for name in ("source_title", "source_url"):
        if getattr(annotation, name):
            raise Invalid(_NO_SOURCE[annotation.kind] % {"field": name}, field=name)


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


def _check_curation(actor: User, annotation: Annotation) -> None:
    """Quotes speak for a speaker and are cited as such: editors curate them."""
    if annotation.kind is AnnotationKind.quote and not at_least(actor, Role.editor):
        raise Forbidden(_("quotes are curated by editors; add a note instead"), field="kind")


def create(
    session: Session, *, recording: Recording, data: AnnotationCreate, actor: User
) -> Annotation:
    """A new annotation (or reply) owned by `actor`, shown under their name."""
    assert recording.id is not None and actor.id is not None  # stored rows
    placement = data.placement or (Placement.unplaced if data.start is None else Placement.exact)
    annotation = Annotation(
        **data.model_dump(exclude={"speaker", "segment", "tags", "reply_to", "placement"}),
        placement=placement,
        recording_id=recording.id,
        owner_id=actor.id,
    )
    if not (annotation.author and at_least(actor, Role.editor)):  # editors may name a source
        annotation.author = actor.display_name or actor.username
    if data.reply_to is not None:
        parent = _parent(session, recording, data.reply_to, actor)
        annotation.reply_to_id = parent.id
        if data.start is None:  # a reply is about its annotation's moment
            annotation.start, annotation.end = parent.start, parent.end
            annotation.placement, annotation.segment_id = parent.placement, parent.segment_id
    _check_curation(actor, annotation)
    _resolve_refs(session, recording, annotation, data)
    _check(session, recording, annotation)
    session.add(annotation)
    session.flush()
    _set_tags(session, annotation, data.tags)
    session.flush()
    _audit(session, actor, AuditAction.created, annotation)
    live_events.record(session, annotation, shown_before=False)
    return annotation


def _parent(session: Session, recording: Recording, parent_id: int, actor: User) -> Annotation:
    """What a reply answers: an annotation of the same recording the author can see, not
    itself a reply (threads are one level deep)."""
    parent = session.get(Annotation, parent_id)
    if parent is None or parent.recording_id != recording.id or not access.may_see(actor, parent):
        raise Invalid(
            _("no annotation %(id)s on this recording") % {"id": parent_id}, field="reply_to"
        )
    if parent.reply_to_id is not None:
        raise Invalid(_("a reply answers an annotation, not another reply"), field="reply_to")
    return parent


def _audit(session: Session, actor: User, action: AuditAction, annotation: Annotation) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        subject=SUBJECT,
        subject_id=annotation.id,
        summary=_summary(annotation),
    )


def _summary(annotation: Annotation) -> str:
    """What the audit log says of it: a private annotation's text is its owner's alone.
    Stored, so in English whoever acts, like the rest of the log."""
    when = format_time(annotation.start) if annotation.start is not None else "unplaced"
    if annotation.visibility is not Visibility.public:
        return f"private {annotation.kind.value} at {when}"
    return f"{annotation.kind.value} at {when}: {annotation.text[:200]}"


def update(
    session: Session, *, annotation: Annotation, data: AnnotationUpdate, actor: User | None
) -> Annotation:
    """Placing an unplaced quote is an update that sends start (placement becomes exact).
    The owner, an editor or an admin may change it; only its owner sets who may see it."""
    editor = access.check_change(actor, annotation)
    if "visibility" in data.model_fields_set and annotation.owner_id != editor.id:
        raise Forbidden(_("only its author decides who sees an annotation"), field="visibility")
    recording = session.get(Recording, annotation.recording_id)
    assert recording is not None  # recording_id is a foreign key
    was_shown = live_events.shown(annotation)
    apply_changes(annotation, data, skip={"speaker", "segment", "tags", "placement"})
    _check_curation(editor, annotation)
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
    _audit(session, editor, AuditAction.changed, annotation)
    live_events.record(session, annotation, shown_before=was_shown)
    return annotation


def delete_annotation(session: Session, *, annotation: Annotation, actor: User | None) -> None:
    """Gone, with its replies (their authors' too: a thread does not outlive its start)."""
    editor = access.check_change(actor, annotation)
    _audit(session, editor, AuditAction.deleted, annotation)
    live_events.record(
        session, annotation, shown_before=live_events.shown(annotation), deleted=True
    )
    session.delete(annotation)
    session.flush()


def set_hidden(session: Session, *, annotation: Annotation, hidden: bool, actor: User) -> None:
    """Moderation: a hidden annotation leaves every public view and waits in the queue;
    restoring brings it back as it was."""
    require(actor, Role.editor)
    if (annotation.hidden_at is not None) == hidden:
        return
    was_shown = live_events.shown(annotation)
    annotation.hidden_at = utcnow() if hidden else None
    session.add(annotation)
    session.flush()
    action = AuditAction.hid if hidden else AuditAction.restored
    _audit(session, actor, action, annotation)
    live_events.record(session, annotation, shown_before=was_shown)


def hidden_page(
    session: Session, *, key: Key | None, limit: int, actor: User
) -> tuple[list[Annotation], Key | None]:
    """The moderation queue: hidden annotations, the newest first. Private
    ones hidden before they were made private stay out of it: they are their owner's."""
    require(actor, Role.editor)
    stmt = select(Annotation).where(
        col(Annotation.hidden_at).is_not(None), Annotation.visibility == Visibility.public
    )
    return keyset_page(session, stmt, [col(Annotation.id)], key, limit, newest=True)
