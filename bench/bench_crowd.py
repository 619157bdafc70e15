"""The press-article day against the real server (issue 13, "Crowd figures"): readers open deep
links to the navigator and then keep only its live-updates stream open, while annotators and
an editor write through the API. Run by hand, never in the test suite.

For each database (`--database`, repeatable: `sqlite`, the default, or a PostgreSQL URL whose
database is dropped and created first) and worker count (`--workers 1,2,4`), the server
(`sessionnav serve --workers N`, started by bench_load.served on a fresh temporary data folder
with the demo event) gets, for `--seconds`:

- `--readers` readers (not signed in) arriving at an even pace over the first `--arrive`
  seconds, each on its own connection: GET one deep link, then GET /r/{demo}/live?after=N on
  the same connection, N being the page's `liveAfter`, read as Server-Sent Events until the
  end. The article links the round table: `--article` of the readers (0.8) open that link,
  the others a deep link of their own (a session at a moment, an annotation, the recording at
  a moment; nearly every one a different address, so each is a page made for it alone);
- `--annotators` annotators, every 1 to 5 s: POST a note (7 in 10), PATCH (2 in 10) or DELETE
  (1 in 10) one of their own;
- 1 editor, every 1 to 3 s: PATCH a quote's text, hide an annotation or restore one it hid.

All writers use one admin's API token (the write limit is lifted, as in bench_load.py). A write
never touches an annotation that another write is busy with or that changed less than
`COOLDOWN` s ago, and never one that readers would not hear of (hidden or deleted): so every
write answered is one event in every open stream, and an event on annotation X belongs to the
last write on X sent before it arrived. Its delay is from that write's answer (0 when the
event came first) to the reader parsing it; writes sent after a reader's stream opened (and
answered before the writers stopped) that never reached it within `GRACE` s are counted as
missed, and each such write is listed with how many of the streams due to hear of it did not
(a whole worker's share missing points at that worker's reader of changes). Errors are
counted by class: 5xx, 503, timeouts (30 s), connection errors; and requests over 5 s.

Then, on the 1-worker server, a short ramp (`--ramp 25,50,100,200,500,1000`, each step
`--arrive` s of arrivals and the writers at work, stopping at the first step over the goal or
with a 5xx) finds the most readers whose pages keep p99 ≤ 500 ms.
The client is one asyncio process: on a small machine it competes with the server for CPU,
which inflates the stream delays it measures.

Run (from the repository; `--media-cache` as in bench_load.py):
    .venv/bin/python bench/bench_crowd.py --media-cache /tmp/sessionnav-media
    .venv/bin/python bench/bench_crowd.py --media-cache /tmp/sessionnav-media --database sqlite \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/bench_crowd --json /tmp/crowd.json
    .venv/bin/python bench/bench_crowd.py --workers 1 --readers 50 --seconds 5 --ramp ""
"""

import argparse
import asyncio
import bisect
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench_load import (
    ANNOTATIONS,
    DEMO,
    FAILED,
    LIMIT,
    RECORDING,
    ROOT,
    TIMEOUT,
    Connection,
    percentile,
    served,
    server_errors,
    status_class,
)

sys.path.insert(0, str(ROOT))
from app import links  # the checkout's own, once ROOT is importable

COOLDOWN = 5.0  # s between two writes on one annotation (longer than any delay we accept)
GRACE = 3.0  # s the readers keep listening after the writers stop
PAGE_GOAL = 0.5  # s: the page p99 a worker must keep in the ramp
LIVE_AFTER = re.compile(rb'"liveAfter":\s*(\d+)')
EVENT_ID = re.compile(rb'"id":\s*(\d+)')  # the first key of every event's data


@dataclass
class Write:
    sent: float
    answered: float
    ok: bool  # answered 2xx (a failed one may still have committed: kept for attribution)


@dataclass
class Subject:
    """An annotation the writers may change."""

    owner: int | None  # the annotator's number; None for the demo's quotes
    busy: bool = False
    ready_at: float = 0.0  # monotonic time from which it may be written again
    hidden: bool = False
    gone: bool = False


