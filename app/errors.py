"""Domain errors, and the one way a validation failure becomes a sentence.

Services raise these with the name of the input at fault in the domain's terms (`start`,
`speakers.0`, `recording`); the HTTP layer (app.http.errors) says where that input was
(`body.start`, `path.recording`) and answers JSON for the API, a page for people.
Messages are in the reader's language (app.i18n): services translate them as they raise.
"""

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.i18n import _, lazy, ngettext

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


# Pydantic's sentences in the reader's language, by error type: the English is pydantic's own,
# word for word (tests/test_messages_russian.py compares them). These are the types the API's
# shapes, query parameters and forms can produce; any other keeps pydantic's English.
_SENTENCES = {
    "json_type": lazy("JSON input should be string, bytes or bytearray"),
    "model_type": lazy("Input should be a valid dictionary or instance of %(class_name)s"),
    "model_attributes_type": lazy(
        "Input should be a valid dictionary or object to extract fields from"
    ),
    "dict_type": lazy("Input should be a valid dictionary"),
    "list_type": lazy("Input should be a valid list"),
    "string_type": lazy("Input should be a valid string"),
    "string_unicode": lazy(
        "Input should be a valid string, unable to parse raw data as a unicode string"
    ),
    "string_pattern_mismatch": lazy("String should match pattern '%(pattern)s'"),
    "int_type": lazy("Input should be a valid integer"),
    "int_parsing": lazy("Input should be a valid integer, unable to parse string as an integer"),
    "int_parsing_size": lazy("Unable to parse input string as an integer, exceeded maximum size"),
    "int_from_float": lazy("Input should be a valid integer, got a number with a fractional part"),
    "float_type": lazy("Input should be a valid number"),
    "float_parsing": lazy("Input should be a valid number, unable to parse string as a number"),
    "finite_number": lazy("Input should be a finite number"),
    "greater_than": lazy("Input should be greater than %(gt)s"),
    "greater_than_equal": lazy("Input should be greater than or equal to %(ge)s"),
    "less_than": lazy("Input should be less than %(lt)s"),
    "less_than_equal": lazy("Input should be less than or equal to %(le)s"),
    "bool_type": lazy("Input should be a valid boolean"),
    "bool_parsing": lazy("Input should be a valid boolean, unable to interpret input"),
    "none_required": lazy("Input should be None"),
    "date_type": lazy("Input should be a valid date"),
    "date_parsing": lazy("Input should be a valid date in the format YYYY-MM-DD, %(error)s"),
    "date_from_datetime_parsing": lazy("Input should be a valid date or datetime, %(error)s"),
    "date_from_datetime_inexact": lazy(
        "Datetimes provided to dates should have zero time - e.g. be exact dates"
    ),
    "datetime_type": lazy("Input should be a valid datetime"),
    "datetime_parsing": lazy("Input should be a valid datetime, %(error)s"),
    "assertion_error": lazy("Assertion failed, %(error)s"),
}
# What a list or mapping is called in "List should have at most 200 items".
_COLLECTIONS = {"List": lazy("List"), "Dictionary": lazy("Dictionary"), "Set": lazy("Set")}


def _counted(kind: str, ctx: Mapping[str, Any]) -> str | None:
    """Pydantic's sentences that count characters or items, in the reader's plural forms."""
    if kind == "string_too_short":
        message = ngettext(
            "String should have at least %(min_length)s character",
            "String should have at least %(min_length)s characters",
            ctx["min_length"],
        )
    elif kind == "string_too_long":
        message = ngettext(
            "String should have at most %(max_length)s character",
            "String should have at most %(max_length)s characters",
            ctx["max_length"],
        )
    elif kind == "too_short":
        message = ngettext(
            "%(field_type)s should have at least %(min_length)s item after validation, "
            "not %(actual_length)s",
            "%(field_type)s should have at least %(min_length)s items after validation, "
            "not %(actual_length)s",
            ctx["min_length"],
        )
    elif kind == "too_long":
        message = ngettext(
            "%(field_type)s should have at most %(max_length)s item after validation, "
            "not %(actual_length)s",
            "%(field_type)s should have at most %(max_length)s items after validation, "
            "not %(actual_length)s",
            ctx["max_length"],
        )
    else:
        return None
    collection = str(ctx.get("field_type", ""))
    return message % (dict(ctx) | {"field_type": str(_COLLECTIONS.get(collection, collection))})


def _choices(expected: str) -> str:
    """Pydantic's "'a', 'b' or 'c'" (enums, literals) with the reader's word for "or"."""
    some, joiner, last = expected.rpartition(" or ")
    return _("%(some)s or %(last)s") % {"some": some, "last": last} if joiner else expected


def sentence(error: Mapping[str, Any]) -> str:
    """One pydantic complaint, without its field, in the reader's language."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("enum", "literal_error"):
        return _("Input should be %(expected)s") % {"expected": _choices(ctx["expected"])}
    if (counted := _counted(kind, ctx)) is not None:
        return counted
    if (template := _SENTENCES.get(kind)) is not None:
        return str(template) % {name: str(value) for name, value in ctx.items()}
    return str(error["msg"])


def describe(errors: Sequence[Mapping[str, Any]], *, prefix: Sequence[str] = ()) -> Invalid:
    """Pydantic's first complaint as one readable sentence naming its field."""
    error = errors[0]
    field = ".".join(str(part) for part in (*prefix, *error["loc"]))
    values = {"field": field, "error": (error.get("ctx") or {}).get("error")}
    if error["type"] == "json_invalid":
        return Invalid(_("the body is not valid JSON (%(error)s)") % values, field="body")
    if error["type"] == "missing":
        return Invalid(_("%(field)s is required") % values, field=field)
    if error["type"] == "extra_forbidden":
        return Invalid(_("%(field)s is not a field this endpoint takes") % values, field=field)
    if error["type"] == "value_error":  # our own validators' words, without pydantic's prefix
        return Invalid(f"{field}: {values['error']}", field=field)
    return Invalid(f"{field}: {sentence(error)}", field=field)


def validated(model: type[M], data: Mapping[str, Any], *, prefix: Sequence[str] = ()) -> M:
    """`model(**data)`, or Invalid naming the field at fault (forms and multipart fields)."""
    try:
        return model(**data)
    except ValidationError as exc:
        raise describe(exc.errors(), prefix=prefix) from None
