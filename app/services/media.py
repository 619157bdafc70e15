"""Media files: one folder, nothing outside it ever read or served, and files and rows that
agree.

A file and its recording row cannot be written atomically together, so the order is: the
uploaded file is published under a name no other upload can take, then its row is committed;
a deleted recording's file is removed only after the delete has committed. A process killed
in between leaves a file nobody references, which `sweep` removes at the next start, along
with the temp files of uploads that never finished.
"""

import os
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import cast

from sqlmodel import Session, col, select

from app.db import after_commit
from app.errors import Invalid
from app.i18n import _
from app.models import Recording

UPLOAD_FOLDER = "uploads"  # inside the media folder, so /media serves it with Range support
PART_PREFIX, PART_SUFFIX = ".upload-", ".part"
MAX_NAME_BYTES = 200  # file systems allow 255 bytes per name; room for the suffixes


def resolve_media_path(media_dir: Path, relative: str, *, field: str = "media_path") -> Path:
    """The file `relative` names inside `media_dir`; `..`, absolute paths and escapes refused."""
    pure = PurePosixPath(relative)
    if not pure.parts or pure.is_absolute() or ".." in pure.parts or "\\" in relative:
        raise Invalid(
            _("%(field)s must be a relative path inside the media folder") % {"field": field},
            field=field,
        )
    if any(len(part.encode()) > MAX_NAME_BYTES for part in pure.parts):
        raise Invalid(
            _("%(field)s has a name longer than %(max)s bytes")
            % {"field": field, "max": MAX_NAME_BYTES},
            field=field,
        )
    root = media_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise Invalid(_("%(field)s leads outside the media folder") % {"field": field}, field=field)
    if not path.is_file():
        raise Invalid(
            _("no media file %(path)s in the media folder") % {"path": repr(relative)}, field=field
        )
    return path


def part_file(media_dir: Path) -> tuple[int, Path]:
    """A new temp file for an upload in progress: (open descriptor, path)."""
    folder = media_dir / UPLOAD_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=PART_PREFIX, suffix=PART_SUFFIX, dir=folder)
    return fd, Path(name)


def publish(media_dir: Path, part: Path, *, stem: str, extension: str) -> str:
    """Give a finished upload its public name (a hard link, never overwriting anything) and
    return it relative to the media folder. The random part keeps names unique, so a file
    orphaned by a crash never blocks a later upload of the same slug."""
    relative = PurePosixPath(UPLOAD_FOLDER, f"{stem}-{secrets.token_hex(4)}{extension}")
    os.link(part, media_dir / relative)
    return str(relative)


def remove_after_commit(session: Session, media_dir: Path, recording: Recording) -> None:
    """The recording's file goes once its delete has committed, unless another uses it too."""
    if recording.media_path is None:
        return
    shared = session.exec(
        select(Recording.id).where(
            Recording.media_path == recording.media_path, Recording.id != recording.id
        )
    ).first()
    if shared is None:
        path = media_dir / recording.media_path
        after_commit(session, lambda: path.unlink(missing_ok=True))


def sweep(media_dir: Path, referenced: Iterable[str]) -> list[Path]:
    """Remove unfinished uploads and uploaded files no recording references; return them.

    Run at start, before the service answers: nothing can be uploading then.
    """
    folder = media_dir / UPLOAD_FOLDER
    if not folder.is_dir():
        return []
    keep = {media_dir / PurePosixPath(path) for path in referenced}
    removed = []
    for path in folder.iterdir():
        if path.is_file() and path not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def referenced_paths(session: Session) -> list[str]:
    """Every media path a recording names."""
    stmt = select(col(Recording.media_path)).where(col(Recording.media_path).is_not(None))
    return cast(list[str], list(session.exec(stmt)))  # the query keeps only non-null paths
