"""Speakers: people with a name, its other spellings (aliases), role and organisation; and
merging two records of one person into one."""

import re

from sqlmodel import Session, col, select
from sqlmodel import update as bulk_update

from app.errors import Conflict, Invalid, NotFound
from app.i18n import _, ngettext
from app.models import (
    Annotation,
    AuditAction,
    SegmentSpeaker,
    Speaker,
    SpeakerRole,
    SpeakerTurn,
    TranscriptCue,
    User,
)
from app.pagination import Key, keyset_page
from app.schemas import MAX_ALIASES, SpeakerCreate, SpeakerPublic, SpeakerUpdate
from app.services import audit
from app.services.common import apply_changes, exists, get_one
from app.slugs import claim_slug, make_slug

TITLES = re.compile(r"^(?:(?:dr|prof|professor|mr|mrs|ms|sir|dame)\.?\s+)+", re.IGNORECASE)
# Where both records were on one session, the role that says more wins.
ROLE_WEIGHT = {SpeakerRole.speaker: 0, SpeakerRole.panelist: 1, SpeakerRole.moderator: 2}
FILLED_FROM_OTHER = ("role", "organisation", "country", "bio", "link")


def name_key(name: str) -> str:
    """The comparable form of a name: case, accents, punctuation and titles ignored, and other
    scripts transliterated ("Dr Kai Uwe Bindseil" = "KAI UWE BINDSEIL"; "Евгений Куценко" is
    "evgenii-kutsenko", not "evgeniy-kutsenko": that needs an alias)."""
    return make_slug(TITLES.sub("", name.strip()))


def aliases_of(speaker: Speaker) -> list[str]:
    return speaker.aliases.splitlines()


def get(session: Session, *, slug: str, field: str = "speaker") -> Speaker:
    return get_one(session, Speaker, "speaker", field, slug=slug)


def canonical(session: Session, *, slug: str) -> Speaker:
    """The speaker a link names, also when the link spells the slug with its accents
    (`gražvydas-morkus`) or names a record since merged into this one (its slug came from a
    name that is now an alias): the caller redirects to the canonical slug."""
    try:
        return get(session, slug=slug)
    except NotFound:
        ascii_slug = make_slug(slug)
        if ascii_slug != slug and exists(session, Speaker, slug=ascii_slug):
            return get(session, slug=ascii_slug)
        merged = select(Speaker).where(col(Speaker.aliases) != "").order_by(col(Speaker.id))
        for speaker in session.exec(merged):
            if any(ascii_slug in (make_slug(a), name_key(a)) for a in aliases_of(speaker)):
                return speaker
        raise


def everyone(session: Session, *, limit: int = 1000) -> list[Speaker]:
    """Speakers by name, for choosing one in a form."""
    return list(session.exec(select(Speaker).order_by(col(Speaker.name)).limit(limit)))


def list_page(session: Session, *, key: Key | None, limit: int) -> tuple[list[Speaker], Key | None]:
    columns = [col(Speaker.name), col(Speaker.id)]
    return keyset_page(session, select(Speaker), columns, key, limit)


def _spelling(name: str) -> str:
    """How a name is written, case and spacing aside. Aliases differ by spelling, not by name
    key: "Фаина Филина" has the key of "Faina Filina", yet only the alias lets search find her
    by the Russian words."""
    return " ".join(name.casefold().split())


def _check_aliases(session: Session, speaker: Speaker, aliases: list[str]) -> str:
    """The aliases as stored (one per line), refused when one repeats the name or another
    alias, or is how another speaker is called (by name key): imports could not tell the two
    apart, and merging them is the way to say they are one person."""
    seen: dict[str, str | None] = {_spelling(speaker.name): None}  # None: the name itself
    for i, alias in enumerate(aliases):
        if (spelt := _spelling(alias)) in seen:
            same = seen[spelt]
            message = (
                _("%(field)s: %(alias)s is the same as the speaker's name")
                if same is None
                else _("%(field)s: %(alias)s is the same as %(other)s")
            )
            values = {"field": f"aliases.{i}", "alias": repr(alias), "other": same}
            raise Invalid(message % values, field=f"aliases.{i}")
        seen[spelt] = repr(alias)
    keys = {name_key(alias): i for i, alias in enumerate(aliases)}
    if not keys:
        return ""
    for other in session.exec(select(Speaker)):
        if other.id == speaker.id:
            continue
        for name in (other.name, *aliases_of(other)):
            if (at := keys.get(name_key(name))) is not None:
                message = _(
                    "%(field)s: %(alias)s is how %(name)s (%(slug)s) is called; merge the two "
                    "records of that person instead"
                )
                values = {
                    "field": f"aliases.{at}",
                    "alias": repr(aliases[at]),
                    "name": other.name,
                    "slug": other.slug,
                }
                raise Conflict(message % values, field=f"aliases.{at}")
    return "\n".join(aliases)