@dataclass
class Reader:
    page_sent: float = 0.0
    page_latency: float | None = None
    page_status: int | None = None
    listening_at: float | None = None  # when the stream's first comment arrived
    until: float | None = None  # when it stopped hearing (early end, reload or error)
    events: list[tuple[int, float]] = field(default_factory=list)  # (annotation, received)
    reload: bool = False


@dataclass
class Day:
    """Everything one run saw."""

    port: int
    headers: list[str]
    article: float  # the share of readers opening the article's link
    subjects: dict[int, Subject] = field(default_factory=dict)
    writes: dict[int, list[Write]] = field(default_factory=lambda: defaultdict(list))
    write_latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)  # "page 2xx", "write other 5xx", …
    errors: Counter = field(default_factory=Counter)  # "page timeout", "stream IncompleteRead…"
    readers: list[Reader] = field(default_factory=list)
    over_limit: int = 0
    segments: list[dict] = field(default_factory=list)
    stopped: float = 0.0  # when the writers stopped
    lags: list[float] = field(default_factory=list)  # the client's own event-loop delays

    def pick(self, wanted: Callable[[Subject], bool], *, hidden: bool = False) -> int | None:
        """A `wanted` annotation that may be written now (hidden or not), claimed."""
        now = time.monotonic()
        ids = [
            i
            for i, s in self.subjects.items()
            if not s.busy and not s.gone and s.hidden == hidden and s.ready_at <= now and wanted(s)
        ]
        if not ids:
            return None
        choice = random.choice(ids)
        self.subjects[choice].busy = True
        return choice

    def deep_link(self) -> str:
        """The article's link (the round table), or a session at a moment, an annotation, or
        the recording at a moment."""
        if random.random() < self.article:
            return links.segment_url(DEMO, "round-table")
        roll = random.random()
        visible = [i for i, s in self.subjects.items() if not s.hidden and not s.gone]
        if roll < 0.4 and self.segments:
            seg = random.choice(self.segments)
            offset = random.uniform(0, max(0.0, seg["end"] - seg["start"]))
            return links.segment_url(DEMO, seg["slug"], round(offset))
        if roll < 0.7 and visible:
            return links.annotation_url(random.choice(visible))
        return links.recording_url(DEMO, random.randint(0, 24000))


async def write(day: Day, conn: Connection, method: str, path: str, payload: dict | None):
    """One write; its answer's JSON (None if it failed). Tallies latency and status."""
    body = json.dumps(payload).encode() if payload is not None else None
    sent = time.monotonic()
    try:
        status, headers, content = await asyncio.wait_for(conn.request(method, path, body), TIMEOUT)
    except FAILED as exc:
        conn.close()
        kind = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
        day.errors[f"write {kind}"] += 1
        day.over_limit += time.monotonic() - sent > LIMIT
        return sent, None
    answered = time.monotonic()
    day.write_latencies.append(answered - sent)
    day.statuses[f"write {status_class(status, headers)}"] += 1
    day.over_limit += answered - sent > LIMIT
    if status // 100 != 2:
        return sent, None
    return sent, json.loads(content) if content else {}


def noted(day: Day, annotation: int, sent: float, result: dict | None) -> None:
    """Record a write on `annotation` and release it for the next one after COOLDOWN."""
    day.writes[annotation].append(Write(sent, time.monotonic(), result is not None))
    subject = day.subjects[annotation]
    subject.busy, subject.ready_at = False, time.monotonic() + COOLDOWN


async def annotator(day: Day, number: int, deadline: float) -> None:
    conn = Connection(day.port, day.headers)
    count = 0
    while await asyncio.sleep(random.uniform(1, 5), True) and time.monotonic() < deadline:
        roll, count = random.random(), count + 1
        target = day.pick(lambda s: s.owner == number) if roll >= 0.7 else None
        if target is None:
            note = {"start": round(random.uniform(0, 24000), 1), "text": f"crowd {number}.{count}"}
            sent, made = await write(day, conn, "POST", ANNOTATIONS, note | {"tags": ["crowd"]})
            if made is not None:
                day.subjects[made["id"]] = Subject(owner=number)
                noted(day, made["id"], sent, made)
        elif roll < 0.9:
            path = f"/api/v1/annotations/{target}"
            change = {"text": f"crowd {number}.{count} (edited)"}
            noted(day, target, *await write(day, conn, "PATCH", path, change))
        else:
            sent, result = await write(day, conn, "DELETE", f"/api/v1/annotations/{target}", None)
            day.subjects[target].gone = result is not None
            noted(day, target, sent, result)
    conn.close()


