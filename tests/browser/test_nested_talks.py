"""A talk nested in a session, in a real Chromium (issue 9, done-when 4): drawn on the
timeline under its session, reached by `n` from the session's start, its own speakers shown
while it plays, and `n`/`p` then moving on to the next session and back."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AT = """([expected]) => {
  const v = document.querySelector('video');
  return v && v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - expected) < 0.5;
}"""


def _press_and_land(page, key: str, expected: float) -> None:
    page.keyboard.press(key)
    page.wait_for_function(AT, arg=[expected], timeout=10_000)


def test_n_reaches_the_nested_talk_and_shows_its_speakers(page, demo, talk):
    page.goto(f"/r/{demo}?t=8400")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function(AT, arg=[8400], timeout=10_000)

    block = page.locator("#track .block-talk")
    expect(block).to_be_visible()
    expect(block).to_contain_text(talk["title"])
    parent, box = (
        page.locator("#track .block[data-slug=round-table]").bounding_box(),
        block.bounding_box(),
    )
    assert parent["x"] <= box["x"] and box["x"] + box["width"] <= parent["x"] + parent["width"]
    assert box["y"] >= parent["y"] + parent["height"] - 1  # a row of its own, under its session

    _press_and_land(page, "n", talk["start"])
    speakers = page.locator(".speakers [data-segment]:visible")
    expect(speakers).to_have_count(1)
    expect(speakers.locator("li")).to_have_count(2)
    expect(speakers).to_contain_text("Maya Sviridova")
    expect(speakers).to_contain_text("Dr Abdo Malac")
    expect(speakers).not_to_contain_text("Faina Filina")
    expect(page.locator("#chapters li[aria-current=true]")).to_have_attribute(
        "data-slug", talk["slug"]
    )
    expect(block).to_have_class("block block-talk current")

    _press_and_land(page, "n", 18165)  # the break is skipped: on to the panel discussion
    _press_and_land(page, "p", talk["start"])
