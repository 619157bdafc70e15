"""Everything the product does with media files, via PyAV: probing uploads, rendering the demo's
placeholder video (its frames show their own timecode, so browser tests can prove seeks land on
the right frame) and grabbing single frames as JPEG for Open Graph previews."""

import io
import math
import mimetypes
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import av
from PIL import Image, ImageDraw, ImageFont
from tqdm import tqdm

from app.i18n import _

TITLE = "Session Navigator placeholder"
KEYFRAME_SECONDS = 10  # a seek decodes at most this much video
_BACKGROUND, _FOREGROUND, _TITLE_GREY = 24, 240, 150
_GLYPHS = "0123456789:"
# Pillow greys are full range (0-255); H.264 luma for browsers is limited range (16-235).
_VIDEO_RANGE = [16 + round(v * 219 / 255) for v in range(256)]
# Measured on 320x180 text frames at 1 fps: crf 35 keeps the digits crisp; a fixed run of 8
# B-frames (cheap: they only redraw one digit) cuts size by a fifth; frame threads, mb-tree,
# lookahead and weighted prediction cost more time than they save on pictures this small;
# no scenecut keeps keyframes exactly KEYFRAME_SECONDS apart.
_X264_PARAMS = (
    "crf=35:threads=1:bframes=8:b-adapt=0:mbtree=0:rc-lookahead=0:weightp=0:scenecut=0"
    ":keyint={keyint}"
)
# Container family (av's format name) -> MIME type for (has video, audio only).
_MIME = {
    "mov,mp4,m4a,3gp,3g2,mj2": ("video/mp4", "audio/mp4"),
    "matroska,webm": ("video/webm", "audio/webm"),
    "ogg": ("video/ogg", "audio/ogg"),
    "mp3": ("audio/mpeg", "audio/mpeg"),
    "wav": ("audio/wav", "audio/wav"),
    "flac": ("audio/flac", "audio/flac"),
    "aac": ("audio/aac", "audio/aac"),
}


# Uploads are named by their probed type (app.services.uploads), so a name tells a sound-only
# file from a video; WebM audio gets the extension browsers' own registries give it.
mimetypes.add_type("audio/webm", ".weba")


def audio_only(name: str) -> bool:
    """True when a media file's name or URL says it holds sound only (a podcast, a radio
    debate): the player then shows a card instead of an empty picture."""
    return (mimetypes.guess_type(urlsplit(name).path)[0] or "").startswith("audio/")


class InvalidMedia(ValueError):
    """The file is not usable media; the message is meant for the user who supplied it."""


@dataclass(frozen=True)
class MediaInfo:
    duration: float  # seconds, rounded to ms
    width: int | None
    height: int | None
    has_video: bool
    has_audio: bool
    container: str  # av container format name
    mime_type: str  # what to send as Content-Type so browsers pick the right decoder


def probe(path: Path) -> MediaInfo:
    """Read a file's headers; InvalidMedia unless it is playable media with a duration."""
    try:
        with av.open(str(path)) as container:
            video = next(iter(container.streams.video), None)
            has_audio = bool(container.streams.audio)
            name = container.format.name
            if container.duration:
                duration = container.duration / av.time_base
            else:  # some muxers only know per-stream durations
                duration = max(
                    (
                        float(s.duration * s.time_base)
                        for s in container.streams
                        if s.duration and s.time_base
                    ),
                    default=0.0,
                )
    except FileNotFoundError:
        raise
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise InvalidMedia(_("not a video or audio file PyAV can read")) from exc
    if video is None and not has_audio:
        raise InvalidMedia(_("file has no video or audio stream"))
    if duration <= 0:
        raise InvalidMedia(_("file has no duration"))
    if name in _MIME:
        mime = _MIME[name][0 if video is not None else 1]
    else:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return MediaInfo(
        duration=round(duration, 3),
        width=video.codec_context.width if video is not None else None,
        height=video.codec_context.height if video is not None else None,
        has_video=video is not None,
        has_audio=has_audio,
        container=name,
        mime_type=mime,
    )


def _timecode(seconds: float) -> str:
    """H:MM:SS of the whole second being shown, as printed on placeholder frames."""
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


