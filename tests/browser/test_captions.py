"""Captions in a real Chromium: a recording with an English and a Russian transcript offers
both tracks, labelled, in the navigator and the embed; the captions control shows the chosen
track (and only it), works by keyboard alone, and the choice holds on the next visit, also in
the other page. An audio-only recording plays in the same player, captions and deep links
included."""

import pytest
from playwright.sync_api import expect
from speech_media import speech_m4a

from app.timecodes import format_clock

pytestmark = pytest.mark.browser

PAGES = ["/r/{}?t=8421", "/embed/r/{}?t=8421"]
SETTLED = """() => {
  const v = document.querySelector('video');
  return v.readyState >= 1 && !v.seeking && !document.querySelector('.captions-control[hidden]');
}"""
TRACKS_OF_VIDEO = "[...document.querySelector('video').textTracks]"
TRACKS = f"() => {TRACKS_OF_VIDEO}.map((t) => [t.language, t.label, t.mode])"
# The text of the cue the track in `language` is showing now ("" while it has none).
SHOWN = f"""([language]) => {{
  const track = {TRACKS_OF_VIDEO}.find((t) => t.language === language);
  const cue = track.mode === 'showing' && track.activeCues && track.activeCues[0];
  return cue ? cue.text : '';
}}"""
ALL_OFF = f"() => {TRACKS_OF_VIDEO}.every((t) => t.mode === 'disabled')"


@pytest.fixture
def bilingual(client, transcribed) -> str:
    """The demo with its English transcript and a Russian one for the same minute."""
    url = f"/api/v1/recordings/{transcribed}/transcript?language=ru"
    response = client.post(url, content=_russian(range(8390, 8460, 2)).encode())
    assert response.status_code == 201, response.text
    return transcribed


def _russian(starts) -> str:
    """Two-second Russian cues from each of `starts`, as WebVTT."""
    cues = [
        f"{format_clock(s)} --> {format_clock(s + 2)}\nРусская строка {s} о кластерах."
        for s in starts
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def _open(page, path):
    page.goto(path)
    page.wait_for_function(SETTLED)


def _showing(page, language: str, text: str) -> None:
    """Waits until the track in `language` shows the cue `text`."""
    page.wait_for_function(f"([l, text]) => ({SHOWN})([l]) === text", arg=[language, text])


@pytest.mark.parametrize("path", PAGES)
def test_both_languages_are_offered_and_the_choice_is_remembered(page, bilingual, path):
    _open(page, path.format(bilingual))
    assert page.evaluate(TRACKS) == [["en", "English", "disabled"], ["ru", "Russian", "disabled"]]
    control = page.get_by_label("Captions")
    expect(control).to_be_visible()
    assert control.locator("option").all_inner_texts() == ["Off", "English", "Russian"]
    expect(control).to_have_value("")  # off until chosen

    control.select_option("ru")
    _showing(page, "ru", "Русская строка 8420 о кластерах.")
    assert page.evaluate(TRACKS) == [["en", "English", "disabled"], ["ru", "Russian", "showing"]]

    page.reload()
    page.wait_for_function(SETTLED)
    expect(control).to_have_value("ru")
    _showing(page, "ru", "Русская строка 8420 о кластерах.")

    control.select_option("")
    page.wait_for_function(ALL_OFF)
    page.reload()
    page.wait_for_function(SETTLED)
    expect(control).to_have_value("")
    assert [mode for _, _, mode in page.evaluate(TRACKS)] == ["disabled", "disabled"]


def test_a_choice_made_in_the_navigator_holds_in_the_embed(page, bilingual):
    _open(page, f"/r/{bilingual}?t=8421")
    page.get_by_label("Captions").select_option("en")
    said = "<v Faina Filina>We can see that we reflect most of the success factors."
    _showing(page, "en", said)
    _open(page, f"/embed/r/{bilingual}?t=8421")
    expect(page.get_by_label("Captions")).to_have_value("en")
    _showing(page, "en", said)


@pytest.mark.parametrize("path", PAGES)
def test_the_control_works_by_keyboard_alone(page, bilingual, path):
    _open(page, path.format(bilingual))
    for _ in range(40):  # Tab through the page, as a keyboard user would, to the control
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "captions":
            break
    else:
        pytest.fail("Tab never reached the captions control")
    focused = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none"  # the focus is visible
    page.keyboard.press("ArrowDown")  # English
    page.keyboard.press("ArrowDown")  # Russian
    _showing(page, "ru", "Русская строка 8420 о кластерах.")
    page.keyboard.press("Home")  # Off
    page.wait_for_function(ALL_OFF)


@pytest.fixture
def podcast(client, tmp_path) -> str:
    """An uploaded M4A of a spoken paragraph (about 16 s) with an English and a Russian
    transcript of its first seconds."""
    assert client.post("/api/v1/events", json={"slug": "radio", "title": "Radio"}).is_success
    fields = {"event": "radio", "title": "Regional debate", "slug": "debate"}
    with speech_m4a(tmp_path).open("rb") as f:
        files = {"file": ("debate.m4a", f, "audio/mp4")}
        response = client.post("/api/v1/recordings/upload", data=fields, files=files)
    assert response.status_code == 201, response.text
    english = "WEBVTT\n\n00:00:00.000 --> 00:00:08.000\nClusters grow when companies share.\n"
    for language, text in (("en", english), ("ru", _russian(range(0, 8, 2)))):
        url = f"/api/v1/recordings/debate/transcript?language={language}"
        assert client.post(url, content=text.encode()).status_code == 201
    return "debate"


@pytest.mark.parametrize("path", ["/r/debate?t=3", "/embed/r/debate?t=3"])
def test_an_audio_recording_plays_with_captions_and_deep_links(page, podcast, path):
    _open(page, path)
    assert abs(page.evaluate("document.querySelector('video').currentTime") - 3) < 0.5
    card = page.locator(".audio-card")
    expect(card.locator("p").first).to_have_text("Audio only Regional debate")
    if path.startswith("/r/"):  # the embed's frame is as tall as the page that embeds it
        box = page.locator(".player-box").bounding_box()
        assert 120 < box["height"] < box["width"] * 9 / 16  # no empty picture to show
    # Browsers draw no captions over sound alone: the card shows the chosen track's lines.
    page.get_by_label("Captions").select_option("ru")
    caption = card.locator(".audio-caption")
    expect(caption).to_have_text("Русская строка 2 о кластерах.")
    assert page.evaluate(TRACKS) == [["en", "English", "disabled"], ["ru", "Russian", "hidden"]]
    page.evaluate("document.querySelector('video').play()")
    expect(caption).to_have_text("Русская строка 4 о кластерах.")  # captions follow the sound
    page.get_by_label("Captions").select_option("")
    expect(caption).to_be_empty()
