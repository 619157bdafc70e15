"""app.video against real media: rendered placeholders, probing, frame grabs, atomic writes."""

import io
from fractions import Fraction
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops, ImageStat

from app import video
from app.video import (
    InvalidMedia,
    draw_timecode_frame,
    ensure_placeholder,
    frame_jpeg,
    probe,
    render_placeholder,
)


@pytest.fixture(scope="module")
def placeholder(tmp_path_factory) -> Path:
    """One 60 s placeholder shared by the read-only tests."""
    path = tmp_path_factory.mktemp("video") / "placeholder.mp4"
    render_placeholder(path, 60, progress=False)
    return path


def _top_level_boxes(path: Path) -> list[str]:
    data, boxes, offset = path.read_bytes(), [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        boxes.append(data[offset + 4 : offset + 8].decode())
        offset += size if size > 1 else len(data)  # 0: to end of file; 1: 64-bit size, not here
    return boxes


def _mean_diff(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int]) -> float:
    return ImageStat.Stat(ImageChops.difference(a.crop(box), b.crop(box))).mean[0]


def _shows(path: Path, seconds: float, expected: int, neighbour: int) -> None:
    """The frame grabbed at `seconds` is the `expected` picture, clearly not the neighbour's.

    Compared only where the two timecodes differ, so one changed digit is not drowned out.
    """
    grabbed = Image.open(io.BytesIO(frame_jpeg(path, seconds))).convert("L")
    right, wrong = draw_timecode_frame(expected), draw_timecode_frame(neighbour)
    box = ImageChops.difference(right, wrong).getbbox()
    assert box is not None
    own, other = _mean_diff(grabbed, right, box), _mean_diff(grabbed, wrong, box)
    assert own < 15, f"frame at {seconds}s does not look like {expected}s ({own=:.1f})"
    assert other > 3 * own, f"frame at {seconds}s is not clearly {expected}s ({own=}, {other=})"


def test_probe_reads_the_rendered_placeholder(placeholder):
    info = probe(placeholder)
    assert abs(info.duration - 60) <= 1
    assert (info.width, info.height) == (320, 180)
    assert info.has_video and not info.has_audio
    assert info.mime_type == "video/mp4"
    assert "mp4" in info.container


def test_placeholder_is_h264_chromium_can_play_and_seek(placeholder):
    with av.open(str(placeholder)) as container:
        stream = container.streams.video[0]
        ctx = stream.codec_context
        assert ctx.name == "h264"
        assert ctx.profile in {"Baseline", "Constrained Baseline", "Main", "High"}
        assert ctx.pix_fmt == "yuv420p"
        assert ctx.width % 2 == 0 and ctx.height % 2 == 0
        keyframes = [
            round(float(p.pts * stream.time_base))
            for p in container.demux(stream)
            if p.is_keyframe and p.pts is not None
        ]
    assert keyframes == list(range(0, 60, video.KEYFRAME_SECONDS))
    # +faststart: the index (moov) precedes the media data, so Range requests can seek at once.
    boxes = _top_level_boxes(placeholder)
    assert boxes.index("moov") < boxes.index("mdat")


@pytest.mark.parametrize("seconds", [0, 1, 9, 10, 37, 58])
def test_frame_at_t_shows_t(placeholder, seconds):
    _shows(placeholder, seconds, seconds, seconds + 1)
    if seconds:
        _shows(placeholder, seconds, seconds, seconds - 1)


def test_frame_past_the_end_is_the_last_frame(placeholder):
    _shows(placeholder, 500, 59, 58)


def test_frame_jpeg_is_a_jpeg_no_wider_than_asked(placeholder):
    data = frame_jpeg(placeholder, 37, max_width=160)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (160, 90)


def test_frames_keep_exact_times_at_higher_fps(tmp_path):
    path = tmp_path / "two.mp4"
    render_placeholder(path, 12, fps=2, progress=False)
    assert abs(probe(path).duration - 12) <= 0.5
    _shows(path, 7, 7, 6)
    _shows(path, 7.5, 7, 8)  # the half-second frame still shows the whole second


def test_ensure_placeholder_renders_once_then_reuses(tmp_path):
    path = tmp_path / "demo" / "placeholder.mp4"
    assert ensure_placeholder(path, 30, progress=False) is True
    mtime = path.stat().st_mtime_ns
    assert ensure_placeholder(path, 30, progress=False) is False
    assert path.stat().st_mtime_ns == mtime


def test_ensure_placeholder_replaces_wrong_length_or_broken_files(tmp_path):
    path = tmp_path / "placeholder.mp4"
    render_placeholder(path, 20, progress=False)
    assert ensure_placeholder(path, 40, progress=False) is True
    assert abs(probe(path).duration - 40) <= 1
    path.write_text("not a video")
    assert ensure_placeholder(path, 40, progress=False) is True
    assert abs(probe(path).duration - 40) <= 1


def test_render_leaves_no_temp_files(tmp_path):
    render_placeholder(tmp_path / "p.mp4", 30, progress=False)
    assert [p.name for p in tmp_path.iterdir()] == ["p.mp4"]


def test_interrupted_render_leaves_nothing_behind(tmp_path, monkeypatch):
    drawn = []

    def draw_then_crash(seconds, *args, **kwargs):
        drawn.append(seconds)
        if len(drawn) > 15:
            raise KeyboardInterrupt
        return draw_timecode_frame(seconds, *args, **kwargs)

    monkeypatch.setattr(video, "draw_timecode_frame", draw_then_crash)
    with pytest.raises(KeyboardInterrupt):
        render_placeholder(tmp_path / "p.mp4", 30, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_progress_bar_counts_media_seconds_on_stderr(tmp_path, capsys):
    render_placeholder(tmp_path / "p.mp4", 5, progress=True)
    captured = capsys.readouterr()
    assert "5/5" in captured.err
    assert captured.out == ""


def test_render_refuses_odd_sizes(tmp_path):
    with pytest.raises(ValueError, match="even"):
        render_placeholder(tmp_path / "p.mp4", 5, width=321, progress=False)


@pytest.mark.parametrize("content", [b"", b"hello, this is a text file\n" * 50])
def test_probe_and_frame_jpeg_refuse_non_media(tmp_path, content):
    path = tmp_path / "x.mp4"
    path.write_bytes(content)
    with pytest.raises(InvalidMedia, match="PyAV can read"):
        probe(path)
    with pytest.raises(InvalidMedia):
        frame_jpeg(path, 1)


def test_probe_audio_only_file(tmp_path):
    path = tmp_path / "talk.mp3"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libmp3lame", rate=16000, layout="mono")
        for i in range(16):  # 16 x 1152 samples of silence: about 1.15 s
            frame = av.AudioFrame(format="s16p", layout="mono", samples=1152)
            frame.planes[0].update(bytes(frame.planes[0].buffer_size))
            frame.sample_rate, frame.pts, frame.time_base = 16000, i * 1152, Fraction(1, 16000)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    info = probe(path)
    assert info.mime_type == "audio/mpeg"
    assert info.has_audio and not info.has_video
    assert info.width is None and info.height is None
    assert 1.0 < info.duration < 1.5
    with pytest.raises(InvalidMedia, match="no video"):
        frame_jpeg(path, 0)
