"""A multipart upload streamed to disk as it arrives: memory stays flat however large the file.

python-multipart's incremental parser feeds the file part straight into a temp file in the
media folder (app.services.media.part_file) and keeps the small text fields; the limits are
enforced as bytes come. Any refusal removes the temp file.
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import anyio.to_thread
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.requests import ClientDisconnect, Request

from app.config import Settings
from app.db import Session
from app.errors import DomainError, Invalid, TooLarge, UnsupportedMedia
from app.i18n import _, ngettext
from app.models import User
from app.services import uploads
from app.services.media import part_file
from app.services.uploads import FILE_FIELD, MAX_FIELD_BYTES, MAX_FIELDS, Allowance, Upload
from app.sizes import human_size

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FORM_ALLOWANCE = MAX_FIELDS * (MAX_FIELD_BYTES + 512)  # the body beyond the file itself


class _Receiver:
    """python-multipart callbacks that fill an Upload, enforcing the size limits as bytes come."""

    def __init__(self, media_dir: Path, allowance: Allowance) -> None:
        self.media_dir, self.allowance = media_dir, allowance
        self.upload = Upload()
        self.complete = False
        self._out: BinaryIO | None = None
        self._name = ""
        self._value: bytearray | None = None
        self._headers: dict[bytes, bytes] = {}
        self._header = [b"", b""]

    def callbacks(self) -> "MultipartCallbacks":
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
            raise Invalid(_("form field names must be UTF-8"), field="body") from None
        if not self._name:
            raise Invalid(_("a part of the form has no field name"), field="body")
        named = {"name": self._name}
        if self._name in self.upload.fields or (self._name == FILE_FIELD and self._out):
            raise Invalid(_("%(name)s is given more than once") % named, field=self._name)
        if (filename is not None) != (self._name == FILE_FIELD):
            wanted = (
                _("%(name)s must be a file")
                if self._name == FILE_FIELD
                else _("%(name)s must be text, not a file")
            )
            raise Invalid(wanted % named, field=self._name)
        if filename is None:
            if len(self.upload.fields) >= MAX_FIELDS:
                message = ngettext(
                    "the form has more than %(num)s field",
                    "the form has more than %(num)s fields",
                    MAX_FIELDS,
                )
                raise Invalid(message % {"num": MAX_FIELDS}, field="body")
            self._value = bytearray()
            return
        self.upload.filename = filename
        fd, self.upload.file = part_file(self.media_dir)
        self._out = os.fdopen(fd, "wb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = memoryview(data)[start:end]
        if self._value is None:
            self.upload.size += len(chunk)
            if self.upload.size > self.allowance.max_bytes:
                message = _("the file is larger than %(limit)s") % {"limit": self.allowance.limit}
                raise TooLarge(message, field=FILE_FIELD)
            assert self._out is not None
            self._out.write(chunk)
            return
        if len(self._value) + len(chunk) > MAX_FIELD_BYTES:
            limit = human_size(MAX_FIELD_BYTES)
            message = _("%(name)s is longer than %(limit)s") % {"name": self._name, "limit": limit}
            raise Invalid(message, field=self._name)
        self._value += chunk

    def _part_end(self) -> None:
        if self._value is None:
            return
        try:
            self.upload.fields[self._name] = self._value.decode()
        except UnicodeDecodeError:
            message = _("%(name)s is not UTF-8 text") % {"name": self._name}
            raise Invalid(message, field=self._name) from None
        self._value = None

    def _end(self) -> None:
        self.complete = True

    def close(self, *, keep: bool) -> None:
        """Close the temp file; a kept one is first flushed to disk, so a link publishes it."""
        if self._out is not None:
            if keep:
                self._out.flush()
                os.fsync(self._out.fileno())
            self._out.close()


def _boundary(content_type: str | None) -> bytes:
    kind, params = parse_options_header(content_type)
    if kind != b"multipart/form-data" or not params.get(b"boundary"):
        raise UnsupportedMedia(
            _("send the upload as multipart/form-data"), field="header.content-type"
        )
    return params[b"boundary"]


async def receive(request: Request, *, media_dir: Path, allowance: Allowance) -> Upload:
    """Stream the request's multipart body to disk; the caller must discard() the Upload."""
    boundary = _boundary(request.headers.get("content-type"))
    length = request.headers.get("content-length", "")
    if length.isascii() and length.isdigit() and int(length) > allowance.max_bytes + FORM_ALLOWANCE:
        sizes = {"size": human_size(int(length)), "limit": allowance.limit}
        raise TooLarge(
            _("the upload (%(size)s) is larger than %(limit)s") % sizes, field=FILE_FIELD
        )
    receiver = _Receiver(media_dir, allowance)
    parser = MultipartParser(boundary, receiver.callbacks())
    try:
        async for chunk in request.stream():
            if chunk:  # disk writes run off the event loop, so other requests keep flowing
                await anyio.to_thread.run_sync(parser.write, chunk)
        if not receiver.complete:
            raise Invalid(_("the form ended before its closing boundary"), field="body")
        receiver.close(keep=True)
    except BaseException as exc:
        receiver.close(keep=False)
        receiver.upload.discard()
        if isinstance(exc, FormParserError):
            message = _("the body is not a well-formed multipart form (%(error)s)") % {"error": exc}
            raise Invalid(message, field="body") from None
        if isinstance(exc, ClientDisconnect):  # nobody to answer; keeps it out of error logs
            interrupted = _("the upload was interrupted before it ended")
            raise DomainError(interrupted, field="body") from None
        raise
    return receiver.upload


def upload_allowance(settings: Settings, user: User, session: Session) -> Allowance:
    """What `user` may upload now, by the site's settings (for run_unit_of_work)."""
    return uploads.allowance(
        session,
        actor=user,
        max_upload_bytes=settings.max_upload_bytes,
        quota_count=settings.upload_quota_count,
        quota_bytes=settings.upload_quota_bytes,
    )
