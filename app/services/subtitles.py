"""Subtitle files: WebVTT and SRT read (checked line by line) and written.

webvtt-py reads the cues, but it skips a malformed cue silently and its errors name no
line. A transcript that silently loses lines is worse than one refused, so every line that
holds ``-->`` is checked here first, against the WebVTT (or SRT) timing syntax, and the
first bad one is reported by its line number.
"""

import html
import io
import re
from dataclasses import dataclass
from enum import StrEnum

import webvtt
import webvtt.errors

from app.errors import Invalid
from app.i18n import _
from app.models import Speaker, TranscriptCue
from app.timecodes import MAX_SECONDS, format_clock, format_time

_TS = r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
# WebVTT: [hours:]mm:ss.ttt, spaces, tabs and form feeds around the arrow, settings after.
VTT_TIMING = re.compile(rf"[ \t\f]*{_TS}[ \t\f]*-->[ \t\f]*{_TS}(?!\d).*")
SRT_TIMING = re.compile(
    r"\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{3})\s*-->\s*(\d+):(\d{1,2}):(\d{1,2})[,.](\d{3})(?:\s.*)?"
)
_LINES = re.compile(r"\r\n|\r|\n")
MAX_VOICE_CHARS = 200


class TranscriptFormat(StrEnum):
    vtt = "vtt"
    srt = "srt"


_EXAMPLE = {
    TranscriptFormat.vtt: "00:01:02.500 --> 00:01:05.000",
    TranscriptFormat.srt: "00:01:02,500 --> 00:01:05,000",
}


class BadLine(Invalid):
    """A file refused for what one of its lines holds: a programme import lists `problem`
    against `line` in its own table. Made by `at`, so it is built like any Invalid."""

    line, problem = 1, ""

    @classmethod
    def at(cls, line: int, problem: str, *, field: str) -> "BadLine":
        error = cls(
            _("line %(line)s: %(problem)s") % {"line": line, "problem": problem}, field=field
        )
        error.line, error.problem = line, problem
        return error


@dataclass(frozen=True)
class Cue:
    line: int  # of the timing line, for messages
    start: float
    end: float
    text: str
    voice: str | None


def detect_format(text: str) -> TranscriptFormat:
    """WebVTT starts with WEBVTT; SRT with a cue number (or, loosely, a timing line)."""
    if text.startswith("WEBVTT"):
        return TranscriptFormat.vtt
    first = next((line.strip() for line in _LINES.split(text) if line.strip()), "")
    if first.isdigit() or "-->" in first:
        return TranscriptFormat.srt
    return TranscriptFormat.vtt  # and refused on line 1 with WebVTT's rule


def parse(
    text: str,
    *,
    format: TranscriptFormat | None = None,
    duration: float | None = None,
    field: str = "body",
) -> list[Cue]:
    """The cues of a WebVTT or SRT text, or Invalid naming the first bad line."""
    text = text.removeprefix("\ufeff").replace("\0", "\ufffd")  # NUL: as WebVTT parsers do
    format = TranscriptFormat(format) if format else detect_format(text)
    lines = _LINES.split(text)
    timings = _check_timings(lines, format, duration, field)
    if not timings:
        raise Invalid(
            _("the file holds no cues (no timing line such as %(example)s)")
            % {"example": _EXAMPLE[format]},
            field=field,
        )
    try:
        if format is TranscriptFormat.vtt:
            captions = webvtt.from_string(text).captions
        else:
            buffer = io.StringIO(text.lstrip("\r\n"))
            captions = webvtt.from_buffer(buffer, format="srt").captions
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError) as exc:
        message = _("the file could not be read as %(format)s (%(error)s)")
        raise Invalid(
            message % {"format": format.value.upper(), "error": exc}, field=field
        ) from None
    cues = []
    pending = iter(timings)
    for caption in captions:
        times = (caption.start_time.in_milliseconds(), caption.end_time.in_milliseconds())
        line = next((n for n, *t in pending if tuple(t) == times), None)
        if line is None:
            message = _("the file could not be read as %(format)s")
            raise Invalid(message % {"format": format.value.upper()}, field=field)
        cue = _cue(caption, line, format, field)
        if cue.text:  # an empty cue has nothing to read or find
            cues.append(cue)
    if not cues:
        raise Invalid(_("the file holds no cues with text"), field=field)
    return cues


