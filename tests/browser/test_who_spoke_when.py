"""Who spoke when in a real Chromium: a voice-tagged transcript imported on the demo draws the
lane under the timeline; its blocks seek the video, name their speaker on hover and focus, and
are one Tab stop walked with the arrow keys; an editor adds a turn with "set start/end to
current time"; without JavaScript the turns, listed under the lane, are links that open the
page at their starts."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AT = """([t]) => {
  const v = document.querySelector('video');
  return v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - t) < 0.5;
}"""
# Ada Lovelace from 2:20:00, Faina Filina from 2:30:00, Ada again 2:45:00-2:50:00: blocks wide
# enough on a 6 h 45 min lane to point at.
TURNS = [("Ada Lovelace", 8400, 9000), ("Faina Filina", 9000, 9900), ("Ada Lovelace", 9900, 10200)]


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}.000"


def _vtt() -> str:
    lines = ["WEBVTT", ""]
    for voice, start, end in TURNS:
        for t in range(start, end, 10):
            lines += [f"{_clock(t)} --> {_clock(t + 10)}", f"<v {voice}>On clusters at {t}.", ""]
    return "\n".join(lines)


def _ready(page, path: str) -> None:
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")


def test_the_imported_transcript_draws_a_lane_whose_blocks_seek(page, sign_in, demo, tmp_path):
    sign_in("editor")
    vtt = tmp_path / "voices.vtt"
    vtt.write_text(_vtt())
    page.goto(f"/r/{demo}/import")
    form = page.locator("#transcript-form")
    form.get_by_label("WebVTT or SRT file").set_input_files(vtt)
    form.get_by_role("button", name="Upload transcript").click()
    page.wait_for_url(f"**/r/{demo}#transcript")
    page.wait_for_selector("body[data-ready=true]")

    lane = page.get_by_role("group", name="Who spoke when")
    blocks = lane.locator("#lane a")
    assert blocks.evaluate_all("bs => bs.map(b => b.title)") == [
        "Ada Lovelace, 2:20:00 to 2:30:00",
        "Faina Filina, 2:30:00 to 2:45:00",
        "Ada Lovelace, 2:45:00 to 2:50:00",
    ]
    faina = lane.get_by_role("link", name="Faina Filina, 2:30:00 to 2:45:00")
    faina.hover()
    expect(page.locator("#lane-now")).to_have_text("Faina Filina, 2:30:00 to 2:45:00")
    page.evaluate("window.sameDocument = true")
    faina.click()
    page.wait_for_function(AT, arg=[9000])
    assert page.evaluate("window.sameDocument") is True  # a seek, not a page load

    # One Tab stop: the block just played; the arrow keys walk the others and Enter seeks.
    assert blocks.evaluate_all("bs => bs.map(b => b.tabIndex)") == [-1, 0, -1]
    page.keyboard.press("ArrowRight")
    expect(page.locator("#lane-now")).to_have_text("Ada Lovelace, 2:45:00 to 2:50:00")
    assert page.evaluate("document.activeElement.title") == "Ada Lovelace, 2:45:00 to 2:50:00"
    assert page.evaluate("document.querySelector('video').currentTime") == 9000  # no seek yet
    page.keyboard.press("Enter")
    page.wait_for_function(AT, arg=[9900])
    page.keyboard.press("Home")
    assert page.evaluate("document.activeElement.title").startswith("Ada Lovelace, 2:20:00")
    assert blocks.evaluate_all("bs => bs.map(b => b.tabIndex)") == [0, -1, -1]
    expect(lane.get_by_role("link", name="Faina Filina", exact=True)).to_have_attribute(
        "href", "/speakers/faina-filina"
    )


def test_an_editor_adds_a_turn_at_the_current_time(page, sign_in, demo):
    sign_in("editor")
    _ready(page, f"/r/{demo}?t=2h20m")
    page.get_by_text("Edit speaker turns").click()
    form = page.locator("#turn-add")
    page.evaluate("document.querySelector('video').currentTime = 8460")
    page.wait_for_function(AT, arg=[8460])
    form.get_by_role("button", name="Set start to current time").click()
    expect(form.get_by_label("Start")).to_have_value("2:21:00")
    page.evaluate("document.querySelector('video').currentTime = 8522")
    page.wait_for_function(AT, arg=[8522])
    form.get_by_role("button", name="Set end to current time").click()
    expect(form.get_by_label("End")).to_have_value("2:22:02")
    form.get_by_label("Speaker").select_option(label="Mikhail Yugay")
    form.get_by_role("button", name="Add turn").click()
    page.wait_for_url(f"**/r/{demo}?t=2h21m#turns")
    page.wait_for_selector("body[data-ready=true]")
    block = page.get_by_role("link", name="Mikhail Yugay, 2:21:00 to 2:22:02")
    expect(block).to_have_count(1)
    assert page.locator("#turns-near-h").text_content() == "Turns around 2:21:00"
    expect(page.locator("#turns .legend")).to_have_text("Mikhail Yugay")


def test_without_javascript_the_list_of_turns_links_to_their_starts(open_tab, client, demo):
    response = client.post(f"/api/v1/recordings/{demo}/transcript", content=_vtt().encode())
    assert response.status_code == 201, response.text
    page = open_tab(java_script_enabled=False)
    page.goto(f"/r/{demo}")
    assert page.locator("#lane a").count() == 0  # blocks too narrow to point at: drawn only
    page.get_by_text("Who spoke when, as a list").click()
    page.get_by_role("link", name="Faina Filina, 2:30:00 to 2:45:00").click()
    page.wait_for_url(f"**/r/{demo}?t=*")
    page.wait_for_function(AT, arg=[9000])  # the media fragment, without any script
