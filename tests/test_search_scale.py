"""Search ranks a bounded window of each kind's matches, its newest ones (a common word would
otherwise cost time in proportion to its hundreds of thousands of matches); a query that
fills a window says so on the page; the pages of one search neither repeat nor skip a hit
while annotations are added. The window is made small here so that a few rows fill it."""

import pytest

from app.services import search_sql

SEARCH = "/api/v1/search"
WINDOW = 4
CAPPED = "the hits shown are the best among the newest of them"


@pytest.fixture
def recording(client, monkeypatch) -> str:
    monkeypatch.setattr(search_sql, "WINDOW", WINDOW)
    assert client.post("/api/v1/events", json={"title": "Day", "slug": "day"}).is_success
    body = {
        "event": "day",
        "slug": "talks",
        "title": "Talks",
        "media_kind": "url",
        "media_url": "https://example.org/v.mp4",
        "duration": 3600,
    }
    assert client.post("/api/v1/recordings", json=body).status_code == 201
    return "talks"


def annotate(client, recording: str, text: str, start: int) -> int:
    url = f"/api/v1/recordings/{recording}/annotations"
    response = client.post(url, json={"start": start, "text": text})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def pages(client, q: str, limit: int, between=lambda: None) -> list[int]:
    """Every hit's id, page after page, calling `between` after each page."""
    seen, cursor = [], None
    while True:
        params = {"q": q, "limit": limit} | ({"cursor": cursor} if cursor else {})
        page = client.get(SEARCH, params=params).json()
        seen += [h["id"] for h in page["items"]]
        cursor = page["next"]
        if cursor is None:
            return seen
        between()


def test_a_common_word_is_ranked_among_its_newest_matches(client, recording):
    ids = [annotate(client, recording, f"solar note {i}", i) for i in range(7)]
    repeated = annotate(client, recording, "solar solar solar", 10)
    annotate(client, recording, "lunar eclipse", 11)
    found = client.get(SEARCH, params={"q": "solar"}).json()["items"]
    # the newest four, the one that says it most first
    assert [h["id"] for h in found] == [repeated, *sorted(ids[-3:], reverse=True)]
    assert found[0]["score"] > found[1]["score"]
    page = client.get("/search", params={"q": "solar"})
    assert CAPPED in page.text

    # A rarer word, or one more word, brings the matches under the window: all are ranked.
    assert [h["id"] for h in client.get(SEARCH, params={"q": "note 2"}).json()["items"]] == [ids[2]]
    assert CAPPED not in client.get("/search", params={"q": "lunar"}).text


def test_pages_stay_the_same_while_annotations_are_added(client, recording):
    for i in range(WINDOW + 2):
        annotate(client, recording, f"wind turbine {i}", i)
    before = pages(client, "wind", limit=1)
    assert len(before) == len(set(before)) == WINDOW

    added = []
    during = pages(
        client,
        "wind",
        limit=1,
        between=lambda: added.append(annotate(client, recording, "wind", 99)),
    )
    assert during == before  # no duplicate, no gap, nothing added while paging
    after = pages(client, "wind", limit=1)
    assert set(added) <= set(after) and len(after) == WINDOW  # a new search sees them
