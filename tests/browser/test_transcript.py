"""The transcript beside the player in a real Chromium: the playing cue is highlighted and
kept in view as playback crosses cue boundaries, a click on a cue seeks the video, following
pauses while the reader scrolls, and the search box finds lines."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CURRENT = "(document.querySelector('#cues li[aria-current=true]')?.dataset.start ?? null)"
NEW_CURRENT = f"([seen]) => {{ const now = {CURRENT}; return !!now && !seen.includes(now); }}"
IN_VIEW = """() => {
  const li = document.querySelector('#cues li[aria-current=true]');
  const box = document.querySelector('#cues-box').getBoundingClientRect();
  const r = li && li.getBoundingClientRect();
  return !!r && r.top >= box.top && r.bottom <= box.bottom;
}"""
AT = """([t]) => {
  const v = document.querySelector('video');
  return v.readyState >= 1 && !v.seeking && Math.abs(v.currentTime - t) < 0.5;
}"""


def _open(page, path):
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")


def test_the_playing_cue_is_highlighted_and_followed(page, transcribed):
    _open(page, f"/r/{transcribed}?t=8400")
    assert page.evaluate(CURRENT) == "8400.0"
    seen = set()
    page.evaluate("document.querySelector('video').play()")
    for _ in range(3):  # cues are two seconds long: three boundaries in about six seconds
        page.wait_for_function(NEW_CURRENT, arg=[sorted(seen)])
        seen.add(page.evaluate(CURRENT))
        assert page.evaluate(IN_VIEW)
    assert len(seen) == 3
    assert page.locator("#cues .who", has_text="Ada Lovelace").count() > 0
    assert page.locator("#cues .who", has_text="Faina Filina").count() > 0


def test_clicking_a_cue_seeks_the_video(page, transcribed):
    _open(page, f"/r/{transcribed}?t=8400")
    page.click("#cues li[data-start='8430.0'] a")
    page.wait_for_function(AT, arg=[8430])
    assert page.evaluate(CURRENT) == "8430.0"
    assert page.url.endswith("?t=8400")  # a seek, not a page load


def test_a_user_scroll_pauses_following_until_asked(page, transcribed):
    _open(page, f"/r/{transcribed}?t=8400")
    page.hover("#cues-box")
    page.mouse.wheel(0, -400)
    follow = page.locator("#transcript-follow")
    follow.wait_for()
    top = page.evaluate("document.querySelector('#cues-box').scrollTop")
    page.evaluate("document.querySelector('video').currentTime = 8440")
    page.wait_for_function(f"() => {CURRENT} === '8440.0'")
    assert page.evaluate("document.querySelector('#cues-box').scrollTop") == top  # not moved
    follow.click()
    expect(follow).to_be_hidden()
    assert page.evaluate(IN_VIEW)


def test_search_within_the_transcript(page, transcribed):
    _open(page, f"/r/{transcribed}?t=8400")
    page.fill("#tr-q", "interdisciplinary")
    hit = page.locator("#cue-hits li")
    hit.wait_for()
    assert hit.count() == 1
    assert hit.locator("mark").inner_text().lower() == "interdisciplinary"
    expect(page.locator("#cues")).to_be_hidden()
    hit.locator("a").click()
    page.wait_for_function(AT, arg=[8422])
    page.fill("#tr-q", "")
    page.locator("#cues").wait_for()


def test_the_placement_proposal_is_accepted_in_place(page, sign_in, transcribed):
    sign_in("editor")
    _open(page, f"/r/{transcribed}/s/round-table")
    item = page.locator(".annotation", has_text="Faina Filina")
    accept = item.get_by_role("button", name="Accept 2:20:20")
    accept.wait_for()
    assert "confidence" in item.locator(".proposal").inner_text()
    accept.click()
    page.locator(".annotation", has_text="Faina Filina").locator(".jump").wait_for()
    jump = page.locator(".annotation", has_text="Faina Filina").locator(".jump")
    assert jump.inner_text() == "2:20:20–2:20:26"


def test_a_transcript_uploads_with_progress_and_opens_beside_the_player(
    page, sign_in, demo, demo_vtt, tmp_path
):
    sign_in("editor")
    path = tmp_path / "round-table.vtt"
    path.write_text(demo_vtt)
    seen: list[float] = []
    page.expose_function("reportProgress", lambda value: seen.append(value))
    page.goto(f"/r/{demo}/import")
    page.evaluate(
        """() => {
          const bar = document.querySelector('#t-progress');
          new MutationObserver(() => window.reportProgress(bar.value))
            .observe(bar, { attributes: true });
        }"""
    )
    form = page.locator("#transcript-form")
    form.get_by_label("WebVTT or SRT file").set_input_files(path)
    form.get_by_role("button", name="Upload transcript").click()
    page.wait_for_url(f"**/r/{demo}#transcript")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#cues li").first.get_attribute("data-start") == "8390.0"
    assert page.locator("#cues .who", has_text="Faina Filina").count() == 2
    assert seen and seen[-1] == 100  # sent by the script, with its progress bar
