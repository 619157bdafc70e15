"""The navigator at desktop and phone sizes: no sideways scrolling on a phone, every control
named, and the keyboard help overlay. README's screenshots come from here:
`SESSIONNAV_SCREENSHOTS=docs/screenshots scripts/test tests/browser/test_layout.py`."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FRAME_SHOWN = """() => {
  const v = document.querySelector('video');
  return document.body.dataset.ready && v.readyState >= 3 && v.networkState !== 2 && !v.seeking;
}"""
CONTROLS = "a, button, input, select, textarea, [role=slider]"
UNNAMED = """(controls) => [...document.querySelectorAll(controls)]
  .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
  .filter((el) => {
    const labelled = el.labels && el.labels.length;
    const name = (el.getAttribute('aria-label') || el.textContent || el.title || '').trim();
    return !labelled && !name;
  })
  .map((el) => el.outerHTML.slice(0, 120))"""


@pytest.fixture
def placed(client, demo) -> str:
    """A few quotes placed on their second, so the timeline shows marks."""
    quotes = client.get(f"/api/v1/recordings/{demo}/annotations?kind=quote").json()["items"]
    for quote, start in zip(quotes, (1500, 4200, 5400, 9150, 20000), strict=False):
        client.patch(f"/api/v1/annotations/{quote['id']}", json={"start": start})
    client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "highlight", "start": 9000, "end": 9600, "text": "Success factors"},
    )
    return demo


@pytest.mark.parametrize(
    ("name", "size"),
    [("navigator-desktop", (1280, 800)), ("navigator-phone", (390, 844))],
)
def test_screenshots_and_fit(open_tab, placed, name, size, tmp_path):
    width, height = size
    page = open_tab(viewport={"width": width, "height": height})
    page.goto(f"/r/{placed}?t=2h32m30s")
    page.wait_for_function(FRAME_SHOWN)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(UNNAMED, CONTROLS) == []
    shots = Path(os.environ.get("SESSIONNAV_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}.png"))
    assert (shots / f"{name}.png").stat().st_size > 10_000


def test_help_overlay_and_keyboard_focus(page, demo):
    page.goto(f"/r/{demo}")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()
    page.focus("#track")
    page.keyboard.press("ArrowRight")
    assert page.get_attribute("#track", "aria-valuetext") == "0:00:05"
    page.keyboard.press("n")
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 8400) < 1")
    assert page.inner_text("#clock") == "2:20:00"


def test_skip_break_appears_in_a_break(page, demo):
    page.goto(f"/r/{demo}?t=1h50m")
    page.wait_for_selector("body[data-ready=true]")
    skip = page.locator("#skip-break-link")
    expect(skip).to_be_visible()
    skip.click()
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 8400) < 1")
    expect(page.locator("#skip-break")).to_be_hidden()


def test_copy_link_to_this_moment(page, demo, live_server):
    """The link names the address the page was served from (here a random port)."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto(f"/r/{demo}?t=2h20m")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("c")
    page.wait_for_function("() => document.getElementById('status').textContent.includes('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server}/r/{demo}?t=2h20m"
