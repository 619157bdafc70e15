"""No acknowledged annotation is lost when concurrent writers meet a killed server process."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx2 as httpx
import pytest

WRITERS = 4
ACKNOWLEDGED_BEFORE_KILL = 60
pytestmark = pytest.mark.live  # the server is another process: the demo must be committed


def start_server(settings, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": settings.effective_database_url,
        "SESSIONNAV_DATA_DIR": str(settings.data_dir),
        "SESSIONNAV_SECRET_KEY": "test",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/events", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("the server did not start")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_acknowledged_annotations_survive_a_killed_server(settings, demo):
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    server = start_server(settings, port)
    acknowledged: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()
    enough = threading.Event()  # set once the writers are well under way

    def writer(n: int) -> None:
        with httpx.Client(timeout=5) as client:
            for i in range(10_000):
                if stop.is_set():
                    return
                body = {"start": (n * 1000 + i) % 24000, "text": f"writer {n} note {i}"}
                try:
                    response = client.post(f"{base}/recordings/{demo}/annotations", json=body)
                except httpx.TransportError:
                    return  # the server died mid-request: not acknowledged
                if response.status_code == 201:
                    with lock:
                        acknowledged.append(response.json()["id"])
                        if len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
                            enough.set()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    assert enough.wait(timeout=60), f"only {len(acknowledged)} writes were acknowledged"
    server.send_signal(signal.SIGKILL)
    server.wait()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(acknowledged) > 20, "the writers barely wrote: the test proves nothing"

    server = start_server(settings, port)
    try:
        stored = set()
        cursor = None
        while True:
            params = {"limit": 500, "kind": "note", **({"cursor": cursor} if cursor else {})}
            page = httpx.get(f"{base}/recordings/{demo}/annotations", params=params).json()
            stored |= {a["id"] for a in page["items"]}
            if not (cursor := page["next"]):
                break
        assert set(acknowledged) <= stored
    finally:
        server.kill()
        server.wait()
