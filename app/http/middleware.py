"""The app's own middleware: checks that must run before a request reaches its route."""

from starlette.datastructures import Headers
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.http import csrf
from app.http.errors import JSON_PREFIXES, error_response
from app.http.transaction import SAFE_METHODS
from app.sizes import human_size


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
            message = f"a request with cookies needs the {csrf.HEADER} header of its page"
        else:
            message = "this form has expired or was sent from another site; reload the page"
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
                    limit = scope.get(MAX_BODY_SIZE_SCOPE_KEY)
                    text = (
                        f"the request body is larger than the limit of {human_size(limit)}"
                        if limit is not None
                        else "the request body is too large"
                    )
                    await error_response(Request(scope), 413, text)(scope, receive, send)
                    return
            if replaced:
                return  # the plain-text body of the response we replaced
            await send(message)

        await self.app(scope, receive, send_ours)