def create(session: Session, *, data: SpeakerCreate) -> Speaker:
    slug = claim_slug(data.slug, data.name, lambda s: exists(session, Speaker, slug=s))
    speaker = Speaker(**data.model_dump(exclude={"slug", "aliases"}), slug=slug)
    speaker.aliases = _check_aliases(session, speaker, data.aliases)
    session.add(speaker)
    session.flush()
    return speaker


def update(session: Session, *, speaker: Speaker, data: SpeakerUpdate) -> Speaker:
    if data.slug and data.slug != speaker.slug:
        speaker.slug = claim_slug(data.slug, "", lambda s: exists(session, Speaker, slug=s))
    apply_changes(speaker, data, skip={"slug", "aliases"})
    aliases = aliases_of(speaker) if data.aliases is None else data.aliases
    speaker.aliases = _check_aliases(session, speaker, aliases)
    session.add(speaker)
    session.flush()
    return speaker


def merge(session: Session, *, keep: Speaker, other: Speaker, actor: User) -> Speaker:
    """One person recorded twice becomes `keep`: the other's sessions, quotes, transcript
    lines and turns move to it, its name and aliases become aliases (so imports and search
    still find either spelling), its details fill the empty ones, and it is deleted. Where
    both were on one session, the role that says more is kept (moderator, then panelist,
    then speaker)."""
    assert keep.id is not None  # a stored speaker
    if keep.id == other.id:
        raise Invalid(_("a speaker cannot be merged with itself"), field="other")
    spellings = {_spelling(keep.name)}
    aliases = []
    for spelt in (*aliases_of(keep), other.name, *aliases_of(other)):
        alias = " ".join(spelt.split())  # a name may hold a line break, an alias may not
        if _spelling(alias) not in spellings:
            spellings.add(_spelling(alias))
            aliases.append(alias)
    if len(aliases) > MAX_ALIASES:
        message = ngettext(
            "together the two records have %(num)s spelling, more than %(max)s; "
            "remove some aliases first",
            "together the two records have %(num)s spellings, more than %(max)s; "
            "remove some aliases first",
            len(aliases),
        )
        raise Invalid(message % {"num": len(aliases), "max": MAX_ALIASES}, field="other")
    kept_roles = {
        link.segment_id: link
        for link in session.exec(select(SegmentSpeaker).where(SegmentSpeaker.speaker_id == keep.id))
    }
    moved = session.exec(select(SegmentSpeaker).where(SegmentSpeaker.speaker_id == other.id))
    for link in list(moved):
        mine = kept_roles.get(link.segment_id)
        if mine is None:
            session.add(
                SegmentSpeaker(segment_id=link.segment_id, speaker_id=keep.id, role=link.role)
            )
        elif ROLE_WEIGHT[link.role] > ROLE_WEIGHT[mine.role]:
            mine.role = link.role
            session.add(mine)
        session.delete(link)
    session.flush()  # the links are gone before their speaker is
    for model in (Annotation, TranscriptCue, SpeakerTurn):
        session.exec(
            bulk_update(model).where(col(model.speaker_id) == other.id).values(speaker_id=keep.id)
        )
    for name in FILLED_FROM_OTHER:
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
    keep.aliases = "\n".join(aliases)
    audit.record(
        session,
        actor=actor,
        action=AuditAction.changed,
        subject="speaker",
        subject_id=keep.id,
        summary=f"merged {other.name} ({other.slug}) into {keep.name} ({keep.slug})",
    )
    session.add(keep)
    session.delete(other)
    session.flush()
    return keep


def delete(session: Session, *, speaker: Speaker) -> None:
    session.delete(speaker)
    session.flush()


def to_public(speaker: Speaker) -> SpeakerPublic:
    return SpeakerPublic(**speaker.model_dump(exclude={"aliases"}), aliases=aliases_of(speaker))
