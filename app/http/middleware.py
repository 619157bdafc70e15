"""The app's own middleware: checks that must run before a request reaches its route."""

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import i18n
from app.http import csrf
from app.http.errors import JSON_PREFIXES, body_too_large, error_response
from app.http.transaction import SAFE_METHODS
from app.i18n import _


class CsrfMiddleware:
    """Refuses, with 403, a state-changing request that carries cookies but no valid token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)
        request = Request(scope)
        if csrf.exempt(request.headers) or csrf.valid(request):
            return await self.app(scope, receive, send)
        if request.url.path.startswith(JSON_PREFIXES):
            message = _("a request with cookies needs the %(header)s header of its page") % {
                "header": csrf.HEADER
            }
        else:
            message = _("this form has expired or was sent from another site; reload the page")
        response = error_response(request, 403, message, f"header.{csrf.HEADER.lower()}")
        await response(scope, receive, send)


class TooLargeAsOurError:
    """Starlette's body limit answers a Content-Length over the limit with its own plain-text
    413 before any route runs; this sends our error shape (JSON or page) naming the limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        replaced = False

        async def send_ours(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 413:
                headers = Headers(raw=message["headers"])
                if headers.get("content-type", "").startswith("text/plain"):
                    replaced = True
                    text = body_too_large(scope.get(MAX_BODY_SIZE_SCOPE_KEY))
                    await error_response(Request(scope), 413, text)(scope, receive, send)
                    return
            if replaced:
                return  # the plain-text body of the response we replaced
            await send(message)

        await self.app(scope, receive, send_ours)


class ReadersLanguage:
    """Chooses the reader's language for the request (app.i18n.negotiate) before anything else
    answers, so error pages and refusals speak it too; a `?lang=` choice is remembered in a
    cookie, and every answer says it varies with Accept-Language and names its language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        asked = request.query_params.get(i18n.QUERY)
        language = i18n.negotiate(
            asked, request.cookies.get(i18n.COOKIE), request.headers.get("accept-language")
        )
        i18n.activate(language)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append("Vary", "Accept-Language")
                headers["Content-Language"] = language
                if asked in i18n.LANGUAGES:
                    headers.append(
                        "Set-Cookie",
                        f"{i18n.COOKIE}={language}; Path=/; Max-Age=31536000; SameSite=Lax",
                    )
            await send(message)

        await self.app(scope, receive, send_with_language)