async def editor(day: Day, deadline: float) -> None:
    conn = Connection(day.port, day.headers)
    count = 0
    while await asyncio.sleep(random.uniform(1, 3), True) and time.monotonic() < deadline:
        roll, count = random.random(), count + 1
        if roll < 0.4 and (target := day.pick(lambda s: s.owner is None)) is not None:
            change = {"text": f"Quote, corrected by the editor ({count})"}
            noted(day, target, *await write(day, conn, "PATCH", links_api(target), change))
        elif roll < 0.7 and (target := day.pick(lambda s: True)) is not None:
            sent, result = await write(day, conn, "POST", links_api(target, "hide"), None)
            day.subjects[target].hidden = result is not None
            noted(day, target, sent, result)
        elif (target := day.pick(lambda s: True, hidden=True)) is not None:
            sent, result = await write(day, conn, "POST", links_api(target, "restore"), None)
            day.subjects[target].hidden = result is None
            noted(day, target, sent, result)
    conn.close()


def links_api(annotation: int, action: str = "") -> str:
    return f"/api/v1/annotations/{annotation}" + (f"/{action}" if action else "")


async def reader(day: Day, me: Reader, start_at: float) -> None:
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    conn = Connection(day.port, [])
    try:
        await read_page_and_stream(day, me, conn)
    finally:
        me.until = me.until or time.monotonic()
        conn.close()


async def read_page_and_stream(day: Day, me: Reader, conn: Connection) -> None:
    me.page_sent = time.monotonic()
    try:
        status, headers, page = await asyncio.wait_for(
            conn.request("GET", day.deep_link()), TIMEOUT
        )
    except FAILED as exc:
        day.errors[
            "page " + ("timeout" if isinstance(exc, TimeoutError) else type(exc).__name__)
        ] += 1
        day.over_limit += time.monotonic() - me.page_sent > LIMIT
        return
    me.page_latency, me.page_status = time.monotonic() - me.page_sent, status
    day.over_limit += me.page_latency > LIMIT
    day.statuses[f"page {status_class(status, headers)}"] += 1
    found = LIVE_AFTER.search(page)
    if status != 200 or found is None:
        day.errors["page without liveAfter" if status == 200 else "page not 200"] += 1
        return
    sent = time.monotonic()
    try:
        path = f"{links.live_url(DEMO)}?after={int(found[1])}"
        status, headers = await asyncio.wait_for(conn.send("GET", path), TIMEOUT)
        day.statuses[f"stream {status_class(status, headers)}"] += 1
        if status != 200:
            await conn.read_body(headers)
            return
        await listen(me, conn)
        if not me.reload:
            day.errors["stream ended by the server"] += 1
    except FAILED as exc:
        if isinstance(exc, TimeoutError):
            day.over_limit += time.monotonic() - sent > LIMIT
        day.errors[
            "stream " + ("timeout" if isinstance(exc, TimeoutError) else type(exc).__name__)
        ] += 1


async def listen(me: Reader, conn: Connection) -> None:
    """Parse the SSE stream until it ends (or the reader is cancelled)."""
    buffer = b""
    while chunk := await conn.read_chunk():
        buffer += chunk
        if buffer.endswith(b"\r"):
            continue  # a line break split between two chunks
        *blocks, buffer = buffer.replace(b"\r\n", b"\n").split(b"\n\n")
        now = time.monotonic()
        for block in blocks:
            name = data = None
            for line in block.split(b"\n"):
                if line.startswith(b"event:"):
                    name = line[6:].strip()
                elif line.startswith(b"data:"):
                    data = line[5:].strip()
                elif line.startswith(b":") and me.listening_at is None:
                    me.listening_at = now
            if name == b"reload":
                me.reload, me.until = True, now
                return
            if name in (b"saved", b"removed") and data and (found := EVENT_ID.search(data)):
                me.events.append((int(found[1]), now))


