"""The event export's document (event-export.schema.json beside this module): reading it,
checking it before anything is written, and its timestamps. app.services.exports.event_json
writes and imports it."""

import json
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources import files
from pathlib import PurePosixPath
from typing import Any

import jsonschema  # type: ignore[import-untyped]

from app.errors import Invalid
from app.i18n import _
from app.textfiles import problem

FORMAT, VERSION = "sessionnav-event", 1
SOURCE_FIELD = {"file": "media_path", "url": "media_url", "youtube": "youtube_id"}


@cache
def schema() -> dict[str, Any]:
    text = files(__package__).joinpath("event-export.schema.json").read_text("utf-8")
    return json.loads(text)


def _inlined(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with each `$ref` replaced by what it names: jsonschema then validates
    10,000 annotations in a second or two rather than ten (reference lookups dominate)."""
    if isinstance(node, list):
        return [_inlined(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return _inlined(defs[node["$ref"].removeprefix("#/$defs/")], defs) | rest
    return {k: _inlined(v, defs) for k, v in node.items() if k != "$defs"}


def _is_stamp(value: object) -> bool:
    return not isinstance(value, str) or parse_stamp(value) is not None


def _is_date(value: object) -> bool:
    return not isinstance(value, str) or date.fromisoformat(value) is not None


@cache
def _validator() -> jsonschema.Draft202012Validator:
    """Dates and times are checked as Python reads them, so no stored one can fail to parse."""
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("date-time", raises=ValueError)(_is_stamp)
    formats.checks("date", raises=ValueError)(_is_date)
    plain = _inlined(schema(), schema()["$defs"])
    return jsonschema.Draft202012Validator(plain, format_checker=formats)


def stamp(at: datetime | None) -> str | None:
    """UTC with a Z, whichever way the database handed the time back (naive or aware)."""
    if at is None:
        return None
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds") + "Z"


def parse_stamp(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def parse(text: str) -> dict[str, Any]:
    """A document's text as JSON, or Invalid saying where it stops being JSON."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise Invalid(
            _("the file is not valid JSON (%(error)s)") % {"error": exc}, field="body"
        ) from None
    if not isinstance(document, dict):
        raise Invalid(_("the document must be a JSON object"), field="body")
    return document


def check(document: Any) -> None:
    """Invalid naming the first place where `document` breaks the schema or a rule the
    database holds (start before end, refs that resolve), before anything is written."""
    validator = _validator()
    found = document.get("version") if isinstance(document, dict) else None
    if isinstance(document, dict) and document.get("format") == FORMAT and found != VERSION:
        raise Invalid(
            _("version %(found)s is not one this service reads (it reads version %(version)s)")
            % {"found": repr(found), "version": VERSION},
            field="version",
        )
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path) or "document"
        raise Invalid(f"{where}: {error.message}", field=where)
    _check_texts(document, "")
    speakers = {s["slug"] for s in document["speakers"]}
    _unique([s["slug"] for s in document["speakers"]], "speakers", "slug")
    _unique([r["slug"] for r in document["recordings"]], "recordings", "slug")
    refs: set[str] = set()
    for n, recording in enumerate(document["recordings"]):
        _check_recording(recording, f"recordings.{n}", speakers, refs)


def _check_texts(value: Any, where: str) -> None:
    if isinstance(value, str) and (why := problem(value)):
        raise Invalid(f"{where}: {why}", field=where)
    if isinstance(value, dict | list):
        children = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in children:
            _check_texts(child, f"{where}.{key}" if where else str(key))


def _unique(values: list[str], where: str, name: str) -> None:
    seen: set[str] = set()
    for n, value in enumerate(values):
        if value in seen:
            message = _("the %(name)s %(value)s comes twice") % {"name": name, "value": repr(value)}
            raise Invalid(f"{where}.{n}: {message}", field=f"{where}.{n}")
        seen.add(value)


