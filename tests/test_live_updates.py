"""Live updates over real HTTP (PRODUCT §6e, issue 13): what each viewer's stream hears of
annotations created, changed, hidden, deleted and kept private, through two server
processes on one database (two workers or machines), and a reconnection that resumes."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx
import pytest

pytestmark = pytest.mark.live  # the servers are other processes: the demo must be committed


class Stream:
    """One page's stream of Server-Sent Events, read event by event."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.iter_lines()

    def next(self) -> dict:
        """The next event (comments and pings skipped); a read timeout fails the test."""
        event: dict = {}
        for line in self.lines:
            if not line:
                if "event" in event:
                    event["data"] = json.loads(event.get("data", "{}"))
                    return event
                event = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                event[name] = value.removeprefix(" ")
        raise AssertionError("the stream ended")


@contextmanager
def stream(url: str, token: str | None = None, **headers: str) -> Iterator[Stream]:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    with (
        httpx.Client(timeout=httpx.Timeout(10, read=8)) as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        yield Stream(response)


@pytest.fixture
def two_servers(serve):
    """Two server processes on the same database: a change made through one is heard
    through the other."""
    return serve()[0], serve()[0]


def _heard(event: dict) -> tuple[str, dict]:
    return event["event"], event["data"]


def _api(url: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_every_change_reaches_the_other_workers_pages(two_servers, demo, tokens):
    writer_url, reader_url = two_servers
    with (
        _api(writer_url, tokens["member"]) as member,
        _api(writer_url, tokens["editor"]) as editor,
        stream(f"{reader_url}/r/{demo}/live") as reader,
    ):
        body = {"start": 9000, "text": "Heard live by everyone"}
        created = member.post(f"/recordings/{demo}/annotations", json=body).json()
        saved = reader.next()
        assert (saved["event"], saved["data"]["id"]) == ("saved", created["id"])
        assert "Heard live by everyone" in saved["data"]["html"]  # rendered for the reader

        member.patch(f"/annotations/{created['id']}", json={"text": "Changed live"})
        assert "Changed live" in reader.next()["data"]["html"]

        editor.post(f"/annotations/{created['id']}/hide")
        assert _heard(reader.next()) == ("removed", {"id": created["id"]})
        editor.post(f"/annotations/{created['id']}/restore")
        assert reader.next()["event"] == "saved"

        member.delete(f"/annotations/{created['id']}")
        assert _heard(reader.next()) == ("removed", {"id": created["id"]})


def test_a_private_annotation_reaches_its_owner_alone(two_servers, demo, tokens):
    writer_url, reader_url = two_servers
    with (
        _api(writer_url, tokens["member"]) as member,
        stream(f"{reader_url}/r/{demo}/live", tokens["member"]) as owner,
        stream(f"{reader_url}/r/{demo}/live", tokens["other"]) as other,
        stream(f"{reader_url}/r/{demo}/live") as anonymous,
    ):
        private = {"start": 100, "text": "Only mine", "visibility": "private"}
        mine = member.post(f"/recordings/{demo}/annotations", json=private).json()
        public = member.post(f"/recordings/{demo}/annotations", json={"start": 200}).json()
        assert owner.next()["data"] == {"id": mine["id"]}  # signed in: fetches its own entry
        assert owner.next()["data"] == {"id": public["id"]}
        # Everyone else's next event is the public one: the private one never came.
        assert other.next()["data"]["id"] == public["id"]
        assert anonymous.next()["data"]["id"] == public["id"]

        member.patch(f"/annotations/{public['id']}", json={"visibility": "private"})
        assert _heard(anonymous.next()) == ("removed", {"id": public["id"]})
        assert owner.next()["event"] == "saved"


def test_a_reconnecting_page_hears_what_it_missed(two_servers, demo, tokens):
    writer_url, reader_url = two_servers
    with _api(writer_url, tokens["member"]) as member:
        with stream(f"{reader_url}/r/{demo}/live") as reader:
            first = member.post(f"/recordings/{demo}/annotations", json={"start": 1}).json()
            last_heard = reader.next()
            assert last_heard["data"]["id"] == first["id"]
        missed = [
            member.post(f"/recordings/{demo}/annotations", json={"start": s}).json()["id"]
            for s in (2, 3)
        ]
    resume = {"Last-Event-ID": last_heard["id"]}
    with stream(f"{reader_url}/r/{demo}/live", **resume) as again:
        assert [again.next()["data"]["id"] for _ in missed] == missed


@pytest.mark.parametrize(
    ("query", "headers", "status", "says"),
    [
        ("?after=yesterday", {}, 422, "“after” value must be the id of a live update"),
        ("", {"Last-Event-ID": "-1"}, 422, "“Last-Event-ID” value must be the id of a live update"),
    ],
)
def test_a_bad_position_is_refused(live_server, demo, query, headers, status, says):
    response = httpx.get(f"{live_server}/r/{demo}/live{query}", headers=headers, timeout=5)
    assert response.status_code == status
    assert says in response.text


def test_no_stream_for_a_recording_nobody_may_see(live_server):
    response = httpx.get(f"{live_server}/r/no-such-recording/live", timeout=5)
    assert response.status_code == 404
