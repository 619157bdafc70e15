"""Render the demo's full-length placeholder (24300 s = 6 h 45 min) and report time and size.

Run: .venv/bin/python bench/bench_placeholder.py [duration_seconds]
"""

import sys
import tempfile
import time
from pathlib import Path

import av

from app.video import probe, render_placeholder


def main() -> None:
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 24300.0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "placeholder.mp4"
        start = time.perf_counter()
        render_placeholder(path, duration)
        wall = time.perf_counter() - start
        size = path.stat().st_size
        print(f"rendered {duration:.0f} s of video in {wall:.2f} s wall")
        print(f"file size {size / 1e6:.2f} MB ({size * 8 / duration / 1000:.1f} kbit/s)")
        print(probe(path))
        with av.open(str(path)) as container:
            ctx = container.streams.video[0].codec_context
            print(f"codec {ctx.name} profile {ctx.profile} {ctx.pix_fmt} {ctx.width}x{ctx.height}")


if __name__ == "__main__":
    main()
