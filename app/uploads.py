"""Recordings made from an uploaded video file or from a link (PRODUCT §3 media sources).

The multipart body is parsed as it arrives and the file part goes straight into a temp file
inside the media folder, so memory stays flat however large the video is and the finished file
is renamed into place, never copied. Any refusal removes the temp file.
"""

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, urlsplit

import anyio.to_thread
from pydantic import ValidationError
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from sqlmodel import Session
from starlette.requests import ClientDisconnect, Request

from app import video
from app.errors import Conflict, DomainError, Invalid
from app.models import MediaKind, Recording
from app.schemas import RecordingCreate
from app.services import recordings
from app.services.common import exists
from app.slugs import claim_slug

UPLOAD_FOLDER = "uploads"  # inside the media folder, so /media serves it with Range support
FILE_FIELD, LINK_FIELD = "file", "url"
TEXT_FIELDS = frozenset({"event", "title", "slug", "language"})
MAX_FIELDS, MAX_FIELD_BYTES = 20, 16 * 1024
FORM_ALLOWANCE = MAX_FIELDS * (MAX_FIELD_BYTES + 512)  # the body beyond the file itself
# Only what browsers play in <video>/<audio>; other media would be stored but never play.
EXTENSIONS = {
    "video/mp4": ".mp4",
    "audio/mp4": ".m4a",
    "video/webm": ".webm",
    "audio/webm": ".webm",
    "video/ogg": ".ogv",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/flac": ".flac",
    "audio/aac": ".aac",
}
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_HOSTS = {"youtube.com", "m.youtube.com", "youtube-nocookie.com", "music.youtube.com"}
_URL = re.compile(r"https?://\S+")


class TooLarge(DomainError):
    status_code = 413


class NotMultipart(DomainError):
    status_code = 415


def human_size(n: int) -> str:
    """Sizes in messages, as a person reads them: 8 GiB, 200 MiB, 512 bytes."""
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


@dataclass
class Upload:
    """What a multipart body held: its text fields and the file part saved to a temp file."""

    fields: dict[str, str] = field(default_factory=dict)
    file: Path | None = None
    filename: str = ""
    size: int = 0

    def discard(self) -> None:
        if self.file is not None:
            self.file.unlink(missing_ok=True)


