"""Security headers on every response (PRODUCT §6b), built with `secure`.

The Content-Security-Policy allows no inline script at all: pages hand their data to their ES
modules as JSON (`<script type="application/json">`, which is data, not code), and /docs
starts Swagger UI from static/js/docs.js. Inline style attributes are allowed: the timeline
places its blocks with them. Scripts, frames and pictures come from the site itself, plus
YouTube's IFrame API and thumbnails; media may come from anywhere over HTTPS (a recording
can be a link to a video elsewhere). No site may frame a page (`frame-ancestors 'none'`),
except the embed player, which exists to be framed. HSTS is sent over HTTPS only.
"""

from urllib.parse import urlsplit

from secure import (
    ContentSecurityPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)
from secure.middleware import SecureASGIMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings

EMBEDDABLE = "/embed/"
HSTS_SECONDS = 2 * 365 * 24 * 3600


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "'self'"


def _policy(settings: Settings, *, framed: bool, https: bool) -> Secure:
    youtube = ("https://www.youtube.com", "https://s.ytimg.com", _origin(settings.youtube_api_url))
    csp = (
        ContentSecurityPolicy()
        .default_src("'self'")
        .script_src("'self'", *dict.fromkeys(youtube))
        .style_src("'self'", "'unsafe-inline'")
        .img_src("'self'", "data:", "https://i.ytimg.com")
        .media_src("'self'", "https:", "blob:")
        .frame_src("https://www.youtube.com", "https://www.youtube-nocookie.com")
        .connect_src("'self'")
        .object_src("'none'")
        .base_uri("'self'")
        .form_action("'self'")
        .frame_ancestors("*" if framed else "'none'")
    )
    return Secure(
        csp=csp,
        xfo=None if framed else XFrameOptions().deny(),
        xcto=XContentTypeOptions(),
        referrer=ReferrerPolicy().strict_origin_when_cross_origin(),
        hsts=StrictTransportSecurity().max_age(HSTS_SECONDS) if https else None,
    )


class SecurityHeaders:
    """Applies the policy that fits the response: embeddable or not, over HTTPS or not."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.wrapped = {
            (framed, https): SecureASGIMiddleware(
                app, secure=_policy(settings, framed=framed, https=https)
            )
            for framed in (False, True)
            for https in (False, True)
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        framed = scope["path"].startswith(EMBEDDABLE)
        policy = self.wrapped[framed, scope.get("scheme") == "https"]
        await policy(scope, receive, send)  # type: ignore[arg-type]  # secure types send as object
