"""CSRF protection: a signed double-submit token, checked before a request's body is read.

The browser keeps a random nonce in an HttpOnly, SameSite=Lax cookie; the token is
HMAC(secret_key, nonce). A foreign site can make a browser send the cookie but can neither
read it nor compute the token, and a planted cookie is useless without the key.

Every state-changing request that carries cookies must present the token: scripts in the
`X-CSRF-Token` header, plain HTML forms in the `csrf_token` parameter of their action URL
(`post_url`). Both are read from the request line and headers, so a refused request is
answered 403 before one byte of its body is read, however large the body. Requests with no
cookie carry no ambient authority and pass, as do requests with an `Authorization: Bearer`
token, which is the authentication then.

Why not asgi-csrf (datasette's): it reads url-encoded bodies whole into memory before it
checks, buffers multipart fields without a limit, fails with a 500 on python-multipart 0.0.25
and later (its issue #38, open since April 2026), and has had no release since 2024.
"""

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "sessionnav_csrf"
HEADER = "X-CSRF-Token"
PARAM = "csrf_token"
MAX_NONCE = 64
# What a page made for many readers holds where each reader's token goes (app.http.page_cache
# puts the token in as it answers): hex like a token, so escaping and URL-encoding keep it.
PLACEHOLDER = secrets.token_hex(32)


def _sign(secret_key: str, nonce: str) -> str:
    return hmac.new(secret_key.encode(), f"csrf:{nonce}".encode(), hashlib.sha256).hexdigest()


def token(request: Request) -> str:
    """This browser's token; a new nonce is made when it has none (`set_cookie` sends it)."""
    if getattr(request.state, "shared_page", False):
        return PLACEHOLDER
    nonce = getattr(request.state, "csrf_nonce", None) or request.cookies.get(COOKIE)
    if not nonce or len(nonce) > MAX_NONCE:
        nonce = secrets.token_urlsafe(24)
        request.state.csrf_new = True
    request.state.csrf_nonce = nonce
    return _sign(request.app.state.settings.secret_key, nonce)


def post_url(request: Request, url: str) -> str:
    """`url` as a form's action: the token travels in the query, read before the body."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{urlencode({PARAM: token(request)})}"


def set_cookie(request: Request, response: Response) -> None:
    """Send the nonce when `token` made one; the page's tokens depend on the cookie."""
    if getattr(request.state, "csrf_nonce", None) is None:
        return
    response.headers.append("Vary", "Cookie")
    if getattr(request.state, "csrf_new", False):
        response.set_cookie(
            COOKIE,
            request.state.csrf_nonce,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            max_age=60 * 60 * 24 * 365,
        )


def valid(request: Request) -> bool:
    sent = request.headers.get(HEADER) or request.query_params.get(PARAM)
    nonce = request.cookies.get(COOKIE)
    if not sent or not nonce or len(nonce) > MAX_NONCE:
        return False
    return hmac.compare_digest(_sign(request.app.state.settings.secret_key, nonce), sent)


def exempt(headers: Headers) -> bool:
    """No cookie, no ambient authority; a Bearer token is its own authentication."""
    authorization = headers.get("authorization", "")
    return "cookie" not in headers or authorization[:7].lower() == "bearer "
