"""Sharing a moment outside the site: Open Graph / Twitter tags naming it, the video frame
shown at it as preview picture, and oEmbed answers for the site's own pages (PRODUCT §4)."""

import html
import re
from functools import partial
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

import anyio.to_thread
from fastapi import Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from app import links, video
from app.db import Session
from app.deps import SessionDep
from app.errors import DomainError, Invalid, NotFound
from app.http.auth import Anyone
from app.http.routing import router as make_router
from app.http.templating import absolute, site_url
from app.http.transaction import run_unit_of_work
from app.i18n import _, ngettext
from app.models import MediaKind, Recording, Speaker, User
from app.services import annotations as annotation_service
from app.services import recordings as recording_service
from app.services import segments as segment_service
from app.services.citations import held
from app.services.media import resolve_media_path
from app.timecodes import (
    TimecodeError,
    TimeRange,
    format_range,
    parse_fragment,
    parse_range,
)
from app.web.moments import Moment, resolve

router = make_router(include_in_schema=False)
PROVIDER = "Session Navigator"
_PAGE = re.compile(r"^/(?:embed/)?r/(?P<rec>[^/]+)(?:/s/(?P<seg>[^/]+))?$|^/a/(?P<id>\d{1,10})$")


class NotImplementedFormat(DomainError):
    status_code = 501


def preview_image(request: Request, recording: Recording, seconds: float) -> str | None:
    """The picture a shared link shows: the frame at that moment (none for sound only)."""
    if recording.media_kind is MediaKind.file and not video.audio_only(recording.media_path or ""):
        return absolute(request, links.frame_url(recording.slug, seconds))
    if recording.media_kind is MediaKind.youtube:
        return f"https://i.ytimg.com/vi/{recording.youtube_id}/hqdefault.jpg"
    return recording.poster


def canonical_path(ctx: dict[str, Any]) -> str:
    """The link that names what the page shows: the annotation, the segment moment or the
    recording moment."""
    rec, moment = ctx["recording"], ctx["moment"]
    if ctx.get("highlight"):
        return links.annotation_url(ctx["highlight"])
    focus = ctx.get("focus")
    if focus is not None:
        offset = moment.start - focus.start
        return links.segment_url(rec.slug, focus.slug, offset if offset > 0 else None)
    return links.recording_url(rec.slug, _start(moment), moment.end)


def _start(moment: Moment) -> float | None:
    """A link's start: none at the very beginning, unless a range starts there."""
    return moment.start if moment.start or moment.end else None


def meta_for_moment(request: Request, ctx: dict[str, Any]) -> dict[str, str | None]:
    rec, event, moment, current = ctx["recording"], ctx["event"], ctx["moment"], ctx["current"]
    url = absolute(request, canonical_path(ctx))
    a = next((a for a in ctx["items"] if a.id == ctx.get("highlight")), None)
    if a is not None:
        who = a.speaker.name if a.speaker else a.kind.value.capitalize()
        if a.start_tc:
            title = _("%(who)s at %(moment)s — %(recording)s") % {
                "who": who,
                "moment": a.start_tc,
                "recording": rec.title,
            }
        else:
            title = _("%(who)s in %(session)s — %(recording)s") % {
                "who": who,
                "session": a.segment_title or rec.title,
                "recording": rec.title,
            }
        context = (a.speaker.name if a.speaker else "", a.segment_title, event.title)
        description = (f"“{a.text}” — " if a.text else "") + ", ".join(x for x in context if x)
    elif current is not None:
        title = _("%(who)s at %(moment)s — %(recording)s") % {
            "who": current.title,
            "moment": moment.label,
            "recording": rec.title,
        }
        names = [s.name for s, _role in ctx["speakers_by_segment"].get(current.id, [])]
        speakers = _("Speakers: %(names)s.") % {"names": ", ".join(names)}
        description = _event_line(event) + (" " + speakers if names else "")
    else:
        title = _("%(title)s at %(moment)s") % {"title": rec.title, "moment": moment.label}
        description = _event_line(event)
    return {
        "title": title,
        "description": description[:500],
        "url": url,
        "image": preview_image(request, rec, moment.start),
        "oembed": absolute(request, links.oembed_url(url)),
        "embed": links.embed_url(rec.slug, _start(moment), moment.end),
    }


def _event_line(event) -> str:
    """The event as a citation names it: title, place and its whole date range."""
    where_when = held(event)
    return event.title + (f", {where_when}" if where_when else "") + "."


