"""Memory of the real server during a streamed ~200 MB upload (PRODUCT §8: memory must not
grow with file size).

The test file is a real 60-second H.264/MP4 placeholder followed by one large top-level ISO BMFF
`free` box of random bytes (a box every MP4 reader skips by definition), so PyAV probes it as
the 60-second video it is while the file weighs what a long recording does. The server is
`uvicorn app.main:app` in a subprocess on a temporary data folder and SQLite database; the
client streams the multipart body from disk with httpx, so neither side holds the file.
RSS comes from /proc/PID/status: VmRSS sampled every 10 ms, and VmHWM (the kernel's exact peak)
after resetting it through /proc/PID/clear_refs when allowed.

Run: .venv/bin/python bench/bench_upload.py [size_mb]
"""

import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

from app.db import migrate
from app.video import probe, render_placeholder

ROOT = Path(__file__).resolve().parent.parent
BOUNDARY = "bench-boundary-7d1f"


def make_video(path: Path, size: int) -> None:
    """A probe-able MP4 of `size` bytes: the placeholder plus a 64-bit-sized `free` box."""
    render_placeholder(path, 60, progress=False)
    padding = size - path.stat().st_size - 16
    chunk = os.urandom(1024 * 1024)
    with path.open("ab") as f:
        f.write(struct.pack(">I4sQ", 1, b"free", padding + 16))
        while padding > 0:
            padding -= f.write(chunk[: min(padding, len(chunk))])


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def reset_peak(pid: int) -> bool:
    """Make VmHWM start again from the current RSS (Linux >= 4.0, needs ptrace rights)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def multipart(fields: dict[str, str], path: Path) -> tuple[bytes, bytes, int]:
    head = b""
    for name, value in fields.items():
        head += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        head += value.encode() + b"\r\n"
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head, tail, len(head) + path.stat().st_size + len(tail)


def upload(base: str, path: Path, title: str) -> httpx.Response:
    """POST the file as multipart, read from disk 1 MiB at a time (never whole in memory)."""
    head, tail, length = multipart({"event": "bench", "title": title}, path)

    def body():
        yield head
        with path.open("rb") as f:
            while chunk := f.read(1024 * 1024):
                yield chunk
        yield tail

    headers = {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        "Content-Length": str(length),
    }
    return httpx.post(
        f"{base}/api/v1/recordings/upload", content=body(), headers=headers, timeout=600
    )


class Sampler(threading.Thread):
    """Polls the server's RSS while the upload runs, keeping the highest value seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.01)


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "SESSIONNAV_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'bench.db'}",
        "SESSIONNAV_DEMO": "false",
    }
    data.mkdir(parents=True, exist_ok=True)
    migrate(env["DATABASE_URL"])
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
    command += ["--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(f"{base}/api/v1/events", timeout=1)
            return server, base
        except httpx.TransportError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("the server did not start")


def main() -> None:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        video = data / "big.mp4"
        start = time.perf_counter()
        make_video(video, size_mb * 10**6)
        info = probe(video)
        print(
            f"test file: {video.stat().st_size / 1e6:.1f} MB, probes as {info.duration} s "
            f"{info.width}x{info.height} {info.mime_type} "
            f"(made in {time.perf_counter() - start:.1f} s)"
        )
        small = data / "small.mp4"
        render_placeholder(small, 20, progress=False)

        server, base = start_server(data / "server")
        try:
            httpx.post(f"{base}/api/v1/events", json={"slug": "bench", "title": "Bench"})
            started = rss_kib(server.pid)
            warm = upload(base, small, "Warm-up")  # loads PyAV and the thread pool first
            assert warm.status_code == 201, warm.text
            before = rss_kib(server.pid)
            exact = reset_peak(server.pid)
            sampler = Sampler(server.pid)
            sampler.start()
            t0 = time.perf_counter()
            response = upload(base, video, "Big upload")
            seconds = time.perf_counter() - t0
            sampler.done.set()
            sampler.join()
            after = rss_kib(server.pid)
            peak = max(sampler.peak, rss_kib(server.pid, "VmHWM") if exact else 0)
        finally:
            server.terminate()
            server.wait(timeout=10)
        assert response.status_code == 201, response.text
        stored = data / "server" / "media" / response.json()["media_src"].removeprefix("/media/")
        print(
            f"upload: {response.status_code} in {seconds:.2f} s "
            f"({size_mb / seconds:.0f} MB/s); stored {stored.stat().st_size / 1e6:.1f} MB, "
            f"duration {response.json()['duration']} s"
        )
        print(
            f"server RSS at start {started / 1024:.1f} MiB, after warm-up {before / 1024:.1f} "
            f"MiB, peak during upload {peak / 1024:.1f} MiB, after {after / 1024:.1f} MiB"
        )
        print(
            f"growth during the {size_mb} MB upload: {(peak - before) / 1024:.1f} MiB "
            f"(peak {'exact, VmHWM' if exact else 'sampled every 10 ms'}; target < 50 MB)"
        )


if __name__ == "__main__":
    main()
