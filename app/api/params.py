"""Query parameters that carry time codes: any PRODUCT §4 form, errors naming the parameter."""

from typing import Annotated

from fastapi import Query

from app.errors import Invalid
from app.timecodes import TimecodeError, parse_time

TimeParam = Annotated[
    str | None, Query(max_length=40, description="any time-code form: 8400, 2h20m, 2:20:00")
]


def parse_seconds(text: str | None, field: str) -> float | None:
    if text is None or text == "":
        return None
    try:
        return parse_time(text)
    except TimecodeError as exc:
        raise Invalid(str(exc), field=field) from None