def meta_for_speaker(request: Request, speaker: Speaker, sessions: list) -> dict[str, str | None]:
    about = ", ".join(x for x in (speaker.role, speaker.organisation) if x)
    image = preview_image(request, sessions[0][1], sessions[0][0].start) if sessions else None
    return {
        "title": _("%(name)s — sessions and quotes") % {"name": speaker.name},
        "description": (about + ". " if about else "")
        + ngettext("%(num)s session.", "%(num)s sessions.", len(sessions)) % {"num": len(sessions)},
        "url": absolute(request, links.speaker_url(speaker.slug)),
        "image": image,
        "oembed": None,
    }


@router.get("/r/{recording}/frame.jpg")
async def frame(
    request: Request, user: Anyone, recording: str, t: Annotated[str, Query(max_length=40)] = "0"
) -> Response:
    """The frame on screen at `t` (a viewer paused there sees it), cached a day. The video
    is decoded after the recording is read, so no database slot waits on the decoder."""
    try:
        seconds = parse_range(t).start
    except TimecodeError as exc:
        raise Invalid(str(exc), field="t") from None
    rec = await run_unit_of_work(
        request, lambda s: recording_service.get(s, slug=recording, viewer=user)
    )
    if rec.duration is not None:
        seconds = min(seconds, rec.duration)
    if rec.media_kind is MediaKind.youtube:
        return RedirectResponse(f"https://i.ytimg.com/vi/{rec.youtube_id}/hqdefault.jpg")
    if rec.media_kind is not MediaKind.file or rec.media_path is None:
        raise NotFound(_("this recording's media is not stored here, so it has no frames"))
    try:
        path = resolve_media_path(request.app.state.settings.media_dir, rec.media_path)
        decode = partial(video.frame_jpeg, path, seconds, shown=True)
        data = await anyio.to_thread.run_sync(decode)
    except (Invalid, video.InvalidMedia, FileNotFoundError):
        raise NotFound(_("this recording's video file cannot be read")) from None
    return Response(
        data, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=86400"}
    )


def _page_moment(session: Session, viewer: User | None, path: str, query: str, fragment: str):
    """The recording, title and moment one of our page URLs names (same rules as the page)."""
    match = _PAGE.match(path)
    if match is None:
        raise NotFound(_("that URL is not a page of this site with a player"), field="url")
    raw = dict(parse_qsl(query)).get("t")
    if (in_fragment := parse_fragment(fragment)) is not None:
        raw = format_range(in_fragment)
    if match["id"]:
        a = annotation_service.get(session, annotation_id=int(match["id"]), viewer=viewer)
        rec = recording_service.get_by_id(session, a.recording_id, viewer=viewer)
        seg = segment_service.get_by_id(session, a.segment_id) if a.segment_id else None
        default = TimeRange(a.start if a.start is not None else seg.start if seg else 0, a.end)
        return rec, a.text[:120] or rec.title, resolve(raw, duration=rec.duration, default=default)
    rec = recording_service.get(session, slug=match["rec"], viewer=viewer)
    if match["seg"]:
        seg = segment_service.get(session, recording=rec, slug=match["seg"])
        return rec, seg.title, resolve(raw, duration=rec.duration, segment=seg)
    return rec, rec.title, resolve(raw, duration=rec.duration)


@router.get("/oembed")
def oembed(
    request: Request,
    session: SessionDep,
    user: Anyone,
    url: Annotated[str, Query(max_length=2000)],
    format: Annotated[str, Query(max_length=10)] = "json",
    maxwidth: Annotated[int | None, Query(ge=50, le=4000)] = None,
    maxheight: Annotated[int | None, Query(ge=50, le=4000)] = None,
) -> JSONResponse:
    """oEmbed 1.0 for navigator, segment, annotation and embed URLs: an iframe that keeps
    the link's start and end."""
    if format != "json":
        raise NotImplementedFormat(_("only format=json is offered"), field="format")
    site = site_url(request)
    ours, asked = urlsplit(site), urlsplit(url)
    if (asked.scheme, asked.netloc) != (ours.scheme, ours.netloc):
        raise NotFound(_("that URL is not on this site"), field="url")
    rec, title, moment = _page_moment(
        session, user, asked.path[len(ours.path.rstrip("/")) :], asked.query, asked.fragment
    )
    width = min(maxwidth or 640, 640)
    height = round(width * 9 / 16)
    if maxheight and height > maxheight:
        height, width = maxheight, round(maxheight * 16 / 9)
    src = absolute(request, links.embed_url(rec.slug, _start(moment), moment.end))
    full_title = _("%(title)s at %(moment)s") % {"title": title, "moment": moment.label}
    frame_html = (
        f'<iframe src="{html.escape(src)}" width="{width}" height="{height}" '
        f'title="{html.escape(full_title)}" frameborder="0" '
        'allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>'
    )
    body = {
        "version": "1.0",
        "type": "video",
        "provider_name": PROVIDER,
        "provider_url": site,
        "title": full_title,
        "html": frame_html,
        "width": width,
        "height": height,
    }
    return JSONResponse(body)
