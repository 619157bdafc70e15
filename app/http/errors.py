"""The one error path: every refusal becomes `{"detail", "field"}` for the API and oEmbed, and
an error page for people, with the field's place in the request (`body.`, `query.`,
`path.`) named.

Services name fields in their own terms (`start`, `recording`); `locate` finds out from the
matched route whether that input was a path or query parameter, else it was in the body.
"""

from collections.abc import Callable, Mapping
from typing import Any

import psycopg.errors
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from app import links
from app.db import Session
from app.errors import DomainError, Overloaded, SignInNeeded, describe
from app.http.templating import render
from app.i18n import _, lazy
from app.schemas import ErrorBody
from app.sizes import human_size

JSON_PREFIXES = ("/api/", "/oembed", "/openapi.json", "/docs", "/redoc", "/media/", "/static/")
LOCATIONS = ("body", "query", "path", "header", "cookie", "form")
TITLES = {
    400: lazy("Bad request"),
    401: lazy("Sign in first"),
    403: lazy("Not allowed"),
    404: lazy("Not found"),
    405: lazy("Not allowed"),
    409: lazy("Conflict"),
    413: lazy("Too large"),
    415: lazy("Cannot read that"),
    422: lazy("Cannot use that"),
    429: lazy("Too many attempts"),
    501: lazy("Not offered"),
    503: lazy("Busy"),
}
_PARAMETERS: dict[int, dict[str, str]] = {}  # id(route) -> {parameter: location}


# Every error the JSON routes can answer, in the one shape they answer it in (OpenAPI).
_ERRORS = {
    400: "a cursor or parameter this API did not give out",
    401: "no account signed in where the route needs one, or an API token that is not valid",
    403: "the account's role may not do this, or a cookie request lacks its X-CSRF-Token",
    404: "no such recording, segment, speaker, event or annotation",
    409: "the slug is taken, or a write raced another",
    413: "the body is larger than the route's limit",
    415: "the body is not of a type this route reads",
    422: "a field is missing or wrong; `field` names it",
    429: "too many changes or uploads in a short time; try again after Retry-After seconds",
    503: "the service is at capacity; try again after Retry-After seconds",
}
DOCUMENTED_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in _ERRORS.items()
}
for _waiting in (429, 503):
    DOCUMENTED_ERRORS[_waiting]["headers"] = {
        "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
    }


class FormRefused(Exception):
    """A form that was refused: the unit of work is rolled back, then `page(session)` shows
    the form again, in a fresh read-only unit of work, with what was typed and why."""

    def __init__(self, error: DomainError, page: Callable[[Session], Response]) -> None:
        super().__init__(error.message)
        self.error = error
        self.page = page


def wants_html(request: Request) -> bool:
    """People get pages; what OpenAPI documents (the API, the transcript files), oEmbed and
    scripts that ask for JSON get JSON."""
    route = request.scope.get("route")
    if request.url.path.startswith(JSON_PREFIXES) or getattr(route, "include_in_schema", False):
        return False
    accept = request.headers.get("accept", "")
    return not ("application/json" in accept and "text/html" not in accept)


def _parameters(route: APIRoute) -> dict[str, str]:
    """Each query parameter of a route and its dependencies (by its public name), and each
    path parameter, with its location; worked out once per route."""
    if (known := _PARAMETERS.get(id(route))) is None:
        known, dependants = {}, [route.dependant]
        while dependants:
            dependant = dependants.pop()
            known.update({p.alias: "query" for p in dependant.query_params})
            dependants.extend(dependant.dependencies)
        known |= {name: "path" for name in route.param_convertors}
        _PARAMETERS[id(route)] = known
    return known


def locate(request: Request, field: str | None) -> str | None:
    """`field` with its location: `recording` -> `path.recording`, `start` -> `body.start`."""
    if field is None or field.split(".")[0] in LOCATIONS:
        return field
    route = request.scope.get("route")
    known = _parameters(route) if isinstance(route, APIRoute) else {}
    return f"{known.get(field.split('.')[0], 'body')}.{field}"


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    title = str(TITLES[status]) if status in TITLES else _("Something went wrong")
    context = {"status": status, "title": title}
    return render(request, "error.html", context | {"message": message}, status_code=status)


def error_response(
    request: Request,
    status: int,
    message: str,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if wants_html(request):
        response: Response = error_page(request, status, message)
        response.headers.update(headers or {})
        return response
    body = {"detail": message, "field": locate(request, field)}
    return JSONResponse(body, status_code=status, headers=headers)


def body_too_large(limit: int | None) -> str:
    """The 413 sentence, naming the route's limit when it is known."""
    if limit is None:
        return _("the request body is too large")
    return _("the request body is larger than the limit of %(limit)s") % {
        "limit": human_size(limit)
    }


def _busy(error: BaseException) -> bool:
    """Errors that mean "the database is at capacity right now", not "the request is wrong"."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if isinstance(original, psycopg.errors.OperationalError):
        return isinstance(
            original,
            psycopg.errors.LockNotAvailable
            | psycopg.errors.DeadlockDetected
            | psycopg.errors.SerializationFailure
            | psycopg.errors.TooManyConnections
            | psycopg.errors.QueryCanceled,
        )
    return "database is locked" in str(original)


def install(app: FastAPI) -> None:
    """Map every kind of refusal to one response shape (JSON or page)."""
    from app.http.transaction import run_unit_of_work  # a unit of work renders refused forms

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if isinstance(exc, SignInNeeded) and wants_html(request) and request.method == "GET":
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(links.login_url(here), status_code=303)
        return error_response(request, exc.status_code, exc.message, exc.field, exc.headers)

    @app.exception_handler(FormRefused)
    async def form_refused(request: Request, exc: FormRefused) -> Response:
        return await run_unit_of_work(request, exc.page, write=False)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        invalid = describe(exc.errors())
        return error_response(request, 422, invalid.message, invalid.field)

    @app.exception_handler(IntegrityError)
    async def integrity_error(request: Request, _exc: IntegrityError) -> Response:
        # The services check first; this only answers a race between two writers.
        conflict = _("that change conflicts with one made meanwhile")
        return error_response(request, 409, conflict)

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PoolTimeout)
    async def database_error(request: Request, exc: Exception) -> Response:
        if not _busy(exc):
            raise exc
        busy = Overloaded(_("the service is busy; try again in a moment"))
        return error_response(request, 503, busy.message, headers=busy.headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 413 and MAX_BODY_SIZE_SCOPE_KEY in request.scope:
            message = body_too_large(request.scope[MAX_BODY_SIZE_SCOPE_KEY])
        elif exc.status_code == 404:
            message = _("there is no page at this address")
        elif exc.status_code == 405:
            message = _("%(method)s is not offered at this address") % {"method": request.method}
        return error_response(request, exc.status_code, message, headers=exc.headers)
