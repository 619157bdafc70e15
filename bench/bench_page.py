"""The navigator page's cost beside a static file, in one run (PRODUCT §8, issue 13 done-when 2).

For each database (SQLite, PostgreSQL) and each scenario it times, inside the ASGI app (from the
request's arrival to the last body byte: routing, queries, template, ETag, gzip), requests that
alternate in one loop between
- `static`: a static file fetched through the same app (default css/app.css, as pages link it);
- `same`: one deep link repeated (the crowd following a press article: the shared page cache's
  path);
- `new`: a new deep link each time (another `t`: the render path);
and reports each one's p50/p95 and the pages' p50 ÷ the static file's p50. Every request goes
without cookies, as a first-time anonymous reader's would, with `Accept-Encoding: gzip`.

Scenarios (each its own database, filled on the first run and reused after):
- `demo`: the demo event (deep link /r/clusters-open-boundaries-2019?t=2h32m30s);
- `20k`: the demo recording with 20,000 more annotations and a 6,000-cue transcript;
- `1k`, `1m`: a 6 h 40 min recording with 40 sessions, 12 speakers, 6,000 cues and 1,000 or
  1,000,000 annotations (bulk inserts in batches, search triggers included: filling `1m` takes
  several minutes per database, once).

Also: the page weight (own HTML + stylesheets + the JS module graph the page loads at start,
i.e. its module scripts, modulepreload links and their static imports; modules reached only by
dynamic `import()` are counted apart), plain and gzipped; a repeat request with the ETag in
If-None-Match (expects 304, timed); and one keep-alive client against `sessionnav serve` with 1
and with N workers (bench/bench_keepalive.py's client) on the demo's SQLite database, both
servers up, measured in turns, each one's best round counted.

Bars (issue 13): `same` ≤ 2 times static for demo and 20k on each database; `same` at 1m ≤ 1.5
times at 1k; demo weight ≤ 60 KB; 304 on repeat; N workers ≥ 90 % of one worker's rate for one
keep-alive client. The `new` figures are reported beside them (not a bar).

Run: .venv/bin/python bench/bench_page.py [--db sqlite postgresql] [--scenario demo 20k 1k 1m]
     [--requests 300] [--seconds 40] [--warmup 20] [--static css/app.css]
     [--accept-encoding gzip] [--keepalive-seconds 5] [--keepalive-rounds 3] [--workers 2]
     [--no-weight] [--json FILE] [--refill] [--fill-only]
(`--requests` rounds of one request per case, stopped after `--seconds` once 20 are done;
`--scenario` with no name and `--keepalive-seconds 0` leave those parts out.)
Databases: SQLite files and media in $TMPDIR/sessionnav-bench-page/; PostgreSQL databases
bench_page_<scenario> at --postgres (default postgresql+psycopg://postgres@127.0.0.1:5432),
dropped and filled again when not found complete (or with --refill).
"""

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_keepalive import free_port, one_client, wait_until_up
from bench_search import TOPICAL, progress, sentence

from app.config import Settings
from app.db import Database, get_engine, migrate
from app.http.static import manifest
from app.main import create_app
from app.models import (
    Annotation,
    Event,
    MediaKind,
    Recording,
    Segment,
    Speaker,
    TranscriptCue,
    utcnow,
)
from app.services import transcripts
from app.services.demo import load_demo

