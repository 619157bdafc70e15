"""CSRF, checked on every state-changing route of the app (generated from its route table): a
request that carries cookies but no token is refused 403 before a byte of its body is read."""

import re

import anyio
import anyio.from_thread
import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from app.http import csrf
from app.main import create_app

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
COOKIE = f"{csrf.COOKIE}=somebrowsersnonce"


def _routes(app) -> list[tuple[str, str]]:
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            path = re.sub(r"\{[^}:]+(:int)?\}", lambda m: "1" if m[1] else "x", context.path)
            found += [(method, path) for method in sorted(route.methods & UNSAFE)]
    return found


def call(app, method: str, path: str, headers: dict[str, str]) -> tuple[int, bool, bytes]:
    """One request straight through the ASGI interface: (status, was the body read, body)."""
    read, sent = False, {"status": 0, "body": b""}

    async def receive():
        nonlocal read
        read = True
        return {"type": "http.request", "body": b"forged", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
        elif message["type"] == "http.response.body":
            sent["body"] += message.get("body", b"")

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    with anyio.from_thread.start_blocking_portal() as portal:  # a loop of its own
        portal.call(app, scope, receive, send)
    return sent["status"], read, sent["body"]


@pytest.fixture
def app(settings, database):
    return create_app(settings, database)


def test_the_route_table_has_the_state_changing_routes(app):
    routes = _routes(app)
    assert len(routes) >= 20
    assert ("POST", "/api/v1/recordings/x/annotations") in routes
    assert ("POST", "/upload") in routes and ("POST", "/a/1/delete") in routes


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "multipart/form-data"])
def test_every_state_changing_route_refuses_a_cookie_without_a_token(app, content_type):
    headers = {"cookie": COOKIE, "content-type": content_type, "content-length": "6"}
    for method, path in _routes(app):
        status, read, body = call(app, method, path, headers)
        assert (status, read) == (403, False), (method, path, body)


def test_a_wrong_token_is_refused_too(app):
    headers = {"cookie": COOKIE, "content-type": "text/plain", csrf.HEADER: "0" * 64}
    for method, path in _routes(app):
        assert call(app, method, path, headers)[:2] == (403, False), (method, path)


def test_the_page_token_in_a_header_or_the_action_url_lets_the_request_in(browser_as, demo):
    """The control: with the token the same request reaches its route, which reads the body."""
    browser, token = browser_as("member")
    path = f"/api/v1/recordings/{demo}/annotations"
    by_header = browser.post(path, headers={csrf.HEADER: token}, json={"start": 1})
    assert by_header.status_code == 201
    by_query = browser.post(path, params={csrf.PARAM: token}, json={"start": 2})
    assert by_query.status_code == 201
    refused = browser.post(path, json={"start": 3})
    assert refused.status_code == 403 and refused.json()["field"] == "header.x-csrf-token"


def test_requests_without_cookies_and_bearer_requests_are_not_csrf(app):
    """No cookie, no ambient authority to abuse; a Bearer token authenticates by itself."""
    for headers in ({}, {"cookie": COOKIE, "authorization": "Bearer abc"}):
        headers |= {"content-type": "application/json", "content-length": "6"}
        status, read, _ = call(app, "POST", "/api/v1/events", headers)
        assert (status, read) == (422, True)  # the route ran and read the (invalid) body


def test_pages_that_hand_out_a_token_say_that_they_vary_by_cookie(client, demo):
    page = client.get(f"/r/{demo}")
    assert "Cookie" in page.headers["vary"]
    assert csrf.COOKIE in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
    assert "samesite=lax" in page.headers["set-cookie"].lower()
