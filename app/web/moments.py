"""Reading a page's `t` into the moment it opens at (PRODUCT §4): parsed only by
app.timecodes, clamped to the recording, and never an error page for a bad value."""

from dataclasses import dataclass

from app.i18n import _
from app.models import Segment
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
    segment: Segment | None = None,
    default: TimeRange | None = None,
) -> Moment:
    """The moment a link names. A segment link's `t` is relative to the segment and kept
    inside it; without `t` the page opens at `default` (or at the segment's start)."""
    offset = segment.start if segment is not None else 0.0
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
            if segment is not None:
                wanted, notice = _within(segment, wanted, parsed)
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


def _within(segment: Segment, wanted: TimeRange, parsed: TimeRange) -> tuple[TimeRange, str | None]:
    """A segment link past the segment's end opens at the segment's start, with a notice: the
    page names the segment, and a time too large for it is most likely counted from somewhere
    else (the recording's start, another cut), so no second of it can be trusted, and its
    start is where a reader of that segment begins. A range running past the end stops there."""
    times = {
        "time": format_time(parsed.start),
        "session": segment.title,
        "length": format_time(segment.end - segment.start),
    }
    if wanted.start >= segment.end:
        return TimeRange(segment.start, None), _(
            "%(time)s is past the end of “%(session)s” (%(length)s long), "
            "so this opens at its start."
        ) % times
    if wanted.end is not None and wanted.end > segment.end:
        return TimeRange(wanted.start, segment.end), _(
            "%(time)s is past the end of “%(session)s” (%(length)s long), so this stops at its end."
        ) % {**times, "time": format_time(parsed.end or 0)}
    return wanted, None


def _reason(exc: TimecodeError) -> str:
    """The parser's explanation without its quoted copy of the input."""
    return str(exc).split(": ", 1)[-1]
