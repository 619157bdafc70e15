"""A keyboard-only visit, start to end, as a blind or keyboard user makes it (issue 12): no
mouse event anywhere. What a screen reader would say is read from the page's live region and
the accessibility tree, never from pixels."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from test_shortcuts_a11y import PLAYBACK, RECORD

from app.timecodes import parse_range

pytestmark = pytest.mark.browser

SETTLED = (
    "() => { const v = document.querySelector('video'); return v.readyState >= 1 && !v.seeking; }"
)


# Every change to any live region from now on (text or attributes), by region.
LIVE_REGIONS = """() => {
  window.changes = [];
  const regions = '[aria-live], [role=status], [role=alert], [role=log]';
  for (const region of document.querySelectorAll(regions)) {
    new MutationObserver(() => window.changes.push(region.id || region.className)).observe(
      region, { childList: true, characterData: true, subtree: true, attributes: true });
  }
}"""


def _tab_to(page, selector: str, *, back: bool = False, limit: int = 400) -> int:
    """Press Tab (Shift+Tab with `back`) until `selector` holds the focus; returns how many
    presses it took."""
    for presses in range(limit + 1):
        if page.evaluate("(s) => !!document.activeElement?.closest(s)", selector):
            return presses
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} is not reached in {limit} Tab stops")


def _said(page) -> list[str]:
    return page.evaluate("window.said")


def test_the_whole_journey_by_keyboard(open_tab, demo, sign_in, live_server):
    page = open_tab()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    sign_in("member", tab=page)

    # Land on a session link: the session's name is said, and the page says it in words.
    page.goto(f"/r/{demo}/s/round-table")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_role("status").filter(has_text="Round table")).to_have_count(1)
    page.evaluate(RECORD)

    # From the top of the page, the sessions list is fewer than 30 Tab stops away.
    page.keyboard.press("Tab")  # the skip link comes first, from the document's start
    assert _tab_to(page, "#chapters") < 30

    # Seek with the timeline slider to another session: Home, then to the plenary's next.
    page.keyboard.press("Shift+Tab")
    _tab_to(page, "#track")
    page.keyboard.press("Home")
    page.wait_for_function(SETTLED)
    page.wait_for_function("() => window.said.some((s) => s.includes('Plenary session'))")
    assert page.get_attribute("#track", "aria-valuetext").startswith("0:00:00")

    # Play and pause from the keyboard.
    page.keyboard.press("k")
    page.wait_for_function("() => !document.querySelector('video').paused")
    page.keyboard.press("k")
    page.wait_for_function("() => document.querySelector('video').paused")
    at = page.evaluate(PLAYBACK)["at"]

    # Annotate at the current time: "a" takes the focus to the text with the time filled in.
    page.keyboard.press("a")
    expect(page.locator("#a-text")).to_be_focused()
    start = page.input_value("#a-start")
    assert parse_range(start).start == pytest.approx(at, abs=1.5)
    page.keyboard.type("Said by keyboard alone")
    _tab_to(page, "#annotate button[type=submit]")
    page.keyboard.press("Enter")
    added = page.locator("#annotations li", has_text="Said by keyboard alone")
    expect(added).to_have_count(1)
    expect(added.locator(".jump")).to_have_text(start)

    # Copy a link to a range: mark in, move on 30 s, mark out, copy.
    _tab_to(page, "#annotate [data-mark=start]", back=True)
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+ArrowRight")  # a button does not use arrows: the player's key
    page.wait_for_function(f"() => document.querySelector('video').currentTime > {at + 29}")
    page.wait_for_function(SETTLED)
    _tab_to(page, "#annotate [data-mark=end]")
    page.keyboard.press("Enter")
    _tab_to(page, "#copy-range", back=True)
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.said.some((s) => s.includes('Copied'))")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"{live_server}/r/{demo}?")
    linked = parse_range(parse_qs(urlsplit(copied).query)["t"][0])
    assert (linked.start, linked.end) == (
        pytest.approx(at, abs=1.5),
        pytest.approx(at + 30, abs=1.5),
    )

    # Switch the single-key shortcuts off: k and n do nothing any more.
    page.keyboard.press("Escape")  # leave any field
    _tab_to(page, "button[data-act=help]", back=True)
    page.keyboard.press("Enter")
    expect(page.locator("#help")).to_be_visible()
    _tab_to(page, "#keys-on")
    page.keyboard.press("Space")
    expect(page.locator("#keys-status")).to_have_text("Single-key shortcuts are off.")
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()
    before = page.evaluate(PLAYBACK)
    _tab_to(page, "#track")
    page.keyboard.press("Tab")  # off the slider, onto whatever follows it
    for key in ("k", "n", "p", "?"):
        page.keyboard.press(key)
    expect(page.locator("#help")).to_be_hidden()
    after = page.evaluate(PLAYBACK)
    assert after["paused"]
    assert after["at"] == pytest.approx(before["at"], abs=0.5)


def test_ten_seconds_of_playback_say_little(page, demo):
    """The live regions change at most twice while the recording plays on: the clock is
    not read over the talk (issue 12, done-when 3)."""
    page.goto(f"/r/{demo}?t=2h19m55s")  # crossing into the round table once
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate(LIVE_REGIONS)
    page.keyboard.press("k")
    page.wait_for_function(
        "() => document.querySelector('video').currentTime > 8395 + 10", timeout=30_000
    )
    changes = page.evaluate("window.changes")
    assert 1 <= len(changes) <= 2, changes  # "Now: Round table", and nothing else
