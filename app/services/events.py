from sqlmodel import Session, select

from app.errors import Invalid
from app.models import Event, Recording
from app.pagination import keyset_page
from app.schemas import EventCreate, EventPublic, EventUpdate
from app.services.common import apply_changes, exists, get_one
from app.slugs import claim_slug


def get(session: Session, *, slug: str) -> Event:
    return get_one(session, Event, "event", "path.event", slug=slug)


def list_page(session: Session, *, cursor: str | None, limit: int):
    return keyset_page(session, select(Event), [Event.id], cursor, limit)


def _check(event: Event) -> None:
    if event.start_date and event.end_date and event.end_date < event.start_date:
        raise Invalid("end_date must not be before start_date", field="body.end_date")


def _claim(session: Session, wanted: str | None, title: str) -> str:
    return claim_slug(wanted, title, lambda s: exists(session, Event, slug=s))


def create(session: Session, *, data: EventCreate) -> Event:
    event = Event(**data.model_dump(exclude={"slug"}), slug=_claim(session, data.slug, data.title))
    _check(event)
    session.add(event)
    session.flush()
    return event


def update(session: Session, *, event: Event, data: EventUpdate) -> Event:
    if data.slug and data.slug != event.slug:
        event.slug = _claim(session, data.slug, "")
    apply_changes(event, data, skip={"slug"})
    _check(event)
    session.add(event)
    session.flush()
    return event


def delete(session: Session, *, event: Event) -> None:
    session.delete(event)
    session.flush()


def to_public(session: Session, event: Event) -> EventPublic:
    slugs = session.exec(
        select(Recording.slug).where(Recording.event_id == event.id).order_by(Recording.id)
    ).all()
    return EventPublic(**event.model_dump(), recordings=list(slugs))
