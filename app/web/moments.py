"""Reading a page's `t` into the moment it opens at (PRODUCT §4): parsed only by
app.timecodes, clamped to the recording, and never an error page for a bad value."""

from dataclasses import dataclass

from app.i18n import _
from app.timecodes import TimecodeError, TimeRange, format_range, format_time, parse_range


@dataclass(frozen=True)
class Moment:
    start: float
    end: float | None = None
    notice: str | None = None  # shown to the viewer when `t` was unreadable or clamped

    @property
    def fragment(self) -> str:
        """The media-fragment `t` value that lets a browser seek without JavaScript."""
        return format_range(TimeRange(self.start, self.end))

    @property
    def label(self) -> str:
        shown = format_time(self.start)
        return shown if self.end is None else f"{shown}–{format_time(self.end)}"


def resolve(
    raw: str | None,
    *,
    duration: float | None,
    offset: float = 0.0,
    default: TimeRange | None = None,
) -> Moment:
    """The moment a link names. `offset` makes `t` relative (segment links); without `t` the
    page opens at `default` (or at `offset`)."""
    notice = None
    if raw is None or not raw.strip():
        wanted = default or TimeRange(offset, None)
    else:
        try:
            parsed = parse_range(raw, clamp=True)
        except TimecodeError as exc:
            shown = raw if len(raw) <= 40 else raw[:36] + "..."
            notice = _(
                "Could not read the time “%(time)s” (%(reason)s), so this opens at the start."
            ) % {"time": shown, "reason": _reason(exc)}
            wanted = TimeRange(offset, None)
        else:
            end = None if parsed.end is None else parsed.end + offset
            wanted = TimeRange(parsed.start + offset, end)
    start, end = wanted.start, wanted.end
    if duration is not None and (end or start) > duration:
        past = (
            _(
                "%(time)s is past the end of this recording (%(duration)s), "
                "so this opens at the end."
            )
            if start > duration
            else _(
                "%(time)s is past the end of this recording (%(duration)s), "
                "so this stops at the end."
            )
        )
        times = {"time": format_time(end or start), "duration": format_time(duration)}
        notice = notice or past % times
        start, end = min(start, duration), None if end is None else min(end, duration)
        if end is not None and end <= start:
            end = None
    return Moment(round(start, 3), None if end is None else round(end, 3), notice)


def _reason(exc: TimecodeError) -> str:
    """The parser's explanation without its quoted copy of the input."""
    return str(exc).split(": ", 1)[-1]
