"""The changes to annotations that open pages hear of (PRODUCT §6e), written in the same unit
of work as the change itself, so a page never hears of a change that was rolled back, and any
worker or machine reading the table tells its pages the same thing in the same order.

Who may hear of a change is decided here, once, by the rule of app.services.access: the owner
always; anyone else only of an annotation that is public and not hidden — as "saved" while it
is, as "removed" when it stops being (deleted, hidden, made private). Nobody hears of a
private annotation that is not theirs, not even that it exists."""

from datetime import timedelta
from typing import Literal

from sqlalchemy import text
from sqlmodel import Session, col, delete, select

from app.models import Annotation, LiveEvent, User, Visibility, utcnow

KEEP = timedelta(hours=1)  # how far back a page that lost its connection can catch up
PRUNE_EVERY = 500  # events between two clean-ups of the older ones
CHANNEL = "sessionnav_live"  # PostgreSQL's NOTIFY channel: wakes every worker's reader at once
LOCK = 0x5E55_1011  # the advisory lock that orders the events (any constant of our own)

Heard = Literal["saved", "removed"]


def shown(annotation: Annotation) -> bool:
    """Whether everyone may see it (public and not hidden): the rule of access.visible_to."""
    return annotation.visibility is Visibility.public and annotation.hidden_at is None


def record(
    session: Session, annotation: Annotation, *, shown_before: bool, deleted: bool = False
) -> None:
    """Note a change to `annotation` (after it is made; `shown_before` is `shown()` before
    it). A reply's change is its thread's: the item pages show is the annotation it answers."""
    item = annotation
    if annotation.reply_to_id is not None:
        item = session.get(Annotation, annotation.reply_to_id) or annotation
        shown_before, deleted = shown(item), False
    assert item.id is not None  # stored rows
    event = LiveEvent(
        recording_id=item.recording_id,
        annotation_id=item.id,
        owner_id=item.owner_id,
        shown_before=shown_before,
        shown_after=not deleted and shown(item),
        deleted=deleted,
    )
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        # Readers take the events in id order, so ids must be given in commit order: a
        # sequence alone gives them at insert, and a later id could commit first and be read
        # before an earlier one exists. The lock is held to the commit (SQLite has one writer).
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})
    session.add(event)
    session.flush()
    assert event.id is not None  # flushed
    if postgresql:
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    if event.id % PRUNE_EVERY == 0:
        session.exec(delete(LiveEvent).where(col(LiveEvent.at) < utcnow() - KEEP))


def heard_by(event: LiveEvent, viewer: User | None) -> Heard | None:
    """What `viewer` hears of `event`: the annotation saved, removed, or nothing at all."""
    if viewer is not None and event.owner_id == viewer.id:
        return "removed" if event.deleted else "saved"
    if event.shown_after:
        return "saved"
    return "removed" if event.shown_before else None


def latest_id(session: Session) -> int:
    return session.exec(select(col(LiveEvent.id)).order_by(col(LiveEvent.id).desc())).first() or 0


def after(
    session: Session, last_id: int, *, recording_id: int | None = None, limit: int = 500
) -> list[LiveEvent]:
    """The events after `last_id` in order (of one recording, or of all), at most `limit`."""
    query = select(LiveEvent).where(col(LiveEvent.id) > last_id)
    if recording_id is not None:
        query = query.where(LiveEvent.recording_id == recording_id)
    return list(session.exec(query.order_by(col(LiveEvent.id)).limit(limit)))


def oldest_id(session: Session) -> int:
    """The first event still kept: a page that last heard of an older one missed some."""
    return session.exec(select(col(LiveEvent.id)).order_by(col(LiveEvent.id))).first() or 0
