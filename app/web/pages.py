"""The HTML pages people open and share (PRODUCT §4, §5); the work is in navigator.py."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, select

from app import links
from app.deps import SessionDep, SettingsDep
from app.errors import NotFound
from app.models import Event, Recording, Segment
from app.services import annotations as annotation_service
from app.services import recordings as recording_service
from app.services import segments as segment_service
from app.services import speakers as speaker_service
from app.timecodes import TimeRange
from app.web import navigator, share
from app.web.moments import resolve
from app.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
TQuery = Annotated[str | None, Query(max_length=100)]
FilterQuery = Annotated[str | None, Query(max_length=80)]


def annotation_id(text: str) -> int:
    """Annotation ids in paths; anything else is a page that does not exist, not a 422."""
    if not text.isdigit() or len(text) > 10 or int(text) > 2**31 - 1:
        raise NotFound(f"no annotation {text[:20]!r}", field="path.annotation")
    return int(text)


def navigator_page(
    request: Request,
    session: Session,
    settings,
    recording: Recording,
    moment,
    filters: navigator.Filters,
    *,
    status_code: int = 200,
    **extra,
) -> HTMLResponse:
    ctx = navigator.context(
        session,
        recording=recording,
        moment=moment,
        filters=filters,
        base_url=settings.base_url.rstrip("/"),
        youtube_api_url=settings.youtube_api_url,
        **extra,
    )
    ctx["meta"] = share.meta_for_moment(request, ctx)
    return render(request, "navigator.html", ctx, status_code=status_code)


@router.get("/")
def home(request: Request, session: SessionDep) -> HTMLResponse:
    events = session.exec(select(Event).order_by(col(Event.start_date).desc(), Event.id)).all()
    recordings = session.exec(select(Recording).order_by(Recording.id)).all()
    by_event: dict[int, list[Recording]] = {}
    for recording in recordings:
        by_event.setdefault(recording.event_id, []).append(recording)
    return render(request, "home.html", {"events": events, "recordings": by_event})


@router.get("/r/{recording}")
def recording_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    recording: str,
    t: TQuery = None,
    kind: FilterQuery = None,
    speaker: FilterQuery = None,
    tag: FilterQuery = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    rec = recording_service.get(session, slug=recording)
    moment = resolve(t, duration=rec.duration)
    filters = navigator.Filters(kind, speaker, tag, cursor)
    return navigator_page(request, session, settings, rec, moment, filters)


@router.get("/r/{recording}/s/{segment}")
def segment_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    recording: str,
    segment: str,
    t: TQuery = None,
) -> HTMLResponse:
    """`t` is relative to the segment, so links survive when its boundaries move."""
    rec = recording_service.get(session, slug=recording)
    seg = segment_service.get(session, recording=rec, slug=segment)
    moment = resolve(t, duration=rec.duration, offset=seg.start)
    return navigator_page(request, session, settings, rec, moment, navigator.Filters(), focus=seg)


@router.get("/a/{annotation}")
def annotation_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    annotation: str,
    t: TQuery = None,
) -> HTMLResponse:
    """Opens at the annotation's time (its session's start when unplaced), the annotation
    highlighted; `t` still wins when a link names one."""
    row = annotation_service.get(session, annotation_id=annotation_id(annotation))
    rec = session.get(Recording, row.recording_id)
    focus = None
    if row.start is not None:
        default = TimeRange(row.start, row.end)
    else:
        focus = session.get(Segment, row.segment_id) if row.segment_id else None
        default = TimeRange(focus.start if focus else 0.0, None)
    moment = resolve(t, duration=rec.duration, default=default)
    return navigator_page(
        request, session, settings, rec, moment, navigator.Filters(), highlight=row.id, focus=focus
    )


@router.get("/a/{annotation}/item")
def annotation_item(
    request: Request, session: SessionDep, settings: SettingsDep, annotation: str
) -> HTMLResponse:
    """One list entry, rendered by the same template as the page, for scripts to insert."""
    row = annotation_service.get(session, annotation_id=annotation_id(annotation))
    rec = session.get(Recording, row.recording_id)
    segments = segment_service.list_all(session, recording=rec)
    [item] = navigator.annotation_items(
        session,
        [row],
        event=session.get(Event, rec.event_id),
        recording=rec,
        segments=segments,
        base_url=settings.base_url.rstrip("/"),
    )
    return render(
        request,
        "_item.html",
        {"item": item, "recording": rec, "span": rec.duration or max(s.end for s in segments)},
    )


@router.get("/speakers/{speaker}")
def speaker_page(
    request: Request, session: SessionDep, settings: SettingsDep, speaker: str
) -> HTMLResponse:
    person = speaker_service.get(session, slug=speaker)
    sessions = segment_service.sessions_of_speaker(session, speaker=person)
    quotes = annotation_service.quotes_of(session, speaker=person)
    recordings = {r.id: r for _, r in sessions}
    recordings.update(
        (r.id, r)
        for r in session.exec(
            select(Recording).where(col(Recording.id).in_({q.recording_id for q in quotes}))
        )
    )
    events = {
        e.id: e
        for e in session.exec(
            select(Event).where(col(Event.id).in_({r.event_id for r in recordings.values()}))
        )
    }
    all_segments = session.exec(
        select(Segment).where(col(Segment.recording_id).in_(recordings)).order_by(Segment.start)
    ).all()
    items = []
    for rec in recordings.values():
        mine = [q for q in quotes if q.recording_id == rec.id]
        if mine:
            items += navigator.annotation_items(
                session,
                mine,
                event=events[rec.event_id],
                recording=rec,
                segments=[s for s in all_segments if s.recording_id == rec.id],
                base_url=settings.base_url.rstrip("/"),
            )
    ctx = {"speaker": person, "sessions": sessions, "items": items}
    ctx["meta"] = share.meta_for_speaker(request, person, sessions)
    return render(request, "speaker.html", ctx)


@router.get("/embed/r/{recording}")
def embed_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    recording: str,
    t: TQuery = None,
) -> HTMLResponse:
    rec = recording_service.get(session, slug=recording)
    moment = resolve(t, duration=rec.duration)
    ctx = {
        "recording": rec,
        "moment": moment,
        "media_src": links.media_src(rec),
        "page_data": {
            "media": rec.media_kind.value,
            "youtubeId": rec.youtube_id,
            "youtubeApi": settings.youtube_api_url,
            "start": moment.start,
            "end": moment.end,
        },
        "open_url": links.recording_url(rec.slug, moment.start, moment.end),
    }
    return render(request, "embed.html", ctx)
