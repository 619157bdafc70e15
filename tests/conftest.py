"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when
SESSIONNAV_TEST_DATABASE_URL names one), emptied after every test, and an app on top."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from app import models  # noqa: F401  (tables on the metadata)
from app.config import Settings
from app.db import get_engine, migrate, session_scope
from app.demo import ensure_demo_video, load_demo
from app.main import create_app

REPO = Path(__file__).resolve().parent.parent
CONFORMANCE = REPO.parent / "shared" / "conformance"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failure: PostgreSQL, browser and conformance parts must run."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("SESSIONNAV_TEST_DATABASE_URL")
    if url is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        with get_engine(url).begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate(url)
    return url


@pytest.fixture(scope="session")
def media_cache(tmp_path_factory) -> Path:
    """The demo placeholder video, rendered once per run (or reused from a cache folder)."""
    folder = Path(os.environ.get("SESSIONNAV_TEST_MEDIA_CACHE") or tmp_path_factory.mktemp("m"))
    ensure_demo_video(folder, progress=False)
    return folder


@pytest.fixture
def settings(tmp_path, database_url, media_cache) -> Settings:
    media = tmp_path / "media"
    shutil.copytree(media_cache, media, copy_function=os.link)
    return Settings(data_dir=tmp_path, database_url=database_url, secret_key="test").prepare()


@pytest.fixture
def engine(settings):
    engine = get_engine(settings.effective_database_url)
    yield engine
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A unit of work committed at the end, as a request's would be."""
    yield from session_scope(engine)


@pytest.fixture
def client(settings, engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def demo(settings, engine) -> str:
    """The demo event loaded; returns the recording's slug."""
    for session in session_scope(engine):
        load_demo(session, media_dir=settings.media_dir, progress=False)
    return "clusters-open-boundaries-2019"


@pytest.fixture
def conformance() -> Path:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance material not found at {CONFORMANCE}")
    return CONFORMANCE


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (which downloads no browser of its own)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(settings, engine) -> Iterator[str]:
    """The real app under uvicorn on a free port, as a user's browser meets it."""
    import socket
    import threading

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the test server did not start")
        threading.Event().wait(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (desktop size) whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_vtt() -> str:
    """A transcript for the round table's first minute: two-second cues with voice tags (a
    stored speaker, one the import creates), Faina Filina's demo quote across two cues, and a
    line of text that looks like markup."""
    said = {
        8420: "<v Faina Filina>We can see that we reflect most of the success factors.",
        8422: "<v Faina Filina>We need to pay particular attention to interdisciplinary "
        "cooperation to stay with the global trends, though we do have certain results there too",
        8430: "<v Ada Lovelace>&lt;script&gt;alert(1)&lt;/script&gt; is not a cluster policy.",
    }
    out = ["WEBVTT", ""]
    for start in range(8390, 8460, 2):
        if start == 8424:
            continue  # the quote's second cue, from 8422, lasts four seconds
        end = 8426 if start == 8422 else start + 2
        text = said.get(start, f"<v Ada Lovelace>Line {start} on biomedical clusters.")
        out += [f"{_vtt_time(start)} --> {_vtt_time(end)}", text, ""]
    return "\n".join(out)


def _vtt_time(seconds: int) -> str:
    return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}.000"


@pytest.fixture
def transcribed(client, demo, demo_vtt) -> str:
    """The demo recording with `demo_vtt` imported through the JSON API."""
    response = client.post(f"/api/v1/recordings/{demo}/transcript", content=demo_vtt.encode())
    assert response.status_code == 201, response.text
    return demo


def _table_rows(engine) -> dict:
    """Every row of every table, to prove a refused request changed nothing."""
    with engine.connect() as conn:
        return {
            table.name: sorted(map(tuple, conn.execute(table.select()).all()), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.fixture
def snapshot():
    return _table_rows


@pytest.fixture
def make_recording(client):
    """Makes a recording of an external video in the event "day", with the given segments
    (slug, start, end); returns its slug."""

    def make(slug: str, *, duration: float | None = 7200, segments=()) -> str:
        if client.get("/api/v1/events/day").status_code == 404:
            client.post("/api/v1/events", json={"title": "Day", "slug": "day"})
        body = {
            "event": "day",
            "slug": slug,
            "title": slug.title(),
            "media_kind": "url",
            "media_url": "https://example.org/v.mp4",
            "duration": duration,
        }
        response = client.post("/api/v1/recordings", json=body)
        assert response.status_code == 201, response.text
        for segment, start, end in segments:
            body = {"slug": segment, "title": segment.title(), "start": start, "end": end}
            response = client.post(f"/api/v1/recordings/{slug}/segments", json=body)
            assert response.status_code == 201, response.text
        return slug

    return make
