"""Programme import: segments from the plain text people already write.

Three shapes are understood, line by line:

* ranges, as in event write-ups: ``2:20:00 to 04:03:55 - the round table “…”;``
  (``to``, ``until`` or any dash between the times; a dash or colon before the title;
  a trailing ``;``, ``,`` or ``.``);
* YouTube chapter lists: ``00:00 Intro`` — each chapter ends where the next one starts,
  the last one at the recording's end;
* a WebVTT chapters track (a text starting ``WEBVTT``): each cue a session from its start
  to its end, titled by its text (cues nested in another are refused as overlaps).

`preview` says what would be created and what is wrong, each problem with its line
number; `apply` stores all of it, or nothing while any problem remains.
"""

import re
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.errors import Invalid
from app.i18n import _
from app.models import Recording, Segment, SegmentKind
from app.schemas import (
    ImportProblem,
    ProgrammeItem,
    ProgrammePreview,
    ProgrammeRemoval,
    SegmentCreate,
    SegmentUpdate,
)
from app.services import segments, subtitles
from app.services.subtitles import TranscriptFormat
from app.slugs import make_slug, unique_slug
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
            _(
                "not a programme line (expected e.g. '2:20:00 to 4:03:55 – the round table' "
                "or '1:02:03 Intro')"
            )
        )
    start = parse_time(match["start"])
    end = parse_time(match["end"]) if "end" in match.groupdict() else None
    title = clean_title(match["title"])
    if not title:
        raise ValueError(_("the line has times but no title"))
    if len(title) > MAX_TITLE:
        raise ValueError(_too_long())
    return _Line(number, start, end, title)


def _too_long() -> str:
    return _("the title is longer than %(max)s characters") % {"max": MAX_TITLE}


def _read_webvtt(text: str, problems: list[ImportProblem]) -> list[_Line]:
    """The cues of a WebVTT chapters track as closed lines; a file WebVTT's rules refuse
    is one problem on the line the parser names."""
    try:
        cues = subtitles.parse(text, format=TranscriptFormat.vtt)
    except subtitles.BadLine as exc:
        problems.append(ImportProblem(line=exc.line, message=exc.problem))
        return []
    except Invalid as exc:
        problems.append(ImportProblem(line=1, message=exc.message))
        return []
    lines = []
    for cue in cues:
        title = clean_title(" ".join(cue.text.split()))
        if len(title) > MAX_TITLE:
            problems.append(ImportProblem(line=cue.line, message=_too_long()))
        else:
            lines.append(_Line(cue.line, cue.start, cue.end, title))
    return lines


def preview(
    session: Session, *, recording: Recording, text: str, replace: bool = False
) -> ProgrammePreview:
    """What `apply` would store, and every problem found, each with its line number.

    A re-import corrects what is stored instead of being refused: a line whose title (or
    start) is a stored session's updates that session, keeping its speakers, talks and
    annotations; a stored session that overlaps the new lines and is none of them would be
    replaced, which is a problem unless `replace` is given (the editor has seen the preview).
    """
    lines: list[_Line] = []
    problems: list[ImportProblem] = []
    webvtt = text.removeprefix("\ufeff").startswith("WEBVTT")
    if webvtt:
        lines = _read_webvtt(text, problems)
    for number, raw in enumerate([] if webvtt else text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            lines.append(_read_line(number, raw))
        except (TimecodeError, ValueError) as exc:
            problems.append(ImportProblem(line=number, message=str(exc)))
    _close_chapters(lines, recording, problems)
    lines = [line for line in lines if line.end is not None]
    existing = list(
        session.exec(
            select(Segment).where(
                Segment.recording_id == recording.id, col(Segment.parent_id).is_(None)
            )
        )
    )
    matched = _match(lines, existing)
    removed = [
        s
        for s in existing
        if s.id not in {m.id for m in matched.values()}
        and any(s.start < line.end and line.start < s.end for line in lines if line.end)
    ]
    taken = {s.slug for s in existing if s not in removed}
    items: list[ProgrammeItem] = []
    for line in lines:
        assert line.end is not None  # chapters were closed above
        problem = _check_range(line, recording, items)
        if problem:
            problems.append(ImportProblem(line=line.number, message=problem))
        stored = matched.get(line.number)
        if stored is None:
            slug = unique_slug(line.title, lambda s: s in taken)
            taken.add(slug)
        items.append(
            ProgrammeItem(
                line=line.number,
                title=line.title,
                kind=kind_of(line.title),
                slug=stored.slug if stored else slug,
                start=line.start,
                start_tc=format_time(line.start),
                end=line.end,
                end_tc=format_time(line.end),
                action="update" if stored else "create",
                was=_span(stored) if stored else None,
            )
        )
    removals = [_removal(session, s) for s in removed]
    if removed and not replace:
        for gone in removals:
            problems.append(
                ImportProblem(
                    line=_first_overlap(lines, gone),
                    message=_(
                        "would replace the stored session %(title)s (%(start)s to %(end)s); "
                        "store with replace to go on"
                    )
                    % {"title": repr(gone.title), "start": gone.start_tc, "end": gone.end_tc},
                )
            )
    problems.sort(key=lambda p: p.line)
    return ProgrammePreview(segments=items, removed=removals, problems=problems, stored=False)


def _match(lines: list[_Line], existing: list[Segment]) -> dict[int, Segment]:
    """Line number -> the stored session it corrects: the one of the same title (as a link
    name), else the one starting at the same second; each stored session at most once."""
    matched: dict[int, Segment] = {}
    free = {s.id: s for s in existing}
    for same in (
        lambda line, s: f"{make_slug(line.title)}-".startswith(f"{s.slug}-"),
        lambda line, s: abs(s.start - line.start) < 1,
    ):
        for line in lines:
            if line.number in matched:
                continue
            found = next((s for s in free.values() if same(line, s)), None)
            if found is not None:
                matched[line.number] = free.pop(found.id)
    return matched


def _removal(session: Session, segment: Segment) -> ProgrammeRemoval:
    talks = session.exec(select(func.count()).where(Segment.parent_id == segment.id)).one()
    return ProgrammeRemoval(
        slug=segment.slug,
        title=segment.title,
        start_tc=format_time(segment.start),
        end_tc=format_time(segment.end),
        talks=talks,
    )


def _first_overlap(lines: list[_Line], gone: ProgrammeRemoval) -> int:
    start, end = parse_time(gone.start_tc), parse_time(gone.end_tc)
    return next(line.number for line in lines if line.end and start < line.end and line.start < end)


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
                    message=_(
                        "the last chapter needs an end time: the recording's duration "
                        "is unknown (write '1:02:03 to 1:30:00 Title')"
                    ),
                )
            )


