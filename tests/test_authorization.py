"""Who may do what, for every route in the app's route table (PRODUCT §6b).

Each route declares exactly one access rule (app.http.auth). The matrix calls every route as
each of anonymous, member, editor and admin, from a browser with the page's CSRF token, and
where the route acts on an annotation or an API token, on the caller's own and on another
member's. The answer follows from the rule: below its role, 401 (nobody signed in; a page
sends the visitor to /login) or 403, and nothing in the database changed; at or above it,
the route does its work (a 2xx or 3xx), except that a member changes only their own
annotations and tokens. Every answer carries the security headers. Every call runs in a
savepoint undone after it.

A route without a rule fails `test_every_route_declares_exactly_one_rule`; a state-changing
route without a sample request below fails its own row of the matrix.
"""

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from speech_media import speech_wav
from sqlmodel import select

from app import links
from app.config import Settings
from app.http.auth import Rule
from app.main import create_app
from app.models import Annotation, ApiToken, Placement, Role, SpeakerTurn, User
from app.services import accounts, recordings, transcription
from app.video import render_placeholder

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
ACCOUNTS = (None, "member", "editor", "admin")
RANK = {None: 0, Role.member: 1, Role.editor: 2, Role.admin: 3}
NEW_PASSWORD = "a brand new passphrase"
VTT = b"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ada Lovelace>A line.\n"
ARTICLE = "\u201cPorts are the oldest clusters we have\u201d, noted Jane Holloway, Director."


def _rules(route: APIRoute) -> list[Rule]:
    found, stack = [], [route.dependant]
    while stack:
        dependant = stack.pop()
        if isinstance(dependant.call, Rule):
            found.append(dependant.call)
        stack.extend(dependant.dependencies)
    return found


