"""Media files live under one folder; nothing outside it is ever read or served."""

from pathlib import Path, PurePosixPath

from app.errors import Invalid


def resolve_media_path(media_dir: Path, relative: str) -> Path:
    """The file `relative` names inside `media_dir`; `..`, absolute paths and escapes refused."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\\" in relative:
        raise Invalid(
            "media_path must be a relative path inside the media folder", field="body.media_path"
        )
    root = media_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise Invalid("media_path leads outside the media folder", field="body.media_path")
    if not path.is_file():
        raise Invalid(f"no media file {relative!r} in the media folder", field="body.media_path")
    return path
