"""Parameters the API reads from paths and queries: ids, and time codes in any PRODUCT §4
form, each refused with a message naming the parameter."""

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from app.i18n import _, ngettext
from app.schemas import MAX_ID
from app.timecodes import TimecodeError, parse_time

MAX_TIMECODE = 40


def _seconds(value: Any) -> Any:
    """A time code as seconds; empty is "not given"."""
    if not isinstance(value, str):
        return value
    if value == "":
        return None
    return _required_seconds(value)


def _required_seconds(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value == "":
        raise PydanticCustomError("timecode", _("required: a time code such as 2h20m or 8400"))
    if len(value) > MAX_TIMECODE:
        longer = ngettext(
            "longer than %(num)s character", "longer than %(num)s characters", MAX_TIMECODE
        )
        raise PydanticCustomError("timecode", longer % {"num": MAX_TIMECODE})
    try:
        return parse_time(value)
    except TimecodeError as exc:
        raise PydanticCustomError("timecode", str(exc)) from None


_TIMECODE_SCHEMA = {
    "type": "string",
    "maxLength": MAX_TIMECODE,
    "description": "any time-code form: 8400, 8400.5, 2h20m, 2:20:00, npt:8400",
    "examples": ["2h20m", "8400", "2:20:00"],
}
Seconds = Annotated[float, BeforeValidator(_required_seconds), WithJsonSchema(_TIMECODE_SCHEMA)]
OptionalSeconds = Annotated[
    float | None, BeforeValidator(_seconds), WithJsonSchema(_TIMECODE_SCHEMA)
]
FromQuery = Annotated[OptionalSeconds, Query(alias="from")]
ToQuery = Annotated[OptionalSeconds, Query()]


def _ascii_id(value: Any) -> Any:
    """Ids are written in the digits 0-9 alone: not "+3", "3.0" or an Arabic-Indic three."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise PydanticCustomError("id", _("an id is written with the digits 0-9 only"))
    return value


AnnotationPath = Annotated[
    int, BeforeValidator(_ascii_id), Path(ge=1, le=MAX_ID, description="the annotation's id")
]
TurnPath = Annotated[
    int, BeforeValidator(_ascii_id), Path(ge=1, le=MAX_ID, description="the speaker turn's id")
]
SlugQuery = Annotated[str | None, Query(max_length=80)]
