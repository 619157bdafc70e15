"""Deep links in a real Chromium (PRODUCT §4): every form lands the <video> on the right
second, with JavaScript and without it, and a range link stops at its end."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AT = """([expected]) => {
  const v = document.querySelector('video');
  return v && v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - expected) < 0.5;
}"""


def _lands_at(page, expected: float) -> None:
    page.wait_for_function(AT, arg=[expected], timeout=10_000)
    assert page.evaluate("document.querySelector('video').currentTime") == pytest.approx(
        expected, abs=0.5
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("?t=2h20m", 8400),
        ("?t=8400", 8400),
        ("?t=02:32:30.250", 9150.25),
        ("/s/round-table", 8400),
        ("/s/round-table?t=12m30s", 9150),
    ],
)
def test_query_and_segment_links_land_on_the_second(page, demo, path, expected):
    page.goto(f"/r/{demo}{path}")
    _lands_at(page, expected)
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("#clock") == page.evaluate(
        "document.querySelector('video').currentTime >= 9150 ? '2:32:30' : '2:20:00'"
    )


def test_fragment_link_lands_on_the_second(page, demo):
    page.goto(f"/r/{demo}#t=2:20:00")
    page.wait_for_url(f"**/r/{demo}?t=*")
    _lands_at(page, 8400)


def test_annotation_permalink_lands_on_its_second_in_view(page, demo, client):
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "highlight", "start": 9000, "text": "Cluster funding"},
    ).json()
    page.goto(f"/a/{created['id']}")
    _lands_at(page, 9000)
    item = page.locator(f"#annotation-{created['id']}")
    assert "highlighted" in item.get_attribute("class")
    expect(page.locator(".linked")).to_be_visible()


def test_range_link_stops_at_its_end(page, demo):
    page.goto(f"/r/{demo}?t=8400,8405")
    _lands_at(page, 8400)
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function(
        "() => document.querySelector('video').paused && "
        "document.querySelector('video').currentTime > 8404",
        timeout=15_000,
    )
    assert page.evaluate("document.querySelector('video').currentTime") == pytest.approx(
        8405, abs=0.5
    )


def test_without_javascript_the_media_fragment_seeks(open_tab, demo):
    page = open_tab(java_script_enabled=False)
    page.goto(f"/r/{demo}?t=8400")
    # Scripts are off for the page, but Playwright can still read the element's state.
    _lands_at(page, 8400)
