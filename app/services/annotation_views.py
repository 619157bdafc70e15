"""What readers get of annotations: public shapes (with citations and reply threads), the
navigator's filter menus and a speaker's quotes, each holding only what the viewer may see
(app.services.access)."""

from collections import defaultdict
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import links
from app.models import Annotation, AnnotationTag, Event, Recording, Segment, Speaker, User
from app.schemas import AnnotationPublic
from app.services import access
from app.services import speakers as speaker_service
from app.services.citations import citation
from app.timecodes import format_time


def to_public_many(
    session: Session,
    annotations: list[Annotation],
    *,
    site: str,
    viewer: User | None,
    threads: bool = True,
    known: tuple[Recording | Event | Segment | Speaker, ...] = (),
) -> list[AnnotationPublic]:
    """Public shapes for a page, with tags, speakers, segments, events, owners and (for
    `threads`) the replies the viewer may see, each fetched once per page (but the rows the
    caller has at hand in `known`); `site` is the site's address, for the citation's absolute
    link."""
    ids = [a.id for a in annotations]
    replies = _replies(session, ids, viewer) if threads else {}
    owners = _by_id(session, User, {a.owner_id for a in annotations})
    tags: dict[int, list[str]] = defaultdict(list)
    for annotation_id, tag in session.exec(
        select(AnnotationTag.annotation_id, AnnotationTag.tag)
        .where(col(AnnotationTag.annotation_id).in_(ids))
        .order_by(AnnotationTag.tag)
    ):
        tags[annotation_id].append(tag)
    speakers = _by_id(session, Speaker, {a.speaker_id for a in annotations}, known)
    segments = _by_id(session, Segment, {a.segment_id for a in annotations}, known)
    recordings = _by_id(session, Recording, {a.recording_id for a in annotations}, known)
    events = _by_id(session, Event, {r.event_id for r in recordings.values()}, known)
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
            owner=owners[a.owner_id].username if a.owner_id else None,
            hidden=a.hidden_at is not None,
            replies=to_public_many(
                session, replies[a.id], site=site, viewer=viewer, threads=False, known=known
            )
            if replies.get(a.id)
            else [],
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


def to_public(
    session: Session, annotation: Annotation, *, site: str, viewer: User | None
) -> AnnotationPublic:
    return to_public_many(session, [annotation], site=site, viewer=viewer)[0]


def _replies(
    session: Session, ids: list[int | None], viewer: User | None
) -> dict[int, list[Annotation]]:
    """The replies to these annotations that `viewer` may see, oldest first."""
    found: dict[int, list[Annotation]] = defaultdict(list)
    stmt = select(Annotation).where(
        col(Annotation.reply_to_id).in_([i for i in ids if i is not None]),
        access.visible_to(viewer),
    )
    for reply in session.exec(stmt.order_by(col(Annotation.id))):
        assert reply.reply_to_id is not None
        found[reply.reply_to_id].append(reply)
    return found


def _navigator_link(annotation: Annotation, recording: Recording, segment: Segment | None) -> str:
    """Placed annotations open at their second; unplaced ones at their session."""
    if annotation.start is None and segment is not None:
        return links.segment_url(recording.slug, segment.slug)
    return links.recording_url(recording.slug, annotation.start, annotation.end)


def _by_id(session: Session, model: Any, ids: set[int | None], known: tuple = ()) -> dict:
    found = {row.id: row for row in known if isinstance(row, model) and row.id in ids}
    wanted = [i for i in ids if i is not None and i not in found]
    if wanted:
        rows = session.exec(select(model).where(col(model.id).in_(wanted)))
        found.update((row.id, row) for row in rows)
    return found


MENU = 200  # entries at most in a filter menu: past that a menu helps nobody


def tags_in(session: Session, *, recording: Recording) -> list[str]:
    """The tags used on a recording's public annotations, for a filter menu (the first MENU
    in order). The distinct tags are found by a loose index scan (each the smallest above the
    one before, one index probe each, rather than reading every tagged row: 62,500 of them at
    1,000,000 annotations took 0.6 s) and each asks whether one of its annotations is here."""
    tag = col(AnnotationTag.tag)
    walk = select(func.min(tag).label("tag")).cte("walk", recursive=True)
    following = select(func.min(tag)).where(tag > walk.c.tag).scalar_subquery()
    walk = walk.union_all(select(following).where(walk.c.tag.is_not(None)))
    public_here = (
        select(Annotation.id)
        .where(
            col(Annotation.id) == AnnotationTag.annotation_id,
            Annotation.recording_id == recording.id,
            access.visible_to(None),
        )
        .exists()
    )
    # A probe from the tag's rows, each looked up by its annotation's key, stopping at the
    # first one here: as one EXISTS, PostgreSQL joined every tagged row and SQLite walked the
    # recording's annotations instead.
    here = (
        select(AnnotationTag.annotation_id)
        .where(AnnotationTag.tag == walk.c.tag, public_here)
        .limit(1)
        .scalar_subquery()
    )
    found = select(walk.c.tag).where(walk.c.tag.is_not(None), here.is_not(None))
    return list(session.exec(found.order_by(walk.c.tag).limit(MENU)).all())


def speakers_in(session: Session, *, recording: Recording) -> list[Speaker]:
    """The speakers named by a recording's public annotations, for a filter menu: each
    speaker asks whether one of their annotations is here (an index probe per speaker)
    rather than the recording's annotations being read for their speakers."""
    here = (
        select(Annotation.id)
        .where(
            Annotation.speaker_id == Speaker.id,
            Annotation.recording_id == recording.id,
            access.visible_to(None),
        )
        .exists()
    )
    return list(session.exec(select(Speaker).where(here).order_by(Speaker.name).limit(MENU)).all())


def quotes_of(
    session: Session, *, speaker: Speaker, viewer: User | None, limit: int = 500
) -> list[Annotation]:
    """A speaker's public annotations across the recordings `viewer` may see, in recording
    then time order."""
    return list(
        session.exec(
            select(Annotation)
            .join(Recording, col(Recording.id) == Annotation.recording_id)
            .where(
                Annotation.speaker_id == speaker.id,
                access.visible_to(None),
                access.recordings_visible_to(viewer),
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
