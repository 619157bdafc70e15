"""Links the app builds name their moment the way people read and type it (`t=2h33m`,
`t=2h33m10s`, ranges `t=2h33m,2h35m`), never raw seconds, and the parser reads each back to
the same time (PRODUCT §4)."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from app import links
from app.timecodes import TimeRange, parse_range

SITE = "http://testserver"
READABLE = re.compile(r"(\d+h)?(\d+m)?(\d+(\.\d+)?s)?")
HREF = re.compile(r'href="([^"]*)"')


CLOCK = re.compile(r"\d+:\d\d:\d\d")  # a form's prefilled time, as its field shows it


def _readable(value: str) -> bool:
    return all(
        part and (READABLE.fullmatch(part) or CLOCK.fullmatch(part)) for part in value.split(",")
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (9180, None, "2h33m"),
        (9190, None, "2h33m10s"),
        (9180, 9300, "2h33m,2h35m"),
        (0, 90, "0s,1m30s"),
        (8405.25, None, "2h20m5.25s"),
        (59.001, 3600, "59.001s,1h"),
        (24000, None, "6h40m"),
    ],
)
def test_the_t_value_is_readable_and_reads_back(start, end, expected):
    assert links.t_value(start, end) == expected
    assert parse_range(expected) == TimeRange(start, end)
    assert links.recording_url("r", start, end) == f"/r/r?t={expected}"
    assert links.embed_url("r", start, end) == f"/embed/r/r?t={expected}"
    assert links.segment_url("r", "s", start) == f"/r/r/s/s?t={links.t_value(start)}"


def test_navigator_links_name_their_moment_readably(client, demo, transcribed):
    """Share box, its label and embed link, meta url, jump links, transcript lines, turns."""
    text = client.get(f"/r/{demo}?t=9180,9300").text
    share = re.search(r'<input id="share-url" readonly value="([^"]+)">', text)[1]
    assert html.unescape(share) == f"{SITE}/r/{demo}?t=2h33m,2h35m"
    assert re.search(r'<label for="share-url"[^>]*>Link to this range</label>', text)
    og_url = re.search(r'<meta property="og:url" content="([^"]+)">', text)[1]
    assert html.unescape(og_url) == share
    assert f'href="/embed/r/{demo}?t=2h33m,2h35m"' in text
    queries = [(href, parse_qs(urlsplit(html.unescape(href)).query)) for href in HREF.findall(text)]
    # The language switcher repeats the address as it was asked for; the app built the rest.
    timed = [
        (href, query["t"][0]) for href, query in queries if "t" in query and "lang" not in query
    ]
    assert len(timed) > 20  # the transcript lines, jump links, turns...
    assert [href for href, t in timed if not _readable(t)] == []


def test_api_and_oembed_links_are_readable(client, demo):
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "note", "start": 9180, "end": 9190, "text": "a range"},
    ).json()
    assert created["links"]["navigator"] == f"/r/{demo}?t=2h33m,2h33m10s"
    body = client.get("/oembed", params={"url": f"{SITE}/a/{created['id']}"}).json()
    assert f"/embed/r/{demo}?t=2h33m,2h33m10s" in html.unescape(body["html"])
    segment = client.get("/oembed", params={"url": f"{SITE}/r/{demo}/s/round-table?t=13m"})
    assert f"/embed/r/{demo}?t=2h33m" in html.unescape(segment.json()["html"])


def test_a_range_from_the_very_start_keeps_its_start(client, demo):
    """`t=0,90` is a range, not "no time": its links keep both ends."""
    text = client.get(f"/r/{demo}?t=0,90").text
    share = re.search(r'<input id="share-url" readonly value="([^"]+)">', text)[1]
    assert html.unescape(share) == f"{SITE}/r/{demo}?t=0s,1m30s"
    assert f'href="/embed/r/{demo}?t=0s,1m30s"' in text
