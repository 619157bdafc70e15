from pathlib import Path

from sqlmodel import Session, col, func, select

from app import links, video
from app.errors import Invalid, NotFound
from app.i18n import _
from app.models import Annotation, Event, MediaKind, Recording, Segment, SpeakerTurn, User
from app.pagination import Key, keyset_page
from app.schemas import RecordingCreate, RecordingPublic, RecordingUpdate
from app.services import access, events, media
from app.services.common import apply_changes, exists, get_one
from app.slugs import claim_slug
from app.timecodes import format_time

_SOURCE_FIELD = {
    MediaKind.file: "media_path",
    MediaKind.url: "media_url",
    MediaKind.youtube: "youtube_id",
}


def get(session: Session, *, slug: str, viewer: User | None) -> Recording:
    """The recording `viewer` may see; a draft is "not found" for anyone but an editor."""
    return _shown(get_one(session, Recording, "recording", "recording", slug=slug), viewer, slug)


def get_by_id(session: Session, recording_id: int, *, viewer: User | None) -> Recording:
    return _shown(get_one(session, Recording, "recording", "recording", id=recording_id), viewer)


def _shown(recording: Recording, viewer: User | None, asked: str = "") -> Recording:
    if not recording.published and not access.sees_drafts(viewer):
        which = repr(asked) if asked else ""
        raise NotFound((_("no recording %(which)s") % {"which": which}).strip(), field="recording")
    return recording


def list_page(
    session: Session,
    *,
    key: Key | None,
    limit: int,
    viewer: User | None,
    event: str | None = None,
) -> tuple[list[Recording], Key | None]:
    stmt = select(Recording).where(access.recordings_visible_to(viewer))
    if event is not None:
        stmt = stmt.where(Recording.event_id == events.get(session, slug=event).id)
    return keyset_page(session, stmt, [col(Recording.id)], key, limit)


def create(session: Session, *, data: RecordingCreate, media_dir: Path) -> Recording:
    """A recording needs exactly the source field its media_kind names; files are probed."""
    event = events.get(session, slug=data.event)
    assert event.id is not None  # a stored event
    wanted = _SOURCE_FIELD[data.media_kind]
    for kind, field in _SOURCE_FIELD.items():
        given = getattr(data, field) is not None
        if given != (kind is data.media_kind):
            message = (
                _("a recording of media_kind %(kind)s needs %(field)s")
                if kind is data.media_kind
                else _("a recording of media_kind %(kind)s takes no %(field)s")
            )
            raise Invalid(
                message % {"kind": repr(data.media_kind.value), "field": field},
                field=field if given else wanted,
            )
    recording = Recording(
        **data.model_dump(exclude={"event", "slug"}),
        event_id=event.id,
        slug=claim_slug(data.slug, data.title, lambda s: exists(session, Recording, slug=s)),
    )
    if data.media_kind is MediaKind.file:
        assert data.media_path is not None  # checked above: a file recording needs one
        path = media.resolve_media_path(media_dir, data.media_path)
        try:
            info = video.probe(path)
        except video.InvalidMedia as exc:
            raise Invalid(str(exc), field="media_path") from None
        recording.duration = recording.duration or info.duration
    session.add(recording)
    session.flush()
    return recording


def update(session: Session, *, recording: Recording, data: RecordingUpdate) -> Recording:
    if data.slug and data.slug != recording.slug:
        recording.slug = claim_slug(data.slug, "", lambda s: exists(session, Recording, slug=s))
    apply_changes(recording, data, skip={"slug"})
    if data.duration is not None:
        _check_duration_holds(session, recording)
    session.add(recording)
    session.flush()
    return recording


def _check_duration_holds(session: Session, recording: Recording) -> None:
    """Shortening a recording must not leave segments, annotations or turns past its end."""
    assert recording.duration is not None  # called when an update sets it
    latest = max(
        session.exec(
            select(func.max(Segment.end)).where(Segment.recording_id == recording.id)
        ).one()
        or 0,
        session.exec(
            select(func.max(func.coalesce(Annotation.end, Annotation.start))).where(
                Annotation.recording_id == recording.id
            )
        ).one()
        or 0,
        session.exec(
            select(func.max(SpeakerTurn.end)).where(SpeakerTurn.recording_id == recording.id)
        ).one()
        or 0,
    )
    if latest > recording.duration:
        raise Invalid(
            _("duration %(duration)s would cut off content that runs to %(latest)s")
            % {"duration": format_time(recording.duration), "latest": format_time(latest)},
            field="duration",
        )


def delete(session: Session, *, recording: Recording, media_dir: Path) -> None:
    """The recording and what hangs off it; its media file goes once the delete has committed."""
    media.remove_after_commit(session, media_dir, recording)
    session.delete(recording)
    session.flush()


def to_public(session: Session, recording: Recording) -> RecordingPublic:
    event = session.get(Event, recording.event_id)
    assert event is not None  # event_id is a foreign key
    slug = recording.slug
    return RecordingPublic(
        **recording.model_dump(exclude={"event_id"}),
        event=event.slug,
        media_src=links.media_src(recording),
        duration_tc=format_time(recording.duration) if recording.duration else None,
        links={
            "navigator": links.recording_url(slug),
            "segments": f"/api/v1/recordings/{slug}/segments",
            "annotations": f"/api/v1/recordings/{slug}/annotations",
        },
    )
