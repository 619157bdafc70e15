"""The YouTube path through the same player interface, against a local stand-in of the
IFrame API served from the configured URL (no network): deep links, seeking, current time,
ranges."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

STUB = Path(__file__).with_name("youtube_stub.js").read_text()
API_URL = "http://youtube.test/iframe_api"
YOUTUBE_HOSTS = re.compile(r"^https?://([^/]+\.)?(youtube(-nocookie)?\.com|ytimg\.com)/")
NOW = "() => window.ytStub && window.ytStub.getCurrentTime()"


@pytest.fixture(autouse=True)
def youtube_api(settings) -> None:
    """Set before the live server is built: its pages and its CSP name this URL."""
    settings.youtube_api_url = API_URL


@pytest.fixture
def youtube(client, demo, page) -> str:
    page.route(YOUTUBE_HOSTS, lambda route: route.abort())  # no network, ever
    page.route(API_URL, lambda route: route.fulfill(body=STUB, content_type="text/javascript"))
    created = client.post(
        "/api/v1/recordings",
        json={
            "event": demo,
            "slug": "debates-on-youtube",
            "title": "The debates on YouTube",
            "media_kind": "youtube",
            "youtube_id": "dQw4w9WgXcQ",
            "duration": 24300,
        },
    )
    assert created.status_code == 201
    segment = client.post(
        "/api/v1/recordings/debates-on-youtube/segments",
        json={"slug": "round-table", "title": "Round table", "start": 8400, "end": 14635},
    )
    assert segment.status_code == 201
    return "debates-on-youtube"


def _ready(page) -> None:
    page.wait_for_selector("body[data-ready=true]")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("?t=2h20m", 8400),
        ("?t=8400.5", 8400.5),
        ("#t=2:30:00", 9000),
        ("/s/round-table?t=12m30s", 9150),
    ],
)
def test_deep_links_start_the_youtube_player_there(page, youtube, path, expected):
    page.goto(f"/r/{youtube}{path}")
    _ready(page)
    assert page.evaluate(NOW) == pytest.approx(expected, abs=0.5)
    assert page.evaluate("window.ytStub.options.videoId") == "dQw4w9WgXcQ"
    assert page.evaluate("window.ytStub.options.playerVars.start") == int(expected)


def test_seek_and_current_time_go_through_the_same_interface(page, youtube):
    page.goto(f"/r/{youtube}?t=2h20m")
    _ready(page)
    page.keyboard.press("l")
    assert page.evaluate(NOW) == pytest.approx(8405, abs=0.5)
    assert page.inner_text("#clock") == "2:20:05"
    page.keyboard.press("Shift+ArrowLeft")
    assert page.evaluate(NOW) == pytest.approx(8375, abs=0.5)
    assert page.get_attribute("#track", "aria-valuenow") == "8375"
    page.click("#chapters a[data-seek='8400.0']")
    assert page.evaluate(NOW) == pytest.approx(8400, abs=0.5)
    assert "current" in page.get_attribute("#chapters li[data-slug=round-table]", "class")
    page.keyboard.press("k")
    page.wait_for_function("() => document.getElementById('play').textContent === 'Pause'")
    # While playing, the polled current time drives "timeupdate": the clock follows.
    page.wait_for_function("() => document.getElementById('clock').textContent === '2:20:01'")
    assert page.evaluate(NOW) > 8401


def test_range_link_stops_at_its_end(page, youtube):
    page.goto(f"/r/{youtube}?t=8400,8402")
    _ready(page)
    page.keyboard.press("k")
    page.wait_for_function("() => window.ytStub.getPlayerState() === 2", timeout=10_000)
    assert page.evaluate(NOW) == pytest.approx(8402, abs=0.3)
    assert "End of the linked range" in page.inner_text("#status")
