"""The one place that builds the product's public URLs (PRODUCT §4: they must last years)."""

from urllib.parse import quote, urlencode

from app.models import MediaKind, Recording
from app.timecodes import format_compact


def t_value(start: float, end: float | None = None) -> str:
    """A link's `t` in the readable form people type and read (`2h33m`, `2h33m10s`,
    `2h33m,2h35m`); app.timecodes parses it like any other §4 form. static/js/util.js tValue
    writes the same."""
    return format_compact(start) + ("" if end is None else f",{format_compact(end)}")


def _with_t(path: str, start: float | None, end: float | None = None) -> str:
    if start is None:
        return path
    return f"{path}?{urlencode({'t': t_value(start, end)}, safe=',')}"


def recording_url(slug: str, start: float | None = None, end: float | None = None) -> str:
    return _with_t(f"/r/{quote(slug)}", start, end)


def segment_url(recording_slug: str, segment_slug: str, offset: float | None = None) -> str:
    """`t` on a segment link is relative to the segment, so it survives boundary edits."""
    return _with_t(f"/r/{quote(recording_slug)}/s/{quote(segment_slug)}", offset)


def annotation_url(annotation_id: int) -> str:
    return f"/a/{annotation_id}"


def speaker_url(slug: str) -> str:
    return f"/speakers/{quote(slug)}"


def event_url(slug: str) -> str:
    return f"/e/{quote(slug)}"


def media_src(recording: Recording) -> str | None:
    """What a <video> element loads; YouTube recordings play through the IFrame API instead."""
    if recording.media_kind is MediaKind.file and recording.media_path:
        return f"/media/{quote(recording.media_path)}"
    if recording.media_kind is MediaKind.url:
        return recording.media_url
    return None


def embed_url(slug: str, start: float | None = None, end: float | None = None) -> str:
    """The minimal player for iframes (oEmbed); it honours the same `t` as the navigator."""
    return _with_t(f"/embed/r/{quote(slug)}", start, end)


def frame_url(slug: str, seconds: float) -> str:
    """The picture on screen at a moment, whole seconds so previews cache well."""
    return f"/r/{quote(slug)}/frame.jpg?t={int(seconds)}"


def oembed_url(page_url: str) -> str:
    return f"/oembed?{urlencode({'url': page_url, 'format': 'json'})}"


def annotation_item_url(annotation_id: int) -> str:
    """One annotation rendered as the navigator's list item, for scripts to insert."""
    return f"/a/{annotation_id}/item"


def transcript_url(slug: str, extension: str = "vtt", language: str | None = None) -> str:
    """The transcript as a file: WebVTT (for <track> and downloads) or SRT; in `language`,
    else the recording's own."""
    path = f"/r/{quote(slug)}/transcript.{extension}"
    return f"{path}?{urlencode({'language': language})}" if language else path


def export_url(slug: str, filename: str) -> str:
    """One of a recording's exports (PRODUCT §6): chapters.vtt, annotations.jsonld, ..."""
    return f"/r/{quote(slug)}/{filename}"


def event_export_url(slug: str) -> str:
    """The whole event as the product's own JSON (editors)."""
    return f"/e/{quote(slug)}/export.json"


def import_url(slug: str) -> str:
    """The editor's page for a recording's programme, transcript and write-up imports."""
    return f"/r/{quote(slug)}/import"


def placement_url(annotation_id: int) -> str:
    """The page proposing, from the transcript, the second an unplaced quote was said."""
    return f"/a/{annotation_id}/placement"


def login_url(next_url: str | None = None) -> str:
    """The sign-in page; after signing in the browser goes to `next_url` (a path here)."""
    return "/login" + (f"?{urlencode({'next': next_url})}" if next_url else "")


def search_url(**params: str | None) -> str:
    """The search page; empty parameters are left out."""
    kept = {k: v for k, v in params.items() if v}
    return "/search" + (f"?{urlencode(kept)}" if kept else "")


def live_url(slug: str) -> str:
    """The recording's stream of live updates (Server-Sent Events, app/web/live.py)."""
    return f"/r/{quote(slug)}/live"


def thumbnails_url(slug: str) -> str:
    """The WebVTT file of a recording's frame previews (app.services.thumbnails)."""
    return f"/r/{quote(slug)}/thumbnails.vtt"


def sprite_ref(key: str) -> str:
    """A previews sprite as their WebVTT file names it: relative to thumbnails_url, so the file
    made once per media file serves every recording that plays it, under any slug; `v` names
    the file's version, so the sprite can be cached for good."""
    return f"thumbnails.jpg?v={key}"
