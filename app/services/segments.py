from sqlmodel import Session, col, delete, func, select

from app import links
from app.errors import Invalid, NotFound
from app.i18n import _
from app.models import Recording, Segment, SegmentSpeaker, Speaker, User
from app.schemas import SegmentCreate, SegmentPublic, SegmentSpeakerOut, SegmentUpdate
from app.services import access
from app.services import speakers as speaker_service
from app.services.common import apply_changes, exists, get_one
from app.slugs import claim_slug
from app.timecodes import format_time


def get(session: Session, *, recording: Recording, slug: str, field="segment") -> Segment:
    return get_one(session, Segment, "segment", field, recording_id=recording.id, slug=slug)


def get_by_id(session: Session, segment_id: int) -> Segment:
    return get_one(session, Segment, "segment", "segment", id=segment_id)


def extent(session: Session, *, recording: Recording) -> float:
    """Where the last segment ends: a recording's length when its duration is unknown."""
    return (
        session.exec(
            select(func.max(Segment.end)).where(Segment.recording_id == recording.id)
        ).one()
        or 1.0
    )


def list_all(session: Session, *, recording: Recording) -> list[Segment]:
    """All segments in time order, a session before the talks it holds even when one starts
    with it; a recording holds tens of them, so no paging."""
    return list(
        session.exec(
            select(Segment)
            .where(Segment.recording_id == recording.id)
            .order_by(col(Segment.start), col(Segment.parent_id).is_not(None), col(Segment.id))
        ).all()
    )


def at_time(session: Session, *, recording: Recording, t: float) -> Segment | None:
    """The innermost segment playing at `t`: a backward walk of (recording_id, start). The
    latest-starting segment around `t` is the innermost (talks lie inside their session);
    when a talk starts with its session, the talk wins."""
    return session.exec(
        select(Segment)
        .where(Segment.recording_id == recording.id, Segment.start <= t, Segment.end > t)
        .order_by(col(Segment.start).desc(), col(Segment.parent_id).is_(None))
        .limit(1)
    ).first()


def playing_at(session: Session, *, recording: Recording, t: float) -> Segment:
    """The innermost segment playing at `t`, or NotFound in a break."""
    segment = at_time(session, recording=recording, t=t)
    if segment is None:
        raise NotFound(_("no segment at %(time)s (a break)") % {"time": format_time(t)}, field="t")
    return segment


def _check(session: Session, recording: Recording, segment: Segment) -> None:
    if segment.start >= segment.end:
        raise Invalid(_("end must be after start"), field="end")
    if recording.duration is not None and segment.end > recording.duration:
        raise Invalid(
            _("end %(end)s is past the recording's end %(duration)s")
            % {"end": format_time(segment.end), "duration": format_time(recording.duration)},
            field="end",
        )
    overlap = session.exec(
        select(Segment).where(
            Segment.recording_id == recording.id,
            Segment.parent_id == segment.parent_id
            if segment.parent_id
            else col(Segment.parent_id).is_(None),
            Segment.start < segment.end,
            Segment.end > segment.start,
            Segment.id != segment.id if segment.id else True,
        )
    ).first()
    if overlap is not None:
        raise Invalid(
            _("it would overlap %(title)s (%(start)s to %(end)s)")
            % {
                "title": repr(overlap.title),
                "start": format_time(overlap.start),
                "end": format_time(overlap.end),
            },
            field="start",
        )
    if segment.parent_id is None:
        children = (
            session.exec(select(Segment).where(Segment.parent_id == segment.id)).all()
            if segment.id is not None
            else []
        )
        for child in children:
            if child.start < segment.start or child.end > segment.end:
                raise Invalid(
                    _("the segment %(slug)s inside it would fall outside")
                    % {"slug": repr(child.slug)},
                    field="start",
                )
        return
    parent = session.get(Segment, segment.parent_id)
    assert parent is not None  # parent_id is a foreign key
    if parent.id == segment.id or parent.parent_id is not None:
        raise Invalid(_("segments nest one level only"), field="parent")
    if segment.id is not None and exists(session, Segment, parent_id=segment.id):
        raise Invalid(_("a segment holding others cannot itself be nested"), field="parent")
    if segment.start < parent.start or segment.end > parent.end:
        raise Invalid(
            _("a segment inside %(parent)s must lie within %(start)s to %(end)s")
            % {
                "parent": repr(parent.slug),
                "start": format_time(parent.start),
                "end": format_time(parent.end),
            },
            field="start",
        )


