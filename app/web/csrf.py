"""CSRF protection for the HTML forms: a signed double-submit token.

The browser keeps a random nonce in an HttpOnly, SameSite cookie; every form carries
HMAC(secret_key, nonce). A foreign site can make the browser send the cookie but can neither
read it nor compute the matching token, and a planted cookie is useless without the key.
"""

import hashlib
import hmac
import secrets

from fastapi import Request
from fastapi.responses import Response

from app.errors import DomainError

COOKIE = "sessionnav_csrf"
FIELD = "csrf_token"


class CsrfRefused(DomainError):
    status_code = 403


def _sign(secret_key: str, nonce: str) -> str:
    return hmac.new(secret_key.encode(), f"csrf:{nonce}".encode(), hashlib.sha256).hexdigest()


def token(request: Request) -> str:
    """The token for this browser's forms; a new nonce is made (and set by `set_cookie`)."""
    nonce = getattr(request.state, "csrf_nonce", None) or request.cookies.get(COOKIE)
    if not nonce or len(nonce) > 64:
        nonce = secrets.token_urlsafe(24)
        request.state.csrf_new = True
    request.state.csrf_nonce = nonce
    return _sign(request.app.state.settings.secret_key, nonce)


def set_cookie(request: Request, response: Response) -> None:
    """Send the nonce when `token` had to make one for this response's forms."""
    if getattr(request.state, "csrf_new", False):
        response.set_cookie(
            COOKIE,
            request.state.csrf_nonce,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            max_age=60 * 60 * 24 * 365,
        )


def check(request: Request, sent: str | None) -> None:
    """Refuse a form post whose token does not match this browser's cookie."""
    nonce = request.cookies.get(COOKIE)
    secret = request.app.state.settings.secret_key
    if not nonce or not sent or not hmac.compare_digest(_sign(secret, nonce), sent):
        raise CsrfRefused(
            "this form has expired or was sent from another site; reload the page and try again",
            field=f"form.{FIELD}",
        )
