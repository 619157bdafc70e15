"""Speech test material: a known English paragraph spoken by Debian's espeak-ng, and the
word-recall measure that says how much of it a recogniser got right.

A plain module (not a conftest) so tests and benchmarks import it. Files are made once per
folder and reused; each is written beside its final name and renamed, so parallel test workers
sharing a cache folder never read a half-written file.
"""

import os
import re
import subprocess
import tempfile
from pathlib import Path

import av
from PIL import Image

ESPEAK = "/usr/bin/espeak-ng"
VOICE = "en-us"
# 47 words, about 16 s at espeak-ng's default 175 words per minute. Numbers are spelled as
# words a recogniser would also spell ("several", not "seven"), so recall measures hearing,
# not number formatting.
QUOTE = "Export begins at home, with partners who trust each other."
PARAGRAPH = (
    "Clusters grow when companies, universities and city governments share their plans openly. "
    "Our region learned this lesson slowly, over many years of careful work. "
    f"{QUOTE} "
    "We invited engineers from several countries to visit the new laboratory in spring."
)
# Function words a recogniser may drop or swap without changing what was said.
_STOPWORDS = """a an and are as at be but by for from has have he her his i in is it its of on or
our over she so that the their them they this to was we were when who with you"""
STOPWORDS = frozenset(_STOPWORDS.split())


def content_words(text: str) -> set[str]:
    """The lower-case words of `text` that carry meaning (no punctuation, no stopwords)."""
    return {w for w in re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower()) if w not in STOPWORDS}


def recall(expected: str, got: str) -> float:
    """Share of `expected`'s content words that occur in `got` (1.0 when nothing is expected)."""
    wanted = content_words(expected)
    return len(wanted & content_words(got)) / len(wanted) if wanted else 1.0


def _made(path: Path, make) -> Path:
    """`path`, made by make(temporary_path) unless it exists already."""
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        make(Path(name))
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)
    return path


def speak(text: str, path: Path) -> Path:
    """`text` spoken by espeak-ng into the WAV file `path` (22.05 kHz mono), made once."""

    def make(out: Path) -> None:
        subprocess.run([ESPEAK, "-v", VOICE, "-w", str(out), text], check=True)

    return _made(path, make)


def speech_wav(directory: Path, *, repeat: int = 1) -> Path:
    """PARAGRAPH spoken `repeat` times in a row (about 16 s each) as a WAV file in `directory`."""
    name = "paragraph.wav" if repeat == 1 else f"paragraph-x{repeat}.wav"
    return speak(" ".join([PARAGRAPH] * repeat), directory / name)


# Suffix -> (PyAV container format, encoder, sample rate): the sound files people upload.
ENCODINGS = {
    ".m4a": ("ipod", "aac", 44100),
    ".mp3": ("mp3", "libmp3lame", 44100),
    ".opus": ("ogg", "libopus", 48000),
    ".weba": ("webm", "libopus", 48000),
}


def speech_audio(directory: Path, suffix: str) -> Path:
    """The paragraph's WAV encoded by PyAV as a compressed sound file (a suffix of ENCODINGS)."""
    source = speech_wav(directory)
    container_format, codec, rate = ENCODINGS[suffix]

    def make(out: Path) -> None:
        with av.open(str(source)) as src, av.open(str(out), "w", format=container_format) as dst:
            stream = dst.add_stream(codec, rate=rate, layout="mono")
            resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=rate)
            for frame in [*src.decode(audio=0), None]:
                for piece in resampler.resample(frame):
                    dst.mux(stream.encode(piece))
            dst.mux(stream.encode(None))

    return _made(directory / f"paragraph{suffix}", make)


def speech_m4a(directory: Path) -> Path:
    """The paragraph as AAC in M4A, like a podcast."""
    return speech_audio(directory, ".m4a")


def speech_video(directory: Path) -> Path:
    """An H.264/AAC MP4 (a grey picture at 2 frames a second) whose sound is the paragraph:
    a talk's video, where the recogniser must find the sound among the pictures."""
    source = speech_wav(directory)

    def make(out: Path) -> None:
        with av.open(str(source)) as src, av.open(str(out), "w", format="mp4") as dst:
            picture = dst.add_stream("libx264", rate=2, options={"preset": "ultrafast"})
            picture.width, picture.height, picture.pix_fmt = 160, 90, "yuv420p"
            sound = dst.add_stream("aac", rate=44100, layout="mono")
            resampler = av.AudioResampler(format=sound.format.name, layout="mono", rate=44100)
            frames = 0
            for frame in [*src.decode(audio=0), None]:
                for piece in resampler.resample(frame):
                    dst.mux(sound.encode(piece))
                while frame is not None and frames / 2 <= frame.time:
                    grey = av.VideoFrame.from_image(Image.new("RGB", (160, 90), "grey"))
                    grey.pts = frames
                    dst.mux(picture.encode(grey.reformat(format="yuv420p")))
                    frames += 1
            dst.mux(sound.encode(None))
            dst.mux(picture.encode(None))

    return _made(directory / "paragraph.mp4", make)