async def run_day(port: int, headers: list[str], args, readers: int, seconds: float) -> Day:
    day = Day(port, headers, args.article)
    conn = Connection(port, headers)
    _, _, listed = await conn.request("GET", f"{ANNOTATIONS}?limit=200")
    _, _, segments = await conn.request("GET", f"{RECORDING}/segments")
    conn.close()
    day.subjects = {a["id"]: Subject(owner=None) for a in json.loads(listed)["items"]}
    day.segments = json.loads(segments)["items"]
    await warm_up(day)
    start = time.monotonic()
    deadline = start + seconds
    day.readers = [Reader() for _ in range(readers)]
    reading = [
        asyncio.create_task(reader(day, r, start + i * args.arrive / readers))
        for i, r in enumerate(day.readers)
    ]
    lag = asyncio.create_task(measure_lag(day))
    writers = [annotator(day, n, deadline) for n in range(args.annotators)]
    await asyncio.gather(*writers, editor(day, deadline))
    await asyncio.sleep(max(0.0, deadline - time.monotonic()) + GRACE)
    for task in [*reading, lag]:
        task.cancel()
    await asyncio.gather(*reading, return_exceptions=True)
    day.stopped = deadline
    return day


async def warm_up(day: Day) -> None:
    """A few pages on fresh connections (so that every worker likely gets some): the first
    ones compile the templates, which is not what a crowd waits for."""

    async def page() -> None:
        conn = Connection(day.port, [])
        await asyncio.wait_for(conn.request("GET", day.deep_link()), TIMEOUT)
        conn.close()

    for _ in range(2):
        await asyncio.gather(*(page() for _ in range(8)))


async def measure_lag(day: Day) -> None:
    """How late the client's loop wakes (every 0.1 s): what of a delay is the client's own."""
    while True:
        asleep = time.monotonic()
        await asyncio.sleep(0.1)
        day.lags.append(time.monotonic() - asleep - 0.1)


def delays(day: Day, stopped: float) -> tuple[list[float], int, int, list[dict]]:
    """(delays of the events matched to a write, writes missed, writes expected, the writes
    some stream missed) over all readers: an event belongs to the last write on its
    annotation sent before it arrived."""
    found, missed, expected = [], 0, 0
    due_to: Counter = Counter()
    heard_by: Counter = Counter()
    sent_times = {a: [w.sent for w in ws] for a, ws in day.writes.items()}
    for me in day.readers:
        if me.listening_at is None:
            continue
        heard: set[tuple[int, int]] = set()
        for annotation, received in me.events:
            index = bisect.bisect_right(sent_times.get(annotation, []), received) - 1
            if index < 0 or day.writes[annotation][index].sent < me.listening_at:
                continue  # caught up on a change from before the stream
            if (annotation, index) not in heard:
                heard.add((annotation, index))
                found.append(max(0.0, received - day.writes[annotation][index].answered))
        for annotation, ws in day.writes.items():
            for index, w in enumerate(ws):
                due = w.ok and w.sent >= me.listening_at and w.answered <= stopped
                if due and w.answered + GRACE <= (me.until or float("inf")):
                    expected += 1
                    missed += (annotation, index) not in heard
                    due_to[annotation, index] += 1
                    heard_by[annotation, index] += (annotation, index) in heard
    start = min((r.page_sent for r in day.readers), default=0.0)
    lost = [
        {
            "annotation": a,
            "write": i,
            "sent_s": round(day.writes[a][i].sent - start, 3),
            "answered_s": round(day.writes[a][i].answered - start, 3),
            "missed_by": n - heard_by[a, i],
            "due_to": n,
        }
        for (a, i), n in due_to.items()
        if heard_by[a, i] < n
    ]
    return sorted(found), missed, expected, sorted(lost, key=lambda x: x["sent_s"])


