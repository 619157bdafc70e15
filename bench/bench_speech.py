"""Speech recognition speed and memory on this machine (PRODUCT §6d, issue 11).

About a minute of speech (the test paragraph spoken four times by espeak-ng) is recognised by
the configured model (SESSIONNAV_ASR_MODEL, else the bundled Whisper tiny.en) in one pass and
in chunks as a transcription job hears it; prints the real-time factor (seconds of work per
second of audio), word recall and the process's peak memory.

Run: .venv/bin/python bench/bench_speech.py [chunk_seconds]
"""

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from speech_media import PARAGRAPH, recall, speech_wav

from app import speech
from app.config import Settings


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux gives KiB


def main() -> None:
    chunk = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    settings = Settings()
    with tempfile.TemporaryDirectory() as folder:
        path = speech_wav(Path(folder), repeat=4)
        length = speech.duration(path)
        print(f"model {speech.model_name(settings)}; audio {length:.1f} s; peak {peak_mb():.0f} MB")

        began = time.perf_counter()
        speech.recognise(path, start=0, end=1, language="en", settings=settings)  # loads it
        print(f"model loaded in {time.perf_counter() - began:.2f} s; peak {peak_mb():.0f} MB")

        began = time.perf_counter()
        words = speech.recognise(path, start=0, end=length, language="en", settings=settings)
        wall = time.perf_counter() - began
        heard = " ".join(w.text for w in words)
        print(
            f"one pass: {wall:.2f} s, real-time factor {wall / length:.3f}, "
            f"recall {recall(PARAGRAPH, heard):.0%}, {len(words)} words"
        )

        began, words, start = time.perf_counter(), [], 0.0
        while start < length:
            end = min(start + chunk, length)
            words += speech.recognise(path, start=start, end=end, language="en", settings=settings)
            start = end
        wall = time.perf_counter() - began
        heard = " ".join(w.text for w in words)
        print(
            f"{chunk:.0f} s chunks: {wall:.2f} s, real-time factor {wall / length:.3f}, "
            f"recall {recall(PARAGRAPH, heard):.0%}, {len(words)} words"
        )
        print(f"peak memory (maxrss) {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
