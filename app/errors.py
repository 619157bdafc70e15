"""Domain errors, and the one way a validation failure becomes a sentence.

Services raise these with the name of the input at fault in the domain's terms (`start`,
`speakers.0`, `recording`); the HTTP layer (app.http.errors) says where that input was
(`body.start`, `path.recording`) and answers JSON for the API, a page for people.
"""

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class DomainError(Exception):
    """A request the service refuses; `field` names the input at fault when there is one."""

    status_code = 400

    def __init__(
        self, message: str, *, field: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = dict(headers or {})


class BadRequest(DomainError):
    """Input no client of ours would send, e.g. a pagination cursor we did not give out."""


class SignInNeeded(DomainError):
    """Nobody is signed in, and what was asked needs an account."""

    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class TooMany(DomainError):
    """Too many attempts: the client should wait `retry_after` seconds."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field, headers={"Retry-After": str(retry_after)})


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class TooLarge(DomainError):
    status_code = 413


class UnsupportedMedia(DomainError):
    status_code = 415


class Invalid(DomainError):
    status_code = 422


class Overloaded(DomainError):
    """The service is at capacity; the client should try again after `retry_after` seconds."""

    status_code = 503

    def __init__(self, message: str, *, retry_after: int = 2) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


def describe(errors: Sequence[Mapping[str, Any]], *, prefix: Sequence[str] = ()) -> Invalid:
    """Pydantic's first complaint as one readable sentence naming its field."""
    error = errors[0]
    field = ".".join(str(part) for part in (*prefix, *error["loc"]))
    if error["type"] == "json_invalid":
        return Invalid(f"the body is not valid JSON ({error['ctx']['error']})", field="body")
    if error["type"] == "missing":
        return Invalid(f"{field} is required", field=field)
    if error["type"] == "extra_forbidden":
        return Invalid(f"{field} is not a field this endpoint takes", field=field)
    if error["type"] == "value_error":  # our own validators' words, without pydantic's prefix
        return Invalid(f"{field}: {error['ctx']['error']}", field=field)
    return Invalid(f"{field}: {error['msg']}", field=field)


def validated(model: type[M], data: Mapping[str, Any], *, prefix: Sequence[str] = ()) -> M:
    """`model(**data)`, or Invalid naming the field at fault (forms and multipart fields)."""
    try:
        return model(**data)
    except ValidationError as exc:
        raise describe(exc.errors(), prefix=prefix) from None