REPO = Path(__file__).resolve().parent.parent
FOLDER = Path(tempfile.gettempdir()) / "sessionnav-bench-page"
DEMO = "clusters-open-boundaries-2019"
SCALE = "scale"
SCENARIOS = ("demo", "20k", "1k", "1m")
DATABASES = ("sqlite", "postgresql")
EXTRA_20K, CUES = 20_000, 6_000
SCALE_COUNTS = {"1k": 1_000, "1m": 1_000_000}
SCALE_DURATION = 24_000.0  # 6 h 40 min, as the demo day
BATCH = 20_000
DEEP_T = "2h32m30s"
HEADERS = {"accept-encoding": "gzip", "accept-language": "en"}
WEIGHT_BUDGET = 60 * 1024
RATIO_BAR, SCALE_BAR, KEEPALIVE_BAR = 2.0, 1.5, 0.9
# Static imports and re-exports with a relative specifier (app/http/static.py's rule), and
# dynamic import() of one, which is loaded on demand.
STATIC_IMPORT = re.compile(
    r"""^\s*(?:(?:import|export)\b[^"';]*?\bfrom\s*|import\s*)["'](\.\.?/[^"']+)["']""",
    re.MULTILINE,
)
DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["'](\.\.?/[^"']+)["']\s*\)""")
BASE_URL = "http://127.0.0.1:8000"
TAG = re.compile(r"<(link|script)\b([^>]*)>", re.IGNORECASE)
ATTR = re.compile(r"""([a-zA-Z-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")


# ---------------------------------------------------------------- databases and their data


def database_url(db: str, scenario: str, postgres: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{FOLDER / f'{scenario}.db'}"
    return f"{postgres.rstrip('/')}/bench_page_{scenario}"


def recreate(url: str) -> None:
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target.database}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def exists_db(url: str) -> bool:
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        return Path(str(target.database)).exists()
    engine = create_engine(target.set(database="postgres"))
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        ).first()
    engine.dispose()
    return found is not None


def counts(session: Session, slug: str) -> tuple[int, int] | None:
    """The recording's annotations and transcript cues, or None when it is not there."""
    recording = session.exec(select(Recording).where(Recording.slug == slug)).first()
    if recording is None:
        return None
    notes = select(func.count()).where(Annotation.recording_id == recording.id)
    cues = select(func.count()).where(TranscriptCue.recording_id == recording.id)
    return session.exec(notes).one(), session.exec(cues).one()


def filled(url: str, scenario: str) -> bool:
    """Whether an earlier run filled this database completely (cues are each fill's last step)."""
    if not exists_db(url):
        return False
    try:
        with Session(get_engine(url)) as session:
            found = counts(session, DEMO if scenario in ("demo", "20k") else SCALE)
    except Exception:  # an unmigrated or half-made database: fill it again
        return False
    if found is None:
        return False
    notes, cues = found
    if scenario == "demo":
        return cues == 0
    if scenario == "20k":
        return notes >= EXTRA_20K and cues == CUES
    return notes == SCALE_COUNTS[scenario] and cues == CUES


def annotation_rows(
    rng: random.Random, recording_id: int, duration: float, speakers: list[int], count: int
) -> Iterator[list[dict]]:
    """`count` public (nine in ten) and private annotations spread over the recording, in
    batches for core inserts: notes, highlights and quotes (these with a speaker)."""
    now = utcnow()
    for first in range(0, count, BATCH):
        rows = []
        for i in range(first, min(count, first + BATCH)):
            kind = ("note", "quote", "highlight")[i % 3]
            rows.append(
                {
                    "recording_id": recording_id,
                    "start": round(rng.uniform(0, duration - 10), 3),
                    "placement": "exact",
                    "kind": kind,
                    "speaker_id": speakers[i % len(speakers)] if kind == "quote" else None,
                    "text": sentence(rng),
                    "author": "bench",
                    "visibility": "private" if i % 10 == 0 else "public",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        yield rows


def add_annotations(
    session: Session, recording: Recording, count: int, speakers: list[int]
) -> None:
    assert recording.id is not None and recording.duration
    rng = random.Random(13)
    began, done = time.perf_counter(), 0
    for rows in annotation_rows(rng, recording.id, recording.duration, speakers, count):
        session.connection().execute(insert(Annotation), rows)
        session.commit()
        done += len(rows)
        if count >= 100_000:
            progress("annotations", done, count, began)
    # One in sixteen annotations tagged, with one of twelve tags.
    session.connection().execute(
        text(
            "INSERT INTO annotation_tag (annotation_id, tag) "
            "SELECT id, 'tag' || ((id / 16) % 12) FROM annotation "
            "WHERE recording_id = :r AND id % 16 = 0"
        ),
        {"r": recording.id},
    )
    session.commit()


def fill_demo(session: Session, settings: Settings, extra: int) -> None:
    load_demo(session, media_dir=settings.media_dir, progress=False)
    session.commit()
    if not extra:
        return
    recording = session.exec(select(Recording).where(Recording.slug == DEMO)).one()
    speakers = [s.id for s in session.exec(select(Speaker)).all() if s.id is not None]
    add_annotations(session, recording, extra, speakers)
    step = (recording.duration or 1.0) / (CUES + 1)
    names = [s.name for s in session.exec(select(Speaker)).all()][:2] or ["A", "B"]
    lines = ["WEBVTT", ""]
    for i in range(CUES):
        start = round(i * step, 3)
        lines += [
            f"{clock(start)} --> {clock(start + min(4, step))}",
            f"<v {names[i % len(names)]}>Line {i}: clusters need patient capital and support.",
            "",
        ]
    transcripts.import_transcript(session, recording=recording, text="\n".join(lines))
    session.commit()


def clock(seconds: float) -> str:
    whole, ms = divmod(round(seconds * 1000), 1000)
    return f"{whole // 3600:02}:{whole // 60 % 60:02}:{whole % 60:02}.{ms:03}"


def fill_scale(session: Session, count: int) -> None:
    rng = random.Random(7)
    event = Event(slug=SCALE, title="Scale")
    session.add(event)
    session.flush()
    assert event.id is not None
    recording = Recording(
        event_id=event.id,
        slug=SCALE,
        title="Scale",
        media_kind=MediaKind.url,
        media_url="https://example.org/v.mp4",
        duration=SCALE_DURATION,
    )
    session.add(recording)
    session.flush()
    assert recording.id is not None
    speakers = [Speaker(slug=f"speaker-{i}", name=f"Speaker {i:02}") for i in range(12)]
    session.add_all(speakers)
    session.flush()
    length = SCALE_DURATION / 40
    for i in range(40):
        session.add(
            Segment(
                recording_id=recording.id,
                slug=f"s{i}",
                title=f"Session {i} on {rng.choice(TOPICAL)}",
                start=i * length,
                end=(i + 1) * length - (60 if i % 5 == 4 else 0),
                description=sentence(rng),
            )
        )
    session.commit()
    ids = [s.id for s in speakers if s.id is not None]
    add_annotations(session, recording, count, ids)
    step = SCALE_DURATION / CUES
    rows = [
        {
            "recording_id": recording.id,
            "speaker_id": ids[i // 25 % len(ids)],
            "start": i * step,
            "end": i * step + step - 0.5,
            "text": sentence(rng),
            "language": "en",
        }
        for i in range(CUES)
    ]
    session.connection().execute(insert(TranscriptCue), rows)
    session.commit()


def prepare(db: str, scenario: str, args: argparse.Namespace) -> tuple[Settings, bool]:
    """The scenario's settings, its database filled (reused when an earlier run filled it)."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    url = database_url(db, scenario, args.postgres)
    settings = Settings(data_dir=FOLDER, database_url=url, secret_key="bench").prepare()
    reuse = not args.refill and filled(url, scenario)
    if not reuse:
        print(f"[{db} {scenario}] filling {url} ...", flush=True)
        began = time.perf_counter()
        recreate(url)
        migrate(url)
        database = Database(url)
        with Session(database.engine) as session:
            if scenario in ("demo", "20k"):
                fill_demo(session, settings, EXTRA_20K if scenario == "20k" else 0)
            else:
                fill_scale(session, SCALE_COUNTS[scenario])
        database.engine.dispose()
        print(f"[{db} {scenario}] filled in {time.perf_counter() - began:.0f} s", flush=True)
    migrate(url)  # the app's newest migrations, on a reused database too
    if db == "postgresql":
        # Steady state, as autovacuum leaves it: statistics known, GIN pending lists merged.
        engine = get_engine(url)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return settings, reuse


# ---------------------------------------------------------------------------- measurement


class Timed:
    """ASGI wrapper noting each request's time from arrival to the last body byte."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()

        async def timed_send(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last = (time.perf_counter() - start) * 1000

        await self.app(scope, receive, timed_send)


def hms(seconds: int) -> str:
    return f"{seconds // 3600}h{seconds // 60 % 60}m{seconds % 60}s"


def new_links(slug: str, duration: float) -> Iterator[str]:
    """Deep links never asked before in this run: whole seconds in a scrambled order."""
    span = max(int(duration) - 1, 1)
    stride = 7919 if span % 7919 else 7907
    for i in range(span):
        yield f"/r/{slug}?t={hms((1 + i * stride) % span)}"


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[max(0, int(0.95 * len(ordered)) - 1)]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


@dataclass
class Weight:
    html: int = 0
    css: dict[str, int] = field(default_factory=dict)
    js: dict[str, int] = field(default_factory=dict)
    on_demand: dict[str, int] = field(default_factory=dict)
    gzip: int = 0
    on_demand_gzip: int = 0


def attributes(tag: str) -> dict[str, str]:
    return {k.lower(): v.strip("\"'") for k, v in ATTR.findall(tag)}


def plain(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0]


def own(url: str) -> str | None:
    """The path (and query) of a URL on this site, None for another site's."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != urlsplit(BASE_URL).netloc:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def resolve(base: str, spec: str) -> str:
    parts = plain(base).split("/")[:-1]
    for piece in plain(spec).split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def weigh(client: TestClient, html: bytes) -> Weight:
    """Own HTML, stylesheets, and the module graph the page loads at start; modules reached
    only through import() apart. Sizes before compression, and gzipped (-6, as served)."""
    weight = Weight(html=len(html))
    zipped = len(gzip.compress(html, 6))
    bodies: dict[str, bytes] = {}

    def fetch(url: str) -> bytes:
        if url not in bodies:
            response = client.get(url, headers=HEADERS)
            assert response.status_code == 200, (url, response.status_code)
            bodies[url] = response.content
        return bodies[url]

    entries: list[str] = []
    for name, tag in TAG.findall(html.decode()):
        attrs = attributes(tag)
        rel = attrs.get("rel", "").lower().split()
        url = own(attrs.get("href" if name.lower() == "link" else "src", "//elsewhere"))
        if url is None:
            continue
        if name.lower() == "link" and "stylesheet" in rel:
            body = fetch(url)
            weight.css[plain(url)] = len(body)
            zipped += len(gzip.compress(body, 6))
        elif ("modulepreload" in rel and name.lower() == "link") or name.lower() == "script":
            entries.append(plain(url))

    def graph(roots: list[str], into: dict[str, int], skip: dict[str, int]) -> tuple[set, int]:
        dynamic, size = set(), 0
        todo = list(roots)
        while todo:
            url = todo.pop()
            if url in into or url in skip:
                continue
            body = fetch(url)
            into[url] = len(body)
            size += len(gzip.compress(body, 6))
            source = body.decode()
            todo += [resolve(url, spec) for spec in STATIC_IMPORT.findall(source)]
            dynamic |= {resolve(url, spec) for spec in DYNAMIC_IMPORT.findall(source)}
        return dynamic, size

    dynamic, size = graph(entries, weight.js, {})
    weight.gzip = zipped + size
    while dynamic:  # on demand: each import()'s own graph, less what the start loaded
        more, size = graph(sorted(dynamic), weight.on_demand, weight.js)
        weight.on_demand_gzip += size
        dynamic = more - set(weight.on_demand) - set(weight.js)
    return weight


@dataclass
class Result:
    db: str
    scenario: str
    reused: bool
    same_url: str
    static_url: str
    static: dict[str, float] = field(default_factory=dict)
    same: dict[str, float] = field(default_factory=dict)
    new: dict[str, float] = field(default_factory=dict)
    not_modified: dict[str, Any] = field(default_factory=dict)
    weight: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def ratio(self, case: str) -> float:
        return getattr(self, case)["p50"] / self.static["p50"]


def measure(db: str, scenario: str, args: argparse.Namespace) -> Result:
    settings, reused = prepare(db, scenario, args)
    slug = DEMO if scenario in ("demo", "20k") else SCALE
    same_url = f"/r/{slug}?t={DEEP_T}"
    static_url = manifest().url(args.static)
    result = Result(db, scenario, reused, same_url, static_url)
    app = Timed(create_app(settings))
    with TestClient(app, base_url=BASE_URL) as client:

        def get(url: str, keep_cookies: bool = False, **headers: str) -> tuple[Any, float]:
            if not keep_cookies:
                client.cookies.clear()  # each request a first-time anonymous reader's
            response = client.get(url, headers={**HEADERS, **headers})
            return response, app.last

        first, _ = get(same_url)
        assert first.status_code == 200, (same_url, first.status_code, first.text[:500])
        with Session(get_engine(settings.effective_database_url)) as session:
            recording = session.exec(select(Recording).where(Recording.slug == slug)).one()
            duration = recording.duration or SCALE_DURATION
        links = new_links(slug, duration)
        fresh: Callable[[], str] = lambda: next(links)  # noqa: E731
        cases: list[tuple[str, Callable[[], str]]] = [
            ("static", lambda: static_url),
            ("same", lambda: same_url),
            ("new", fresh),
        ]
        began = time.perf_counter()
        for round_ in range(args.warmup):  # templates, caches, the pool; 10 s at most
            for _, url in cases:
                get(url())
            if time.perf_counter() - began > 10 and round_ >= 2:
                break
        times: dict[str, list[float]] = {name: [] for name, _ in cases}
        began = time.perf_counter()
        for round_ in range(args.requests):
            for name, url in cases[round_ % 3 :] + cases[: round_ % 3]:  # rotate the order
                response, took = get(url())
                assert response.status_code == 200, (name, response.status_code)
                times[name].append(took)
            if time.perf_counter() - began > args.seconds and round_ >= 20:
                break
        result.seconds = time.perf_counter() - began
        for name, _ in cases:
            setattr(result, name, summary(times[name]))
        # The same browser asks again, with its cookies and the ETag: 304, and what it costs.
        response, _ = get(same_url)
        etag = response.headers.get("etag", "")
        statuses: list[int] = []
        repeats: list[float] = []
        for _ in range(30):
            again, ms = get(same_url, keep_cookies=True, **{"if-none-match": etag})
            statuses.append(again.status_code)
            repeats.append(ms)
        result.not_modified = {
            "etag": etag,
            "cache_control": response.headers.get("cache-control", ""),
            "statuses": sorted(set(statuses)),
            **summary(repeats),
        }
        if args.weight:
            plain_html, _ = get(same_url)
            result.weight = asdict(weigh(client, plain_html.content))
            result.weight["total"] = weigh_total(result.weight)
    return result


def weigh_total(weight: dict[str, Any]) -> int:
    return weight["html"] + sum(weight["css"].values()) + sum(weight["js"].values())


# -------------------------------------------------------------------------- keep-alive


def keepalive(args: argparse.Namespace) -> dict[str, Any]:
    """One keep-alive client, GET the demo deep link, against `sessionnav serve` with 1 and
    with N workers, both running (each on its own copy of the demo's SQLite database), measured
    in turns `--keepalive-rounds` times; each one's best round counts, as the machine's other
    work only ever slows a round down."""
    source = FOLDER / "demo.db"
    if not filled(f"sqlite:///{source}", "demo"):
        prepare("sqlite", "demo", args)
    path = f"/r/{DEMO}?t={DEEP_T}"
    found: dict[str, Any] = {"path": path, "seconds": args.keepalive_seconds}
    with ExitStack() as stack:
        ports = {}
        for workers in (1, args.workers):
            folder = stack.enter_context(tempfile.TemporaryDirectory())
            ports[workers] = stack.enter_context(server(source, Path(folder), workers))
        rounds: dict[int, list[tuple[float, float]]] = {workers: [] for workers in ports}
        for _ in range(args.keepalive_rounds):
            for workers, port in ports.items():
                rate, median = one_client(port, path, args.keepalive_seconds, 20_000)
                rounds[workers].append((rate, median))
                print(f"[keep-alive] {workers} worker(s): {rate:.0f} req/s, median {median:.2f} ms")
    for workers, figures in rounds.items():
        rate, median = max(figures)
        found[str(workers)] = {"rate": rate, "median_ms": median, "rounds": figures}
    return found


@contextmanager
def server(source: Path, folder: Path, workers: int) -> Iterator[int]:
    """`sessionnav serve` on a copy of the SQLite database `source`; yields its port."""
    for suffix in ("", "-wal"):  # the database as committed, WAL included
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", folder / f"sessionnav.db{suffix}")
    port = free_port()
    env = {
        **os.environ,
        "SESSIONNAV_DATA_DIR": str(folder),
        "SESSIONNAV_DEMO": "false",
        "SESSIONNAV_SECRET_KEY": "bench",
    }
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=output, cwd=REPO)
    try:
        try:
            wait_until_up(port, process, timeout=180)  # a busy machine starts slowly
        except RuntimeError:
            print(log.read_text()[:3000], file=sys.stderr)
            raise
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


# ------------------------------------------------------------------------------ report


def kb(size: float) -> str:
    return f"{size / 1024:.1f} KB"


def report(results: list[Result], alive: dict[str, Any] | None, args: argparse.Namespace) -> list:
    print()
    print(f"server time inside the app (ms), requests interleaved; static = GET {args.static}")
    head = f"{'db':<10} {'scenario':<8} {'n':>4} {'static p50':>10} {'same p50':>9} {'p95':>7}"
    head += f" {'×static':>7} {'new p50':>8} {'p95':>7} {'×static':>7} {'304 p50':>8}"
    print(head)
    for r in results:
        line = f"{r.db:<10} {r.scenario:<8} {r.static['n']:>4} {r.static['p50']:>10.2f}"
        line += f" {r.same['p50']:>9.2f} {r.same['p95']:>7.2f} {r.ratio('same'):>6.2f}×"
        line += f" {r.new['p50']:>8.2f} {r.new['p95']:>7.2f} {r.ratio('new'):>6.2f}×"
        line += f" {r.not_modified['p50']:>8.2f}"
        print(line)
    weighed = [r for r in results if r.weight]
    if weighed:
        print()
        print("page weight before compression (gzip -6 in brackets), own HTML + CSS + start JS")
        for r in weighed:
            w = r.weight
            css, js = sum(w["css"].values()), sum(w["js"].values())
            print(
                f"{r.db:<10} {r.scenario:<8} HTML {kb(w['html'])}, CSS {kb(css)}, "
                f"JS {kb(js)} ({len(w['js'])} modules): total {kb(w['total'])} "
                f"({kb(w['gzip'])}); on demand {kb(sum(w['on_demand'].values()))} "
                f"({len(w['on_demand'])} modules, {kb(w['on_demand_gzip'])})"
            )
    bars: list[tuple[bool, str]] = []
    info: list[str] = []
    by = {(r.db, r.scenario): r for r in results}
    for r in results:
        if r.scenario in ("demo", "20k"):
            ok = r.ratio("same") <= RATIO_BAR
            bars.append((ok, f"{r.db} {r.scenario}: same-link p50 {r.ratio('same'):.2f}× static"))
            info.append(
                f"{r.db} {r.scenario}: new-link p50 {r.ratio('new'):.2f}× static "
                f"({'within' if r.ratio('new') <= RATIO_BAR else 'over'} {RATIO_BAR:g}×)"
            )
        ok = r.not_modified["statuses"] == [304]
        bars.append(
            (
                ok,
                f"{r.db} {r.scenario}: repeat with If-None-Match answers "
                f"{r.not_modified['statuses']} in p50 {r.not_modified['p50']:.2f} ms",
            )
        )
    for db in DATABASES:
        small, large = by.get((db, "1k")), by.get((db, "1m"))
        if small and large:
            same = large.same["p50"] / small.same["p50"]
            new = large.new["p50"] / small.new["p50"]
            bars.append((same <= SCALE_BAR, f"{db} same-link p50 at 1m ÷ at 1k: {same:.2f}×"))
            info.append(
                f"{db} new-link p50 at 1m ÷ at 1k: {new:.2f}× "
                f"({'within' if new <= SCALE_BAR else 'over'} {SCALE_BAR:g}×); p95 "
                f"{large.new['p95'] / small.new['p95']:.2f}×"
            )
    for r in weighed:
        if r.scenario == "demo":
            total = r.weight["total"]
            bars.append((total <= WEIGHT_BUDGET, f"{r.db} demo weight {kb(total)} ≤ 60 KB"))
    if alive and "error" in alive:
        bars.append((False, f"keep-alive client: {alive['error']}"))
    elif alive:
        one, many = alive["1"]["rate"], alive[str(args.workers)]["rate"]
        bars.append(
            (
                many >= KEEPALIVE_BAR * one,
                f"keep-alive client: {args.workers} workers {many:.0f} req/s vs 1 worker "
                f"{one:.0f} req/s ({many / one:.0%}, bar ≥ {KEEPALIVE_BAR:.0%})",
            )
        )
    print()
    for ok, line in bars:
        print(f"{'PASS' if ok else 'FAIL'}  {line}")
    for line in info:
        print(f"info  {line}")
    return [{"pass": ok, "bar": line} for ok, line in bars]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="*", choices=DATABASES, default=list(DATABASES))
    parser.add_argument("--scenario", nargs="*", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--requests", type=int, default=300, help="rounds (one of each case)")
    parser.add_argument("--seconds", type=float, default=40, help="at most, per scenario")
    parser.add_argument("--warmup", type=int, default=20, help="rounds before timing")
    parser.add_argument("--static", default="css/app.css", help="file under static/")
    parser.add_argument(
        "--accept-encoding", default="gzip", help="as a browser's; identity: no compression"
    )
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--keepalive-seconds", type=float, default=5, help="0 leaves it out")
    parser.add_argument("--workers", type=int, default=2, help="the keep-alive's N")
    parser.add_argument("--keepalive-rounds", type=int, default=3, help="turns, best counts")
    parser.add_argument("--no-weight", dest="weight", action="store_false")
    parser.add_argument("--refill", action="store_true", help="fill the databases again")
    parser.add_argument("--fill-only", action="store_true", help="fill, measure nothing")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    return parser.parse_args()


@contextmanager
def quiet_logs() -> Iterator[None]:
    import logging

    logger = logging.getLogger("sqlalchemy")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def main() -> None:
    args = parse_args()
    HEADERS["accept-encoding"] = args.accept_encoding
    began = time.perf_counter()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"bench_page: {' '.join(args.db)} × {' '.join(args.scenario)}; load average {load}")
    results: list[Result] = []
    with quiet_logs():
        for db in args.db:
            for scenario in args.scenario:
                if args.fill_only:
                    prepare(db, scenario, args)
                    continue
                result = measure(db, scenario, args)
                print(
                    f"[{db} {scenario}] {'reused' if result.reused else 'filled'}: static "
                    f"{result.static['p50']:.2f} ms, same {result.same['p50']:.2f} ms, new "
                    f"{result.new['p50']:.2f} ms (p50, {result.static['n']} rounds in "
                    f"{result.seconds:.0f} s)",
                    flush=True,
                )
                results.append(result)
    if args.fill_only:
        return
    alive: dict[str, Any] | None = None
    if args.keepalive_seconds > 0:
        try:
            alive = keepalive(args)
        except RuntimeError as error:  # a server that never came up: the table still counts
            alive = {"error": str(error)}
    if alive is None:
        print("keep-alive left out; run: .venv/bin/python bench/bench_keepalive.py")
    bars = report(results, alive, args)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"took {time.perf_counter() - began:.0f} s; load average {load}")
    if args.json:
        document = {
            "results": [asdict(r) | {"ratios": ratios(r)} for r in results],
            "keepalive": alive,
            "bars": bars,
            "options": {k: str(v) for k, v in vars(args).items()},
        }
        args.json.write_text(json.dumps(document, indent=2))


def ratios(r: Result) -> dict[str, float]:
    return {"same": r.ratio("same"), "new": r.ratio("new")}


if __name__ == "__main__":
    main()
