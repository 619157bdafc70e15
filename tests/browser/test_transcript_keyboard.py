"""The transcript from the keyboard alone (no mouse event in these tests): one Tab stop for
all its lines, arrow keys between them, Enter plays from one; a "Follow playback" switch that
stops the automatic scrolling and is remembered; and following never scrolls away the line
keyboard focus is on."""

import pytest
from test_transcript import AT, CURRENT, _open

pytestmark = pytest.mark.browser

FOCUS = """() => {
  const el = document.activeElement;
  return {
    cue: el.closest('#cues li')?.dataset.start ?? null,
    inBox: !!el.closest('#cues-box'),
    annotations: !!el.closest('.annotations-panel'),  // what follows the transcript
    id: el.id,
  };
}"""
TOP = "document.querySelector('#cues-box').scrollTop"
FOCUSED_IN_VIEW = """() => {
  const r = document.activeElement.getBoundingClientRect();
  const box = document.querySelector('#cues-box').getBoundingClientRect();
  return r.top >= box.top && r.bottom <= box.bottom;
}"""
CURRENT_IN_VIEW = """() => {
  const r = document.querySelector('#cues li[aria-current=true]').getBoundingClientRect();
  const box = document.querySelector('#cues-box').getBoundingClientRect();
  return r.top >= box.top && r.bottom <= box.bottom;
}"""


def _tab_until(page, wanted, key="Tab"):
    """Press Tab until the focused element matches `wanted` (a key of FOCUS); the stops seen."""
    seen = []
    while len(seen) < 200:
        page.keyboard.press(key)
        seen.append(page.evaluate(FOCUS))
        if seen[-1][wanted]:
            return seen
    raise AssertionError(f"no {wanted} within 200 Tab stops")


def test_the_transcript_is_one_tab_stop_on_the_playing_line(page, transcribed):
    _open(page, f"/r/{transcribed}?t=8400")
    assert page.locator("#cues li").count() > 20
    stops = _tab_until(page, "annotations")
    in_transcript = [stop for stop in stops if stop["inBox"]]
    assert len(in_transcript) == 1  # it was one per line: 35 of the 90 stops past it
    assert in_transcript[0]["cue"] == "8400.0" == page.evaluate(CURRENT)
    assert len(stops) < 60
    assert _tab_until(page, "inBox", key="Shift+Tab")[-1]["cue"] == "8400.0"  # and back


def test_arrow_keys_move_between_lines_and_enter_plays_from_one(page, transcribed):
    _open(page, f"/r/{transcribed}?t=8400")
    _tab_until(page, "inBox")
    starts = page.eval_on_selector_all("#cues li", "lis => lis.map(li => li.dataset.start)")
    here = starts.index("8400.0")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    fourth = starts[here + 3]
    assert page.evaluate(FOCUS)["cue"] == fourth
    page.keyboard.press("Enter")
    page.wait_for_function(AT, arg=[float(fourth)])
    page.wait_for_function(f"() => {CURRENT} === '{fourth}'")
    assert page.url.endswith("?t=8400")  # a seek, not a page load
    assert page.evaluate(FOCUS)["cue"] == fourth  # focus stays where the reader is
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Space")  # plays from a line too, rather than toggling playback
    page.wait_for_function(AT, arg=[float(starts[here + 2])])
    page.keyboard.press("End")
    assert page.evaluate(FOCUS)["cue"] == starts[-1]
    page.keyboard.press("Home")
    assert page.evaluate(FOCUS)["cue"] == starts[0]
    # The line last visited is the Tab stop when coming back.
    _tab_until(page, "annotations")
    assert _tab_until(page, "inBox", key="Shift+Tab")[-1]["cue"] == starts[0]


def test_following_can_be_switched_off_and_stays_off(page, transcribed):
    _open(page, f"/r/{transcribed}?t=8400")
    _tab_until(page, "inBox")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUS)["id"] == "transcript-follow-on"
    follow = page.get_by_role("checkbox", name="Follow playback")
    assert follow.is_checked()
    page.keyboard.press("Space")
    assert not follow.is_checked()
    top = page.evaluate(TOP)
    page.evaluate("document.querySelector('video').currentTime = 8440")
    page.wait_for_function(f"() => {CURRENT} === '8440.0'")
    assert page.evaluate(TOP) == top  # the seek moved the highlight, not the lines
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function(f"() => Number({CURRENT}) >= 8444")  # two lines further
    assert page.evaluate(TOP) == top
    _open(page, f"/r/{transcribed}?t=8400")
    assert not page.get_by_role("checkbox", name="Follow playback").is_checked()  # remembered


def test_following_leaves_the_focused_line_in_view(page, transcribed):
    _open(page, f"/r/{transcribed}?t=8400")
    _tab_until(page, "inBox")
    page.keyboard.press("ArrowDown")
    reading = page.evaluate(FOCUS)["cue"]
    top = page.evaluate(TOP)
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function(f"() => Number({CURRENT}) >= 8406")  # three lines further
    assert page.evaluate(FOCUS)["cue"] == reading
    assert page.evaluate(TOP) == top
    assert page.evaluate(FOCUSED_IN_VIEW)
    page.keyboard.press("Tab")  # leaving the transcript: following shows the playing line again
    assert not page.evaluate(FOCUS)["inBox"]
    page.wait_for_function(CURRENT_IN_VIEW)
