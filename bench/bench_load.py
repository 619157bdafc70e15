"""Many concurrent clients against the real server: does every request get an answer in time,
and does the service stay responsive while it is saturated?

The server is `python -m app.cli serve --workers 1` (migrations, the demo event) in a subprocess
on a temporary data folder, run from the checkout `--repo` (default: this one), on SQLite or, with
`--database`, on a PostgreSQL database that the script drops and creates first. Each scenario
runs `--clients` asyncio clients for `--seconds`, each on one HTTP/1.1 keep-alive connection
(a minimal raw-socket client, so the client costs the 2-core machine little CPU):

- list: GET /api/v1/recordings/{demo}/annotations?from=A&to=A+600, A random in [0, 23000]
  (after `--seed` annotations are created through the API so the windows hold data);
- post: POST /api/v1/recordings/{demo}/annotations, a note at a random second.

The clients send an API token of the first admin's (made with `sessionnav token create`);
the server's per-account write limit is lifted for the run.

Every request has a 30 s client timeout; no request starts after the deadline. Beside the
clients a probe opens a fresh connection every 0.5 s for GET /api/v1/recordings/{demo}; it is
answered when any HTTP response arrives within 5 s. The goal: no request waits over 5 s, no 5xx
but 503 with Retry-After, no timeouts or connection errors, the probe answered throughout.
After each scenario the script waits until the server answers the probe's GET again (it may
still be working through requests the clients gave up on) and reports how long that took, with
the error lines the server wrote to stderr meanwhile. The verdict is printed; the exit status is
0 regardless.

Run (from the repository; the first run renders the demo video, `--media-cache` keeps it):
    .venv/bin/python bench/bench_load.py --media-cache /tmp/sessionnav-media
    .venv/bin/python bench/bench_load.py --media-cache /tmp/sessionnav-media \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/bench_load \\
        --scenario post --clients 200 --seconds 30 --json /tmp/load.json
    .venv/bin/python bench/bench_load.py --repo /tmp/before   # another checkout's code
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

DEMO = "clusters-open-boundaries-2019"
DEMO_VIDEO = Path("demo") / f"{DEMO}.mp4"  # app/demo/*.json: recording.media_path
RECORDING = f"/api/v1/recordings/{DEMO}"
ANNOTATIONS = f"{RECORDING}/annotations"
TIMEOUT = 30.0  # client timeout of every request
PROBE_TIMEOUT = 10.0
PROBE_EVERY = 0.5
LIMIT = 5.0  # the goal: every answer within this many seconds
ERROR_LINE = re.compile(r"^(ERROR\b|(\w+\.)*\w*(Error|Exception|Timeout)\b)")
ROOT = Path(__file__).resolve().parent.parent
# what a failed exchange raises (TimeoutError is an OSError); ValueError: an unreadable head
FAILED = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError)
POST_NUMBERS = itertools.count(1)


class Connection:
    """One HTTP/1.1 keep-alive connection, opened on first use and after close()."""

    def __init__(self, port: int, headers: list[str]) -> None:
        self.port, self.headers = port, headers
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes | None = None
    ) -> tuple[int, dict, bytes]:
        status, headers = await self.send(method, path, body)
        content = await self.read_body(headers)
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, content

    async def send(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict]:
        """Write a request and read the answer's head; its body is the caller's to read."""
        if self.writer is None or self.reader.at_eof():  # reopen what the server has closed
            self.close()
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", *self.headers]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
        await self.writer.drain()
        return parse_head(await self.reader.readuntil(b"\r\n\r\n"))

    async def read_body(self, headers: dict) -> bytes:
        if "content-length" in headers:
            return await self.reader.readexactly(int(headers["content-length"]))
        chunks = []
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while chunk := await self.read_chunk():
                chunks.append(chunk)
            while await self.reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                pass
        return b"".join(chunks)

    async def read_chunk(self) -> bytes:
        """The next chunk of a chunked body; b"" for its end."""
        size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
        return (await self.reader.readexactly(size + 2))[:-2] if size else b""

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def parse_head(head: bytes) -> tuple[int, dict]:
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in filter(None, lines):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers


def status_class(status: int, headers: dict) -> str:
    if status == 503:
        return "503 Retry-After" if "retry-after" in headers else "503 no Retry-After"
    return {2: "2xx", 4: "4xx", 5: "other 5xx"}.get(status // 100, "other")


@dataclass
class Tally:
    """What the clients of one scenario saw; latencies in seconds, of answered requests."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # "timeout" or the exception's name
    over_limit: int = 0  # waited over LIMIT for an answer, a timeout or an error
    by_deadline: int = 0  # answered before the deadline (for req/s)


