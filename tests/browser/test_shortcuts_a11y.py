"""The player's keyboard shortcuts and what a screen reader hears, in a real Chromium, by
keyboard only (issue 12): the clock is no live region, a seek names the session it lands in
once, single-key shortcuts can be switched off and changed (remembered by the browser, WCAG
2.1.4), and Space and arrows in the transcript are the transcript's, not the player's."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

AT = """([t]) => {
  const v = document.querySelector('video');
  return v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - t) < 0.5;
}"""
PLAYBACK = "(({ currentTime: at, paused }) => ({ at, paused }))(document.querySelector('video'))"
# Every non-empty text the status line takes, from now on.
RECORD = """() => {
  window.said = [];
  const status = document.getElementById('status');
  new MutationObserver(() => status.textContent && window.said.push(status.textContent))
    .observe(status, { childList: true, characterData: true, subtree: true });
}"""


def _open(page, path: str) -> None:
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")


def _tab_to(page, selector: str) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(80):
        if page.evaluate("(s) => document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reached by Tab")


def _live_properties(page, selector: str) -> list[tuple[str, str]]:
    """The `live` properties Chromium's accessibility tree gives the element and its ancestors."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": True})
    return [
        (n.get("role", {}).get("value"), p["value"]["value"])
        for n in tree["nodes"]
        for p in n.get("properties", [])
        if p["name"] == "live"
    ]


def _stays(page, seconds: float) -> None:
    """The video stays paused at `seconds` and the clock says so."""
    video = page.evaluate(PLAYBACK)
    assert video["paused"]
    assert video["at"] == pytest.approx(seconds, abs=0.5)
    assert page.inner_text("#clock") == {3600: "1:00:00", 8400: "2:20:00"}[seconds]


def test_the_clock_is_silent_and_n_names_the_next_session_once(page, demo):
    _open(page, f"/r/{demo}?t=1h")
    assert _live_properties(page, "#clock") == []
    assert ("status", "polite") in _live_properties(page, "#status")
    back = page.locator("button[data-act=back5]")
    expect(back).to_have_text("−5 s")
    expect(back).to_have_accessible_name("−5 s, back 5 seconds")  # the visible text first
    page.evaluate(RECORD)

    page.keyboard.press("n")
    page.wait_for_function(AT, arg=[8400])
    page.wait_for_function("() => window.said.length > 0")
    page.keyboard.press("k")  # play on: the session's name is not said again
    page.wait_for_function("() => document.querySelector('video').currentTime > 8402.5")
    said = page.evaluate("window.said")
    assert len(said) == 1, said
    assert said[0].startswith("2:20:00, 0:00:00 into Round table")
    assert page.inner_text("#clock").startswith("2:20:0")


def test_single_keys_switched_off_stay_off_and_the_buttons_still_work(page, demo):
    _open(page, f"/r/{demo}?t=1h")
    assert page.get_attribute("#play", "aria-keyshortcuts") == "k Space"
    expect(page.locator("[aria-keyshortcuts=a]")).to_have_count(0)  # "a" has no button
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    _tab_to(page, "#keys-on")
    expect(page.get_by_label("Single-key shortcuts")).to_be_checked()
    page.keyboard.press("Space")
    expect(page.locator("#keys-status")).to_have_text("Single-key shortcuts are off.")
    expect(page.locator("#play")).not_to_have_attribute("aria-keyshortcuts", "k Space")
    page.keyboard.press("Escape")

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("#play", "aria-keyshortcuts") is None
    for key in ("k", "n", "Space", "ArrowRight", "?"):
        page.keyboard.press(key)
    expect(page.locator("#help")).to_be_hidden()
    _stays(page, 3600)

    _tab_to(page, "#play")
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('video').paused")
    page.keyboard.press("Enter")
    _tab_to(page, "button[data-act=help]")
    page.keyboard.press("Enter")
    expect(page.locator("#help")).to_be_visible()
    expect(page.get_by_label("Single-key shortcuts")).not_to_be_checked()


def test_a_key_changed_in_the_help_dialog_works_and_is_remembered(page, demo):
    _open(page, f"/r/{demo}?t=1h")
    page.keyboard.press("?")
    _tab_to(page, "#key-next")
    page.keyboard.press("Control+a")
    page.keyboard.type("p")  # already "Previous session"
    page.keyboard.press("Enter")
    error = page.get_by_role("alert").filter(has_text="used twice")
    expect(error).to_have_text("“p” is used twice: for “Previous session” and “Next session”.")
    expect(page.get_by_label("Next session", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Next session", exact=True)).to_be_focused()

    page.keyboard.press("Control+a")
    page.keyboard.type("m")
    page.keyboard.press("Enter")
    expect(page.locator("#keys-status")).to_have_text("Keys saved.")
    expect(page.locator("#keys-error")).to_be_hidden()
    page.keyboard.press("Escape")
    assert page.get_attribute("button[data-act=next]", "aria-keyshortcuts") == "m"

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("n")
    _stays(page, 3600)
    page.keyboard.press("m")
    page.wait_for_function(AT, arg=[8400])
    assert page.inner_text("#clock") == "2:20:00"


def test_space_and_arrows_in_the_transcript_leave_playback_alone(page, transcribed):
    _open(page, f"/r/{transcribed}?t=8400")
    _tab_to(page, "#cues-box, #cues-box *")
    for key in ("Space", "ArrowRight", "ArrowLeft"):
        page.keyboard.press(key)
        assert page.evaluate("document.querySelector('video').paused"), key
    _stays(page, 8400)
