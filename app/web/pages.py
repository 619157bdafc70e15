"""The HTML pages people open and share (PRODUCT §4, §5); what they show is computed in
navigator.py from what the services read."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import links
from app.db import Session
from app.deps import SessionDep, SettingsDep
from app.http.auth import Anyone
from app.http.paging import Paging, paging
from app.http.routing import router as make_router
from app.http.templating import render, site_url
from app.models import Recording, Segment, User
from app.services import annotation_views as views
from app.services import annotations as annotation_service
from app.services import events as event_service
from app.services import live_events
from app.services import recordings as recording_service
from app.services import segments as segment_service
from app.services import speakers as speaker_service
from app.services import turns as turn_service
from app.timecodes import TimeRange
from app.web import navigator, share
from app.web.moments import Moment, resolve

router = make_router(include_in_schema=False, default_response_class=HTMLResponse)
TQuery = Annotated[str | None, Query(max_length=1000)]  # a well-formed t of any size opens
FilterQuery = Annotated[str | None, Query(max_length=80)]
PageOfAnnotations = Annotated[Paging, Depends(paging(navigator.WINDOW, lenient=True))]


def navigator_page(
    request: Request,
    session: Session,
    recording: Recording,
    moment: Moment,
    *,
    filters: navigator.Filters | None = None,
    paged: Paging | None = None,
    status_code: int = 200,
    **extra,
) -> HTMLResponse:
    """The navigator at `moment`; `extra` names what it focuses, highlights or refused."""
    settings = request.app.state.settings
    parts = request.app.state.pages.parts(
        ("navigator", recording.id),
        session,
        lambda: navigator.shared_parts(session, recording=recording),
    )
    ctx = navigator.context(
        session,
        recording=recording,
        parts=parts,
        moment=moment,
        filters=filters or navigator.Filters(),
        key=paged.key if paged else None,
        site=site_url(request),
        youtube_api_url=settings.youtube_api_url,
        viewer=getattr(request.state, "user", None),
        **extra,
    )
    if paged is not None and paged.notice:
        ctx["notices"].append(paged.notice)
    # The window's links page the recording's list, from every page that shows it.
    pages = Paging(None, navigator.WINDOW, settings.secret_key, links.recording_url(recording.slug))
    ctx["next_cursor"] = pages.cursor(ctx["next_key"])
    ctx["first_cursor"] = (
        pages.cursor(navigator.FROM_START) if ctx["window_from"] is not None else None
    )
    ctx["meta"] = share.meta_for_moment(request, ctx)
    return render(request, "navigator.html", ctx, status_code=status_code)


def shared(request: Request, session: Session, make: Callable[[], Response]) -> Response:
    """A page the readers who are not signed in share, made once per change
    (app/http/page_cache.py); `make` renders it."""
    return request.app.state.pages.page(request, session, make)


@router.get("/")
def home(request: Request, session: SessionDep, user: Anyone) -> HTMLResponse:
    return render(request, "home.html", {"events": event_service.overview(session, viewer=user)})


@router.get("/r/{recording}")
def recording_page(
    request: Request,
    session: SessionDep,
    user: Anyone,
    paged: PageOfAnnotations,
    recording: str,
    t: TQuery = None,
    kind: FilterQuery = None,
    speaker: FilterQuery = None,
    tag: FilterQuery = None,
) -> Response:
    def make() -> HTMLResponse:
        rec = recording_service.get(session, slug=recording, viewer=user)
        moment = resolve(t, duration=rec.duration)
        filters = navigator.Filters(kind, speaker, tag)
        return navigator_page(request, session, rec, moment, filters=filters, paged=paged)

    return shared(request, session, make)


@router.get("/r/{recording}/s/{segment}")
def segment_page(
    request: Request,
    session: SessionDep,
    user: Anyone,
    recording: str,
    segment: str,
    t: TQuery = None,
) -> Response:
    """`t` is relative to the segment, so links survive when its boundaries move."""

    def make() -> HTMLResponse:
        rec = recording_service.get(session, slug=recording, viewer=user)
        seg = segment_service.get(session, recording=rec, slug=segment)
        moment = resolve(t, duration=rec.duration, segment=seg)
        return navigator_page(request, session, rec, moment, focus=seg)

    return shared(request, session, make)


@router.get("/a/{annotation:int}")
def annotation_page(
    request: Request, session: SessionDep, user: Anyone, annotation: int, t: TQuery = None
) -> Response:
    """Opens at the annotation's time (its session's start when unplaced), the annotation
    highlighted; `t` still wins when a link names one."""

    def make() -> HTMLResponse:
        row = annotation_service.get(session, annotation_id=annotation, viewer=user)
        rec = recording_service.get_by_id(session, row.recording_id, viewer=user)
        focus: Segment | None = None
        if row.start is not None:
            default = TimeRange(row.start, row.end)
        else:
            focus = segment_service.get_by_id(session, row.segment_id) if row.segment_id else None
            default = TimeRange(focus.start if focus else 0.0, None)
        moment = resolve(t, duration=rec.duration, default=default)
        return navigator_page(request, session, rec, moment, highlight=row.id, focus=focus)

    return shared(request, session, make)


@router.get("/a/{annotation:int}/item")
def annotation_item(
    request: Request, session: SessionDep, user: Anyone, annotation: int
) -> HTMLResponse:
    """One list entry, rendered by the same template as the page, for scripts to insert."""
    return render_item(request, session, annotation, viewer=user)


def render_item(
    request: Request, session: Session, annotation: int, *, viewer: User | None
) -> HTMLResponse:
    """The entry as `viewer` sees it (here and in live updates, app/web/live.py)."""
    row = annotation_service.get(session, annotation_id=annotation, viewer=viewer)
    item = views.to_public(session, row, site=site_url(request), viewer=viewer)
    rec = recording_service.get_by_id(session, row.recording_id, viewer=viewer)
    span = rec.duration or segment_service.extent(session, recording=rec)
    return render(request, "_item.html", {"a": item, "recording": rec, "span": span})


@router.get("/speakers/{speaker}")
def speaker_page(request: Request, session: SessionDep, user: Anyone, speaker: str) -> Response:
    person = speaker_service.canonical(session, slug=speaker)
    if person.slug != speaker:
        return RedirectResponse(links.speaker_url(person.slug), status_code=301)
    sessions = segment_service.sessions_of_speaker(session, speaker=person, viewer=user)
    quotes = views.quotes_of(session, speaker=person, viewer=user)
    items = views.to_public_many(session, quotes, site=site_url(request), viewer=user)
    ctx = {"speaker": person, "sessions": sessions, "items": items}
    ctx["turns"] = turn_service.of_speaker(session, speaker=person, viewer=user)
    ctx["meta"] = share.meta_for_speaker(request, person, sessions)
    return render(request, "speaker.html", ctx)


@router.get("/embed/r/{recording}")
def embed_page(
    request: Request,
    session: SessionDep,
    user: Anyone,
    settings: SettingsDep,
    recording: str,
    t: TQuery = None,
) -> Response:
    def make() -> HTMLResponse:
        rec = recording_service.get(session, slug=recording, viewer=user)
        moment = resolve(t, duration=rec.duration)
        live_after = live_events.latest_id(session)  # first: changes after it come live
        ctx = {
            "recording": rec,
            "moment": moment,
            **navigator.player(session, recording=rec),
            "page_data": {
                "youtubeId": rec.youtube_id,
                "youtubeApi": settings.youtube_api_url,
                "start": moment.start,
                "end": moment.end,
                "notes": _embed_notes(session, rec, moment, user),
                "live": links.live_url(rec.slug),
                "liveAfter": live_after,
            },
            "open_url": links.recording_url(rec.slug, moment.start, moment.end),
        }
        return render(request, "embed.html", ctx)

    return shared(request, session, make)


EMBED_NOTES = 200  # annotations an embed shows over the picture, from its moment on


def _embed_notes(session: Session, rec: Recording, moment: Moment, viewer: User | None) -> list:
    """What the embed shows over the picture as it plays: the annotations placed from a
    minute before its moment on (more come live)."""
    rows, _ = annotation_service.list_page(
        session, recording=rec, start=max(moment.start - 60, 0), limit=EMBED_NOTES, viewer=viewer
    )
    return [
        {"id": a.id, "kind": a.kind.value, "start": a.start, "end": a.end, "text": a.text}
        for a in rows
        if a.start is not None and a.reply_to_id is None
    ]


@router.get("/docs")
def api_docs(request: Request, user: Anyone) -> HTMLResponse:
    """Swagger UI over /openapi.json, from the offline copy fastapi-offline ships (no CDN),
    started by static/js/docs.js: no inline script, so the site's CSP holds here too."""
    return render(request, "docs.html", {})
