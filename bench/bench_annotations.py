"""Windowed annotation listing as a recording grows: p50/p95 at 1k, 100k and 1M annotations.

Run by hand: `.venv/bin/python bench/bench_annotations.py [DATABASE_URL]` (default: a temporary
SQLite file). It measures the service call the API uses (`annotations.list_page` with a
from/to window of 60 s at random places) and the segment-at-time lookup.
"""

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session

from app.db import get_engine, migrate
from app.models import Annotation, Event, Recording, Segment, utcnow
from app.services import annotations, segments

SIZES = (1_000, 100_000, 1_000_000)
DURATION = 24_300.0
QUERIES = 300


def fill(session: Session, recording: Recording, count: int, already: int) -> None:
    now = utcnow()
    rng = random.Random(count)
    for offset in range(already, count, 50_000):
        batch = min(50_000, count - offset)
        session.execute(
            insert(Annotation),
            [
                {
                    "recording_id": recording.id,
                    "start": round(rng.uniform(0, DURATION - 1), 3),
                    "placement": "exact",
                    "kind": "note",
                    "text": f"note {offset + i}",
                    "author": "bench",
                    "visibility": "public",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(batch)
            ],
        )
        session.commit()


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(url)
    with Session(engine) as session:
        event = Event(slug="bench", title="Bench")
        session.add(event)
        session.flush()
        recording = Recording(
            event_id=event.id,
            slug="bench",
            title="Bench",
            media_kind="url",
            media_url="https://example.org/x.mp4",
            duration=DURATION,
        )
        session.add(recording)
        session.flush()
        session.execute(
            insert(Segment),
            [
                {
                    "recording_id": recording.id,
                    "slug": f"s{i}",
                    "title": f"S{i}",
                    "kind": "talk",
                    "start": i * 600.0,
                    "end": i * 600.0 + 590,
                    "description": "",
                }
                for i in range(40)
            ],
        )
        session.commit()
        print(f"database: {engine.dialect.name}")
        print(
            f"{'annotations':>12} {'window p50':>11} {'window p95':>11} {'at p50':>8} {'at p95':>8}"
        )
        have = 0
        rng = random.Random(1)
        for size in SIZES:
            fill(session, recording, size, have)
            have = size
            if engine.dialect.name == "postgresql":
                session.execute(text("ANALYZE"))
            window, at = [], []
            for _ in range(QUERIES):
                t = rng.uniform(0, DURATION - 60)
                began = time.perf_counter()
                annotations.list_page(session, recording=recording, start=t, end=t + 60)
                window.append((time.perf_counter() - began) * 1000)
                began = time.perf_counter()
                segments.at_time(session, recording=recording, t=t)
                at.append((time.perf_counter() - began) * 1000)
            (w50, w95), (a50, a95) = percentiles(window), percentiles(at)
            print(f"{size:>12,} {w50:>9.2f}ms {w95:>9.2f}ms {a50:>6.2f}ms {a95:>6.2f}ms")


if __name__ == "__main__":
    main()
