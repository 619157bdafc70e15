"""The browser harness itself: the real server answers a real Chromium."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_browser_reaches_the_live_server(page, demo):
    response = page.goto("/api/v1/events")
    assert response.status == 200
    assert json.loads(page.inner_text("body"))["items"][0]["slug"] == demo


def test_api_docs_render_offline(page):
    page.goto("/docs")
    assert page.locator(".info .title").first.inner_text().startswith("Session Navigator")
    expect(page.get_by_text("/api/v1/recordings/{recording}/annotations").first).to_be_visible()


def test_text_typed_in_the_header_search_box_can_be_read(page, demo):
    """It was white on white (1:1) on every page (issue 12): now dark on white, over 4.5:1."""
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    page.keyboard.type("cluster")
    colours = page.eval_on_selector(
        "#site-q",
        """el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]
            .map(c => c.match(/\\d+/g).slice(0, 3).map(Number))""",
    )

    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    text, background = sorted(map(luminance, colours))
    assert page.input_value("#site-q") == "cluster"
    assert (background + 0.05) / (text + 0.05) >= 4.5