def _check_range(line: _Line, recording: Recording, items: list[ProgrammeItem]) -> str | None:
    assert line.end is not None  # lines without an end are skipped
    if line.end <= line.start:
        return _("ends (%(end)s) before it starts (%(start)s)") % {
            "end": format_time(line.end),
            "start": format_time(line.start),
        }
    if recording.duration is not None and line.end > recording.duration:
        return _("ends at %(end)s, past the recording's end %(duration)s") % {
            "end": format_time(line.end),
            "duration": format_time(recording.duration),
        }
    for item in items:
        if item.start < line.end and line.start < item.end:
            return _("overlaps line %(line)s (%(span)s)") % {"line": item.line, "span": _span(item)}
    return None


def _span(segment) -> str:
    return _("%(start)s to %(end)s") % {
        "start": format_time(segment.start),
        "end": format_time(segment.end),
    }


def apply(
    session: Session, *, recording: Recording, preview: ProgrammePreview, field: str = "body"
) -> ProgrammePreview:
    """Store the preview, all of it in the caller's transaction, or refuse: replaced
    sessions go, corrected ones move, new ones are made."""
    if preview.problems:
        first, more = preview.problems[0], len(preview.problems) - 1
        message = (
            _("line %(line)s: %(problem)s (and %(more)s more; preview with dry_run=true)")
            if more
            else _("line %(line)s: %(problem)s")
        )
        values = {"line": first.line, "problem": first.message, "more": more}
        raise Invalid(message % values, field=field)
    if not preview.segments:
        raise Invalid(_("no programme lines found"), field=field)
    for gone in preview.removed:
        segments.delete_segment(
            session, segment=segments.get(session, recording=recording, slug=gone.slug)
        )
    _move(session, recording, [i for i in preview.segments if i.action == "update"], field)
    for item in preview.segments:
        if item.action == "create":
            data = SegmentCreate(
                slug=item.slug, title=item.title, kind=item.kind, start=item.start, end=item.end
            )
            segments.create(session, recording=recording, data=data)
    return preview.model_copy(update={"stored": True})


def _move(session: Session, recording: Recording, items: list[ProgrammeItem], field: str) -> None:
    """Give stored sessions their corrected times, each once its new place is free (sessions
    never overlap, not even between two moves); a cycle of swaps is refused."""
    rows = {i.slug: segments.get(session, recording=recording, slug=i.slug) for i in items}
    pending = list(items)
    while pending:
        ready = next(
            (
                i
                for i in pending
                if not any(
                    row.start < i.end and i.start < row.end
                    for slug, row in rows.items()
                    if slug != i.slug and any(p.slug == slug for p in pending)
                )
            ),
            None,
        )
        if ready is None:
            problem = _("sessions swap places; import in two steps")
            message = _("line %(line)s: %(problem)s")
            raise Invalid(message % {"line": pending[0].line, "problem": problem}, field=field)
        update = SegmentUpdate(title=ready.title, start=ready.start, end=ready.end)
        segments.update(session, recording=recording, segment=rows[ready.slug], data=update)
        pending.remove(ready)
