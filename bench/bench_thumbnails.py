"""Make the demo's frame previews (sprite + WebVTT, app/services/thumbnails.py) and report their
size and wall time, against the budget of issue 12: under 1 MB and under 30 s. Then the cost
of a frame for shared links, decoded and read back from disk.

Run: .venv/bin/python bench/bench_thumbnails.py [--runs 3]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.config import Settings
from app.services import thumbnails
from app.services.demo import demo_data, ensure_demo_video


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="times the previews are made")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), secret_key="bench")
        print("rendering the demo's placeholder video (not measured)...", flush=True)
        ensure_demo_video(settings.media_dir, progress=False)
        media_path = demo_data()["recording"]["media_path"]
        walls = []
        for _ in range(args.runs):
            found = thumbnails.locate(settings, media_path)
            for made in (found.vtt, found.sprite):
                made.unlink(missing_ok=True)
            start = time.perf_counter()
            thumbnails.make(found)
            walls.append(time.perf_counter() - start)
        sprite, vtt = found.sprite.stat().st_size, found.vtt.stat().st_size
        cues = found.vtt.read_text().count("-->")
        wall = statistics.median(walls)
        print(
            f"{cues} previews, one every {thumbnails.interval(24300)} s, {thumbnails.WIDTH} px wide"
        )
        print(
            f"sprite {sprite / 1e3:.0f} kB + WebVTT {vtt / 1e3:.0f} kB"
            f" = {(sprite + vtt) / 1e6:.2f} MB"
        )
        print(
            f"made in {wall:.2f} s wall"
            f" (median of {args.runs}: {', '.join(f'{w:.2f}' for w in walls)})"
        )
        start = time.perf_counter()
        thumbnails.frame(found, 9150)
        decoded = time.perf_counter() - start
        start = time.perf_counter()
        thumbnails.frame(found, 9150)
        kept = time.perf_counter() - start
        print(
            f"a frame for a shared link: {decoded * 1e3:.1f} ms decoded, {kept * 1e3:.2f} ms kept"
        )
        within = sprite + vtt < 1_000_000 and wall < 30
        print("within the budget (< 1 MB, < 30 s)" if within else "OVER the budget")
        sys.exit(0 if within else 1)


if __name__ == "__main__":
    main()
