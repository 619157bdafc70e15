"""Shared fixtures.

Each xdist worker has its own database, made by running the migrations: a SQLite file, or a
PostgreSQL database named after the worker when SESSIONNAV_TEST_DATABASE_URL names a server.
A test runs in a transaction that is rolled back at its end: the app's units of work become
savepoints inside it. Tests marked `live` (browser tests, a killed server) need other
connections to see their data, so they commit for real and the tables are emptied after.
"""

import functools
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, make_url, text
from sqlmodel import SQLModel

from app import models  # noqa: F401  (tables on the metadata)
from app.config import Settings
from app.db import Database, Session, get_engine, migrate
from app.http.auth import SESSION_COOKIE
from app.http.limits import Limits
from app.http.page_cache import PageCache
from app.http.transaction import Admission
from app.main import create_app
from app.models import ApiToken, Role
from app.services import accounts
from app.services.demo import ensure_demo_video, load_demo

REPO = Path(__file__).resolve().parent.parent
CONFORMANCE = REPO.parent / "shared" / "conformance"
CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI") == "true"  # the same test as scripts/test's
DIALECTS = {"sqlite_only": "sqlite", "postgresql_only": "postgresql"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failure: PostgreSQL, browser and conformance parts must run."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


def _test_url() -> str:
    return os.environ.get("SESSIONNAV_TEST_DATABASE_URL", "sqlite://")


def pytest_collection_modifyitems(config, items):
    """Tests about one database only run on that one: on the other they are deselected (not
    skipped, which CI would count as a failure)."""
    dialect = make_url(_test_url()).get_backend_name()
    keep, drop = [], []
    for item in items:
        wanted = {DIALECTS[m.name] for m in item.iter_markers() if m.name in DIALECTS}
        (drop if wanted and dialect not in wanted else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    """This worker's own database, migrated."""
    base = make_url(_test_url())
    if base.get_backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        name = f"{base.database}_{worker_id}"
        maintenance = get_engine(base.set(database="postgres").render_as_string(False))
        with maintenance.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    migrate(url)
    _seed_accounts(url)
    return url


@pytest.fixture(scope="session")
def media_cache(tmp_path_factory) -> Path:
    """The demo placeholder video, rendered once per run (or reused from a cache folder)."""
    folder = Path(os.environ.get("SESSIONNAV_TEST_MEDIA_CACHE") or tmp_path_factory.mktemp("m"))
    ensure_demo_video(folder, progress=False)
    return folder


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory, media_cache) -> Path:
    """This worker's data folder: the demo video linked in; each test leaves it as it was."""
    folder = tmp_path_factory.mktemp("data")
    shutil.copytree(media_cache, folder / "media", copy_function=os.link)
    return folder


def _tidy(data_dir: Path, media_cache: Path) -> None:
    """Put the data folder back as it was: remove what a test added (uploads, files it
    wrote), link again what it removed (the demo video, when a test deleted its recording)."""
    keep = {data_dir / "media", *(data_dir / "media" / p.name for p in media_cache.iterdir())}
    for path in [*data_dir.iterdir(), *(data_dir / "media").iterdir()]:
        if path not in keep:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for original in media_cache.iterdir():
        if not (copy := data_dir / "media" / original.name).exists():
            os.link(original, copy)


@pytest.fixture
def settings(data_dir, database_url, media_cache) -> Iterator[Settings]:
    yield Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key="test",
        write_limit="10000/minute",  # tests write fast; test_accounts.py checks the limit
        page_stale_seconds=0,  # a kept page is current: test_page_cache.py checks staleness
    ).prepare()
    _tidy(data_dir, media_cache)


@pytest.fixture(scope="session")
def shared_app(data_dir, database_url):
    """One app per worker: building an app's routes costs more than most tests, so `client`
    gives each test this one with the test's settings, database and admission."""
    base = Settings(data_dir=data_dir, database_url=database_url, secret_key="test")
    return create_app(base.prepare(), Database(database_url))


# The accounts every worker's database holds (committed once, like data a site starts with):
# username -> role. Passwords are PASSWORD; each has an API token TOKENS[username].
ACCOUNTS = {"admin": Role.admin, "editor": Role.editor, "member": Role.member, "other": Role.member}
PASSWORD = "correct horse battery staple"
TOKENS = {name: f"snav_test_{name}_token" for name in ACCOUNTS}


@pytest.fixture
def tokens() -> dict[str, str]:
    """The seeded accounts' API tokens, by username."""
    return TOKENS


