"""Programme import: segments from the plain text people already write.

Two shapes are understood, line by line:

* ranges, as in event write-ups: ``2:20:00 to 04:03:55 - the round table “…”;``
  (``to``, ``until`` or any dash between the times; a dash or colon before the title;
  a trailing ``;``, ``,`` or ``.``);
* YouTube chapter lists: ``00:00 Intro`` — each chapter ends where the next one starts,
  the last one at the recording's end.

`preview` says what would be created and what is wrong, each problem with its line
number; `apply` stores all of it, or nothing while any problem remains.
"""

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.errors import Invalid
from app.models import Recording, Segment, SegmentKind
from app.schemas import ImportProblem, ProgrammeItem, ProgrammePreview, SegmentCreate
from app.services import segments
from app.slugs import unique_slug
from app.timecodes import TimecodeError, format_time, parse_time

_TIME = r"(?:npt:)?\d[\d:.hms]*"
_RANGE = re.compile(
    rf"(?P<start>{_TIME})\s*(?:\bto\b|\buntil\b|\btill\b|[–—-])\s*(?P<end>{_TIME})"
    r"\s*(?:[–—:-]\s*)?(?P<title>.*)",
    re.IGNORECASE,
)
_CHAPTER = re.compile(rf"(?P<start>{_TIME})\s*(?:[–—:-]\s*)?(?P<title>.*)")
_BULLET = re.compile(r"^\s*(?:[-*•]\s+)?")
_KINDS = [  # first match wins; words, not substrings
    (re.compile(r"\bplenar", re.I), SegmentKind.plenary),
    (re.compile(r"\bround[- ]?tables?\b", re.I), SegmentKind.round_table),
    (re.compile(r"\bpanel", re.I), SegmentKind.panel),
    (re.compile(r"\bq\s*&\s*a\b|\bquestions\b", re.I), SegmentKind.qa),
    (re.compile(r"\b(?:break|lunch|coffee|pause|intermission)\b", re.I), SegmentKind.break_),
    (
        re.compile(r"\b(?:talk|keynote|lecture|presentation|speech|address)\b", re.I),
        SegmentKind.talk,
    ),
]
MAX_TITLE = 300


@dataclass
class _Line:
    number: int
    start: float
    end: float | None  # None: a chapter, ending where the next one starts
    title: str


def kind_of(title: str) -> SegmentKind:
    return next((kind for pattern, kind in _KINDS if pattern.search(title)), SegmentKind.other)


def clean_title(raw: str) -> str:
    """ "the round table discussion “X”;" -> "Round table discussion “X”"."""
    title = raw.strip().rstrip(";,.").strip()
    title = re.sub(r"^the\s+", "", title, flags=re.IGNORECASE)
    return title[:1].upper() + title[1:]


def _read_line(number: int, line: str) -> _Line:
    """One programme line, or TimecodeError/ValueError saying what is wrong with it."""
    text = _BULLET.sub("", line, count=1).strip()
    match = _RANGE.fullmatch(text) or _CHAPTER.fullmatch(text)
    if match is None:
        raise ValueError(
            "not a programme line (expected e.g. '2:20:00 to 4:03:55 – the round table' "
            "or '1:02:03 Intro')"
        )
    start = parse_time(match["start"])
    end = parse_time(match["end"]) if "end" in match.groupdict() else None
    title = clean_title(match["title"])
    if not title:
        raise ValueError("the line has times but no title")
    if len(title) > MAX_TITLE:
        raise ValueError(f"the title is longer than {MAX_TITLE} characters")
    return _Line(number, start, end, title)


def preview(session: Session, *, recording: Recording, text: str) -> ProgrammePreview:
    """What `apply` would store, and every problem found, each with its line number."""
    lines: list[_Line] = []
    problems: list[ImportProblem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            lines.append(_read_line(number, raw))
        except (TimecodeError, ValueError) as exc:
            problems.append(ImportProblem(line=number, message=str(exc)))
    _close_chapters(lines, recording, problems)
    existing = list(
        session.exec(
            select(Segment).where(
                Segment.recording_id == recording.id, col(Segment.parent_id).is_(None)
            )
        )
    )
    taken = {s.slug for s in existing}
    items: list[ProgrammeItem] = []
    for line in lines:
        if line.end is None:
            continue
        problem = _check_range(line, recording, existing, items)
        if problem:
            problems.append(ImportProblem(line=line.number, message=problem))
        slug = unique_slug(line.title, lambda s: s in taken)
        taken.add(slug)
        items.append(
            ProgrammeItem(
                line=line.number,
                title=line.title,
                kind=kind_of(line.title),
                slug=slug,
                start=line.start,
                start_tc=format_time(line.start),
                end=line.end,
                end_tc=format_time(line.end),
            )
        )
    problems.sort(key=lambda p: p.line)
    return ProgrammePreview(segments=items, problems=problems, stored=False)


def _close_chapters(lines: list[_Line], recording: Recording, problems: list) -> None:
    """A chapter ends where the next line starts; the last one at the recording's end."""
    for i, line in enumerate(lines):
        if line.end is not None:
            continue
        if i + 1 < len(lines):
            line.end = lines[i + 1].start
        elif recording.duration is not None:
            line.end = recording.duration
        else:
            problems.append(
                ImportProblem(
                    line=line.number,
                    message="the last chapter needs an end time: the recording's duration "
                    "is unknown (write '1:02:03 to 1:30:00 Title')",
                )
            )


def _check_range(
    line: _Line, recording: Recording, existing: list[Segment], items: list[ProgrammeItem]
) -> str | None:
    assert line.end is not None  # lines without an end are skipped
    if line.end <= line.start:
        return f"ends ({format_time(line.end)}) before it starts ({format_time(line.start)})"
    if recording.duration is not None and line.end > recording.duration:
        return (
            f"ends at {format_time(line.end)}, past the recording's end "
            f"{format_time(recording.duration)}"
        )
    for other in existing:
        if other.start < line.end and line.start < other.end:
            return f"overlaps the stored segment {other.title!r} ({_span(other)})"
    for item in items:
        if item.start < line.end and line.start < item.end:
            return f"overlaps line {item.line} ({_span(item)})"
    return None


def _span(segment) -> str:
    return f"{format_time(segment.start)} to {format_time(segment.end)}"


def apply(
    session: Session, *, recording: Recording, preview: ProgrammePreview, field: str = "body"
) -> ProgrammePreview:
    """Store the previewed segments, all of them in the caller's transaction, or refuse."""
    if preview.problems:
        first, more = preview.problems[0], len(preview.problems) - 1
        also = f" (and {more} more; preview with dry_run=true)" if more else ""
        raise Invalid(f"line {first.line}: {first.message}{also}", field=field)
    if not preview.segments:
        raise Invalid("no programme lines found", field=field)
    for item in preview.segments:
        segments.create(
            session,
            recording=recording,
            data=SegmentCreate(
                slug=item.slug, title=item.title, kind=item.kind, start=item.start, end=item.end
            ),
        )
    return preview.model_copy(update={"stored": True})
