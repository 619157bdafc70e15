"""The stream of live updates a page opens on its recording (PRODUCT §6e), as Server-Sent
Events: `saved` (new or changed: the page fetches or, for a reader not signed in, is given
the entry) and `removed` (deleted, hidden, made private). Each event's id is the change's,
so a browser that reconnects sends Last-Event-ID and hears what it missed; a page opens the
stream with `?after=` the last change it was rendered with, so nothing falls in between.
`reload` tells a page that fell too far behind to reload instead."""

import asyncio
import json
import logging
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
from app.services import recordings as recording_service
from app.web import pages

router = make_router()
log = logging.getLogger(__name__)

MAX_STREAMS = 2000  # open streams per worker; beyond, 503 (the page works on without them)
RENDERED = 64  # entries kept rendered for readers not signed in, the latest changes'
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
    rec = await run_unit_of_work(
        request, lambda s: recording_service.get(s, slug=recording, viewer=user), write=False
    )
    since = _position(last_event_id, "Last-Event-ID")
    if since is None:
        since = _position(after, "after")
    hub: Hub = request.app.state.live
    if sum(len(group) for group in hub.listeners.values()) >= MAX_STREAMS:
        raise Overloaded(_("too many pages are following live updates; try again later"))
    assert rec.id is not None  # a stored row
    recording_id = rec.id

    async def stream():
        try:
            async with hub.listen(recording_id, user, after=since) as listener:
                # Sent at once: the answer starts only when the page is listening, so a
                # change made after the page sees the stream open is never missed.
                yield ServerSentEvent(comment="listening", retry=RETRY)
                while not listener.behind:
                    change = await listener.queue.get()
                    yield await _event(request, listener, change)
            yield ServerSentEvent(event="reload", data="{}")  # it fell too far behind
        except TooOld:
            yield ServerSentEvent(event="reload", data="{}")
        except Exception:  # the answer has started: end it, and the browser reconnects
            log.warning("live updates: a stream ended on an error", exc_info=True)

    return EventSourceResponse(stream(), ping=PING, send_timeout=30, headers=_NO_STORE)


_NO_STORE = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


async def _event(request: Request, listener: Listener, change: Change) -> ServerSentEvent:
    data: dict = {"id": change.annotation_id}
    if change.heard == "saved" and listener.viewer is None:
        data["html"] = await _rendered(request, change)
    return ServerSentEvent(
        id=str(change.id), event=change.heard, data=json.dumps(data), retry=RETRY
    )


async def _rendered(request: Request, change: Change) -> str | None:
    """The entry as a reader who is not signed in sees it, rendered once per change and
    language for all of them (a crowd's pages would otherwise each fetch it). Signed-in
    viewers fetch their own: theirs has the controls they may use."""
    cache: OrderedDict[tuple[int, str], asyncio.Future[str | None]] = (
        request.app.state.live_rendered
    )
    key = (change.id, current())
    if key not in cache:  # the first stream to ask renders it; the others wait for that
        cache[key] = asyncio.ensure_future(
            run_unit_of_work(
                request, lambda s: _item(request, s, change.annotation_id), write=False
            )
        )
        while len(cache) > RENDERED:
            cache.popitem(last=False)
    try:
        return await asyncio.shield(cache[key])  # a page that leaves does not cancel it
    except DomainError:  # busy (503): the pages fetch the entry themselves
        return None


def _item(request: Request, session: Session, annotation_id: int) -> str | None:
    """What /a/{id}/item answers a reader not signed in; None if it is gone since."""
    try:
        return bytes(pages.render_item(request, session, annotation_id, viewer=None).body).decode()
    except NotFound:
        return None
