"""Annotating in a real Chromium: with JavaScript the annotation appears in the list and on
the timeline without a reload; without it the plain form does the same through a 303."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SEEKED_TO = """([t]) => {
  const v = document.querySelector('video');
  return v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - t) < 0.5;
}"""


def test_annotate_here_without_reload_then_follow_the_permalink(page, sign_in, demo):
    sign_in("member")
    page.goto(f"/r/{demo}?t=2h20m")
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("window.sameDocument = true")
    page.keyboard.press("l")  # +5 s: the annotation takes the current time
    page.wait_for_function(SEEKED_TO, arg=[8405])
    page.keyboard.press("a")  # annotate here: focus lands in the text box
    assert page.evaluate("document.activeElement.id") == "a-text"
    assert page.input_value("#a-start") == "2:20:05"
    page.fill("#a-text", "Opening of the round table")
    page.select_option("#a-kind", "highlight")
    page.click("#annotate button[type=submit]")
    item = page.locator(".annotation.kind-highlight", has_text="Opening of the round table")
    item.wait_for()
    annotation_id = item.get_attribute("data-id")
    assert page.evaluate("window.sameDocument") is True  # no reload happened
    assert item.locator(".jump").inner_text() == "2:20:05"
    assert page.locator(f'#marks .mark[data-id="{annotation_id}"]').count() == 1
    assert "Annotation added at 2:20:05" in page.inner_text("#status")

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator(f"#annotation-{annotation_id}")).to_be_visible()
    assert page.locator(f'#marks .mark[data-id="{annotation_id}"]').count() == 1
    page.click(f"#annotation-{annotation_id} a.permalink")
    page.wait_for_url(f"**/a/{annotation_id}")
    page.wait_for_function(SEEKED_TO, arg=[8405])


def test_bad_input_shows_the_message_in_place(page, sign_in, demo):
    sign_in("editor")
    page.goto(f"/r/{demo}?t=2h20m")
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#a-kind", "quote")
    page.click("#annotate button[type=submit]")
    error = page.locator("#annotate-error")
    error.wait_for()
    assert "a quote names its speaker" in error.inner_text()


def test_place_an_unplaced_quote_at_the_current_time(page, sign_in, demo):
    sign_in("editor")
    page.goto(f"/r/{demo}/s/round-table?t=10m")
    page.wait_for_selector("body[data-ready=true]")
    item = page.locator(".annotation", has_text="Faina Filina")
    item.locator("form.place button").click()
    placed = page.locator(".annotation", has_text="Faina Filina").locator(".jump")
    placed.wait_for()
    assert placed.inner_text() == "2:30:00"


def test_delete_without_reload(page, sign_in, demo, clients):
    client = clients("member")
    sign_in("member")
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        json={"kind": "bookmark", "start": 60, "text": "to delete"},
    ).json()
    page.goto(f"/r/{demo}")
    page.wait_for_selector("body[data-ready=true]")
    page.locator(f"#annotation-{created['id']} form.delete button").click()
    page.locator(f"#annotation-{created['id']}").wait_for(state="detached")
    assert client.get(f"/api/v1/annotations/{created['id']}").status_code == 404


def test_plain_form_without_javascript(open_tab, sign_in, demo):
    page = open_tab(java_script_enabled=False)
    sign_in("member", page)
    page.goto(f"/r/{demo}?t=2h20m")
    page.fill("#a-start", "2:20:10")
    page.fill("#a-text", "Noted without scripts")
    page.click("#annotate button[type=submit]")
    page.wait_for_url(re.compile(r".*\?t=2h20m10s#annotation-\d+$"))
    annotation_id = page.url.rpartition("-")[2]
    expect(page.locator(f"#annotation-{annotation_id}")).to_be_visible()
    assert page.locator(f'#marks .mark[data-id="{annotation_id}"]').count() == 1
    page.wait_for_function(SEEKED_TO, arg=[8410])

    page.goto(f"/a/{annotation_id}")
    page.wait_for_function(SEEKED_TO, arg=[8410])
    assert "Noted without scripts" in page.inner_text(".linked")
