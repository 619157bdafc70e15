"""Measure the navigator page (PRODUCT §8): its own HTML+CSS+JS weight before compression, and
server time (median / p95) over N requests with the demo event loaded on SQLite.

Run: .venv/bin/python bench/bench_page.py [requests] [extra_annotations] [transcript_cues]

With `transcript_cues` the recording gets a synthetic transcript of that many 4-second cues
(voiced by two speakers), so the weight includes the transcript window the page renders.

Server time is measured inside the ASGI app, from the request's arrival to the last byte of
the response (routing, queries, template); the round trip through Starlette's TestClient,
which adds its own thread hops, is reported beside it.
"""

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import Database, migrate
from app.main import create_app
from app.models import Annotation, Recording
from app.services import transcripts
from app.services.demo import load_demo

DEMO = "clusters-open-boundaries-2019"
PAGE = f"/r/{DEMO}?t=2h32m30s"
IMPORT = re.compile(r"""^import[^"']*["'](\./[^"']+)["']""", re.M)


def _assets(client: TestClient, html: str) -> dict[str, int]:
    """The page's own stylesheets and scripts, following ES module imports."""
    found = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    scripts = re.findall(r'<script type="module" src="([^"]+)"', html)
    sizes: dict[str, int] = {}
    for url in found:
        sizes[url] = len(client.get(url).content)
    while scripts:
        url = scripts.pop()
        if url in sizes:
            continue
        body = client.get(url).text
        sizes[url] = len(body.encode())
        base = url.rsplit("/", 1)[0]
        scripts += [f"{base}/{name[2:]}" for name in IMPORT.findall(body)]
    return sizes


class Timed:
    """ASGI wrapper recording each request's time from arrival to the last body byte."""

    def __init__(self, app) -> None:
        self.app, self.times = app, []

    async def __call__(self, scope, receive, send) -> None:
        start = time.perf_counter()

        async def timed_send(message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times.append((time.perf_counter() - start) * 1000)

        await self.app(scope, receive, timed_send)


def _stats(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[int(0.95 * len(times)) - 1]
    return f"median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, min {times[0]:.2f} ms"


def _add_annotations(session: Session, count: int) -> None:
    recording = session.query(Recording).filter_by(slug=DEMO).one()
    step = recording.duration / (count + 1)
    session.add_all(
        Annotation(recording_id=recording.id, kind="note", start=round(i * step, 3), text=f"n{i}")
        for i in range(1, count + 1)
    )


def _add_transcript(session: Session, count: int) -> None:
    recording = session.query(Recording).filter_by(slug=DEMO).one()
    step = recording.duration / (count + 1)
    cues = ["WEBVTT", ""]
    for i in range(count):
        start = round(i * step, 3)
        voice = ("Evgeniy Kutsenko", "Ada Lovelace")[i % 2]
        cues += [
            f"{_clock(start)} --> {_clock(start + min(4, step))}",
            f"<v {voice}>Line {i}: clusters need patient capital and regional support.",
            "",
        ]
    transcripts.import_transcript(session, recording=recording, text="\n".join(cues))


def _clock(seconds: float) -> str:
    whole, ms = divmod(round(seconds * 1000), 1000)
    return f"{whole // 3600:02}:{whole // 60 % 60:02}:{whole % 60:02}.{ms:03}"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    extra = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    cues = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), secret_key="bench").prepare()
        url = settings.effective_database_url
        migrate(url)
        with Database(url).unit_of_work() as session:
            load_demo(session, media_dir=settings.media_dir, progress=False)
            if extra:
                _add_annotations(session, extra)
            if cues:
                _add_transcript(session, cues)
        app = Timed(create_app(settings))
        with TestClient(app) as client:
            html = client.get(PAGE)
            assert html.status_code == 200, html.text
            assets = _assets(client, html.text)
            for _ in range(20):  # warm up caches, templates, the connection pool
                client.get(PAGE)
            app.times.clear()
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                response = client.get(PAGE)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
    weight = len(html.content) + sum(assets.values())
    print(f"page {PAGE} with the demo event (+{extra} annotations, {cues} cues), SQLite")
    print(f"  HTML {len(html.content) / 1024:.1f} KB")
    for url, size in sorted(assets.items()):
        print(f"  {url.split('/static/')[-1]:<20} {size / 1024:.1f} KB")
    print(f"  total {weight / 1024:.1f} KB before compression (budget 100 KB)")
    print(f"server time over {runs} requests: {_stats(app.times)}")
    print(f"round trip through TestClient:   {_stats(times)}")


if __name__ == "__main__":
    main()
