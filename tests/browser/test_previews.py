"""Frame previews over the timeline in a real Chromium (issue 12): hovering the timeline, or
seeking with it from the keyboard, shows the frame at that time above it; the picture's own
timecode (the demo's frames print theirs) proves it is the right one. On a phone the preview
stays on screen; before the previews are made the page shows just the time."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from timecode_pictures import shows

from app.services import thumbnails
from app.services.demo import demo_data

pytestmark = pytest.mark.browser

DEMO_FILE = demo_data()["recording"]["media_path"]
SPAN = "JSON.parse(document.getElementById('page-data').textContent).span"
# The preview is shown for a time within `tolerance` seconds of `t` (its box is made by
# preview.js, loaded at the first hover or focus on the timeline).
NEAR = """([t, tolerance]) => {
  const box = document.querySelector('.frame-preview');
  return !!box && !box.hidden && Math.abs(box.dataset.time - t) <= tolerance;
}"""
PREVIEW = "(({ dataset: d, hidden }) => ({ hidden, time: +d.time, start: +d.start, end: +d.end }))(document.querySelector('.frame-preview'))"  # noqa: E501


@pytest.fixture
def made(settings, demo) -> str:
    thumbnails.make(thumbnails.locate(settings, DEMO_FILE))
    return demo


def _open(page, path: str) -> None:
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")


def _picture_shows(page, middle: int) -> bool:
    """The preview's picture prints `middle`, the time of its cue's frame, and not a neighbour's."""
    shot = page.locator(".frame-preview-picture").screenshot()
    return shows(Image.open(io.BytesIO(shot)), middle, [middle - 10, middle + 10, middle + 60])


def _check(preview: dict, hovered: float, page) -> None:
    assert not preview["hidden"]
    assert preview["start"] <= hovered < preview["end"]  # the cue of the time hovered
    assert preview["end"] - preview["start"] == 60
    middle = int(preview["start"] + preview["end"]) // 2
    assert _picture_shows(page, middle)


def test_hovering_the_timeline_shows_the_frame_at_that_time(page, made):
    _open(page, f"/r/{made}?t=1h")
    span = page.evaluate(SPAN)
    box = page.locator("#track").bounding_box()
    for fraction in (0.38, 0.7):
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)
        page.wait_for_function(NEAR, arg=[fraction * span, span / box["width"]])  # that pixel
        preview = page.evaluate(PREVIEW)
        _check(preview, preview["time"], page)
        expect(page.locator(".frame-preview-time")).to_have_text(page.text_content("#hover"))
        preview = page.locator(".frame-preview").bounding_box()
        assert preview["y"] + preview["height"] <= box["y"]  # above the timeline
        assert abs(preview["x"] + preview["width"] / 2 - box["x"] - box["width"] * fraction) < 2
    assert page.get_attribute(".frame-preview", "aria-hidden") == "true"
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 200)  # off the timeline
    expect(page.locator(".frame-preview")).to_be_hidden()


def test_keyboard_focus_on_the_timeline_shows_the_frame_at_the_playhead(page, made):
    _open(page, f"/r/{made}?t=2h32m30s")
    page.locator("#track").focus()  # as Tab lands on the slider
    page.wait_for_function(NEAR, arg=[9150, 0.5])
    _check(page.evaluate(PREVIEW), 9150, page)
    page.keyboard.press("Shift+ArrowRight")  # +30 s: into the next minute's cue
    page.wait_for_function(NEAR, arg=[9180, 0.5])
    _check(page.evaluate(PREVIEW), 9180, page)
    page.keyboard.press("Shift+Tab")  # off the slider
    expect(page.locator(".frame-preview")).to_be_hidden()


def test_on_a_phone_the_preview_stays_on_screen(open_tab, made):
    page = open_tab(viewport={"width": 390, "height": 844}, has_touch=True)
    _open(page, f"/r/{made}?t=10m")
    page.locator("#track").focus()
    span = page.evaluate(SPAN)
    for key, at in (("End", span), ("Home", 0)):
        page.keyboard.press(key)
        page.wait_for_function(NEAR, arg=[at, 1])
        preview = page.locator(".frame-preview").bounding_box()
        assert preview["x"] >= 0 and preview["x"] + preview["width"] <= 390, key


def test_before_the_previews_are_made_the_timeline_shows_just_the_time(page, demo):
    _open(page, f"/r/{demo}?t=1h")
    box = page.locator("#track").bounding_box()
    with page.expect_response(lambda r: r.url.endswith("/thumbnails.vtt")) as answer:
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert answer.value.status == 404
    expect(page.locator("#hover")).to_have_text(re.compile(r"^\d:\d\d:\d\d$"))
    assert page.locator(".frame-preview").is_hidden()
