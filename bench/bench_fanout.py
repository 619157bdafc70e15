"""What one worker spends to hand each change to every open live-updates stream (PRODUCT §6e,
app/live.py and app/web/live.py): the server's CPU seconds per 1,000 events delivered, and
how long an event takes from the write's answer to a reader. Run by hand, never in the suite.

The server (`sessionnav serve --workers 1`, started by bench_load.served on a fresh temporary
SQLite database with the demo event) first gets `--changes` notes POSTed through the API at
`--rate` a second with no stream open, which gives the writes' own CPU cost. Then `--streams`
streams open on /r/{demo}/live (`--signed-in` of them with the admin's API token, who owns
the notes and so hears them without html; the others as readers not signed in, who get the
rendered entry) and the same writes are made again. The fan-out's cost is the CPU the second
round took beyond the first, per 1,000 events the streams received. Each note is a new
annotation, so each event names the one write it belongs to; its delay is from that write's
answer to a reader seeing it (0 when the event came first).

The readers are one asyncio process of bare protocols that only look for each event's
annotation id: on the 2-core machine they still compete with the server for CPU.

Run (from the repository; `--media-cache` as in bench_load.py):
    .venv/bin/python bench/bench_fanout.py
    .venv/bin/python bench/bench_fanout.py --streams 200 --changes 100 --rate 20
    .venv/bin/python bench/bench_fanout.py --profile /tmp/fanout.prof   # cProfile the server
    .venv/bin/python bench/bench_fanout.py --repo /tmp/before   # another checkout's code
"""

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_load
from bench_load import ANNOTATIONS, DEMO, ROOT, Connection, percentile, served

GRACE = 15.0  # s the readers may take to hear of the last write
EVENT = re.compile(rb'"id": (\d+)[,}]')  # the first key of every event's data
TAIL = 64  # bytes kept between two reads: an event's id split between them


class Reader(asyncio.Protocol):
    """One stream, read raw: when each annotation's event arrived."""

    def __init__(self, path: str, headers: list[str]) -> None:
        self.request = "\r\n".join([f"GET {path} HTTP/1.1", "Host: bench", *headers, "", ""])
        self.heard: dict[int, float] = {}
        self.buffer = b""
        self.listening = asyncio.get_running_loop().create_future()
        self.reloads = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request.encode())

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        buffer = self.buffer + data
        if not self.listening.done():
            if buffer.startswith(b"HTTP/") and b" 200 " not in buffer[:16]:
                self.listening.set_exception(RuntimeError(buffer[:200].decode(errors="replace")))
                return
            if b": listening" in buffer:
                self.listening.set_result(now)
        end = 0
        for found in EVENT.finditer(buffer):
            self.heard.setdefault(int(found[1]), now)
            end = found.end()
        self.reloads += buffer.count(b"event: reload")
        self.buffer = buffer[max(end, len(buffer) - TAIL) :]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.listening.done():
            self.listening.set_exception(RuntimeError("the stream closed before it listened"))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` (and its waited-for children) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


async def write_notes(port: int, headers: list[str], count: int, rate: float) -> dict[int, float]:
    """POST `count` notes at `rate` a second on 4 connections: {annotation id: answered at}."""
    answered: dict[int, float] = {}
    start = time.monotonic()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(count):
        queue.put_nowait(n)

    async def writer() -> None:
        conn = Connection(port, headers)
        while not queue.empty():
            n = queue.get_nowait()
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
            note = {"start": round(n * 7.3 % 24000, 1), "text": f"fan-out {n}", "tags": ["fan"]}
            status, _, body = await conn.request("POST", ANNOTATIONS, json.dumps(note).encode())
            if status != 201:
                raise RuntimeError(f"a write answered {status}: {body[:200]!r}")
            answered[json.loads(body)["id"]] = time.monotonic()
        conn.close()

    await asyncio.gather(*(writer() for _ in range(4)))
    return answered


async def open_streams(port: int, count: int, signed_in: int, token: list[str]) -> list[Reader]:
    loop = asyncio.get_running_loop()
    path = f"/r/{DEMO}/live"
    readers = [Reader(path, token if i < signed_in else []) for i in range(count)]
    for chunk in range(0, count, 50):  # not all at once: the listen backlog
        opened = readers[chunk : chunk + 50]
        await asyncio.gather(
            *(loop.create_connection(lambda r=r: r, "127.0.0.1", port) for r in opened)
        )
        await asyncio.gather(*(r.listening for r in opened))
    return readers


async def run(args: argparse.Namespace, folder: Path) -> dict:
    log = Path(folder) / "server.log"
    async with served(args, Path(folder) / "data", log) as (server, port, headers):
        token = [h for h in headers if h.startswith("Authorization")]
        await write_notes(port, headers, 10, 50)  # warm up: imports, templates, caches
        before = cpu_seconds(server.pid)
        await write_notes(port, headers, args.changes, args.rate)
        writes_cpu = cpu_seconds(server.pid) - before

        readers = await open_streams(port, args.streams, args.signed_in, token)
        await asyncio.sleep(1.0)  # the stream openings' own work done
        before, started = cpu_seconds(server.pid), time.monotonic()
        answered = await write_notes(port, headers, args.changes, args.rate)
        due = len(answered) * len(readers)
        deadline = time.monotonic() + GRACE
        while sum(len(r.heard) for r in readers) < due and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        fanout_cpu = cpu_seconds(server.pid) - before
        elapsed = time.monotonic() - started
        for r in readers:
            r.transport.close()
        await asyncio.sleep(0.5)

    delays = sorted(
        max(0.0, at - answered[a]) for r in readers for a, at in r.heard.items() if a in answered
    )
    events = len(delays)
    return {
        "streams": len(readers),
        "signed_in": args.signed_in,
        "changes": len(answered),
        "rate": args.rate,
        "events": events,
        "missed": due - events,
        "reloads": sum(r.reloads for r in readers),
        "seconds": round(elapsed, 2),
        "cpu_writes_alone_s": round(writes_cpu, 2),
        "cpu_with_streams_s": round(fanout_cpu, 2),
        "cpu_s_per_1000_events": round((fanout_cpu - writes_cpu) / events * 1000, 3)
        if events
        else None,
        "delay_ms": {
            "p50": round(percentile(delays, 0.5) * 1000, 1),
            "p99": round(percentile(delays, 0.99) * 1000, 1),
            "max": round(percentile(delays, 1.0) * 1000, 1),
        },
    }


def profiled(profile: Path):
    """bench_load.start_server, but the server runs under cProfile (written when it stops)."""

    def start_server(repo, env, port, log, workers=1) -> subprocess.Popen:
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "app.cli"]
        command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
        with log.open("ab") as stderr:
            return subprocess.Popen(
                command, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=stderr
            )

    return start_server


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--signed-in", type=int, default=50, help="of the streams")
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10, help="changes a second")
    parser.add_argument(
        "--media-cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "sessionnav-media",
        help="media copied in (and filled) to skip rendering the demo video",
    )
    parser.add_argument("--startup-timeout", type=float, default=120)
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--profile", type=Path, help="cProfile the server into this file")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    args.header, args.database = [], None  # what bench_load.served reads besides --repo
    return args


def main() -> None:
    args = parse_args()
    if args.profile:
        bench_load.start_server = profiled(args.profile.resolve())
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as folder:
        report = asyncio.run(run(args, Path(folder)))
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
