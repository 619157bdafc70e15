"""Frame previews for the timeline, as YouTube shows them: one JPEG sprite of small frames and
a WebVTT file whose cues name each frame's region (`thumbnails.jpg?v=KEY#xywh=x,y,w,h`, the
thumbnails format of JW Player and Video.js). They are made once per media file by a
background job and kept in the data folder under a key of the file's name, size and
modification time, so a replaced file gets new ones. The frames shared links show (Open Graph
previews, posters) are kept there too, decoded once each.
"""

import hashlib
import io
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from app import links, video
from app.config import Settings
from app.errors import Invalid
from app.services.media import resolve_media_path
from app.timecodes import format_clock

FOLDER = "thumbnails"  # in the data folder
VERSION = 1  # part of every key: a new version makes new previews
WIDTH = 160  # px, YouTube's storyboard size
COLUMNS = 20
MAX_TILES = 480  # the demo's 6 h 40 min at one a minute: 405 tiles, ~640 KB
STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600)  # seconds between previews
QUALITY = 70
FRAMES_KEPT = 500  # frames for shared links kept per file; the oldest go beyond
STALE_SECONDS = 3600  # the folders of files no recording uses are removed after this


def interval(duration: float) -> int:
    """Seconds between previews: the shortest step that keeps the sprite within MAX_TILES."""
    fits = (step for step in STEPS if duration / step <= MAX_TILES)
    return next(fits, math.ceil(duration / MAX_TILES))


@dataclass(frozen=True)
class Thumbnails:
    """A media file's previews, made or not, and its folder of cached frames."""

    key: str
    folder: Path
    media: Path  # the media file

    @property
    def vtt(self) -> Path:
        return self.folder / "thumbnails.vtt"

    @property
    def sprite(self) -> Path:
        return self.folder / "sprite.jpg"

    @property
    def failed(self) -> Path:
        """Says why the file has no previews (not a video): a job does not try it again."""
        return self.folder / "failed"

    @property
    def made(self) -> bool:
        return self.vtt.is_file()


def locate(settings: Settings, media_path: str) -> Thumbnails:
    """Where the previews of a file in the media folder are; Invalid when there is no file."""
    path = resolve_media_path(settings.media_dir, media_path)
    stat = path.stat()
    name = f"{VERSION}\0{media_path}\0{stat.st_size}\0{stat.st_mtime_ns}"
    key = hashlib.blake2b(name.encode(), digest_size=8).hexdigest()
    return Thumbnails(key=key, folder=settings.data_dir / FOLDER / key, media=path)


def _publish(target: Path, data: bytes) -> None:
    """Write a file whole or not at all: readers never see half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(name, target)
    finally:
        Path(name).unlink(missing_ok=True)


def make(found: Thumbnails) -> bool:
    """Make the sprite and its WebVTT file unless they exist; True if made.

    One preview per `interval`, each the keyframe before its cue's middle, so a cue's
    picture is never further than half a cue (and a group of pictures) from the time hovered.
    A file without video gets a `failed` note instead, and InvalidMedia is raised.
    """
    if found.made:
        return False
    try:
        duration = video.probe(found.media).duration
        step = interval(duration)
        cues = [
            (i * step, min((i + 1) * step, duration)) for i in range(math.ceil(duration / step))
        ]
        tiles = list(video.keyframes(found.media, [(a + b) / 2 for a, b in cues], width=WIDTH))
    except video.InvalidMedia as exc:
        _publish(found.failed, str(exc).encode())
        raise
    width, height = tiles[0].size
    columns = min(COLUMNS, len(tiles))
    sheet = Image.new("RGB", (columns * width, math.ceil(len(tiles) / columns) * height))
    lines = ["WEBVTT", ""]
    for i, ((start, end), tile) in enumerate(zip(cues, tiles, strict=True)):
        x, y = i % columns * width, i // columns * height
        sheet.paste(tile, (x, y))
        region = f"{links.sprite_ref(found.key)}#xywh={x},{y},{width},{height}"
        lines += [f"{format_clock(start)} --> {format_clock(end)}", region, ""]
    out = io.BytesIO()
    sheet.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    _publish(found.sprite, out.getvalue())
    _publish(found.vtt, "\n".join(lines).encode())  # last: its presence says "made"
    return True


def pending(settings: Settings, media_paths: list[str]) -> list[str]:
    """The files that need previews made (neither made nor failed), of those given; removes
    the folders of files none of them is any longer (replaced or deleted) after an hour."""
    wanted, keep = [], set()
    for media_path in media_paths:
        try:
            found = locate(settings, media_path)
        except (Invalid, OSError):
            continue  # the file is missing: nothing to preview
        keep.add(found.folder.name)
        if not found.made and not found.failed.exists():
            wanted.append(media_path)
    root = settings.data_dir / FOLDER
    if root.is_dir():
        for folder in root.iterdir():
            if folder.name not in keep and time.time() - _mtime(folder) > STALE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
    return wanted


def _mtime(path: Path) -> float:
    """When a file was written; now when another process has just removed it."""
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()


def frame(found: Thumbnails, seconds: float) -> bytes:
    """The JPEG of the frame on screen at `seconds` (video.frame_jpeg with shown=True),
    decoded once and then read from the folder; at most FRAMES_KEPT kept, the oldest go."""
    cached = found.folder / "frames" / f"{round(seconds * 1000)}.jpg"
    try:
        return cached.read_bytes()
    except FileNotFoundError:
        pass
    data = video.frame_jpeg(found.media, seconds, shown=True)
    _publish(cached, data)
    kept = list(cached.parent.iterdir())
    if len(kept) > FRAMES_KEPT:
        for old in sorted(kept, key=_mtime)[: len(kept) - FRAMES_KEPT]:
            old.unlink(missing_ok=True)
    return data
