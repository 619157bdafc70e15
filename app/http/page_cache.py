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

Parts of pages that do not depend on the link or on who reads (a recording's sessions,
speakers, filter menus) are kept per content version too (`parts`), for every render: a
crowd's deep links each name another second, and each of those pages is made anew.
"""

import hashlib
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app import i18n
from app.db import Session, content_version
from app.http import csrf
from app.http.auth import SESSION_COOKIE
from app.http.templating import site_url

BUDGET = 32 * 1024 * 1024  # bytes of pages kept per worker, the least recently used dropped
PARTS = 256  # parts kept per worker, the least recently used dropped
_PLACEHOLDER = csrf.PLACEHOLDER.encode()


@dataclass
class Kept:
    parts: tuple[bytes, ...]  # the answer's body cut where each reader's CSRF token goes
    status_code: int
    media_type: str | None
    version: int
    checked: float  # time.monotonic() when it was last known current
    deflated: tuple[bytes, ...] = ()  # the parts compressed once, for every reader's gzip

    @cached_property
    def digest(self) -> bytes:
        return hashlib.blake2b(_PLACEHOLDER.join(self.parts), digest_size=16).digest()

    @property
    def size(self) -> int:
        return sum(map(len, self.parts)) + sum(map(len, self.deflated))


class PageCache:
    def __init__(self, *, stale_seconds: float, budget: int = BUDGET) -> None:
        self.stale_seconds, self.budget = stale_seconds, budget
        self._pages: OrderedDict[tuple[str, ...], Kept] = OrderedDict()
        self._size = 0
        self._making: set[tuple[str, ...]] = set()
        self._parts: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()  # routes run in a thread pool

    def page(self, request: Request, session: Session, make: Callable[[], Response]) -> Response:
        """The answer `make` gives this request: a kept one when the reader is not signed in
        and it is current (or may be stale), else `make`'s, kept when it is a 200."""
        if getattr(request.state, "user", None) is not None:
            return make()
        key = _key(request)
        version = content_version(session)
        now = time.monotonic()
        with self._lock:
            kept = self._pages.get(key)
            usable = kept is not None and (
                kept.version == version
                or key in self._making
                or now - kept.checked < self.stale_seconds
            )
            if kept is not None:
                self._pages.move_to_end(key)
                if kept.version == version:
                    kept.checked = now
            if not usable:
                self._making.add(key)
        if usable:
            assert kept is not None
            return self.answer(request, kept)
        request.state.shared_page = True
        try:
            response = make()
        finally:
            request.state.shared_page = False
            with self._lock:
                self._making.discard(key)
        parts = tuple(bytes(response.body).split(_PLACEHOLDER))
        made = Kept(parts, response.status_code, response.media_type, version, now)
        if made.status_code == 200:
            big = sum(map(len, parts)) >= GZIP_OVER
            self._keep(key, replace(made, deflated=_deflate_each(parts)) if big else made)
        return self.answer(request, made, response)

    def parts(self, key: Hashable, session: Session, make: Callable[[], Any]) -> Any:
        """What `make` gives at the current content version, made once per version for all
        readers, signed in or not: it must not depend on who reads. The version is read
        first, so what is kept under it is never older than it."""
        version = content_version(session)
        with self._lock:
            found = self._parts.get(key)
            if found is not None and found[0] == version:
                self._parts.move_to_end(key)
                return found[1]
        made = make()
        with self._lock:
            self._parts[key] = (version, made)
            self._parts.move_to_end(key)
            while len(self._parts) > PARTS:
                self._parts.popitem(last=False)
        return made

    def fresh(self, request: Request) -> Kept | None:
        """The kept page for this request when it was known current less than
        `stale_seconds` ago and the reader is surely not signed in (no session cookie, no
        token): `KeptPages` answers it without a thread or the database."""
        if not self.stale_seconds or "authorization" in request.headers:
            return None
        if SESSION_COOKIE in request.cookies:
            return None
        with self._lock:
            kept = self._pages.get(_key(request))
        if kept is None or time.monotonic() - kept.checked >= self.stale_seconds:
            return None
        return kept

    def _keep(self, key: tuple[str, ...], page: Kept) -> None:
        with self._lock:
            old = self._pages.pop(key, None)
            self._size += page.size - (old.size if old else 0)
            self._pages[key] = page
            while self._size > self.budget and self._pages:
                self._size -= self._pages.popitem(last=False)[1].size

    @staticmethod
    def answer(request: Request, page: Kept, made: Response | None = None) -> Response:
        """The page for this reader, with their token: `made` when it was just rendered
        (compressed on its way out, its template still named for tests), else the kept one,
        compressed when it was kept."""
        token = csrf.token(request).encode() if len(page.parts) > 1 else b""
        # The ETag (app.http.middleware.ConditionalGet) names the plain body in both encodings.
        request.state.body_tag = hashlib.blake2b(page.digest + token, digest_size=16).hexdigest()
        if made is not None:
            made.body = token.join(page.parts)
            made.headers["content-length"] = str(len(made.body))
            response = made
        elif page.deflated and "gzip" in request.headers.get("accept-encoding", ""):
            headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
            response = Response(_gzip(page, token), page.status_code, headers, page.media_type)
        else:
            response = Response(token.join(page.parts), page.status_code, None, page.media_type)
        if token:
            csrf.set_cookie(request, response)
        return response


class KeptPages:
    """Answers a GET from a kept page known current within `stale_seconds` (PageCache.fresh)
    on the event loop, before the request waits for a database slot and a thread: for a
    crowd on one link, most answers cost a dictionary lookup (nginx's micro-caching). Inside
    the language, security-header and ETag middlewares, so its answers carry what the
    route's would."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            request = Request(scope)
            pages: PageCache = request.app.state.pages
            if (kept := pages.fresh(request)) is not None:
                return await pages.answer(request, kept)(scope, receive, send)
        await self.app(scope, receive, send)


def _key(request: Request) -> tuple[str, ...]:
    """What a page depends on besides the content and the viewer."""
    return (request.url.path, request.url.query, i18n.current(), site_url(request))


# gzip of a kept answer without compressing it again for each reader: each part was deflated
# alone and ended with a full flush (a byte boundary, no reference back), so the parts and each
# reader's deflated token join into one valid deflate stream (RFC 1951), ended by an empty
# final block; the gzip trailer's CRC-32 is computed over the joined text (~60 µs for 60 KB).
# Compressing a 60 KB page at level 6 takes ~1.5 ms, most of a kept page's cost.
GZIP_OVER = 1024  # as app.http.middleware.Compression: smaller answers are sent as they are
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time, unknown OS
_LAST_BLOCK = b"\x03\x00"  # an empty final block with fixed codes


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def _deflate_each(parts: tuple[bytes, ...]) -> tuple[bytes, ...]:
    return tuple(_deflate(part) for part in parts)


def _gzip(page: Kept, token: bytes) -> bytes:
    deflated_token = _deflate(token) if token else b""
    crc, size = 0, 0
    for i, part in enumerate(page.parts):
        if i:
            crc, size = zlib.crc32(token, crc), size + len(token)
        crc, size = zlib.crc32(part, crc), size + len(part)
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return _GZIP_HEADER + deflated_token.join(page.deflated) + _LAST_BLOCK + trailer
