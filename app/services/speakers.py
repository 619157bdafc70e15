from sqlmodel import Session, select

from app.models import Speaker
from app.pagination import keyset_page
from app.schemas import SpeakerCreate, SpeakerPublic, SpeakerUpdate
from app.services.common import apply_changes, exists, get_one
from app.slugs import claim_slug


def get(session: Session, *, slug: str, field: str = "path.speaker") -> Speaker:
    return get_one(session, Speaker, "speaker", field, slug=slug)


def list_page(session: Session, *, cursor: str | None, limit: int):
    return keyset_page(session, select(Speaker), [Speaker.name, Speaker.id], cursor, limit)


def create(session: Session, *, data: SpeakerCreate) -> Speaker:
    slug = claim_slug(data.slug, data.name, lambda s: exists(session, Speaker, slug=s))
    speaker = Speaker(**data.model_dump(exclude={"slug"}), slug=slug)
    session.add(speaker)
    session.flush()
    return speaker


def update(session: Session, *, speaker: Speaker, data: SpeakerUpdate) -> Speaker:
    if data.slug and data.slug != speaker.slug:
        speaker.slug = claim_slug(data.slug, "", lambda s: exists(session, Speaker, slug=s))
    apply_changes(speaker, data, skip={"slug"})
    session.add(speaker)
    session.flush()
    return speaker


def delete(session: Session, *, speaker: Speaker) -> None:
    session.delete(speaker)
    session.flush()


def to_public(speaker: Speaker) -> SpeakerPublic:
    return SpeakerPublic(**speaker.model_dump())