@lru_cache(maxsize=8)
def _layout(
    width: int, height: int, video_range: bool
) -> tuple[Image.Image, dict[str, Image.Image], int]:
    """Background with title, one tile per timecode character and the tiles' top edge.

    Drawn once per frame size: pasting tiles is ~20x faster than rendering text with FreeType
    for each of the ~24k frames. Aileron's digits are tabular, so the tiles line up.
    """
    probe_font = ImageFont.load_default(size=100)
    x0, y0, x1, y1 = probe_font.getbbox("00:00:00", anchor="ls")  # widest timecode < 100 h
    size = int(100 * min(0.9 * width / (x1 - x0), 0.45 * height / (y1 - y0)))
    font = ImageFont.load_default(size=size)
    # FreeType's boxes are whole pixels (typed as floats)
    top = int(min(font.getbbox(c, anchor="ls")[1] for c in _GLYPHS))
    bottom = int(max(font.getbbox(c, anchor="ls")[3] for c in _GLYPHS))
    tiles = {}
    for char in _GLYPHS:
        tile = Image.new("L", (round(font.getlength(char)), bottom - top), _BACKGROUND)
        ImageDraw.Draw(tile).text((0, -top), char, fill=_FOREGROUND, font=font, anchor="ls")
        tiles[char] = tile
    background = Image.new("L", (width, height), _BACKGROUND)
    title_font = ImageFont.load_default(size=max(8, height // 12))
    ImageDraw.Draw(background).text(
        (width / 2, height * 0.08), TITLE, fill=_TITLE_GREY, font=title_font, anchor="mt"
    )
    if video_range:  # converted once here instead of once per frame
        background = background.point(_VIDEO_RANGE)
        tiles = {char: tile.point(_VIDEO_RANGE) for char, tile in tiles.items()}
    tiles_top = (height - (bottom - top)) // 2 + height // 20  # below centre, clear of the title
    return background, tiles, tiles_top


def draw_timecode_frame(
    seconds: float, width: int = 320, height: int = 180, *, video_range: bool = False
) -> Image.Image:
    """The greyscale placeholder picture for media time `seconds` (also the tests' reference).

    video_range=True gives H.264 luma levels (16-235), ready to encode; the default gives the
    full-range picture a decoder hands back.
    """
    background, tiles, top = _layout(width, height, video_range)
    text = _timecode(seconds)
    frame = background.copy()
    x = (width - sum(tiles[c].width for c in text)) // 2
    for char in text:
        frame.paste(tiles[char], (x, top))
        x += tiles[char].width
    return frame


def _yuv_frame(luma_image: Image.Image) -> av.VideoFrame:
    """Write a video-range grey picture straight into yuv420p planes (no RGB->YUV pass)."""
    frame = av.VideoFrame(luma_image.width, luma_image.height, "yuv420p")
    luma, u, v = frame.planes
    if luma.line_size != luma_image.width:  # rows padded for SIMD alignment
        padded = Image.new("L", (luma.line_size, luma_image.height))
        padded.paste(luma_image)
        luma_image = padded
    luma.update(luma_image.tobytes())
    neutral = b"\x80" * u.buffer_size  # no colour
    u.update(neutral)
    v.update(neutral)
    return frame


def render_placeholder(
    path: Path,
    duration: float,
    *,
    width: int = 320,
    height: int = 180,
    fps: int = 1,
    progress: bool = True,
) -> None:
    """Render a browser-seekable H.264/MP4 whose frame at t seconds shows timecode t.

    Written to a temp file beside `path` and renamed when complete, so an interrupted render
    never leaves a file that looks finished (with +faststart the index sits at the front, so
    a truncated file would otherwise still probe as full length).
    """
    if duration <= 0 or fps < 1:
        raise ValueError("duration and fps must be positive")
    if width % 2 or height % 2:
        raise ValueError("yuv420p needs even width and height")
    frames = math.ceil(duration * fps)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        with av.open(name, "w", format="mp4", options={"movflags": "+faststart"}) as out:
            x264_params = _X264_PARAMS.format(keyint=KEYFRAME_SECONDS * fps)
            options = {"preset": "veryfast", "x264-params": x264_params}
            stream = out.add_stream("libx264", rate=fps, options=options)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            seconds = math.ceil(frames / fps)  # the bar counts media seconds
            with tqdm(total=seconds, unit="s", desc=path.name, disable=not progress) as bar:
                for i in range(frames):
                    picture = draw_timecode_frame(i / fps, width, height, video_range=True)
                    frame = _yuv_frame(picture)
                    frame.pts = i  # in the encoder's time base 1/fps, so frame i is at i / fps
                    out.mux(stream.encode(frame))
                    if (i + 1) % fps == 0 or i + 1 == frames:
                        bar.update(1)
                out.mux(stream.encode(None))
        with open(tmp, "rb+") as f:  # on disk before the rename makes it visible
            os.fsync(f.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def ensure_placeholder(path: Path, duration: float, **kw) -> bool:
    """Render the placeholder unless a valid one of the right length exists; True if rendered."""
    if path.is_file():
        try:
            if abs(probe(path).duration - duration) <= 1 / kw.get("fps", 1):
                return False
        except InvalidMedia:
            pass  # corrupt or foreign file: replace it
    render_placeholder(path, duration, **kw)
    return True


@contextmanager
def _video_stream(
    path: Path,
) -> Iterator[tuple[av.container.InputContainer, av.video.stream.VideoStream, Fraction]]:
    """The open file, its first video stream and the stream's media time 0 (its first
    timestamp, which need not be 0); PyAV's failures become InvalidMedia."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise InvalidMedia(_("file has no video stream"))
            stream = container.streams.video[0]
            assert stream.time_base is not None  # demuxed streams always have one
            yield container, stream, (stream.start_time or 0) * stream.time_base
    except FileNotFoundError:
        raise
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise InvalidMedia(_("not a video file PyAV can read")) from exc


def _seek(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, target: Fraction
) -> None:
    """Seek to the keyframe at or before `target` (stream time)."""
    assert stream.time_base is not None
    container.seek(int(target / stream.time_base), stream=stream, backward=True)


def frame_jpeg(path: Path, seconds: float, *, max_width: int = 640, shown: bool = False) -> bytes:
    """JPEG of the first frame at or after `seconds` (the last frame past the end).

    shown=True picks the frame on screen at `seconds` instead (the last at or before it), as a
    viewer paused there sees it: what a preview of a shared moment should show.
    """
    with _video_stream(path) as (container, stream, start):
        assert stream.time_base is not None  # checked by _video_stream
        target = start + Fraction(max(seconds, 0.0))
        _seek(container, stream, target)  # then decode forward to the target
        chosen = None
        for frame in container.decode(stream):
            at = frame.pts * stream.time_base if frame.pts is not None else None
            if shown and chosen is not None and at is not None and at > target:
                break
            chosen = frame
            if not shown and at is not None and at >= target:
                break
        if chosen is None:
            raise InvalidMedia(_("no decodable video frame"))
        image = chosen.to_image()
    image.thumbnail((max_width, image.height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def keyframes(path: Path, times: Iterable[float], *, width: int) -> Iterator[Image.Image]:
    """For each of `times`, the keyframe before it, `width` px wide: a cheap picture of that
    moment (a keyframe decoded per time, none of the frames between; at most a group of
    pictures early, KEYFRAME_SECONDS on the placeholder, whose keyframes fall on its 10 s)."""
    with _video_stream(path) as (container, stream, start):
        context = stream.codec_context
        ratio = context.sample_aspect_ratio or 1
        height = 2 * max(1, round(width * context.height / (context.width * ratio) / 2))
        context.skip_frame = "NONKEY"  # the decoder drops every other frame unread
        for seconds in times:
            _seek(container, stream, start + Fraction(max(seconds, 0.0)))
            frame = next(container.decode(stream), None)
            if frame is None:
                raise InvalidMedia(_("no decodable video frame"))
            yield frame.reformat(width=width, height=height).to_image()


def _audio_stream(container: av.container.InputContainer) -> av.AudioStream:
    if not container.streams.audio:
        raise InvalidMedia(_("file has no audio stream"))
    return container.streams.audio[0]


def audio_duration(path: Path) -> float:
    """Length of a file's (first) audio stream in seconds, else of the whole file."""
    try:
        with av.open(str(path)) as container:
            stream = _audio_stream(container)
            if stream.duration and stream.time_base:
                return round(float(stream.duration * stream.time_base), 3)
            if container.duration:
                return round(container.duration / av.time_base, 3)
    except FileNotFoundError:
        raise
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise InvalidMedia(_("not a video or audio file PyAV can read")) from exc
    raise InvalidMedia(_("file has no duration"))


def decode_audio(path: Path, start: float, end: float, *, rate: int) -> bytes:
    """Samples [start, end) of the first audio stream: mono float32 at `rate`, native byte order.

    Sample i is at media time start + i / rate (media time 0 is the file's first timestamp, of
    whichever stream starts first, as players count); silence fills what the file lacks. The
    decoder seeks to `start` and hands one frame at a time to the resampler, so memory holds
    the range asked for, never the file.
    """
    start = max(start, 0.0)
    first, last = round(start * rate), round(end * rate)
    if last <= first:
        return b""
    out = bytearray()
    try:
        with av.open(str(path)) as container:
            stream = _audio_stream(container)
            assert stream.time_base is not None  # demuxed streams always have one
            origin = Fraction(container.start_time or 0, av.time_base)  # the player's time 0
            if start > 0:  # lands on the packet at or before start
                target = origin + Fraction(start)
                container.seek(int(target / stream.time_base), stream=stream, backward=True)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            position = first  # index of the next sample to come out of the resampler
            frames = container.decode(stream)
            while position < last:
                frame = next(frames, None)
                for piece in resampler.resample(frame):
                    if piece.pts is not None:  # in 1/rate, shifted by the stream's origin
                        position = piece.pts - round(origin * rate)
                    wanted = first + len(out) // 4
                    skip = max(wanted - position, 0)
                    keep = min(piece.samples, last - position) - skip
                    if keep > 0:
                        out += bytes(4 * max(position - wanted, 0))  # a gap in the stream
                        out += bytes(piece.planes[0])[4 * skip : 4 * (skip + keep)]
                    position += piece.samples
                if frame is None:
                    break
    except FileNotFoundError:
        raise
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise InvalidMedia(_("not a video or audio file PyAV can read")) from exc
    return bytes(out) + bytes(4 * (last - first) - len(out))
