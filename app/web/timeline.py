"""The navigator's timeline as the server draws it: one block per session, talk, break and
unmarked gap, placed in percent of the recording's span, so the page reads without
JavaScript (static/js/timeline.js turns it into a slider)."""

from dataclasses import dataclass
from typing import Any

from app import links
from app.i18n import _
from app.models import Recording, Segment, SegmentKind
from app.timecodes import format_time


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


# Tick steps a timeline picks from: 1, 5, 10, 15, 30 minutes, 1, 2, 3, 6 hours (timeline.js
# picks from the same list for the width it has).
TICK_STEPS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)
MAX_TICKS = 8  # on the whole-recording view without JavaScript: hourly for a day's recording
# A mark is a 24 px pin (WCAG 2.2 target size); on a 390 px phone's track 24 px is about 7 %,
# so marks closer than that merge into one pin with a count, which no screen then overlaps.
MERGE_PERCENT = 7.0


@dataclass(frozen=True)
class Tick:
    seconds: float
    left: float  # percent of the timeline
    label: str
    odd: bool  # every other label is left out on a phone


def ticks(span: float) -> list[Tick]:
    """A tick on every round step (hourly on a recording of several hours) after 0, which the
    template labels at the left edge."""
    step = next((s for s in TICK_STEPS if span / s <= MAX_TICKS), TICK_STEPS[-1])
    count = int(span // step)
    return [
        Tick(i * step, percent(i * step, span), format_time(i * step), i % 2 == 1)
        for i in range(1, count + 1)
        if i * step <= span - step / 4  # a label at the right edge would stick out
    ]


@dataclass(frozen=True)
class Mark:
    """One pin on the timeline: an annotation, or `count` of them close together (linked to
    the first; the template names them)."""

    first: Any  # the annotations as the page shows them (views.to_public_many)
    last: Any
    count: int
    kind: str  # the annotations' kind, or "mixed"
    left: float
    members: list[list]  # [id, kind, start, end] each, for timeline.js to merge again


def marks(items: list, span: float) -> list[Mark]:
    """The placed annotations as pins, those within MERGE_PERCENT of a group's first merged."""
    groups: list[list] = []
    for a in sorted((a for a in items if a.start is not None), key=lambda a: (a.start, a.id)):
        if groups and percent(a.start, span) - percent(groups[-1][0].start, span) < MERGE_PERCENT:
            groups[-1].append(a)
        else:
            groups.append([a])
    return [
        Mark(
            g[0],
            g[-1],
            len(g),
            kinds.pop() if len(kinds := {a.kind.value for a in g}) == 1 else "mixed",
            percent(g[0].start, span),
            [[a.id, a.kind.value, a.start, a.end] for a in g],
        )
        for g in groups
    ]


def whereabouts(segment: Segment | None, t: float) -> str:
    """Where `t` is, in words: the segment and the time into it and left of it."""
    if segment is None:
        return _("No session at this moment.")
    return _("%(session)s — %(into)s into it, %(left)s left") % {
        "session": segment.title,
        "into": format_time(max(t - segment.start, 0)),
        "left": format_time(max(segment.end - t, 0)),
    }
