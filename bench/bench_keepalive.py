"""One keep-alive client against the real server with one and with several workers: do several
workers serve it as fast as one does (issue 13)?

Each server runs in a subprocess on a temporary data folder (SQLite, no demo event, so it starts
at once), on loopback; the client sends GET requests one after the other on a single HTTP/1.1
connection for `--seconds` (at most `--requests`) and reports requests per second and the
median latency. The servers:

- `sessionnav serve --workers 1` and `--workers N` (N from `--workers`, default 2);
- `uvicorn app.main:app --workers N`, uvicorn's own multi-worker start, which leaves
  TCP_NODELAY off (the figure `sessionnav serve` had before it set the option).

Run: .venv/bin/python bench/bench_keepalive.py [--path /api/v1/events] [--seconds 5]
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/events")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.1)  # polling for the port to open, with a deadline
    raise RuntimeError(f"the server did not answer within {timeout} s")


def one_client(port: int, path: str, seconds: float, limit: int) -> tuple[float, float]:
    """Requests per second and median latency (ms) on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(20):  # warm up: templates, the connection pool, each worker's first use
        connection.request("GET", path)
        connection.getresponse().read()
    latencies = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds and len(latencies) < limit:
        sent = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        latencies.append((time.perf_counter() - sent) * 1000)
    elapsed = time.perf_counter() - start
    connection.close()
    return len(latencies) / elapsed, statistics.median(latencies)


def measure(command: list[str], label: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **os.environ,
            "SESSIONNAV_DATA_DIR": folder,
            "SESSIONNAV_DEMO": "false",
            "SESSIONNAV_SECRET_KEY": "bench",
        }
        env.pop("DATABASE_URL", None)
        command = [part.replace("PORT", str(port)) for part in command]
        if command[2] == "uvicorn":  # uvicorn alone does not migrate
            migrate = [sys.executable, "-m", "app.cli", "migrate"]
            subprocess.run(migrate, env=env, check=True, stdout=subprocess.DEVNULL)
        process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=Path(__file__).resolve().parent.parent,
        )
        try:
            wait_until_up(port, process)
            rate, median = one_client(port, args.path, args.seconds, args.requests)
            print(f"{label:<40} {rate:8.0f} req/s   median {median:6.2f} ms")
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/api/v1/events")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    serve = [sys.executable, "-m", "app.cli", "serve", "--port", "PORT"]
    uvicorn = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", "PORT"]
    workers = str(args.workers)
    print(f"one keep-alive client, GET {args.path}, {args.seconds:g} s each, SQLite, loopback")
    measure([*serve, "--workers", "1"], "sessionnav serve --workers 1", args)
    measure([*serve, "--workers", workers], f"sessionnav serve --workers {workers}", args)
    measure(
        [*uvicorn, "--workers", workers, "--log-level", "warning"],
        f"uvicorn --workers {workers} (no TCP_NODELAY)",
        args,
    )


if __name__ == "__main__":
    main()