def _check_security_headers(response) -> None:
    """The headers every answer carries (app/http/headers.py): a CSP allowing no inline or
    eval'd script, no framing but for the embed page, nosniff, a Referrer-Policy."""
    headers, path = response.headers, response.request.url.path
    directives = headers["content-security-policy"].split("; ")
    csp = dict(directive.partition(" ")[::2] for directive in directives)
    assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'self'"
    if path.startswith("/embed/"):
        assert csp["frame-ancestors"] == "*" and "x-frame-options" not in headers
    else:
        assert csp["frame-ancestors"] == "'none'" and headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert ("strict-transport-security" in headers) == (response.request.url.scheme == "https")


@pytest.fixture
def security_headers():
    return _check_security_headers


@pytest.fixture
def password() -> str:
    """Every seeded account's password."""
    return PASSWORD


@functools.cache
def _password_hash() -> str:
    """PASSWORD hashed once per process: argon2 is slow on purpose."""
    return accounts.PASSWORDS.hash(PASSWORD)


def _seed_accounts(url: str) -> None:
    with Database(url).unit_of_work() as session:
        for name, role in ACCOUNTS.items():
            user = accounts.create_user(session, username=name, password=None, role=role)
            user.password_hash = _password_hash()
            session.add(
                ApiToken(token_hash=accounts.digest(TOKENS[name]), prefix=name, user_id=user.id)
            )


def _content_tables() -> list:
    """The tables a live test empties: all but the content version's (migration 0009 made
    its one row, which the app raises and never makes)."""
    return [t for t in SQLModel.metadata.sorted_tables if t.name != "content_version"]


def _empty(engine, url: str) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in _content_tables())
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(_content_tables()):
                conn.execute(table.delete())
    _seed_accounts(url)


@pytest.fixture
def connection(request, database_url) -> Iterator[Connection]:
    """The test's own connection, in a transaction rolled back at the end (for live tests it
    only reads what was committed)."""
    engine = get_engine(database_url)
    with engine.connect() as conn:
        if request.node.get_closest_marker("live"):
            yield conn
            conn.rollback()
            _empty(engine, database_url)
        else:
            transaction = conn.begin()
            yield conn
            transaction.rollback()


@pytest.fixture
def database(request, database_url, connection) -> Database:
    if request.node.get_closest_marker("live"):
        return Database(database_url)
    return Database(database_url, bind=connection)


@pytest.fixture
def session(database) -> Iterator[Session]:
    """A unit of work committed at the end, as a request's would be."""
    with database.unit_of_work() as session:
        yield session


@pytest.fixture
def clients(shared_app, settings, database):
    """Makes test clients of the worker's app, set up for this test: `clients("member")` is
    a script with that account's API token, `clients()` an anonymous browser."""
    shared_app.state.settings, shared_app.state.db = settings, database
    shared_app.state.admission = Admission(
        slots=database.pool_size, single_writer=database.dialect == "sqlite", wait=3.0
    )
    shared_app.state.limits = Limits.from_settings(settings)
    shared_app.state.pages = PageCache(stale_seconds=settings.page_stale_seconds)
    opened = []

    def make(account: str | None = None) -> TestClient:
        headers = {"Authorization": f"Bearer {TOKENS[account]}"} if account else {}
        client = TestClient(shared_app, headers=headers)
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(clients) -> TestClient:
    """An editor's script (API token): what most tests drive."""
    return clients("editor")


@pytest.fixture
def anonymous(clients) -> TestClient:
    """A browser nobody has signed in with."""
    return clients()


@pytest.fixture
def browser_as(clients, database):
    """A browser signed in as `account`: its session cookie, and the CSRF token its pages
    give (returned as (client, csrf token)). The session is started as /login starts one,
    without the form's deliberately slow password check (test_accounts.py tests the form)."""

    def sign_in(account: str) -> tuple[TestClient, str]:
        with database.unit_of_work() as session:
            user = accounts.get(session, username=account)
            secret = accounts.start_session(session, user=user)
        browser = clients()
        browser.cookies.set(SESSION_COOKIE, secret)
        page = browser.get("/account")
        assert page.status_code == 200, page.text
        return browser, re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)[1]

    return sign_in


@pytest.fixture
def csrf_token(client) -> str:
    """The token a page gives this client's forms and scripts (and the cookie it belongs to)."""
    page = client.get("/")
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)[1]


@pytest.fixture
def demo(settings, database) -> str:
    """The demo event loaded; returns the recording's slug."""
    with database.unit_of_work() as session:
        load_demo(session, media_dir=settings.media_dir, progress=False)
    return "clusters-open-boundaries-2019"