def _check_timings(
    lines: list[str], format: TranscriptFormat, duration: float | None, field: str
) -> list[tuple[int, int, int]]:
    """(line number, start ms, end ms) of every timing line, each one checked."""
    pattern = VTT_TIMING if format is TranscriptFormat.vtt else SRT_TIMING
    example = _EXAMPLE[format]
    first = 0
    if format is TranscriptFormat.vtt:
        if not re.fullmatch(r"WEBVTT(?:[ \t].*)?", lines[0]):
            raise BadLine.at(1, _("a WebVTT file starts with the line WEBVTT"), field=field)
        first = 1  # the signature line may say anything after "WEBVTT "
    elif not next((line for line in lines if line.strip()), "").strip().isdigit():
        raise BadLine.at(1, _("an SRT file starts with a cue number"), field=field)
    timings = []
    for number, line in enumerate(lines[first:], start=first + 1):
        if "-->" not in line:
            continue
        match = pattern.fullmatch(line)
        if match is None:
            shown = line.strip()
            shown = repr(shown if len(shown) <= 60 else shown[:57] + "...")
            raise BadLine.at(
                number,
                _("%(text)s is not a cue timing line (expected e.g. %(example)s)")
                % {"text": shown, "example": example},
                field=field,
            )
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g or 0) for g in match.groups()[:8])
        if max(m1, s1, m2, s2) > 59:
            raise BadLine.at(number, _("minutes and seconds must be 00-59"), field=field)
        start = ((h1 * 60 + m1) * 60 + s1) * 1000 + ms1
        end = ((h2 * 60 + m2) * 60 + s2) * 1000 + ms2
        _check_cue_times(number, start / 1000, end / 1000, duration, field)
        timings.append((number, start, end))
    return timings


def _check_cue_times(
    number: int, start: float, end: float, duration: float | None, field: str
) -> None:
    if end > MAX_SECONDS:
        raise BadLine.at(number, _("the cue ends too late (over 115 days)"), field=field)
    if end <= start:
        message = (
            _("the cue ends when it starts (%(start)s --> %(end)s)")
            if end == start
            else _("the cue ends before it starts (%(start)s --> %(end)s)")
        )
        times = {"start": format_time(start), "end": format_time(end)}
        raise BadLine.at(number, message % times, field=field)
    if duration is not None and end > duration:
        raise BadLine.at(
            number,
            _("the cue ends at %(end)s, past the recording's end %(duration)s")
            % {"end": format_time(end), "duration": format_time(duration)},
            field=field,
        )


def _cue(caption: webvtt.Caption, line: int, format: TranscriptFormat, field: str) -> Cue:
    """Plain text: markup removed, WebVTT's character references decoded, blank lines dropped."""
    text = caption.text
    voice = caption.voice if format is TranscriptFormat.vtt else None
    if format is TranscriptFormat.vtt:
        text = html.unescape(text)
        voice = html.unescape(voice).strip() if voice else None
    if voice is not None and len(voice) > MAX_VOICE_CHARS:
        raise BadLine.at(
            line,
            _("the voice name is longer than %(max)s characters") % {"max": MAX_VOICE_CHARS},
            field=field,
        )
    text = "\n".join(s for s in (part.strip() for part in text.split("\n")) if s)
    return Cue(
        line,
        caption.start_time.in_milliseconds() / 1000,
        caption.end_time.in_milliseconds() / 1000,
        text,
        voice,
    )


def _escape(text: str) -> str:
    """WebVTT cue text: &, < and > as character references, so "-->" cannot occur."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(cues: list[TranscriptCue], speakers: dict[int, Speaker]) -> str:
    """A WebVTT file; a cue's speaker becomes a voice tag (`<v Name>`), as on import."""
    out = ["WEBVTT", ""]
    for cue in cues:
        voice = speakers.get(cue.speaker_id) if cue.speaker_id is not None else None
        text = _escape(cue.text)
        if voice is not None:
            text = f"<v {_escape(voice.name)}>{text}"
        out += [f"{format_clock(cue.start, '.')} --> {format_clock(cue.end, '.')}", text, ""]
    return "\n".join(out)


def to_srt(cues: list[TranscriptCue]) -> str:
    """An SRT file: numbered cues, comma before the milliseconds, plain text."""
    out = []
    for number, cue in enumerate(cues, start=1):
        text = cue.text.replace("-->", "->")
        out += [
            str(number),
            f"{format_clock(cue.start, ',')} --> {format_clock(cue.end, ',')}",
            text,
            "",
        ]
    return "\n".join(out)
