"""Full-text search over a recording with 100,000 transcript cues and 20,000 annotations.

Run by hand: `.venv/bin/python bench/bench_search.py [DATABASE_URL]` (default: a temporary
SQLite file). It times the service call the API makes (`app.search.search`, first page of
20 hits with snippets) for typical queries and prints p50/p95 per query and over all.
Target on SQLite: a median under 50 ms.
"""

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session
from tqdm import tqdm

from app.db import get_engine, migrate
from app.models import Annotation, Event, Recording, Segment, Speaker, TranscriptCue, utcnow
from app.services.search import search

CUES = 100_000
ANNOTATIONS = 20_000
RUNS = 40
# A small, skewed vocabulary, so common words match tens of thousands of cues, as in speech.
COMMON = [
    "the",
    "and",
    "we",
    "of",
    "to",
    "in",
    "that",
    "is",
    "cluster",
    "region",
    "our",
    "for",
    "it",
    "this",
    "with",
    "they",
]
TOPICAL = [
    "export",
    "policy",
    "support",
    "market",
    "growth",
    "project",
    "funding",
    "industry",
    "partners",
    "innovation",
    "university",
    "medical",
    "patients",
    "doctors",
    "strategy",
    "investment",
    "cooperation",
    "infrastructure",
    "startups",
    "digital",
    "agriculture",
    "manufacturing",
    "pharmaceutical",
    "biotechnology",
    "tourism",
]
RARE = [f"term{i}" for i in range(2_000)] + ["Gražvydas", "Kutsenko", "hydrogen"]
QUERIES = [
    ("common word", "cluster", {}),
    ("topical word", "pharmaceutical", {}),
    ("two words", "medical patients", {}),
    ("phrase", '"export policy"', {}),
    ("prefix", "pharma*", {}),
    ("rare word", "term1234", {}),
    ("diacritics", "Grazvydas", {}),
    ("in a recording", "innovation", {"recording": "bench"}),
    ("only cues", "investment strategy", {"kind": "cue"}),
    ("hostile", 'NEAR(("export" -policy* ^', {}),
]


def sentence(rng: random.Random) -> str:
    words = rng.choices(COMMON, k=6) + rng.choices(TOPICAL, k=3) + rng.choices(RARE, k=1)
    rng.shuffle(words)
    return " ".join(words).capitalize() + "."


def fill(session: Session) -> None:
    rng = random.Random(7)
    now = utcnow()
    event = Event(slug="bench", title="Bench")
    session.add(event)
    session.flush()
    recording = Recording(
        event_id=event.id,
        slug="bench",
        title="Bench",
        media_kind="url",
        media_url="https://example.org/v.mp4",
        duration=CUES * 4.0,
    )
    speaker = Speaker(slug="grazvydas-morkus", name="Gražvydas Morkus", role="Managing Director")
    session.add_all([recording, speaker])
    session.flush()
    for i in range(40):
        session.add(
            Segment(
                recording_id=recording.id,
                slug=f"s{i}",
                title=f"Session {i} on {rng.choice(TOPICAL)}",
                start=i * 10_000.0,
                end=i * 10_000.0 + 9_000,
                description=sentence(rng),
            )
        )
    connection = session.connection()
    for first in tqdm(range(0, CUES, 5_000), desc="cues", unit_scale=5_000):
        connection.execute(
            insert(TranscriptCue),
            [
                {
                    "recording_id": recording.id,
                    "speaker_id": speaker.id if i % 7 == 0 else None,
                    "start": i * 4.0,
                    "end": i * 4.0 + 3.5,
                    "text": sentence(rng),
                    "language": "en",
                }
                for i in range(first, first + 5_000)
            ],
        )
    connection.execute(
        insert(Annotation),
        [
            {
                "recording_id": recording.id,
                "start": rng.uniform(0, CUES * 4.0 - 10),
                "placement": "exact",
                "kind": rng.choice(["note", "quote", "highlight"]),
                "speaker_id": speaker.id,
                "text": sentence(rng),
                "author": "bench",
                "visibility": "public",
                "created_at": now,
                "updated_at": now,
            }
            for _ in range(ANNOTATIONS)
        ],
    )
    session.commit()


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    url = url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    migrate(url)
    engine = get_engine(url)
    with Session(engine) as session:
        fill(session)
    if engine.dialect.name == "postgresql":
        # Steady state, as autovacuum leaves it: statistics known, GIN pending lists merged.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    print(f"{engine.dialect.name}: {CUES:,} cues, {ANNOTATIONS:,} annotations")
    everything = []
    with Session(engine) as session:
        for label, q, filters in QUERIES:
            samples = []
            for _ in range(RUNS):
                began = time.perf_counter()
                hits, _ = search(session, q=q, limit=20, **filters)
                samples.append((time.perf_counter() - began) * 1000)
            everything += samples
            p50, p95 = percentiles(samples)
            print(
                f"{label:<15} {q!r:<32} {len(hits):>3} hits  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
            )
    p50, p95 = percentiles(everything)
    print(f"{'all queries':<48}       p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


if __name__ == "__main__":
    main()
