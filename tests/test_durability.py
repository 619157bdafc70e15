"""No acknowledged annotation is lost when concurrent writers meet a killed server process."""

import signal
import threading

import httpx2 as httpx
import pytest

WRITERS = 4
ACKNOWLEDGED_BEFORE_KILL = 60
pytestmark = pytest.mark.live  # the server is another process: the demo must be committed


def test_acknowledged_annotations_survive_a_killed_server(serve, demo, tokens):
    url, server = serve()
    member = {"Authorization": f"Bearer {tokens['member']}"}
    base = f"{url}/api/v1"
    acknowledged: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()
    enough = threading.Event()  # set once the writers are well under way

    def writer(n: int) -> None:
        with httpx.Client(timeout=5, headers=member) as client:
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

    serve(int(url.rsplit(":", 1)[1]))  # the same address again
    stored = set()
    cursor = None
    while True:
        params = {"limit": 500, "kind": "note", **({"cursor": cursor} if cursor else {})}
        page = httpx.get(f"{base}/recordings/{demo}/annotations", params=params).json()
        stored |= {a["id"] for a in page["items"]}
        if not (cursor := page["next"]):
            break
    assert set(acknowledged) <= stored
