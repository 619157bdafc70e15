"""The one parser and formatter of time codes for deep links into long recordings.

Accepted forms (``?t=`` and ``#t=``): seconds ``8400`` / ``8400.5`` / ``3.``, unit forms
``2h20m5s`` / ``140m`` / ``8400s``, clocks ``2:20:00`` / ``02:20:00.250`` / ``20:00`` (mm:ss),
each clock or seconds form optionally prefixed ``npt:``. Ranges follow W3C Media Fragments
URI 1.0 (https://www.w3.org/TR/media-frags/#naming-time). Times are seconds with millisecond
precision.
"""

import math
import re
from dataclasses import dataclass
from urllib.parse import unquote

from app.i18n import _

MAX_SECONDS = 10_000_000.0
"""Upper bound (~115 days): anything larger is a typo or an attack, not a recording position."""

_UNITS = re.compile(
    r"""
    (?=\d)                          # at least one unit
    (?:(?P<h>\d+(?:\.\d+)?)h)?      # each unit at most once, in h, m, s order;
    (?:(?P<m>\d+(?:\.\d+)?)m)?      # values may exceed 59 ("140m", "62m45s")
    (?:(?P<s>\d+(?:\.\d+)?)s)?
    """,
    re.VERBOSE | re.ASCII,
)
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}

_NPT = re.compile(
    r"""
    (?:npt:)?
    (?:(?:(?P<h>\d+):)?(?P<m>\d+):)?  # optional [h:]mm: (field widths are checked afterwards)
    (?P<s>\d+)
    (?P<frac>\.\d*)?                  # W3C npt: "3." is 3.0, ".5" is invalid
    """,
    re.VERBOSE | re.ASCII,
)


class TimecodeError(ValueError):
    """A time code or range that cannot be understood; the message quotes the input."""


def _error(shown: object, reason: str) -> TimecodeError:
    """Build the error, quoting the input but shortened: it ends up in API responses and logs."""
    quoted = repr(shown)
    return TimecodeError(f"{quoted if len(quoted) <= 40 else quoted[:36] + '...'}: {reason}")


@dataclass(frozen=True)
class TimeRange:
    """A span of a recording in seconds; ``end is None`` means "to the end of the recording"."""

    start: float
    end: float | None


def parse_time(text: str, *, clamp: bool = False) -> float:
    """Parse one time point in any accepted form into seconds rounded to milliseconds.

    `clamp` reads a well-formed time beyond MAX_SECONDS as MAX_SECONDS instead of refusing
    it: a link's `t` is never wrong for being large, only past the end (PRODUCT §4).
    """
    raw = text.strip()
    if match := _UNITS.fullmatch(raw):
        present = [(unit, value) for unit in "hms" if (value := match[unit])]
        if any("." in value for _unit, value in present[:-1]):
            raise _error(text, _("only the last unit may have a fraction"))
        seconds = sum(float(value) * _UNIT_SECONDS[unit] for unit, value in present)
    elif match := _NPT.fullmatch(raw):
        named = [("h", match["h"]), ("m", match["m"]), ("s", match["s"])]
        fields = [(unit, digits) for unit, digits in named if digits is not None]
        # The leading field is unbounded ("1337:12", "100:00:00"); the rest are clock digits.
        for unit, digits in fields[1:]:
            if len(digits) != 2 or int(digits) > 59:
                why = _("minutes must be 00-59") if unit == "m" else _("seconds must be 00-59")
                raise _error(text, why)
        seconds = 0.0
        for _unit, digits in fields:
            seconds = seconds * 60 + float(digits)
        seconds += float("0" + (match["frac"] or ""))
    else:
        raise _error(text, _why_not_a_time(raw))
    return _milliseconds(seconds, text, clamp=clamp) / 1000


def _why_not_a_time(raw: str) -> str:
    """Name the most likely mistake, so API clients get an actionable message."""
    if not raw:
        return _("empty time code")
    if raw.startswith("-"):
        return _("negative times are not allowed")
    if raw.lower().lstrip("+") in {"nan", "inf", "infinity"}:
        return _("time must be a finite number")
    return _("not a time code (expected e.g. 8400, 8400.5, 2h20m5s, 2:20:00 or npt:8400)")