class _Receiver:
    """python-multipart callbacks that fill an Upload, enforcing the size limits as bytes come."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder, self.max_bytes = folder, max_bytes
        self.upload = Upload()
        self.complete = False
        self._out = None
        self._name = ""
        self._value: bytearray | None = None
        self._headers: dict[bytes, bytes] = {}
        self._header = [b"", b""]

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, a, b: self._add(0, data[a:b]),
            "on_header_value": lambda data, a, b: self._add(1, data[a:b]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._headers, self._header = {}, [b"", b""]

    def _add(self, i: int, data: bytes) -> None:
        self._header[i] += data

    def _header_end(self) -> None:
        self._headers[self._header[0].strip().lower()] = self._header[1].strip()
        self._header = [b"", b""]

    def _headers_finished(self) -> None:
        _kind, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        try:
            self._name = params.get(b"name", b"").decode()
            filename = params[b"filename"].decode() if b"filename" in params else None
        except UnicodeDecodeError:
            raise Invalid("form field names must be UTF-8", field="body") from None
        if not self._name:
            raise Invalid("a part of the form has no field name", field="body")
        where = f"body.{self._name}"
        if self._name in self.upload.fields or (self._name == FILE_FIELD and self._out):
            raise Invalid(f"{where} is given more than once", field=where)
        if (filename is not None) != (self._name == FILE_FIELD):
            wanted = "a file" if self._name == FILE_FIELD else "text, not a file"
            raise Invalid(f"{where} must be {wanted}", field=where)
        if filename is None:
            if len(self.upload.fields) >= MAX_FIELDS:
                raise Invalid(f"the form has more than {MAX_FIELDS} fields", field="body")
            self._value = bytearray()
            return
        self.upload.filename = filename
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=self.folder)
        self.upload.file = Path(name)
        self._out = os.fdopen(fd, "wb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = memoryview(data)[start:end]
        if self._value is None:
            self.upload.size += len(chunk)
            if self.upload.size > self.max_bytes:
                raise TooLarge(
                    f"the file is larger than the upload limit of {human_size(self.max_bytes)}",
                    field=f"body.{FILE_FIELD}",
                )
            self._out.write(chunk)
            return
        if len(self._value) + len(chunk) > MAX_FIELD_BYTES:
            where = f"body.{self._name}"
            raise Invalid(f"{where} is longer than {human_size(MAX_FIELD_BYTES)}", field=where)
        self._value += chunk

    def _part_end(self) -> None:
        if self._value is None:
            return
        try:
            self.upload.fields[self._name] = self._value.decode()
        except UnicodeDecodeError:
            where = f"body.{self._name}"
            raise Invalid(f"{where} is not UTF-8 text", field=where) from None
        self._value = None

    def _end(self) -> None:
        self.complete = True

    def close(self, *, keep: bool) -> None:
        """Close the temp file; a kept one is first flushed to disk, so a rename publishes it."""
        if self._out is not None:
            if keep:
                self._out.flush()
                os.fsync(self._out.fileno())
            self._out.close()


def _boundary(content_type: str | None) -> bytes:
    kind, params = parse_options_header(content_type)
    if kind != b"multipart/form-data" or not params.get(b"boundary"):
        raise NotMultipart("send the upload as multipart/form-data", field="header.content-type")
    return params[b"boundary"]


async def receive(request: Request, *, media_dir: Path, max_bytes: int) -> Upload:
    """Stream the request's multipart body to disk; the caller must discard() the Upload."""
    boundary = _boundary(request.headers.get("content-type"))
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes + FORM_ALLOWANCE:
        raise TooLarge(
            f"the upload ({human_size(int(length))}) is larger than the limit of "
            f"{human_size(max_bytes)}",
            field=f"body.{FILE_FIELD}",
        )
    receiver = _Receiver(media_dir / UPLOAD_FOLDER, max_bytes)
    parser = MultipartParser(boundary, receiver.callbacks())
    try:
        async for chunk in request.stream():
            if chunk:  # disk writes run off the event loop, so other requests keep flowing
                await anyio.to_thread.run_sync(parser.write, chunk)
        if not receiver.complete:
            raise Invalid("the form ended before its closing boundary", field="body")
        receiver.close(keep=True)
    except BaseException as exc:
        receiver.close(keep=False)
        receiver.upload.discard()
        if isinstance(exc, FormParserError):
            message = f"the body is not a well-formed multipart form ({exc})"
            raise Invalid(message, field="body") from None
        if isinstance(exc, ClientDisconnect):  # nobody to answer; keeps it out of error logs
            raise DomainError("the upload was interrupted before it ended", field="body") from None
        raise
    return receiver.upload


def _validated(fields: dict[str, str], **source) -> RecordingCreate:
    """The form's text fields checked by the JSON API's schema, so both give the same errors."""
    unknown = sorted(fields.keys() - TEXT_FIELDS)
    if unknown:
        where = f"body.{unknown[0]}"
        raise Invalid(f"{where} is not a field this endpoint takes", field=where)
    given = {name: value for name, value in fields.items() if value.strip()}
    try:
        return RecordingCreate(**given, **source)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(["body", *map(str, error["loc"])])
        if error["type"] == "missing":
            raise Invalid(f"{where} is required", field=where) from None
        raise Invalid(f"{where}: {error['msg']}", field=where) from None