def summarise(day: Day, workers: int, readers: int, seconds: float) -> dict:
    pages = sorted(r.page_latency for r in day.readers if r.page_latency is not None)
    sent = [r.page_sent for r in day.readers if r.page_latency is not None]
    ends = [r.page_sent + r.page_latency for r in day.readers if r.page_latency is not None]
    window = max(ends) - min(sent) if sent else 0.0
    writes = sorted(day.write_latencies)
    lags = sorted(day.lags)
    stream, missed, expected, lost = delays(day, day.stopped)

    def ms(values: list[float], p: float) -> float:
        return round(percentile(values, p) * 1000, 1)

    statuses = dict(day.statuses)
    five = sum(v for k, v in statuses.items() if k.endswith("5xx") or "503" in k)
    report = {
        "workers": workers,
        "readers": readers,
        "seconds": seconds,
        "pages": len(pages),
        "pages_per_s": round(len(pages) / window, 1) if window else 0.0,  # any answer
        "pages_200": (ok := sum(r.page_status == 200 for r in day.readers)),
        "pages_200_per_s": round(ok / window, 1) if window else 0.0,
        "page_ms": {"p50": ms(pages, 0.5), "p99": ms(pages, 0.99), "max": ms(pages, 1.0)},
        "writes": len(writes),
        "write_ms": {"p50": ms(writes, 0.5), "p99": ms(writes, 0.99), "max": ms(writes, 1.0)},
        "status": statuses,
        "errors": dict(day.errors),
        "5xx": five,
        "503": sum(v for k, v in statuses.items() if "503" in k),
        "timeouts": sum(v for k, v in day.errors.items() if k.endswith("timeout")),
        "over_5s": day.over_limit,
        "streams_listening": sum(r.listening_at is not None for r in day.readers),
        "reloads": sum(r.reload for r in day.readers),
        "events_heard": sum(len(r.events) for r in day.readers),
        "delay_ms": {"p50": ms(stream, 0.5), "p99": ms(stream, 0.99), "max": ms(stream, 1.0)},
        "missed": missed,
        "expected": expected,
        "client_lag_ms": {"p50": ms(lags, 0.5), "p99": ms(lags, 0.99), "max": ms(lags, 1.0)},
        "missed_writes": lost,  # the writes some stream due to hear of them missed
    }
    return report


def print_report(r: dict, database: str) -> None:
    print(f"\n== {r['workers']} worker(s), {database}: {r['readers']} readers, {r['seconds']} s ==")
    page, wr, delay = r["page_ms"], r["write_ms"], r["delay_ms"]
    print(
        f"  pages      {r['pages']} answered at {r['pages_per_s']}/s ({r['pages_200']} 200 at "
        f"{r['pages_200_per_s']}/s); ms p50 {page['p50']}, "
        f"p99 {page['p99']}, max {page['max']}"
    )
    print(f"  writes     {r['writes']}; ms p50 {wr['p50']}, p99 {wr['p99']}, max {wr['max']}")
    print(
        f"  streams    {r['streams_listening']} listening, {r['reloads']} told to reload, "
        f"{r['events_heard']} events heard"
    )
    print(
        f"  delay ms   p50 {delay['p50']}, p99 {delay['p99']}, max {delay['max']} "
        f"(write answered → reader parsed); missed {r['missed']} of {r['expected']}"
    )
    lag = r["client_lag_ms"]
    print(f"  client     loop woke late, ms p50 {lag['p50']}, p99 {lag['p99']}, max {lag['max']}")
    if delay["max"] > COOLDOWN * 1000:
        print(
            f"  (delays over the {COOLDOWN} s cooldown: an event may be matched to a later write)"
        )
    for w in r["missed_writes"][:10]:
        print(f"  missed     {w}")
    print("  status     " + ", ".join(f"{k} {v}" for k, v in sorted(r["status"].items())))
    print("  errors     " + (", ".join(f"{k} {v}" for k, v in r["errors"].items()) or "none"))
    print(f"  5xx {r['5xx']} (503 {r['503']}), timeouts {r['timeouts']}, over 5 s {r['over_5s']}")
    for line, count in r.get("server_errors", {}).items():
        print(f"    {count:>6} x {line[:150]}")


