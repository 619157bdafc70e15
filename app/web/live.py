"""The stream of live updates a page opens on its recording (PRODUCT §6e), as Server-Sent
Events: `saved` (new or changed: the page fetches or, for a reader not signed in, is given
the entry) and `removed` (deleted, hidden, made private). Each event's id is the change's,
so a browser that reconnects sends Last-Event-ID and hears what it missed; a page opens the
stream with `?after=` the last change it was rendered with, so nothing falls in between.
`reload` tells a page that fell too far behind to reload instead."""

import asyncio
import json
import logging
import time
from collections import OrderedDict
from typing import Annotated

from fastapi import Header, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent

from app.db import Session
from app.errors import DomainError, Invalid, NotFound, Overloaded
from app.http.auth import Anyone
from app.http.routing import router as make_router
from app.http.transaction import run_unit_of_work
from app.i18n import _, current
from app.live import Change, Hub, Listener, TooOld
from app.models import User
from app.services import recordings as recording_service
from app.web import pages

router = make_router()
log = logging.getLogger(__name__)

MAX_STREAMS = 2000  # open streams per worker; beyond, 503 (the page works on without them)
ENCODED = 256  # events kept encoded for the streams (the latest changes' for each audience)
PING = 15  # seconds between comments that keep proxies from closing an idle stream
RETRY = 2000  # milliseconds a browser waits before reconnecting


def _position(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        raise Invalid(
            _("the “%(name)s” value must be the id of a live update") % {"name": name}, field=name
        )
    return int(value)


@router.get("/r/{recording}/live", include_in_schema=False)
async def live_updates(
    request: Request,
    user: Anyone,
    recording: str,
    after: Annotated[str | None, Query(max_length=40)] = None,
    last_event_id: Annotated[str | None, Header(max_length=40)] = None,
) -> EventSourceResponse:
    since = _position(last_event_id, "Last-Event-ID")
    if since is None:
        since = _position(after, "after")
    hub: Hub = request.app.state.live
    if sum(len(group) for group in hub.listeners.values()) >= MAX_STREAMS:
        raise Overloaded(_("too many pages are following live updates; try again later"))
    recording_id = await _recording_id(request, user, recording)

    async def stream():
        try:
            async with hub.listen(recording_id, user, after=since) as listener:
                # Sent at once: the answer starts only when the page is listening, so a
                # change made after the page sees the stream open is never missed.
                yield ServerSentEvent(comment="listening", retry=RETRY)
                while not listener.behind:
                    yield await _events(request, listener, await listener.changes())
            yield ServerSentEvent(event="reload", data="{}")  # it fell too far behind
        except TooOld:
            yield ServerSentEvent(event="reload", data="{}")
        except Exception:  # the answer has started: end it, and the browser reconnects
            log.warning("live updates: a stream ended on an error", exc_info=True)

    return EventSourceResponse(stream(), ping=PING, send_timeout=30, headers=_NO_STORE)


_NO_STORE = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


async def _recording_id(request: Request, user: User | None, slug: str) -> int:
    """The recording's id, once the viewer may see it. For readers not signed in an answer
    from the last SESSIONNAV_PAGE_STALE_SECONDS stands, as their kept pages do
    (app/http/page_cache.py): a crowd's streams start without waiting for the database."""
    known: dict[str, tuple[int, float]] = request.app.state.live_recordings
    stale = request.app.state.pages.stale_seconds
    if user is None and (seen := known.get(slug)) and time.monotonic() - seen[1] < stale:
        return seen[0]
    rec = await run_unit_of_work(
        request, lambda s: recording_service.get(s, slug=slug, viewer=user), write=False
    )
    assert rec.id is not None  # a stored row
    if user is None:
        known[slug] = (rec.id, time.monotonic())
    return rec.id


async def _events(request: Request, listener: Listener, changes: list[Change]) -> bytes:
    """The changes as this stream sends them, in one piece. Each event is encoded once per
    change and audience for every stream that hears the same (a crowd's hundreds of streams
    would otherwise each encode it, and the entry's html with it), all of them at once."""
    encoded = [_encoded(request, listener, change) for change in changes]
    # A page that leaves does not cancel what the others wait for.
    return b"".join([e.result() if e.done() else await asyncio.shield(e) for e in encoded])


def _encoded(request: Request, listener: Listener, change: Change) -> asyncio.Future[bytes]:
    """The event's bytes, made by the first stream to ask. Readers not signed in are given
    the entry, rendered for their language; signed-in viewers fetch their own: theirs has
    the controls they may use."""
    html = change.heard == "saved" and listener.viewer is None
    key = (change.id, change.heard, current() if html else None)
    cache: OrderedDict[tuple[int, str, str | None], asyncio.Future[bytes]] = (
        request.app.state.live_rendered
    )
    if (encoded := cache.get(key)) is None:
        encoded = cache[key] = asyncio.ensure_future(_encode(request, change, html=html))
        while len(cache) > ENCODED:
            cache.popitem(last=False)
    return encoded


async def _encode(request: Request, change: Change, *, html: bool) -> bytes:
    data: dict = {"id": change.annotation_id}
    if html:
        try:
            data["html"] = await run_unit_of_work(
                request, lambda s: _item(request, s, change.annotation_id), write=False
            )
        except DomainError:  # busy (503): the pages fetch the entry themselves
            data["html"] = None
    return ServerSentEvent(
        id=str(change.id), event=change.heard, data=json.dumps(data), retry=RETRY
    ).encode()


def _item(request: Request, session: Session, annotation_id: int) -> str | None:
    """What /a/{id}/item answers a reader not signed in; None if it is gone since."""
    try:
        return bytes(pages.render_item(request, session, annotation_id, viewer=None).body).decode()
    except NotFound:
        return None