def youtube_id(text: str) -> str | None:
    """The video id of a YouTube watch/short/embed link or a bare id; None if not YouTube.

    Invalid when the link is YouTube's but names no video (a channel or a playlist).
    """
    text = text.strip()
    if _YOUTUBE_ID.fullmatch(text):
        return text
    url = urlsplit(text)
    host = (url.hostname or "").removeprefix("www.")
    if url.scheme not in ("http", "https") or (host != "youtu.be" and host not in _YOUTUBE_HOSTS):
        return None
    parts = [p for p in url.path.split("/") if p]
    if host == "youtu.be":
        candidate = parts[0] if parts else ""
    elif parts == ["watch"]:
        candidate = parse_qs(url.query).get("v", [""])[0]
    elif len(parts) == 2 and parts[0] in ("embed", "shorts", "live", "v"):
        candidate = parts[1]
    else:
        candidate = ""
    if not _YOUTUBE_ID.fullmatch(candidate):
        raise Invalid(
            "that YouTube link names no video; use youtube.com/watch?v=ID, youtu.be/ID or the "
            "11-character id",
            field=f"body.{LINK_FIELD}",
        )
    return candidate


def create_from_link(session: Session, *, fields: dict[str, str], media_dir: Path) -> Recording:
    """An external MP4/WebM/HLS URL or a YouTube video, through the same service as the API."""
    fields = dict(fields)
    link = fields.pop(LINK_FIELD, "").strip()
    where = f"body.{LINK_FIELD}"
    if not link:
        raise Invalid(f"{where} is required", field=where)
    video_id = youtube_id(link)
    if video_id is not None:
        data = _validated(fields, media_kind=MediaKind.youtube, youtube_id=video_id)
    elif _URL.fullmatch(link) and len(link) <= 2000:
        data = _validated(fields, media_kind=MediaKind.url, media_url=link)
    else:
        raise Invalid(
            f"{where} must be an http(s) link to a video (MP4, WebM, HLS .m3u8) or a YouTube "
            "link or id",
            field=where,
        )
    return recordings.create(session, data=data, media_dir=media_dir)


def create_from_file(session: Session, *, upload: Upload, media_dir: Path) -> Recording:
    """Probe the uploaded file, publish it as uploads/<slug><ext> and add its recording.

    The final name appears by hard link (never overwriting), and the row is flushed before
    returning, so a refusal at any step leaves neither a file nor a row behind.
    """
    where = f"body.{FILE_FIELD}"
    try:
        if upload.file is None or (upload.size == 0 and not upload.filename):
            raise Invalid(f"{where} is required: choose a video or audio file", field=where)
        if upload.size == 0:
            raise Invalid(f"the file {upload.filename!r} is empty", field=where)
        data = _validated(upload.fields, media_kind=MediaKind.file, media_path=UPLOAD_FOLDER)
        try:
            info = video.probe(upload.file)
        except video.InvalidMedia as exc:
            raise Invalid(f"the file {upload.filename!r} was refused: {exc}", field=where) from None
        if info.mime_type not in EXTENSIONS:
            raise Invalid(
                f"the file {upload.filename!r} is {info.container} media, which browsers do not "
                "play; upload MP4, WebM, Ogg, MP3, WAV, FLAC or AAC",
                field=where,
            )
        slug = claim_slug(data.slug, data.title, lambda s: exists(session, Recording, slug=s))
        relative = PurePosixPath(UPLOAD_FOLDER, slug + EXTENSIONS[info.mime_type])
        final = media_dir / relative
        try:
            os.link(upload.file, final)
        except FileExistsError:
            raise Conflict(f"a media file {str(relative)!r} already exists", field="slug") from None
        try:
            data = data.model_copy(
                update={"slug": slug, "media_path": str(relative), "duration": info.duration}
            )
            return recordings.create(session, data=data, media_dir=media_dir)
        except BaseException:
            final.unlink(missing_ok=True)
            raise
    finally:
        upload.discard()


def create_from_upload(session: Session, *, upload: Upload, media_dir: Path) -> Recording:
    """One form, two sources: a file part, or a `url` field holding a link."""
    if LINK_FIELD not in upload.fields:
        return create_from_file(session, upload=upload, media_dir=media_dir)
    if upload.file is not None:
        upload.discard()
        raise Invalid("send either a file or a url, not both", field=f"body.{LINK_FIELD}")
    return create_from_link(session, fields=upload.fields, media_dir=media_dir)