def _milliseconds(seconds: float, shown: object, *, clamp: bool = False) -> int:
    """Check that ``seconds`` is a storable time and return it as whole milliseconds."""
    if seconds > MAX_SECONDS:
        if not clamp:
            limit = {"limit": f"{MAX_SECONDS:.0f}"}
            raise _error(shown, _("too large (limit %(limit)s s, about 115 days)") % limit)
        seconds = MAX_SECONDS
    if math.isnan(seconds) or seconds < 0:
        raise _error(shown, _("time must be a finite number >= 0"))
    return round(round(seconds, 3) * 1000)


def parse_range(text: str, *, clamp: bool = False) -> TimeRange:
    """Parse ``START``, ``START,END``, ``,END`` (start 0) or ``START,`` (open end).

    ``START,`` is a W3C syntax error, but PRODUCT §4 promises it in ``?t=`` and ``#t=`` alike.
    `clamp` as in `parse_time`; a range whose both ends are clamped has no end.
    """
    start_text, comma, end_text = text.partition(",")
    if "," in end_text:
        raise _error(text, _("a range has at most one comma"))
    if comma and not start_text.strip() and not end_text.strip():
        raise _error(text, _("a range needs a start or an end"))
    start = parse_time(start_text, clamp=clamp) if start_text.strip() or not comma else 0.0
    end = parse_time(end_text, clamp=clamp) if end_text.strip() else None
    if end is not None and end <= start:
        if clamp and end == MAX_SECONDS:
            return TimeRange(start, None)
        raise _error(text, _("end must be after start"))
    return TimeRange(start, end)


def parse_fragment(fragment: str) -> TimeRange | None:
    """Return the temporal range of a URI fragment or query string, or None if it has none.

    Follows W3C Media Fragments URI 1.0 processing: split on ``&`` then on the first ``=``,
    percent-decode name and value only after splitting, only the name ``t`` counts, and the
    last valid ``t`` wins while invalid ones are ignored (a bad link still plays). Only the
    npt unit is supported, so ``smpte``/``clock`` values are ignored; our own time forms
    (``2h20m``, ``8400s``) and the open range ``START,`` are accepted as values too.
    """
    found = None
    for pair in fragment.lstrip("#?").split("&"):
        name, equals, value = pair.partition("=")
        if not equals or unquote(name) != "t":
            continue
        try:
            found = parse_range(unquote(value))
        except TimecodeError:
            continue
    return found


def format_time(seconds: float) -> str:
    """Format as ``h:mm:ss`` (``2:20:00``), adding ``.mmm`` only when there are milliseconds."""
    whole, ms = divmod(_milliseconds(seconds, seconds), 1000)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" + (f".{ms:03}" if ms else "")


def format_clock(seconds: float, separator: str = ".") -> str:
    """Format as subtitle files do: ``02:20:00.250`` (WebVTT) or ``02:20:00,250`` (SRT)."""
    whole, ms = divmod(_milliseconds(seconds, seconds), 1000)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02}:{minutes:02}:{secs:02}{separator}{ms:03}"


def format_chapter(seconds: int) -> str:
    """Format as YouTube chapter lists do: ``0:00``, ``12:34``, ``1:02:03``."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def format_compact(seconds: float) -> str:
    """Format YouTube-style for share links: ``2h20m5s``, ``1m30s``, ``0s``, ``2h20m0.5s``."""
    hours, rest = divmod(_milliseconds(seconds, seconds), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    show_seconds = rest or not (hours or minutes)
    return (
        (f"{hours}h" if hours else "")
        + (f"{minutes}m" if minutes else "")
        + (f"{_decimal(rest)}s" if show_seconds else "")
    )


def format_range(r: TimeRange) -> str:
    """Format as a media-fragment ``t`` value: ``8400``, ``8400,8460``, ``8400.5,8460``."""
    start = _decimal(_milliseconds(r.start, r.start))
    return start if r.end is None else f"{start},{_decimal(_milliseconds(r.end, r.end))}"


def _decimal(ms: int) -> str:
    """Shortest decimal seconds for whole milliseconds: 8400000 -> "8400", 8400500 -> "8400.5"."""
    whole, frac = divmod(ms, 1000)
    return f"{whole}.{frac:03}".rstrip("0") if frac else str(whole)
