"""Query parameters that carry time codes: any PRODUCT §4 form, errors naming the parameter."""

from app.errors import Invalid
from app.timecodes import TimecodeError, parse_time


def parse_seconds(text: str | None, field: str) -> float | None:
    if text is None or text == "":
        return None
    try:
        return parse_time(text)
    except TimecodeError as exc:
        raise Invalid(str(exc), field=field) from None