@pytest.fixture
def conformance() -> Path:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance material not found at {CONFORMANCE}")
    return CONFORMANCE


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(request, settings, database) -> Iterator[str]:
    """The real app under uvicorn on a free port, as a user's browser meets it."""
    import uvicorn

    if not request.node.get_closest_marker("live"):
        raise RuntimeError("a test that uses live_server is marked live (or browser)")
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, database), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 30 s")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def serve(request, settings):
    """Starts the app in a process of its own (to be killed, as a real one can be); returns
    a function giving (base URL, process). Every process is stopped after the test."""
    import subprocess
    import sys

    import httpx2 as httpx

    if not request.node.get_closest_marker("live"):
        raise RuntimeError("a test that starts a server process is marked live")
    processes = []

    def start(port: int | None = None) -> tuple[str, subprocess.Popen]:
        port = port or free_port()
        env = {
            **os.environ,
            "DATABASE_URL": settings.effective_database_url,
            "SESSIONNAV_DATA_DIR": str(settings.data_dir),
            "SESSIONNAV_SECRET_KEY": settings.secret_key,
            "SESSIONNAV_WRITE_LIMIT": settings.write_limit,
            "SESSIONNAV_RATE_LIMIT_STORAGE": settings.rate_limit_storage,
            "SESSIONNAV_RATE_LIMIT_PREFIX": settings.rate_limit_prefix,
            "SESSIONNAV_PAGE_STALE_SECONDS": str(settings.page_stale_seconds),
        }
        command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)]
        process = subprocess.Popen([*command, "--log-level", "warning"], env=env)
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/api/v1/events", timeout=1)
                return url, process
            except httpx.TransportError:
                time.sleep(0.05)  # polling for the port to open, with a deadline
        raise RuntimeError("the server process did not answer within 30 s")

    yield start
    for process in processes:
        process.kill()
        process.wait()


@pytest.fixture
def csp_violations() -> list[str]:
    """What the Content-Security-Policy blocked in the test's tab: must stay empty (a test
    that provokes a violation on purpose checks and clears it)."""
    return []


@pytest.fixture
def open_tab(browser, live_server, csp_violations):
    """Opens browser tabs (each in a fresh context, with the given options) whose relative
    URLs go to the live server; the test fails if the Content-Security-Policy blocked
    anything in any of them."""
    contexts = []

    def open_(**options):
        options = {"viewport": {"width": 1280, "height": 800}, **options}
        context = browser.new_context(base_url=live_server, **options)
        contexts.append(context)
        tab = context.new_page()
        tab.on("console", lambda m: _note_csp(m.text, csp_violations))
        return tab

    yield open_
    for context in contexts:
        context.close()
    assert csp_violations == [], "the Content-Security-Policy blocked something"


def _note_csp(text: str, violations: list[str]) -> None:
    if "Content Security Policy" in text:
        violations.append(text)


@pytest.fixture
def page(open_tab):
    """A fresh desktop-sized browser tab on the live server."""
    return open_tab()


@pytest.fixture
def sign_in(page):
    """Signs a browser tab (the test's `page` unless another is given) in through /login, as a
    person would."""

    def go(account: str, tab=None) -> None:
        tab = tab or page
        tab.goto("/login")
        tab.fill("#l-username", account)
        tab.fill("#l-password", PASSWORD)
        tab.click("form.account-form button[type=submit]")
        tab.wait_for_url(lambda url: not url.endswith("/login"))

    return go


def pytest_collection_finish(session):
    """Browser tests are live: mark them once here instead of twice in every file."""
    for item in session.items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("live"):
            item.add_marker(pytest.mark.live)


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
        text_ = said.get(start, f"<v Ada Lovelace>Line {start} on biomedical clusters.")
        out += [f"{_vtt_time(start)} --> {_vtt_time(end)}", text_, ""]
    return "\n".join(out)


def _vtt_time(seconds: int) -> str:
    return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}.000"


@pytest.fixture
def transcribed(client, demo, demo_vtt) -> str:
    """The demo recording with `demo_vtt` imported through the JSON API."""
    response = client.post(f"/api/v1/recordings/{demo}/transcript", content=demo_vtt.encode())
    assert response.status_code == 201, response.text
    return demo


@pytest.fixture
def snapshot(connection):
    """Every row of every table, as the test's connection sees it: to prove that a refused
    request changed nothing."""

    def rows() -> dict:
        return {
            table.name: sorted(map(tuple, connection.execute(table.select()).all()), key=repr)
            for table in SQLModel.metadata.sorted_tables
        }

    return rows


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


@pytest.fixture
def talk(client, demo) -> dict:
    """A talk nested in the demo's round table, with a moderator and a speaker (as stored)."""
    body = {
        "slug": "kaluga-talk",
        "title": "Kaluga's cluster story",
        "kind": "talk",
        "start": 9000,  # 2:30:00, inside the round table (2:20:00 to 4:03:55)
        "end": 9600,
        "parent": "round-table",
        "speakers": [
            {"speaker": "maya-sviridova", "role": "moderator"},
            {"speaker": "abdo-malac", "role": "speaker"},
        ],
    }
    response = client.post(f"/api/v1/recordings/{demo}/segments", json=body)
    assert response.status_code == 201, response.text
    return body