async def combination(args, workers: int, folder: Path, log: Path) -> dict:
    data = folder / f"data-{args.database_name}-{workers}"
    async with served(args, data, log, workers) as (_, port, headers):
        offset = log.stat().st_size
        day = await run_day(port, headers, args, args.readers, args.seconds)
        report = summarise(day, workers, args.readers, args.seconds)
        report["server_errors"] = server_errors(log, offset)
        print_report(report, args.database_name)
        if workers == 1 and args.ramp:
            report["ramp"] = await ramp(port, headers, args)
        return report


async def ramp(port: int, headers: list[str], args) -> list[dict]:
    """Ever more readers on one worker until the page p99 exceeds PAGE_GOAL."""
    steps = []
    for readers in args.ramp:
        day = await run_day(port, headers, args, readers, args.arrive + GRACE)
        r = summarise(day, 1, readers, args.arrive + GRACE)
        steps.append({k: r[k] for k in ("readers", "pages_per_s", "page_ms", "5xx", "timeouts")})
        print(
            f"  ramp: {readers} readers in {args.arrive} s: page p99 {r['page_ms']['p99']} ms, "
            f"{r['pages_per_s']} pages/s, 5xx {r['5xx']}, timeouts {r['timeouts']}"
        )
        if r["page_ms"]["p99"] > PAGE_GOAL * 1000 or r["5xx"] or r["timeouts"]:
            break
    return steps


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    numbers = lambda text: [int(n) for n in text.split(",") if n.strip()]  # noqa: E731
    parser.add_argument("--workers", type=numbers, default=[1, 2, 4])
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--annotators", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30, help="per worker count")
    parser.add_argument("--arrive", type=float, default=10, help="seconds the readers arrive over")
    parser.add_argument(
        "--article", type=float, default=0.8, help="share of readers opening the article's link"
    )
    parser.add_argument("--ramp", type=numbers, default=[25, 50, 100, 200, 500, 1000])
    parser.add_argument(
        "--database",
        action="append",
        help="sqlite (the embedded default) or postgresql+psycopg://… (dropped and created "
        "first); repeat it for several (default: sqlite)",
    )
    parser.add_argument(
        "--media-cache", type=Path, help="media copied in (and filled) to skip rendering"
    )
    parser.add_argument("--startup-timeout", type=float, default=120)
    parser.add_argument("--server-log", type=Path, help="keep the server's stderr in this file")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    args.repo, args.header = ROOT, []  # what bench_load.served reads
    args.databases = args.database or ["sqlite"]
    return args


def main() -> None:
    args = parse_args()
    reports = []
    with tempfile.TemporaryDirectory(prefix="bench-crowd-") as folder:
        log = args.server_log or Path(folder) / "server.log"
        log.write_bytes(b"")
        for database in args.databases:
            args.database = None if database == "sqlite" else database
            args.database_name = "PostgreSQL" if args.database else "SQLite"
            for workers in args.workers:
                try:
                    report = asyncio.run(combination(args, workers, Path(folder), log))
                except RuntimeError as exc:  # the server did not start or died
                    print(f"FAIL with {workers} worker(s) on {args.database_name}: {exc}")
                else:
                    reports.append(report | {"database": args.database_name})
    bad = [r for r in reports if r["5xx"] or r["timeouts"] or r["over_5s"] or r["missed"]]
    for r in reports:
        if "ramp" in r:
            fine = [s["readers"] for s in r["ramp"] if s["page_ms"]["p99"] <= PAGE_GOAL * 1000]
            print(
                f"\n{r['database']}: one worker keeps page p99 ≤ 500 ms for "
                f"{max(fine, default=0)} readers (of the ramp {args.ramp}, arriving over "
                f"{args.arrive} s)"
            )
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2))
    print(
        f"\n{'FAIL' if bad else 'PASS'}: goal = no 5xx, no timeouts, no request over 5 s, "
        "no change missing from a stream"
    )


if __name__ == "__main__":
    main()
