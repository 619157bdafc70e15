from sqlmodel import Session, col, select

from app.errors import NotFound
from app.models import Speaker
from app.pagination import Key, keyset_page
from app.schemas import SpeakerCreate, SpeakerPublic, SpeakerUpdate
from app.services.common import apply_changes, exists, get_one
from app.slugs import claim_slug, make_slug


def get(session: Session, *, slug: str, field: str = "speaker") -> Speaker:
    return get_one(session, Speaker, "speaker", field, slug=slug)


def canonical(session: Session, *, slug: str) -> Speaker:
    """The speaker a link names, also when the link spells the slug with its accents
    (`gražvydas-morkus`): the caller redirects to the canonical slug."""
    try:
        return get(session, slug=slug)
    except NotFound:
        ascii_slug = make_slug(slug)
        if ascii_slug == slug:
            raise
        return get(session, slug=ascii_slug)


def everyone(session: Session, *, limit: int = 1000) -> list[Speaker]:
    """Speakers by name, for choosing one in a form."""
    return list(session.exec(select(Speaker).order_by(col(Speaker.name)).limit(limit)))


def list_page(session: Session, *, key: Key | None, limit: int) -> tuple[list[Speaker], Key | None]:
    columns = [col(Speaker.name), col(Speaker.id)]
    return keyset_page(session, select(Speaker), columns, key, limit)


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
