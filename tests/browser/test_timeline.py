"""The navigator's timeline in a real Chromium (issue 12): a slider holding nothing focusable,
the frame-preview events it sends on hover and keyboard focus, hour ticks (fewer labels on a
phone), merged annotation pins that lead to their first annotation, zooming to the current
session and back by keyboard, and where playback is, in words."""

import itertools

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AT = """([t]) => {
  const v = document.querySelector('video');
  return v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - t) < 0.5;
}"""
# Records the slider's timeline:hover / timeline:leave events in window.events.
LISTEN = """() => {
  window.events = [];
  const track = document.getElementById('track');
  track.addEventListener('timeline:hover', (e) => window.events.push(['hover', e.detail]));
  track.addEventListener('timeline:leave', () => window.events.push(['leave']));
}"""
ROUND_TABLE = (8400, 14635)


def _open(page, path: str) -> None:
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")


def _labels(page) -> list[str]:
    return page.locator("#ticks .tick > span").all_inner_texts()


def test_the_slider_holds_nothing_focusable_and_reports_hover(page, demo):
    _open(page, f"/r/{demo}?t=2h20m")
    track = page.locator("#track")
    expect(track).to_have_attribute("role", "slider")
    assert track.locator("a, [tabindex], button, input").count() == 0
    assert track.locator(".block").count() > 0  # still drawn, as spans

    page.evaluate(LISTEN)
    box = track.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 4, box["y"] + 10)
    page.wait_for_function("window.events.length > 0")
    kind, detail = page.evaluate("window.events.at(-1)")
    span = float(page.get_attribute("#track", "aria-valuemax"))
    assert kind == "hover"
    assert detail["left"] == pytest.approx(box["width"] / 4, abs=1)
    assert detail["time"] == pytest.approx(span / 4, abs=span / box["width"] * 2)
    expect(page.locator("#hover")).to_be_visible()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] + 200)
    page.wait_for_function("window.events.at(-1)[0] === 'leave'")


def test_keyboard_focus_on_the_slider_reports_the_playhead(page, demo):
    _open(page, f"/r/{demo}?t=2h20m")
    page.evaluate(LISTEN)
    page.focus("#zoom")  # the control just before the slider
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "track"
    page.wait_for_function("window.events.some(([k]) => k === 'hover')")
    kind, detail = page.evaluate("window.events.at(-1)")
    assert kind == "hover" and detail["time"] == pytest.approx(8400, abs=0.5)
    playhead = page.locator("#playhead").bounding_box()
    track = page.locator("#track").bounding_box()
    assert detail["left"] == pytest.approx(playhead["x"] - track["x"] + 1, abs=2)

    page.keyboard.press("ArrowRight")
    page.wait_for_function(AT, arg=[8405])
    page.wait_for_function("window.events.at(-1)[1] && window.events.at(-1)[1].time > 8404")
    page.keyboard.press("Shift+Tab")
    page.wait_for_function("window.events.at(-1)[0] === 'leave'")


def test_hour_ticks_with_fewer_labels_on_a_phone(open_tab, demo):
    desktop = open_tab()
    _open(desktop, f"/r/{demo}")
    assert _labels(desktop) == [f"{h}:00:00" for h in range(7)]
    phone = open_tab(viewport={"width": 390, "height": 844})
    _open(phone, f"/r/{demo}")
    labels = _labels(phone)
    assert labels[0] == "0:00:00" and 3 <= len(labels) < 7
    assert phone.locator("#ticks .tick").count() >= 7  # a tick every hour all the same
    boxes = [b.bounding_box() for b in phone.locator("#ticks .tick > span").all()]
    assert all(a["x"] + a["width"] < b["x"] for a, b in itertools.pairwise(boxes))
    assert boxes[-1]["x"] + boxes[-1]["width"] <= 390


def test_close_marks_merge_and_lead_to_the_first_annotation(page, demo, clients, sign_in):
    member = clients("member")
    api = f"/api/v1/recordings/{demo}/annotations"
    made = [
        member.post(api, json={"kind": "note", "start": start, "text": f"Note {start}"}).json()
        for start in (3600, 3610, 3620, 3630, 3640, 12000)
    ]
    sign_in("member")
    _open(page, f"/r/{demo}?t=1h0m50s")
    pins = page.locator("#marks .mark")
    expect(pins).to_have_count(2)
    merged = pins.first
    expect(merged).to_have_text("5")
    expect(merged).to_have_attribute("data-id", str(made[0]["id"]))
    box = merged.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24

    # Added and deleted live, the pins merge again.
    page.keyboard.press("a")
    page.fill("#a-text", "One more")
    page.click("#annotate button[type=submit]")
    expect(merged).to_have_text("6")
    page.locator(f"#annotation-{made[0]['id']} form.delete button").click()
    expect(merged).to_have_text("5")
    expect(merged).to_have_attribute("data-id", str(made[1]["id"]))

    merged.click()
    page.wait_for_function(AT, arg=[3610])


def test_outside_any_session_there_is_nothing_to_zoom_to(page, demo):
    _open(page, f"/r/{demo}?t=6h42m")  # after the panel discussion, before the end
    expect(page.locator("#whereabouts")).to_have_text("No session at this moment.")
    expect(page.locator("#zoom")).to_be_hidden()
    page.focus("#track")
    page.keyboard.press("Home")
    page.wait_for_function(AT, arg=[0])
    expect(page.get_by_role("button", name="Zoom in: Plenary session")).to_be_visible()
    expect(page.locator("#whereabouts")).to_contain_text("Plenary session — 0:00:00 into it")


def test_zoom_to_the_session_and_back_by_keyboard(page, demo):
    _open(page, f"/r/{demo}/s/round-table?t=12m30s")
    where = page.locator("#whereabouts")
    expect(where).to_contain_text("— 0:12:30 into it, 1:31:25 left")
    zoom = page.get_by_role("button", name="Zoom in: Round table")
    zoom.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Whole recording")).to_be_focused()
    track = page.locator("#track")
    expect(track).to_have_attribute("aria-valuemin", str(ROUND_TABLE[0]))
    expect(track).to_have_attribute("aria-valuemax", str(ROUND_TABLE[1]))
    assert _labels(page)[0] == "2:20:00" and len(_labels(page)) >= 4  # finer ticks
    session = page.locator("#track .block[data-slug=round-table]").bounding_box()
    whole = track.bounding_box()
    assert session["width"] == pytest.approx(whole["width"], abs=3)

    track.focus()
    page.keyboard.press("End")
    page.wait_for_function(AT, arg=[ROUND_TABLE[1]])
    page.keyboard.press("Home")
    page.wait_for_function(AT, arg=[ROUND_TABLE[0]])
    page.keyboard.press("ArrowRight")
    page.wait_for_function(AT, arg=[ROUND_TABLE[0] + 5])
    expect(where).to_contain_text("— 0:00:05 into it, 1:43:50 left")  # follows playback
    playhead = page.locator("#playhead").bounding_box()
    assert playhead["x"] - whole["x"] == pytest.approx(whole["width"] * 5 / 6235, abs=3)

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(track).to_have_attribute("aria-valuemin", "0")
    assert _labels(page) == [f"{h}:00:00" for h in range(7)]
    expect(page.get_by_role("button", name="Zoom in: Round table")).to_be_focused()