async def run_client(conn: Connection, next_request, deadline: float, tally: Tally) -> None:
    while (sent := time.monotonic()) < deadline:
        method, path, body = next_request()
        try:
            status, headers, _ = await asyncio.wait_for(conn.request(method, path, body), TIMEOUT)
        except FAILED as exc:
            conn.close()
            tally.errors["timeout" if isinstance(exc, TimeoutError) else type(exc).__name__] += 1
            if not isinstance(exc, TimeoutError):
                await asyncio.sleep(0.1)  # a refused connection must not spin the loop
        else:
            tally.latencies.append(time.monotonic() - sent)
            tally.statuses[status_class(status, headers)] += 1
            tally.by_deadline += time.monotonic() < deadline
        tally.over_limit += time.monotonic() - sent > LIMIT


async def probe_once(port: int, headers: list[str]) -> tuple[float, float | None, int | None]:
    """(sent, latency, status) of one GET on a fresh connection; None for no answer."""
    conn, sent = Connection(port, headers), time.monotonic()
    try:
        status, _, _ = await asyncio.wait_for(conn.request("GET", RECORDING), PROBE_TIMEOUT)
    except FAILED:
        return sent, None, None
    finally:
        conn.close()
    return sent, time.monotonic() - sent, status


async def run_probe(port: int, headers: list[str], deadline: float) -> list[tuple]:
    tasks = []
    while time.monotonic() < deadline:
        tasks.append(asyncio.create_task(probe_once(port, headers)))
        await asyncio.sleep(PROBE_EVERY)
    return await asyncio.gather(*tasks)


def list_request() -> tuple[str, str, None]:
    start = random.randint(0, 23000)
    return "GET", f"{ANNOTATIONS}?from={start}&to={start + 600}", None


def post_request() -> tuple[str, str, bytes]:
    start, text = round(random.uniform(0, 24000), 3), f"load {next(POST_NUMBERS)}"
    return (
        "POST",
        ANNOTATIONS,
        json.dumps({"start": start, "text": text, "tags": ["load"]}).encode(),
    )


