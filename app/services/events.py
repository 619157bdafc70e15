from pathlib import Path

from sqlmodel import Session, col, select

from app.errors import Invalid
from app.i18n import _
from app.models import Event, Recording, Segment, SegmentKind, SegmentSpeaker, Speaker, User
from app.pagination import Key, keyset_page
from app.schemas import EventCreate, EventPublic, EventUpdate
from app.services import access, media
from app.services.common import apply_changes, exists, get_one
from app.slugs import claim_slug


def get(session: Session, *, slug: str) -> Event:
    return get_one(session, Event, "event", "event", slug=slug)


def get_by_id(session: Session, event_id: int) -> Event:
    return get_one(session, Event, "event", "event", id=event_id)


def overview(session: Session, *, viewer: User | None) -> list[tuple[Event, list[Recording]]]:
    """Every event, newest first, with the recordings `viewer` may see: the home page."""
    events = session.exec(select(Event).order_by(col(Event.start_date).desc(), col(Event.id)))
    shown = select(Recording).where(access.recordings_visible_to(viewer))
    recordings = session.exec(shown.order_by(col(Recording.id))).all()
    by_event: dict[int | None, list[Recording]] = {}
    for recording in recordings:
        by_event.setdefault(recording.event_id, []).append(recording)
    return [(event, by_event.get(event.id, [])) for event in events]


def contents(session: Session, *, event: Event, viewer: User | None) -> dict[str, list]:
    """The event page: the recordings `viewer` may see, their sessions (breaks left out) in
    recording then time order, and the speakers of those sessions by name."""
    recordings = session.exec(
        select(Recording)
        .where(Recording.event_id == event.id, access.recordings_visible_to(viewer))
        .order_by(col(Recording.id))
    ).all()
    ids = [r.id for r in recordings]
    sessions = session.exec(
        select(Segment, Recording)
        .join(Recording, col(Recording.id) == Segment.recording_id)
        .where(col(Segment.recording_id).in_(ids), Segment.kind != SegmentKind.break_)
        .order_by(col(Recording.id), col(Segment.start), col(Segment.parent_id).is_not(None))
    ).all()
    speakers = session.exec(
        select(Speaker)
        .where(
            col(Speaker.id).in_(
                select(SegmentSpeaker.speaker_id)
                .join(Segment, col(Segment.id) == SegmentSpeaker.segment_id)
                .where(col(Segment.recording_id).in_(ids))
            )
        )
        .order_by(col(Speaker.name))
    ).all()
    return {"recordings": list(recordings), "sessions": list(sessions), "speakers": list(speakers)}


def any_event(session: Session) -> bool:
    return session.exec(select(Event.id).limit(1)).first() is not None


def by_title(session: Session) -> list[Event]:
    """Every event by title, for choosing one in a form."""
    return sorted(session.exec(select(Event)), key=lambda e: e.title.casefold())


def list_page(session: Session, *, key: Key | None, limit: int) -> tuple[list[Event], Key | None]:
    return keyset_page(session, select(Event), [col(Event.id)], key, limit)


def _check(event: Event) -> None:
    if event.start_date and event.end_date and event.end_date < event.start_date:
        raise Invalid(_("end_date must not be before start_date"), field="end_date")


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


def delete(session: Session, *, event: Event, media_dir: Path) -> None:
    """The event and its recordings; their media files go once the delete has committed."""
    for recording in session.exec(select(Recording).where(Recording.event_id == event.id)):
        media.remove_after_commit(session, media_dir, recording)
    session.delete(event)
    session.flush()


def to_public(session: Session, event: Event, *, viewer: User | None) -> EventPublic:
    slugs = session.exec(
        select(Recording.slug)
        .where(Recording.event_id == event.id, access.recordings_visible_to(viewer))
        .order_by(col(Recording.id))
    ).all()
    return EventPublic(**event.model_dump(), recordings=list(slugs))
