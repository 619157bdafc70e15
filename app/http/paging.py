"""The one pagination scheme of the API and the pages: `cursor` and `limit` query parameters,
and cursors that are signed and bound to the list they page.

A cursor is the key of the last row shown (app.pagination), as JSON, with an HMAC of the
secret key, the list's address and the key. A cursor this service did not give out, or gave out for
another list, is refused with 400 before it reaches a query, on every database alike.
"""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Query, Request

from app.errors import BadRequest
from app.i18n import _, lazy
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT, Key
from app.schemas import Page

T = TypeVar("T")
MAX_CURSOR = 400
BAD_CURSOR = lazy("the cursor is not one this service gave out; start again from the first page")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, scope: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), scope.encode() + b"\0" + payload, hashlib.sha256).digest()[:16]


def encode(secret: str, scope: str, key: Key) -> str:
    payload = json.dumps(key, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_mac(secret, scope, payload))}"


def decode(secret: str, scope: str, cursor: str) -> Key:
    """The key inside `cursor`, or BadRequest when it was not made by `encode` for `scope`."""
    try:
        payload_text, _, mac_text = cursor.partition(".")
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except (ValueError, binascii.Error):
        raise BadRequest(str(BAD_CURSOR), field="query.cursor") from None
    if not hmac.compare_digest(mac, _mac(secret, scope, payload)):
        raise BadRequest(str(BAD_CURSOR), field="query.cursor")
    return json.loads(payload)


@dataclass(frozen=True)
class Paging:
    """The page a request asks for: after which key, how many rows; and its answer."""

    key: Key | None
    limit: int
    secret: str
    scope: str
    notice: str | None = None  # pages (not the API) start again when a cursor is refused

    def page(self, items: Sequence[T], next_key: Key | None) -> Page[T]:
        return Page(items=list(items), next=self.cursor(next_key))

    def cursor(self, key: Key | None) -> str | None:
        return None if key is None else encode(self.secret, self.scope, key)


def paging(
    default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT, *, lenient: bool = False
) -> Callable[..., Awaitable[Paging]]:
    """A dependency reading `cursor` and `limit`. `lenient` is for pages people open: a
    refused cursor shows the first page with a notice instead of an error page."""

    async def dependency(
        request: Request,
        cursor: Annotated[
            str | None, Query(max_length=MAX_CURSOR, description="`next` of the previous page")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=maximum, description="rows per page")] = default,
    ) -> Paging:
        secret = request.app.state.settings.secret_key
        scope = request.url.path  # a cursor pages the list at this address, no other
        key, notice = None, None
        if cursor:
            try:
                key = decode(secret, scope, cursor)
            except BadRequest:
                if not lenient:
                    raise
                notice = _("That page of results is gone; here is the first one.")
        return Paging(key, limit, secret, scope, notice)

    return dependency
