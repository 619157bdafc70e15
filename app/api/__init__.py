"""The JSON API under /api/v1 (PRODUCT §6a); every error is documented as it is answered."""

from typing import Any

from app.api import (
    annotations,
    events,
    imports,
    recordings,
    search,
    segments,
    speakers,
    transcripts,
    uploads,
)
from app.http.routing import router as make_router
from app.schemas import ErrorBody

_ERRORS = {
    400: "a cursor or parameter this API did not give out",
    403: "a request with cookies but without the page's X-CSRF-Token header",
    404: "no such recording, segment, speaker, event or annotation",
    409: "the slug is taken, or a write raced another",
    413: "the body is larger than the route's limit",
    415: "the body is not of a type this route reads",
    422: "a field is missing or wrong; `field` names it",
    503: "the service is at capacity; try again after Retry-After seconds",
}
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in _ERRORS.items()
}
ERRORS[503]["headers"] = {
    "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
}

router = make_router(prefix="/api/v1", responses=ERRORS)
for module in (
    events,
    uploads,
    recordings,
    segments,
    speakers,
    annotations,
    transcripts,
    search,
    imports,
):
    router.include_router(module.router)
