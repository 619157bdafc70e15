"""The navigator's timeline as the server draws it: one block per session, talk, break and
unmarked gap, placed in percent of the recording's span, so the page reads without
JavaScript (static/js/timeline.js turns it into a slider)."""

from dataclasses import dataclass

from app import links
from app.i18n import _
from app.models import Recording, Segment, SegmentKind


@dataclass(frozen=True)
class Block:
    """One stretch of the timeline: a session, a break, a talk nested in a session (drawn in
    a second row), or a gap nobody marked."""

    kind: str  # "session", "break", "talk" or "gap"
    title: str
    start: float
    end: float
    url: str
    left: float  # percent of the timeline
    width: float
    slug: str | None  # the segment's, for the current-session highlight; None for a gap


def percent(seconds: float, span: float) -> float:
    return round(100 * min(max(seconds, 0.0), span) / span, 4)


def blocks(recording: Recording, segments: list[Segment], span: float) -> list[Block]:
    """Segments in time order (each session followed by its talks), with every unmarked
    stretch between top-level segments shown as a gap."""
    blocks: list[Block] = []
    cursor = 0.0

    def add(
        kind: str, title: str, start: float, end: float, url: str, slug: str | None = None
    ) -> None:
        width = percent(end, span) - percent(start, span)
        blocks.append(Block(kind, title, start, end, url, percent(start, span), width, slug))

    for segment in segments:
        url = links.segment_url(recording.slug, segment.slug)
        if segment.parent_id is not None:
            add("talk", segment.title, segment.start, segment.end, url, segment.slug)
            continue
        if segment.start > cursor:
            add("gap", _("No session"), cursor, segment.start, _at(recording, cursor))
        kind = "break" if segment.kind is SegmentKind.break_ else "session"
        add(kind, segment.title, segment.start, segment.end, url, segment.slug)
        cursor = max(cursor, segment.end)
    if span > cursor:
        add("gap", _("No session"), cursor, span, _at(recording, cursor))
    return blocks


def _at(recording: Recording, seconds: float) -> str:
    return links.recording_url(recording.slug, seconds)