async def seed(port: int, headers: list[str], count: int) -> None:
    """Create `count` annotations through the API on 8 connections before the list scenario."""

    async def worker(share: int) -> None:
        conn = Connection(port, headers)
        for _ in range(share):
            status, _, _ = await asyncio.wait_for(conn.request(*post_request()), TIMEOUT)
            if status != 201:
                raise RuntimeError(f"seeding an annotation answered {status}")
        conn.close()

    await asyncio.gather(*(worker(count // 8 + (i < count % 8)) for i in range(8)))


async def run_scenario(port: int, args: argparse.Namespace, next_request) -> tuple[Tally, list]:
    tally = Tally()
    deadline = time.monotonic() + args.seconds
    conns = [Connection(port, args.header) for _ in range(args.clients)]
    probe = asyncio.create_task(run_probe(port, args.header, deadline))
    await asyncio.gather(*(run_client(c, next_request, deadline, tally) for c in conns))
    for conn in conns:
        conn.close()
    return tally, await probe


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values (0 when there are none)."""
    return values[max(0, math.ceil(p * len(values)) - 1)] if values else 0.0


def longest_gap(probes: list[tuple], seconds: float) -> float:
    """Longest time without an answered probe (a response within LIMIT), start to deadline."""
    start = probes[0][0] if probes else 0.0
    answered = sorted(s + lat for s, lat, _ in probes if lat is not None and lat <= LIMIT)
    times = [start, *answered, start + seconds]
    return max(b - a for a, b in itertools.pairwise(times))


def server_errors(log: Path, offset: int) -> dict[str, int]:
    """Distinct error lines the server wrote to stderr since `offset`, with their counts."""
    with log.open("rb") as f:
        f.seek(offset)
        lines = f.read().decode(errors="replace").splitlines()
    return dict(Counter(line.strip() for line in lines if ERROR_LINE.match(line)).most_common())


def summarise(name: str, args, tally: Tally, probes: list, errors: dict) -> dict:
    lat = sorted(tally.latencies)
    answered = [p for p in probes if p[1] is not None and p[1] <= LIMIT]
    probe_max = max((p[1] for p in probes if p[1] is not None), default=0.0)
    report = {
        "scenario": name,
        "clients": args.clients,
        "seconds": args.seconds,
        "completed": len(lat),
        "req_per_s": round(tally.by_deadline / args.seconds, 1),
        "status": dict(tally.statuses),
        "timeouts": tally.errors["timeout"],
        "connection_errors": {k: v for k, v in tally.errors.items() if k != "timeout"},
        "latency_ms": {
            name: round(percentile(lat, p) * 1000, 1)
            for name, p in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))
        },
        "over_5s": tally.over_limit,
        "probe": {
            "answered": len(answered),
            "total": len(probes),
            "max_ms": round(probe_max * 1000, 1),
            "longest_gap_s": round(longest_gap(probes, args.seconds), 2),
        },
        "server_errors": errors,
    }
    report["failures"] = failures(report)
    return report


def failures(r: dict) -> list[str]:
    bad_5xx = sum(v for k, v in r["status"].items() if k in ("503 no Retry-After", "other 5xx"))
    found = [
        f"{r['over_5s']} requests waited over 5 s" if r["over_5s"] else "",
        f"{bad_5xx} 5xx without Retry-After" if bad_5xx else "",
        f"{r['timeouts']} timeouts" if r["timeouts"] else "",
        f"{sum(r['connection_errors'].values())} connection errors"
        if r["connection_errors"]
        else "",
        f"probe answered {r['probe']['answered']}/{r['probe']['total']}"
        if r["probe"]["answered"] < r["probe"]["total"]
        else "",
    ]
    return [f for f in found if f]


def print_report(r: dict, database: str) -> None:
    lat, probe = r["latency_ms"], r["probe"]
    print(f"\n== {r['scenario']}: {r['clients']} clients, {r['seconds']} s, {database} ==")
    print(f"  requests completed  {r['completed']} ({r['req_per_s']} req/s by the deadline)")
    print("  status              " + (", ".join(f"{k} {v}" for k, v in r["status"].items()) or "-"))
    errors = ", ".join(f"{k} {v}" for k, v in r["connection_errors"].items()) or "0"
    print(f"  timeouts            {r['timeouts']}; connection errors {errors}")
    print("  latency ms          " + ", ".join(f"{k} {v}" for k, v in lat.items()))
    print(f"  waited over 5 s     {r['over_5s']}")
    print(
        f"  probe               {probe['answered']}/{probe['total']} answered within 5 s, "
        f"max {probe['max_ms']} ms, longest gap without an answer {probe['longest_gap_s']} s"
    )
    print(f"  answering again     {r['recovered_after_s']} s after the last client finished")
    print(f"  server error lines  {sum(r['server_errors'].values())} (until answering again)")
    for line, count in r["server_errors"].items():
        print(f"    {count:>6} x {line[:150]}")
    print(
        f"  verdict             {'FAIL: ' + '; '.join(r['failures']) if r['failures'] else 'PASS'}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(url: str) -> None:
    """Drop and create the database named in `url` through the `postgres` maintenance one."""
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def server_env(data: Path, repo: Path, database: str | None) -> dict[str, str]:
    """The server's environment. Its write limit is lifted: the clients all write as one
    account, and this measures the service's capacity, not its per-account limit."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SESSIONNAV_DATA_DIR": str(data), "SESSIONNAV_DEMO": "true", "PYTHONPATH": str(repo)}
    env["SESSIONNAV_WRITE_LIMIT"] = "1000000/minute"
    if database:
        env["DATABASE_URL"] = database
    return env


def app_location(repo: Path, env: dict[str, str]) -> str:
    """Where the server's interpreter imports `app` from (checks that --repo is honoured)."""
    command = [sys.executable, "-c", "import app; print(app.__file__)"]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True).stdout


def start_server(
    repo: Path, env: dict[str, str], port: int, log: Path, workers: int = 1
) -> subprocess.Popen:
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)]
    with log.open("ab") as stderr:
        return subprocess.Popen(
            command, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )


def api_token(repo: Path, env: dict[str, str]) -> list[str]:
    """An API token for the first admin (`sessionnav token create`) as a header, so the
    clients may write; none for a checkout from before accounts."""
    command = [sys.executable, "-m", "app.cli", "token", "create", "admin", "--name", "bench"]
    made = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True)
    if made.returncode != 0:
        return []
    return [f"Authorization: Bearer {made.stdout.split()[-1]}"]


