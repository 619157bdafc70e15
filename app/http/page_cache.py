"""Pages (and files made from the database, such as transcript.vtt) kept for the readers who
are not signed in: a press article's crowd opens the same few links, and each of those pages
is rendered once per change instead of once per reader.

A page is kept with the content version it was made at (app.db raises the version in every
transaction that changes what pages show) and answered again while the version stays: one
read of one row instead of the page's queries and template. It is also answered, stale, for
up to `stale_seconds` after a change, and while another thread is making its successor, so a
stream of changes costs a page at most one render per `stale_seconds` (nginx's
`proxy_cache_use_stale updating` and `proxy_cache_lock`): the page's live-updates position
(`liveAfter`) is the one it was made at, so its script receives every change since. Without
JavaScript a reader sees the page at most `stale_seconds` old.

The page is made with a placeholder where each reader's CSRF token goes, and the token is put
in as the page is answered. The key is what the page depends on besides the content: its path
and query, the reader's language and the site's address. Signed-in readers see their own
annotations and controls: their pages are made for them alone.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from app import i18n
from app.db import Session, content_version
from app.http import csrf
from app.http.templating import site_url

BUDGET = 32 * 1024 * 1024  # bytes of pages kept per worker, the least recently used dropped
_PLACEHOLDER = csrf.PLACEHOLDER.encode()


@dataclass(frozen=True)
class Kept:
    body: bytes
    status_code: int
    media_type: str | None
    version: int
    made: float  # time.monotonic()


class PageCache:
    def __init__(self, *, stale_seconds: float, budget: int = BUDGET) -> None:
        self.stale_seconds, self.budget = stale_seconds, budget
        self._pages: OrderedDict[tuple[str, ...], Kept] = OrderedDict()
        self._size = 0
        self._making: set[tuple[str, ...]] = set()
        self._lock = threading.Lock()  # routes run in a thread pool

    def page(self, request: Request, session: Session, make: Callable[[], Response]) -> Response:
        """The answer `make` gives this request: a kept one when the reader is not signed in
        and it is current (or may be stale), else `make`'s, kept when it is a 200."""
        if getattr(request.state, "user", None) is not None:
            return make()
        key = (request.url.path, request.url.query, i18n.current(), site_url(request))
        version = content_version(session)
        now = time.monotonic()
        with self._lock:
            kept = self._pages.get(key)
            usable = kept is not None and (
                kept.version == version
                or key in self._making
                or now - kept.made < self.stale_seconds
            )
            if kept is not None:
                self._pages.move_to_end(key)
            if not usable:
                self._making.add(key)
        if usable:
            assert kept is not None
            return self._answer(request, kept)
        request.state.shared_page = True
        try:
            response = make()
        finally:
            request.state.shared_page = False
            with self._lock:
                self._making.discard(key)
        made = Kept(bytes(response.body), response.status_code, response.media_type, version, now)
        if made.status_code == 200:
            self._keep(key, made)
        return self._answer(request, made)

    def _keep(self, key: tuple[str, ...], page: Kept) -> None:
        with self._lock:
            old = self._pages.pop(key, None)
            self._size += len(page.body) - (len(old.body) if old else 0)
            self._pages[key] = page
            while self._size > self.budget and self._pages:
                self._size -= len(self._pages.popitem(last=False)[1].body)

    @staticmethod
    def _answer(request: Request, page: Kept) -> Response:
        if _PLACEHOLDER not in page.body:  # a file, or a page without forms
            return Response(page.body, page.status_code, media_type=page.media_type)
        body = page.body.replace(_PLACEHOLDER, csrf.token(request).encode())
        response = Response(body, page.status_code, media_type=page.media_type)
        csrf.set_cookie(request, response)
        return response
