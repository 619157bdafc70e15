"""A recording's sessions and breaks as chapters: WebVTT (for players' chapter menus) and
YouTube chapter text (for a video description).

Only the top-level sessions and breaks are chapters. Players show a chapters track as one
flat menu with one current chapter (Video.js, Media Chrome, Able Player), so nested talks
would appear twice over their session; talks are in the IIIF manifest's nested ranges.
Both files load back through the programme import (app.services.programme).
"""

import html
import io
from dataclasses import dataclass
from itertools import pairwise

from sqlmodel import Session, col, select
from webvtt import Caption, WebVTT

from app.errors import Invalid
from app.i18n import _
from app.models import Recording, Segment
from app.timecodes import format_chapter, format_clock

MIN_SECONDS = 10  # YouTube: each chapter lasts at least 10 seconds
MIN_CHAPTERS = 3  # YouTube: at least three chapters


@dataclass(frozen=True)
class Chapter:
    start: int  # whole seconds, as YouTube shows them
    title: str


def _sessions(session: Session, recording: Recording) -> list[Segment]:
    return list(
        session.exec(
            select(Segment)
            .where(Segment.recording_id == recording.id, col(Segment.parent_id).is_(None))
            .order_by(col(Segment.start))
        )
    )


def _one_line(title: str) -> str:
    return " ".join(title.split())


def webvtt(session: Session, *, recording: Recording) -> str:
    """A WebVTT chapters track, one cue per session or break, written by webvtt-py (which
    checks cues but does not escape them: &, < and > become character references)."""
    vtt = WebVTT()
    for segment in _sessions(session, recording):
        vtt.captions.append(
            Caption(
                format_clock(segment.start),
                format_clock(segment.end),
                html.escape(_one_line(segment.title), quote=False),
            )
        )
    out = io.StringIO()
    vtt.write(out)
    return out.getvalue()


def youtube(session: Session, *, recording: Recording) -> str:
    """YouTube chapter text ("0:00 Title" lines), or Invalid naming every YouTube rule the
    sessions break, with the closest list that keeps them (`closest`) to copy instead."""
    segments = _sessions(session, recording)
    chapters = [Chapter(int(s.start), _one_line(s.title)) for s in segments]
    end = recording.duration or (segments[-1].end if segments else 0)
    broken = broken_rules(chapters, end=end)
    if broken:
        fixed = closest(chapters, end=end)
        message = (
            _("not valid as YouTube chapters: %(rules)s; the closest valid list:\n%(list)s")
            if not broken_rules(fixed, end=end)
            else _(
                "not valid as YouTube chapters: %(rules)s; no valid list can be made: YouTube "
                "needs %(min)s chapters of at least %(seconds)s s (add sessions first)"
            )
        )
        values = {
            "rules": "; ".join(broken),
            "list": text_of(fixed),
            "min": MIN_CHAPTERS,
            "seconds": MIN_SECONDS,
        }
        raise Invalid(message % values, field="recording")
    return text_of(chapters)


def text_of(chapters: list[Chapter]) -> str:
    return "".join(f"{format_chapter(c.start)} {c.title}\n" for c in chapters)


def _lengths(chapters: list[Chapter], end: float) -> list[float]:
    """Each chapter lasts until the next one starts, the last one until the recording ends."""
    ends = [c.start for c in chapters[1:]] + [end]
    return [b - a.start for a, b in zip(chapters, ends[: len(chapters)], strict=True)]


def broken_rules(chapters: list[Chapter], *, end: float) -> list[str]:
    """YouTube's rules the list breaks, each named with the chapter at fault."""
    broken = []
    if chapters and chapters[0].start != 0:
        broken.append(
            _("the first chapter must start at 0:00 (it starts at %(start)s)")
            % {"start": format_chapter(chapters[0].start)}
        )
    if len(chapters) < MIN_CHAPTERS:
        broken.append(
            _("there must be at least %(min)s chapters (there are %(count)s)")
            % {"min": MIN_CHAPTERS, "count": len(chapters)}
        )
    for a, b in pairwise(chapters):
        if b.start <= a.start:
            broken.append(
                _("chapters must be in ascending order (%(title)s at %(time)s)")
                % {"title": repr(b.title), "time": format_chapter(b.start)}
            )
            break
    short = [
        c
        for c, length in zip(chapters, _lengths(chapters, end), strict=True)
        if length < MIN_SECONDS
    ]
    if short:
        broken.append(
            _("each chapter must last at least %(min)s s (%(title)s at %(time)s is shorter)")
            % {
                "min": MIN_SECONDS,
                "title": repr(short[0].title),
                "time": format_chapter(short[0].start),
            }
        )
    return broken


def closest(chapters: list[Chapter], *, end: float) -> list[Chapter]:
    """The valid list nearest to `chapters`: a "Start" chapter before a late first one (or
    the first moved to 0:00 when the gap is under 10 s), and each short chapter merged
    into the one before it (the first into the one after it). Fewer than three stay fewer."""
    fixed = sorted(chapters, key=lambda c: c.start)
    if fixed and fixed[0].start != 0:
        first = fixed[0]
        fixed = (
            [Chapter(0, "Start"), *fixed]
            if first.start >= MIN_SECONDS
            else [Chapter(0, first.title), *fixed[1:]]
        )
    while len(fixed) > 1:
        lengths = _lengths(fixed, end)
        short = next((i for i, length in enumerate(lengths) if length < MIN_SECONDS), None)
        if short is None:
            break
        if short == 0:
            fixed = [Chapter(0, fixed[1].title), *fixed[2:]]
        else:
            del fixed[short]
    return fixed