async def wait_ready(
    server: subprocess.Popen, port: int, headers: list[str], seconds: float
) -> float:
    """Poll the demo recording until it answers 200 (the server must not exit meanwhile);
    returns the seconds that took."""
    started = time.monotonic()
    while time.monotonic() < started + seconds:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        _, _, status = await probe_once(port, headers)
        if status == 200:
            return time.monotonic() - started
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the server was not ready within {seconds} s")


@contextlib.asynccontextmanager
async def served(
    args: argparse.Namespace, data: Path, log: Path, workers: int = 1
) -> AsyncIterator[tuple[subprocess.Popen, int, list[str]]]:
    """The server on a fresh `data` folder (and database: `args.database` is dropped and
    created), ready: (its process, its port, `args.header` with an admin's API token).
    `args.media_cache` is copied in first and filled after the first start."""
    env = server_env(data, args.repo, args.database)
    print(f"serving {app_location(args.repo, env).strip()}; server stderr in {log}")
    if args.database:
        recreate_database(args.database)
    if args.media_cache and args.media_cache.is_dir():
        shutil.copytree(args.media_cache, data / "media", copy_function=link_or_copy)
    port = free_port()
    server = start_server(args.repo, env, port, log, workers)
    try:
        ready = await wait_ready(server, port, args.header, args.startup_timeout)
        print(f"server ({workers} worker(s)) answering on port {port} after {ready:.1f} s")
        headers = args.header + api_token(args.repo, env)
        if args.media_cache and not (args.media_cache / DEMO_VIDEO).exists():
            shutil.copytree(
                data / "media", args.media_cache, copy_function=link_or_copy, dirs_exist_ok=True
            )
        yield server, port, headers
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def bench(args: argparse.Namespace, data: Path, log: Path) -> list[dict]:
    async with served(args, data, log) as (server, port, headers):
        args.header = headers
        reports = []
        for name in ("list", "post") if args.scenario == "both" else (args.scenario,):
            if name == "list" and args.seed:
                await seed(port, args.header, args.seed)
                print(f"seeded {args.seed} annotations")
            offset = log.stat().st_size
            next_request = list_request if name == "list" else post_request
            tally, probes = await run_scenario(port, args, next_request)
            # the server may still work through requests the clients gave up on
            recovery = await wait_ready(server, port, args.header, args.recovery_timeout)
            report = summarise(name, args, tally, probes, server_errors(log, offset))
            report["recovered_after_s"] = round(recovery, 1)
            print_report(report, "PostgreSQL" if args.database else "SQLite")
            reports.append(report)
        return reports


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=("list", "post", "both"), default="both")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=2000, help="annotations before `list`")
    parser.add_argument("--database", help="postgresql+psycopg://… (dropped and recreated)")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout whose app to serve")
    parser.add_argument(
        "--media-cache", type=Path, help="media copied in (and filled) to skip rendering"
    )
    parser.add_argument(
        "--header", action="append", default=[], help="'Name: value' on every request"
    )
    parser.add_argument("--startup-timeout", type=float, default=120)
    parser.add_argument(
        "--recovery-timeout", type=float, default=600, help="after a scenario, for a 200 again"
    )
    parser.add_argument("--server-log", type=Path, help="keep the server's stderr in this file")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    args.repo = args.repo.resolve()
    return args


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        log = args.server_log or Path(folder) / "server.log"
        log.write_bytes(b"")
        try:
            reports = asyncio.run(bench(args, Path(folder) / "data", log))
        except KeyboardInterrupt:
            print("interrupted; the server was stopped")
            return
        except RuntimeError as exc:  # the server did not start, died or never recovered
            print(f"FAIL: {exc}")
            return
    passed = all(not r["failures"] for r in reports)
    if args.json:
        database = "postgresql" if args.database else "sqlite"
        result = {
            "database": database,
            "repo": str(args.repo),
            "pass": passed,
            "scenarios": reports,
        }
        args.json.write_text(json.dumps(result, indent=2))
    print(
        f"\n{'PASS' if passed else 'FAIL'}: goal = no request over 5 s, no 5xx but 503 with "
        "Retry-After, no timeouts or connection errors, probe answered throughout"
    )


if __name__ == "__main__":
    main()