def _routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) for every method of every route the app answers."""
    return [
        (method, context.path, context.original_route)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in sorted(context.original_route.methods)
    ]


def _unguarded(app: FastAPI) -> list[str]:
    return [f"{m} {p}" for m, p, route in _routes(app) if len(_rules(route)) != 1]


def _described() -> FastAPI:
    """An app that needs no database, for reading its route table."""
    return create_app(Settings(data_dir=Path(tempfile.mkdtemp()), secret_key="-").prepare())


DESCRIBED = _described()


def test_every_route_declares_exactly_one_rule():
    assert _unguarded(DESCRIBED) == []


def test_a_route_added_without_a_rule_is_caught():
    app = _described()

    @app.delete("/api/v1/everything")
    def delete_everything() -> None: ...

    assert _unguarded(app) == ["DELETE /api/v1/everything"]


@dataclass
class World:
    """The objects the matrix acts on (ids and slugs), made once per test."""

    rec: str
    notes: dict[str, int]  # username -> a public note that account owns
    quote: int  # the organiser's unplaced demo quote (Faina Filina's)
    token_ids: dict[str, int]  # username -> that account's seeded API token
    clip: Path
    ticket: str  # a password ticket for "member", as /login gives one
    password: str  # every seeded account's
    turn: int  # the first speaker turn the transcript gave
    speech: str  # a recording of speech, for machine transcripts
    queued: str  # a recording of speech whose machine transcript is queued


@dataclass(frozen=True)
class Sample:
    """How to call a route so that, allowed, it succeeds: request arguments, and which
    annotation it acts on ("note": the caller's own and another's; "quote": the demo's)."""

    request: Callable[[World], dict[str, Any]] = lambda w: {}
    annotation: str = "note"
    ok: set[int] = field(default_factory=lambda: {200, 201, 202, 204, 303})
    recording: str = "rec"  # the World's recording it acts on


PASSWORDS = {"password": NEW_PASSWORD, "again": NEW_PASSWORD}
PROGRAMME = "0:00:10 to 0:00:50 – Welcome"
SAMPLES: dict[tuple[str, str], Sample] = {
    # A stream never ends: a bad position ends it at once, after the recording's rule.
    ("GET", "/r/{recording}/live"): Sample(lambda w: {"params": {"after": "x"}}, ok={422}),
    ("GET", "/api/v1/search"): Sample(lambda w: {"params": {"q": "cluster"}}),
    ("GET", "/search"): Sample(lambda w: {"params": {"q": "cluster"}}),
    ("GET", "/oembed"): Sample(lambda w: {"params": {"url": f"http://testserver/r/{w.rec}"}}),
    ("GET", "/api/v1/recordings/{recording}/segments/at"): Sample(lambda w: {"params": {"t": 9}}),
    ("GET", "/api/v1/annotations/{annotation}/placement"): Sample(annotation="quote"),
    ("GET", "/a/{annotation:int}/placement"): Sample(annotation="quote"),
    # frame previews are made by a background job, which this world does not run
    ("GET", "/r/{recording}/thumbnails.vtt"): Sample(ok={404}),
    ("GET", "/r/{recording}/thumbnails.jpg"): Sample(ok={404}),
    ("POST", "/api/v1/events"): Sample(lambda w: {"json": {"title": "New", "slug": "new"}}),
    ("PATCH", "/api/v1/events/{event}"): Sample(lambda w: {"json": {"title": "Renamed"}}),
    ("DELETE", "/api/v1/events/{event}"): Sample(),
    ("POST", "/api/v1/events/import"): Sample(
        lambda w: {
            "json": {
                "format": "sessionnav-event",
                "version": 1,
                "event": {"slug": "imported", "title": "Imported"},
                "speakers": [],
                "recordings": [],
            }
        }
    ),
    ("POST", "/api/v1/recordings/upload"): Sample(lambda w: _upload(w)),
    ("POST", "/api/v1/recordings"): Sample(
        lambda w: {
            "json": {
                "event": w.rec,
                "title": "Elsewhere",
                "media_kind": "url",
                "media_url": "https://example.org/v.mp4",
            }
        }
    ),
    ("PATCH", "/api/v1/recordings/{recording}"): Sample(lambda w: {"json": {"title": "New"}}),
    ("DELETE", "/api/v1/recordings/{recording}"): Sample(),
    ("POST", "/api/v1/recordings/{recording}/segments"): Sample(
        lambda w: {"json": {"slug": "extra", "title": "Extra", "start": 23985, "end": 23995}}
    ),
    ("PATCH", "/api/v1/recordings/{recording}/segments/{segment}"): Sample(
        lambda w: {"json": {"title": "Renamed"}}
    ),
    ("DELETE", "/api/v1/recordings/{recording}/segments/{segment}"): Sample(),
    ("POST", "/api/v1/speakers"): Sample(lambda w: {"json": {"name": "Ada Lovelace"}}),
    ("PATCH", "/api/v1/speakers/{speaker}"): Sample(lambda w: {"json": {"role": "Chair"}}),
    ("DELETE", "/api/v1/speakers/{speaker}"): Sample(),
    ("POST", "/api/v1/speakers/{speaker}/merge"): Sample(
        lambda w: {"json": {"other": "ildar-khairullin"}}
    ),
    ("POST", "/speakers/{speaker}/edit"): Sample(
        lambda w: {"data": {"name": "Faina Filina", "aliases": "Фаина Филина"}}
    ),
    ("POST", "/speakers/{speaker}/merge"): Sample(
        lambda w: {"data": {"other": "ildar-khairullin"}}
    ),
    ("POST", "/api/v1/recordings/{recording}/annotations"): Sample(
        lambda w: {"json": {"start": 60, "text": "A note"}}
    ),
    ("PATCH", "/api/v1/annotations/{annotation}"): Sample(lambda w: {"json": {"text": "New"}}),
    ("DELETE", "/api/v1/annotations/{annotation}"): Sample(),
    ("POST", "/api/v1/annotations/{annotation}/hide"): Sample(),
    ("POST", "/api/v1/annotations/{annotation}/restore"): Sample(),
    ("POST", "/api/v1/recordings/{recording}/transcript"): Sample(lambda w: {"content": VTT}),
    ("POST", "/api/v1/recordings/{recording}/annotations/import"): Sample(
        lambda w: {"json": {"type": "Annotation", "bodyValue": "In", "target": "v.mp4#t=60"}}
    ),
    ("POST", "/api/v1/recordings/{recording}/programme"): Sample(
        lambda w: {"json": {"text": PROGRAMME}, "params": {"dry_run": True}}
    ),
    ("POST", "/api/v1/recordings/{recording}/writeup/proposals"): Sample(
        lambda w: {"json": {"text": ARTICLE}}
    ),
    ("POST", "/api/v1/recordings/{recording}/writeup/apply"): Sample(
        lambda w: {
            "json": {
                "speakers": [{"key": "j", "name": "Jane Holloway"}],
                "quotes": [{"text": "Ports teach us", "speaker": "j", "segment": "plenary"}],
            }
        }
    ),
    ("POST", "/login"): Sample(lambda w: {"data": {"username": "other", "password": w.password}}),
    ("POST", "/login/new-password"): Sample(lambda w: {"data": {"ticket": w.ticket, **PASSWORDS}}),
    ("POST", "/logout"): Sample(),
    ("POST", "/signup"): Sample(
        lambda w: {"data": {"username": "newcomer", "display_name": "New", **PASSWORDS}}
    ),
    ("POST", "/account/password"): Sample(lambda w: {"data": {"current": w.password, **PASSWORDS}}),
    ("POST", "/account/tokens"): Sample(lambda w: {"data": {"name": "a script"}}),
    ("POST", "/account/tokens/{token:int}/revoke"): Sample(),
    ("POST", "/r/{recording}/annotations"): Sample(
        lambda w: {"data": {"start": "1:00", "text": "A note"}}
    ),
    ("POST", "/a/{annotation:int}/edit"): Sample(
        lambda w: {"data": {"kind": "note", "start": "1:00", "text": "Changed"}}
    ),
    ("POST", "/a/{annotation:int}/delete"): Sample(),
    ("POST", "/a/{annotation:int}/place"): Sample(
        lambda w: {"data": {"start": "2:30:00"}}, annotation="quote"
    ),
    ("POST", "/r/{recording}/import/programme"): Sample(
        lambda w: {"data": {"text": PROGRAMME, "action": "preview"}}
    ),
    ("POST", "/r/{recording}/import/transcript"): Sample(
        lambda w: {"files": {"file": ("t.vtt", VTT, "text/vtt")}}
    ),
    ("POST", "/r/{recording}/import/writeup"): Sample(lambda w: {"data": {"text": ARTICLE}}),
    ("POST", "/r/{recording}/import/writeup/apply"): Sample(
        lambda w: {"data": {"s-0-key": "a", "s-0-name": "Ada Lovelace", "s-0-use": "on"}}
    ),
    ("POST", "/a/{annotation:int}/hide"): Sample(),
    ("POST", "/a/{annotation:int}/restore"): Sample(),
    ("POST", "/upload"): Sample(lambda w: _upload(w)),
    ("POST", "/api/v1/recordings/{recording}/turns"): Sample(
        lambda w: {"json": {"speaker": "faina-filina", "start": 60, "end": 90}}
    ),
    ("PATCH", "/api/v1/turns/{turn}"): Sample(lambda w: {"json": {"end": 8500}}),
    ("DELETE", "/api/v1/turns/{turn}"): Sample(),
    ("POST", "/r/{recording}/turns"): Sample(
        lambda w: {"data": {"speaker": "faina-filina", "start": "1:00", "end": "1:30"}}
    ),
    ("POST", "/turns/{turn:int}/edit"): Sample(
        lambda w: {"data": {"start": "2:19:50", "end": "2:20:21"}}
    ),
    ("POST", "/turns/{turn:int}/delete"): Sample(),
    ("POST", "/events/new"): Sample(lambda w: {"data": {"title": "Another day"}}),
    ("POST", "/events/import"): Sample(
        lambda w: {
            "files": {
                "file": (
                    "event.json",
                    b'{"format": "sessionnav-event", "version": 1, "speakers": [],'
                    b' "event": {"slug": "imported", "title": "Imported"}, "recordings": []}',
                    "application/json",
                )
            }
        }
    ),
    ("POST", "/e/{event}/edit"): Sample(lambda w: {"data": {"title": "Renamed"}}),
    ("POST", "/r/{recording}/edit"): Sample(
        lambda w: {"data": {"title": "Renamed", "published": "true"}}
    ),
    ("POST", "/r/{recording}/sessions/new"): Sample(
        lambda w: {
            "data": {"title": "Talk", "parent": "round-table", "start": "2:30:00", "end": "2:40:00"}
        }
    ),
    ("POST", "/r/{recording}/s/{segment}/edit"): Sample(
        lambda w: {
            "data": {"title": "Round", "kind": "round_table", "start": "2:20:00", "end": "4:03:55"}
        }
    ),
    ("POST", "/r/{recording}/s/{segment}/delete"): Sample(),
    ("POST", "/api/v1/recordings/{recording}/transcription"): Sample(
        lambda w: {"json": {"language": "en"}}, recording="speech"
    ),
    ("GET", "/api/v1/recordings/{recording}/transcription"): Sample(recording="queued"),
    ("POST", "/api/v1/recordings/{recording}/transcription/cancel"): Sample(recording="queued"),
    ("POST", "/r/{recording}/import/transcription"): Sample(
        lambda w: {"data": {"language": "en"}}, recording="speech"
    ),
    ("POST", "/r/{recording}/import/transcription/cancel"): Sample(recording="queued"),
}


def _upload(w: World) -> dict[str, Any]:
    return {
        "data": {"event": w.rec, "title": "Extra talk"},
        "files": {"file": ("extra.mp4", w.clip.read_bytes(), "video/mp4")},
    }


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    render_placeholder(path, 2, progress=False)
    return path


@pytest.fixture(scope="module")
def voice(tmp_path_factory) -> Path:
    return speech_wav(tmp_path_factory.mktemp("speech"))


@pytest.fixture
def world(clients, database, settings, transcribed, clip, tokens, password, voice) -> World:
    """The demo with its transcript, a public note of each account's, and its token; two
    recordings of speech, one with a machine transcript queued."""
    os.link(voice, settings.media_dir / voice.name)
    for slug in ("speech", "queued"):
        body = {"event": "clusters-open-boundaries-2019", "slug": slug, "title": slug}
        body |= {"media_kind": "file", "media_path": voice.name}
        assert clients("editor").post("/api/v1/recordings", json=body).status_code == 201
    notes = {}
    for name in ("member", "other", "editor", "admin"):
        body = {"start": 100, "text": f"{name}'s note"}
        made = clients(name).post(f"/api/v1/recordings/{transcribed}/annotations", json=body)
        notes[name] = made.json()["id"]
    with database.unit_of_work() as session:
        quote = session.exec(
            select(Annotation.id).where(Annotation.placement == Placement.unplaced)
        ).first()
        token_ids = {
            user.username: token.id
            for user, token in session.exec(
                select(User, ApiToken).join(ApiToken, ApiToken.user_id == User.id)
            )
        }
        member = accounts.get(session, username="member")
        ticket = accounts.password_ticket(member, secret_key=settings.secret_key)
        turn = session.exec(select(SpeakerTurn.id).order_by(SpeakerTurn.start)).first()
        queued = recordings.get(session, slug="queued", viewer=None)
        transcription.start(session, recording=queued, language="en", settings=settings, user=None)
    return World(
        transcribed, notes, quote, token_ids, clip, ticket, password, turn, "speech", "queued"
    )


ROLES = {None: None, "member": Role.member, "editor": Role.editor, "admin": Role.admin}
PLACES = {
    "{event}": lambda w, owner: "clusters-open-boundaries-2019",
    "{recording}": lambda w, owner: w.rec,
    "{segment}": lambda w, owner: "round-table",
    "{speaker}": lambda w, owner: "faina-filina",
    "{turn}": lambda w, owner: str(w.turn),
    "{turn:int}": lambda w, owner: str(w.turn),
}


def _url(path: str, w: World, sample: Sample, owner: str) -> str:
    """The route's path with the world's objects in it; `owner` is whose annotation or token
    (a username)."""
    path = path.replace("{recording}", getattr(w, sample.recording))
    for placeholder, value in PLACES.items():
        path = path.replace(placeholder, value(w, owner))
    annotation = w.quote if sample.annotation == "quote" else w.notes.get(owner)
    path = re.sub(r"\{annotation(:int)?\}", str(annotation), path)
    return path.replace("{token:int}", str(w.token_ids.get(owner)))


def _owners(path: str, sample: Sample, account: str | None) -> list[str]:
    """Whose object the call acts on: the caller's own and another member's, where the route
    acts on an annotation or a token; "other" (a member's) otherwise."""
    owned = "{token" in path or ("{annotation" in path and sample.annotation == "note")
    return [account, "other"] if owned and account is not None else ["other"]


def _expected(path: str, needed: Role | None, account: str | None, owner: str) -> str:
    role = ROLES[account]
    if RANK[role] < RANK[needed]:
        return "refused"
    if owner != account and role is Role.member:
        if "{token" in path:
            return "not found"  # another's token is not even shown
        if "{annotation" in path and needed is Role.member:
            return "forbidden"  # changing an annotation is its owner's (or an editor's)
    if owner != account and "{token" in path and role is not Role.admin:
        return "not found"
    return "done"


ROUTES = [(method, path) for method, path, _ in _routes(DESCRIBED) if method != "HEAD"]


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_the_matrix(
    method, path, world, clients, browser_as, settings, connection, snapshot, security_headers
):
    (route,) = [r for m, p, r in _routes(DESCRIBED) if (m, p) == (method, path)]
    (rule,) = _rules(route)
    needed = rule.needed(settings)
    sample = SAMPLES.get((method, path))
    assert sample or method not in UNSAFE, f"add a sample request for {method} {path} above"
    sample = sample or Sample()
    page = not route.include_in_schema and not path.startswith("/api/")
    anonymous = clients()
    browsers = {None: (anonymous, _csrf(anonymous.get("/login")))}
    browsers |= {name: browser_as(name) for name in ("member", "editor", "admin")}
    for account, (browser, token) in browsers.items():
        for owner in _owners(path, sample, account):
            url = _url(path, world, sample, owner)
            cookies = type(browser.cookies)(browser.cookies)
            before = snapshot()
            savepoint = connection.begin_nested()
            try:
                response = browser.request(
                    method,
                    url,
                    headers={"X-CSRF-Token": token},
                    follow_redirects=False,
                    **sample.request(world),
                )
                after = snapshot()
            finally:
                savepoint.rollback()
                browser.cookies = cookies  # signing in or out changed them
            security_headers(response)  # on every answer, refusals too
            outcome = _expected(path, needed, account, owner)
            case = f"{method} {url} as {account or 'anonymous'} on {owner}'s: {outcome}"
            status = response.status_code
            if outcome == "done":
                assert status in sample.ok, f"{case}, got {status}: {response.text[:300]}"
                continue
            assert after == before, f"{case}, but the database changed"
            if outcome == "refused" and account is None:
                if method == "GET" and page:
                    assert status == 303, case
                    assert response.headers["location"] == links.login_url(url), case
                else:
                    assert status == 401, f"{case}, got {status}"
                    assert "sign in" in response.text.lower(), case
            elif outcome in ("refused", "forbidden"):
                assert status == 403, f"{case}, got {status}: {response.text[:300]}"
            else:
                assert status == 404, f"{case}, got {status}"


def _csrf(response) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', response.text)[1]