def _span(item: dict, where: str, duration: float | None) -> None:
    start, end = item.get("start"), item.get("end")
    if start is not None and end is not None and end <= start:
        message = _("end must be after start")
        raise Invalid(f"{where}.end: {message}", field=f"{where}.end")
    latest = end if end is not None else start
    if latest is not None and duration is not None and latest > duration:
        message = _("%(seconds)s s is past the recording's end") % {"seconds": latest}
        raise Invalid(f"{where}: {message}", field=where)


def _speaker_ref(slug: str | None, where: str, speakers: set[str]) -> None:
    if slug is not None and slug not in speakers:
        message = _("no speaker %(slug)s in the document") % {"slug": repr(slug)}
        raise Invalid(f"{where}: {message}", field=where)


def _check_recording(recording: dict, where: str, speakers: set[str], refs: set[str]) -> None:
    kind = recording["media_kind"]
    for other, name in SOURCE_FIELD.items():
        if (recording.get(name) is not None) != (other == kind):
            message = (
                _("a %(kind)s recording needs %(field)s")
                if other == kind
                else _("a %(kind)s recording takes no %(field)s")
            )
            message %= {"kind": kind, "field": name}
            raise Invalid(f"{where}: {message}", field=f"{where}.{name}")
    path = PurePosixPath(recording.get("media_path") or "media")
    if path.is_absolute() or ".." in path.parts or "\\" in str(path):
        message = _("a relative path inside the media folder, please")
        raise Invalid(f"{where}.media_path: {message}", field=f"{where}.media_path")
    duration = recording.get("duration")
    segment_slugs = [s["slug"] for s in recording.get("segments", [])]
    _unique(segment_slugs, f"{where}.segments", "slug")
    for n, segment in enumerate(recording.get("segments", [])):
        place = f"{where}.segments.{n}"
        _span(segment, place, duration)
        if segment.get("parent") is not None and segment["parent"] not in segment_slugs:
            message = _("no segment %(which)s") % {"which": repr(segment["parent"])}
            raise Invalid(f"{place}.parent: {message}", field=place)
        for k, entry in enumerate(segment.get("speakers", [])):
            _speaker_ref(entry["speaker"], f"{place}.speakers.{k}", speakers)
    threads: set[str] = set()
    for n, item in enumerate(recording.get("annotations", [])):
        place = f"{where}.annotations.{n}"
        if item["ref"] in refs:
            message = _("%(ref)s comes twice") % {"ref": repr(item["ref"])}
            raise Invalid(f"{place}.ref: {message}", field=f"{place}.ref")
        refs.add(item["ref"])
        if item.get("reply_to") is not None and item["reply_to"] not in threads:
            message = _(
                "no earlier annotation %(ref)s of this recording that is not itself a reply"
            ) % {"ref": repr(item["reply_to"])}
            raise Invalid(f"{place}.reply_to: {message}", field=f"{place}.reply_to")
        if item.get("reply_to") is None:
            threads.add(item["ref"])
        _span(item, place, duration)
        unplaced = item.get("placement", "exact") == "unplaced"
        if unplaced != (item.get("start") is None) or (unplaced and item.get("end") is not None):
            message = _("an annotation has a start unless it is 'unplaced'")
            raise Invalid(f"{place}: {message}", field=f"{place}.placement")
        if item.get("segment") is not None and item["segment"] not in segment_slugs:
            message = _("no segment %(which)s") % {"which": repr(item["segment"])}
            raise Invalid(f"{place}.segment: {message}", field=place)
        _speaker_ref(item.get("speaker"), f"{place}.speaker", speakers)
        if item["kind"] == "quote" and item.get("speaker") is None:
            message = _("a quote names its speaker")
            raise Invalid(f"{place}: {message}", field=f"{place}.speaker")
    for part in ("cues", "turns"):
        for n, item in enumerate(recording.get(part, [])):
            _span(item, f"{where}.{part}.{n}", duration)
            _speaker_ref(item.get("speaker"), f"{where}.{part}.{n}.speaker", speakers)
