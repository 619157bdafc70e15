"""The inputs a fuzzer and an attacker found (issue 7), each refused with a clear 4xx naming
what was wrong, and nothing stored."""

import base64
import json

import pytest

from app.http import paging

REC = "clusters-open-boundaries-2019"
ANN = f"/api/v1/recordings/{REC}/annotations"


def _refused(response, status: int, field: str | None, words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["field"] == field and words in body["detail"], body


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"start": True}, "body.start", "valid number"),  # not one second
        ({"start": 5, "reply_to": True}, "body.reply_to", "valid integer"),  # not annotation 1
        ({"start": 5, "reply_to": 2**31}, "body.reply_to", "less than or equal"),
        ({"start": 5, "reply_to": 2**63}, "body.reply_to", "less than or equal"),
        ({"start": 5, "reply_to": 1.0}, "body.reply_to", "valid integer"),
        ({"start": "5"}, "body.start", "valid number"),
    ],
)
def test_json_types_are_strict(client, demo, snapshot, body, field, words):
    before = snapshot()
    _refused(client.post(ANN, json=body), 422, field, words)
    assert snapshot() == before


@pytest.mark.parametrize("value", [0, 20190516, True, "16 May 2019"])
def test_a_date_is_a_date_not_a_number(client, snapshot, value):
    before = snapshot()
    response = client.post("/api/v1/events", json={"title": "x", "start_date": value})
    assert response.status_code == 422 and response.json()["field"] == "body.start_date"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (ANN, '{"start": 5, "text": "\\ud800"}', "body.text"),
        (
            f"/api/v1/recordings/{REC}/programme",
            '{"text": "0:00 to 1:00 Talk \\udfff"}',
            "body.text",
        ),
        (f"/api/v1/recordings/{REC}/writeup/proposals", '{"text": "\\ud83d x"}', "body.text"),
        ("/api/v1/speakers", '{"name": "Ada \\udc00"}', "body.name"),
    ],
)
def test_lone_surrogates_are_refused(client, demo, snapshot, url, body, field):
    before = snapshot()
    response = client.post(url, content=body, headers={"content-type": "application/json"})
    assert (response.status_code, response.json()["field"]) == (422, field), response.text
    assert snapshot() == before


def test_a_media_path_longer_than_a_file_name_can_be(client, snapshot):
    client.post("/api/v1/events", json={"title": "Day", "slug": "day"})
    before = snapshot()
    body = {"event": "day", "title": "t", "media_kind": "file", "media_path": "a" * 300}
    _refused(client.post("/api/v1/recordings", json=body), 422, "body.media_path", "longer")
    assert snapshot() == before


@pytest.mark.parametrize("body", [b"0", b"1\n", b"1\nno timing here\n", b"WEBVTT\n\nnothing"])
def test_a_transcript_without_timing_lines_is_refused(client, demo, snapshot, body):
    before = snapshot()
    response = client.post(
        f"/api/v1/recordings/{REC}/transcript",
        content=body,
        headers={"content-type": "text/plain"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "body"
    assert snapshot() == before


def test_a_transcript_without_timing_lines_in_the_page_form(client, demo, csrf_token, snapshot):
    before = snapshot()
    response = client.post(
        f"/r/{REC}/import/transcript",
        params={"csrf_token": csrf_token},
        files={"file": ("t.srt", b"0")},
    )
    assert response.status_code == 422 and "holds no cues" in response.text
    assert snapshot() == before


@pytest.mark.parametrize("digits", ["%D9%A3", "%EF%BC%93", "%C2%B3", "+3", "3.0", "03 "])
def test_only_ascii_digits_name_an_annotation(client, demo, csrf_token, snapshot, digits):
    """Arabic-Indic three, fullwidth three, superscript three... are not annotation 3."""
    before = snapshot()
    response = client.post(f"/a/{digits}/delete", params={"csrf_token": csrf_token})
    assert response.status_code == 404
    assert client.get(f"/api/v1/annotations/{digits}").status_code == 422
    assert snapshot() == before


def test_a_json_body_over_the_limit_is_refused_unread(client):
    response = client.post(
        "/api/v1/events",
        content=b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )
    _refused(response, 413, None, "larger than the limit of 1 MiB")


def _paginated(client) -> list[str]:
    """Every API list that pages, from the app's own OpenAPI document."""
    found = []
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        parameters = operations.get("get", {}).get("parameters", [])
        if any(p["name"] == "cursor" for p in parameters):
            found.append(path.replace("{recording}", REC))
    return found


def _b64(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


CRAFTED = [
    _b64({"offset": 1}),
    _b64(["placed", "x", "y"]),
    _b64(["placed", {"a": 1}, 3]),
    _b64([1]),
    _b64("x"),
    "not-base64!!",
    _b64([1]) + ".AAAAAAAAAAAAAAAAAAAAAA",
    "." * 50,
]


def test_crafted_cursors_are_refused_on_every_paginated_endpoint(clients, demo):
    client = clients("admin")  # who may read every list, the audit log too
    lists = _paginated(client)
    # events, recordings, speakers, annotations, transcript, turns, search, moderation, audit
    assert len(lists) == 9, lists
    for path in lists:
        query = {"q": "cluster"} if path.endswith("/search") else {}
        for cursor in CRAFTED:
            response = client.get(path, params={**query, "cursor": cursor})
            _refused(response, 400, "query.cursor", "cursor is not one this service gave out")


def test_a_cursor_is_bound_to_the_list_that_gave_it(client, demo, settings):
    events = paging.encode(settings.secret_key, "/api/v1/events", [1])
    assert client.get("/api/v1/events", params={"cursor": events}).status_code == 200
    assert client.get("/api/v1/speakers", params={"cursor": events}).status_code == 400
    tampered = events.replace(_b64([1]).rstrip("="), _b64([0]).rstrip("="))
    assert client.get("/api/v1/events", params={"cursor": tampered}).status_code == 400


def test_a_cursor_from_a_page_walks_the_list(client, demo):
    first = client.get(ANN, params={"limit": 3}).json()
    second = client.get(ANN, params={"limit": 3, "cursor": first["next"]}).json()
    assert {a["id"] for a in first["items"]}.isdisjoint(a["id"] for a in second["items"])


def test_pages_start_again_on_a_crafted_cursor(client, demo):
    for cursor in CRAFTED:
        navigator = client.get(f"/r/{REC}", params={"cursor": cursor})
        assert navigator.status_code == 200 and "That page of results is gone" in navigator.text
        search = client.get("/search", params={"q": "cluster", "cursor": cursor})
        assert search.status_code == 200 and "That page of results is gone" in search.text
