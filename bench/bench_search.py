"""Full-text search at scale: 1,000,000 annotations and 100,000 transcript cues.

Run by hand: `.venv/bin/python bench/bench_search.py [DATABASE_URL]` (default: the SQLite file
`sessionnav-bench-search.db` in the temporary folder). The first run fills the database (a few
minutes: every row is stemmed and indexed); later runs find it filled and reuse it, so pass the
same URL again (a PostgreSQL database of its own: the bench writes into it). It times the service
call the API makes (`app.services.search.search`, first page of 20 hits with snippets, and the
page after it) for typical queries and prints p50/p95 per query, and the machine's load (on a
busy machine, the CPU time of the bench's own process tells SQLite's cost apart from waiting).
Goals (PRODUCT §8, issue 13): p95 ≤ 10 ms on SQLite and ≤ 20 ms on PostgreSQL for a common and
for a rare word.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, text
from sqlmodel import Session, select

from app.db import get_engine, migrate
from app.models import Annotation, Event, Recording, Segment, Speaker, TranscriptCue, utcnow
from app.services.search import search

CUES = 100_000
ANNOTATIONS = 1_000_000
BATCH = 20_000
RUNS = 60
# A small, skewed vocabulary, so common words match hundreds of thousands of rows, as in speech.
COMMON = ["the", "and", "we", "of", "to", "in", "that", "is", "cluster", "region", "our", "for"]
COMMON += ["it", "this", "with", "they"]
TOPICAL = ["export", "policy", "support", "market", "growth", "project", "funding", "industry"]
TOPICAL += ["partners", "innovation", "university", "medical", "patients", "doctors"]
TOPICAL += ["strategy", "investment", "cooperation", "infrastructure", "startups", "digital"]
TOPICAL += ["agriculture", "manufacturing", "pharmaceutical", "biotechnology", "tourism"]
RARE = [f"term{i}" for i in range(2_000)] + ["Gražvydas", "Kutsenko", "hydrogen"]
QUERIES = [
    ("common word", "cluster", {}),
    ("rare word", "term1234", {}),
    ("topical word", "pharmaceutical", {}),
    ("two words", "medical patients", {}),
    ("phrase", '"export policy"', {}),
    ("prefix", "pharma*", {}),
    ("diacritics", "Grazvydas", {}),
    ("in a recording", "innovation", {"recording": "bench"}),
    ("only cues", "investment strategy", {"kind": "cue"}),
    ("hostile", 'NEAR(("export" -policy* ^', {}),
]


def sentence(rng: random.Random) -> str:
    words = rng.choices(COMMON, k=6) + rng.choices(TOPICAL, k=3) + rng.choices(RARE, k=1)
    rng.shuffle(words)
    return " ".join(words).capitalize() + "."


def filled(session: Session) -> bool:
    """Whether an earlier run filled this database completely (its last step is the cues)."""
    recording = session.exec(select(Recording).where(Recording.slug == "bench")).first()
    if recording is None:
        return False
    cues = select(func.count()).where(TranscriptCue.recording_id == recording.id)
    return session.exec(cues).one() == CUES


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
    session.commit()
    began = time.perf_counter()
    for first in range(0, ANNOTATIONS, BATCH):
        rows = [
            {
                "recording_id": recording.id,
                "start": rng.uniform(0, CUES * 4.0 - 10),
                "placement": "exact",
                "kind": rng.choice(["note", "quote", "highlight"]),
                "speaker_id": speaker.id if i % 3 == 0 else None,
                "text": sentence(rng),
                "author": "bench",
                "visibility": "public" if i % 10 else "private",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(first, first + BATCH)
        ]
        session.connection().execute(insert(Annotation), rows)
        session.commit()
        progress("annotations", first + BATCH, ANNOTATIONS, began)
    began = time.perf_counter()
    for first in range(0, CUES, BATCH):
        rows = [
            {
                "recording_id": recording.id,
                "speaker_id": speaker.id if i % 7 == 0 else None,
                "start": i * 4.0,
                "end": i * 4.0 + 3.5,
                "text": sentence(rng),
                "language": "en",
            }
            for i in range(first, first + BATCH)
        ]
        session.connection().execute(insert(TranscriptCue), rows)
        session.commit()
        progress("cues", first + BATCH, CUES, began)


def progress(what: str, done: int, total: int, began: float) -> None:
    elapsed = time.perf_counter() - began
    eta = elapsed / done * (total - done)
    print(f"\r{what}: {done:,}/{total:,}  {elapsed:4.0f} s, {eta:4.0f} s to go", end="")
    print() if done == total else sys.stdout.flush()


def main() -> None:
    default = Path(tempfile.gettempdir()) / "sessionnav-bench-search.db"
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{default}"
    migrate(url)
    engine = get_engine(url)
    with Session(engine) as session:
        reuse = filled(session)
    if not reuse:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        elif engine.url.database:
            engine.dispose()
            Path(engine.url.database).unlink(missing_ok=True)
        migrate(url)
        engine = get_engine(url)
        with Session(engine) as session:
            fill(session)
    if engine.dialect.name == "postgresql":
        # Steady state, as autovacuum leaves it: statistics known, GIN pending lists merged.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{engine.dialect.name}: {CUES:,} cues, {ANNOTATIONS:,} annotations"
        f"{' (reused)' if reuse else ''}; load average {load}"
    )
    with Session(engine) as session:
        for label, q, filters in QUERIES:
            first, second, cpu = [], [], []
            for _ in range(RUNS):
                began, began_cpu = time.perf_counter(), time.process_time()
                hits, key, capped = search(session, q=q, limit=20, **filters)
                first.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
                if key is not None:
                    began = time.perf_counter()
                    search(session, q=q, limit=20, key=key, **filters)
                    second.append((time.perf_counter() - began) * 1000)
            p50, p95 = percentiles(first)
            found = f"{len(hits):>3} hits{'+' if capped else ' '}"
            line = f"{label:<15} {q!r:<30} {found}  p50 {p50:6.1f}  p95 {p95:6.1f} ms"
            line += f"  (this process's CPU: p50 {statistics.median(cpu):5.1f} ms)"
            if second:
                p50, p95 = percentiles(second)
                line += f"  (page 2: p50 {p50:6.1f}  p95 {p95:6.1f} ms)"
            print(line)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


if __name__ == "__main__":
    main()