def _set_speakers(session: Session, segment: Segment, entries) -> None:
    assert segment.id is not None  # the segment has been flushed
    session.exec(delete(SegmentSpeaker).where(col(SegmentSpeaker.segment_id) == segment.id))
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry.speaker in seen:
            raise Invalid(
                _("speaker %(slug)s listed twice") % {"slug": repr(entry.speaker)},
                field=f"speakers.{i}",
            )
        seen.add(entry.speaker)
        speaker = speaker_service.get(session, slug=entry.speaker, field=f"speakers.{i}")
        assert speaker.id is not None  # a stored speaker
        session.add(SegmentSpeaker(segment_id=segment.id, speaker_id=speaker.id, role=entry.role))


def _parent_id(session: Session, recording: Recording, slug: str | None) -> int | None:
    if slug is None:
        return None
    return get(session, recording=recording, slug=slug, field="parent").id


def create(session: Session, *, recording: Recording, data: SegmentCreate) -> Segment:
    assert recording.id is not None  # a stored recording
    slug = claim_slug(
        data.slug,
        data.title,
        lambda s: exists(session, Segment, recording_id=recording.id, slug=s),
    )
    segment = Segment(
        **data.model_dump(exclude={"slug", "parent", "speakers"}),
        slug=slug,
        recording_id=recording.id,
        parent_id=_parent_id(session, recording, data.parent),
    )
    _check(session, recording, segment)
    session.add(segment)
    session.flush()
    _set_speakers(session, segment, data.speakers)
    session.flush()
    return segment


def update(
    session: Session, *, recording: Recording, segment: Segment, data: SegmentUpdate
) -> Segment:
    if data.slug and data.slug != segment.slug:
        segment.slug = claim_slug(
            data.slug, "", lambda s: exists(session, Segment, recording_id=recording.id, slug=s)
        )
    if "parent" in data.model_fields_set:
        segment.parent_id = _parent_id(session, recording, data.parent)
    apply_changes(segment, data, skip={"slug", "parent", "speakers"})
    _check(session, recording, segment)
    if data.speakers is not None:
        _set_speakers(session, segment, data.speakers)
    session.add(segment)
    session.flush()
    return segment


def delete_segment(session: Session, *, segment: Segment) -> None:
    session.delete(segment)
    session.flush()


def speakers_of(session: Session, segment: Segment) -> list[tuple[Speaker, SegmentSpeaker]]:
    return list(
        session.exec(
            select(Speaker, SegmentSpeaker)
            .join(SegmentSpeaker, col(SegmentSpeaker.speaker_id) == Speaker.id)
            .where(SegmentSpeaker.segment_id == segment.id)
            .order_by(col(SegmentSpeaker.role), col(Speaker.name))
        ).all()
    )


def to_public(session: Session, recording: Recording, segment: Segment) -> SegmentPublic:
    parent = session.get(Segment, segment.parent_id) if segment.parent_id else None
    return SegmentPublic(
        **segment.model_dump(exclude={"recording_id", "parent_id"}),
        recording=recording.slug,
        start_tc=format_time(segment.start),
        end_tc=format_time(segment.end),
        parent=parent.slug if parent else None,
        speakers=[
            SegmentSpeakerOut(speaker=s.slug, name=s.name, role=link.role)
            for s, link in speakers_of(session, segment)
        ],
        links={"navigator": links.segment_url(recording.slug, segment.slug)},
    )


def speakers_by_segment(
    session: Session, *, recording: Recording
) -> dict[int, list[tuple[Speaker, SegmentSpeaker]]]:
    """Every segment's speakers in one query, for pages that show them all."""
    found: dict[int, list[tuple[Speaker, SegmentSpeaker]]] = {}
    for speaker, link in session.exec(
        select(Speaker, SegmentSpeaker)
        .join(SegmentSpeaker, col(SegmentSpeaker.speaker_id) == Speaker.id)
        .join(Segment, col(Segment.id) == SegmentSpeaker.segment_id)
        .where(Segment.recording_id == recording.id)
        .order_by(col(SegmentSpeaker.role), col(Speaker.name))
    ):
        found.setdefault(link.segment_id, []).append((speaker, link))
    return found


def sessions_of_speaker(
    session: Session, *, speaker: Speaker, viewer: User | None
) -> list[tuple[Segment, Recording]]:
    """The segments a speaker appears in, across the recordings `viewer` may see, in
    recording then time order."""
    return list(
        session.exec(
            select(Segment, Recording)
            .join(SegmentSpeaker, col(SegmentSpeaker.segment_id) == Segment.id)
            .join(Recording, col(Recording.id) == Segment.recording_id)
            .where(SegmentSpeaker.speaker_id == speaker.id, access.recordings_visible_to(viewer))
            .order_by(col(Recording.id), col(Segment.start))
        ).all()
    )
