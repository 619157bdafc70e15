"""Captions in every language (PRODUCT §6d): one <track> per transcript language, labelled in
the reader's language, in the navigator and in the embed, with the captions control the script
reveals; and an audio-only recording plays in the same player, named as sound only."""

import re

import pytest
from speech_media import speech_m4a

from app.services import recordings, transcripts

TRACK = re.compile(r'<track kind="captions" src="([^"]+)" srclang="([^"]+)" label="([^"]+)">')
OPTION = re.compile(r'<option value="([^"]*)">([^<]+)</option>')
RUSSIAN = """WEBVTT

02:20:20.000 --> 02:20:22.000
Мы видим, что отражаем большинство факторов успеха.

02:20:22.000 --> 02:20:26.000
Особое внимание нужно уделять междисциплинарному сотрудничеству.
"""


@pytest.fixture
def bilingual(client, transcribed) -> str:
    """The demo recording with its English transcript and a Russian one."""
    url = f"/api/v1/recordings/{transcribed}/transcript?language=ru"
    response = client.post(url, content=RUSSIAN.encode())
    assert response.status_code == 201, response.text
    return transcribed


def _captions_control(html: str) -> str:
    return re.search(r'<div class="captions-control" hidden>.*?</div>', html, re.S)[0]


@pytest.mark.parametrize("page", ["/r/{}?t=8421", "/embed/r/{}?t=8421"])
def test_each_transcript_language_is_a_labelled_track(anonymous, bilingual, page):
    html = anonymous.get(page.format(bilingual)).text
    assert TRACK.findall(html) == [
        (f"/r/{bilingual}/transcript.vtt?language=en", "en", "English"),
        (f"/r/{bilingual}/transcript.vtt?language=ru", "ru", "Russian"),
    ]
    # The control is in the page for the script to reveal; without it, the browser's menu works.
    control = _captions_control(html)
    assert '<label for="captions">Captions</label>' in control
    assert OPTION.findall(control) == [("", "Off"), ("en", "English"), ("ru", "Russian")]


def test_the_tracks_serve_their_own_language(anonymous, bilingual):
    html = anonymous.get(f"/embed/r/{bilingual}").text
    english, russian = (src for src, _, _ in TRACK.findall(html))
    assert "interdisciplinary cooperation" in anonymous.get(english).text
    vtt = anonymous.get(russian)
    assert vtt.headers["content-type"] == "text/vtt; charset=utf-8"
    assert "междисциплинарному сотрудничеству" in vtt.text
    assert "interdisciplinary" not in vtt.text


@pytest.mark.parametrize("page", ["/r/{}", "/embed/r/{}"])
def test_labels_are_in_the_readers_language(anonymous, bilingual, page):
    html = anonymous.get(page.format(bilingual), headers={"Accept-Language": "ru"}).text
    assert [label for _, _, label in TRACK.findall(html)] == ["Английский", "Русский"]
    assert '<html lang="ru">' in html


@pytest.mark.parametrize("page", ["/r/{}", "/embed/r/{}"])
def test_without_a_transcript_there_is_no_track_and_no_control(anonymous, demo, page):
    html = anonymous.get(page.format(demo)).text
    assert "<video" in html
    assert "<track" not in html and 'id="captions"' not in html


def test_languages_lists_the_recordings_own_first(client, demo, demo_vtt, session):
    for language in ("ru", "de", "en"):
        url = f"/api/v1/recordings/{demo}/transcript?language={language}"
        assert client.post(url, content=demo_vtt.encode()).status_code == 201
    recording = recordings.get(session, slug=demo, viewer=None)
    assert transcripts.languages(session, recording=recording) == ["en", "de", "ru"]


def test_a_language_babel_does_not_know_is_labelled_by_its_tag(client, anonymous, transcribed):
    url = f"/api/v1/recordings/{transcribed}/transcript?language=tlh"
    assert client.post(url, content=RUSSIAN.encode()).status_code == 201
    html = anonymous.get(f"/embed/r/{transcribed}").text
    assert [(lang, label) for _, lang, label in TRACK.findall(html)] == [
        ("en", "English"),
        ("tlh", "tlh"),
    ]


@pytest.fixture(scope="module")
def podcast(tmp_path_factory):
    """A spoken paragraph as AAC in M4A, as a podcast would be uploaded."""
    return speech_m4a(tmp_path_factory.mktemp("speech"))


def test_an_audio_recording_plays_in_the_same_player_named_as_sound_only(
    client, anonymous, podcast
):
    assert client.post("/api/v1/events", json={"slug": "radio", "title": "Radio"}).is_success
    fields = {"event": "radio", "title": "Regional debate", "slug": "debate"}
    with podcast.open("rb") as f:
        files = {"file": ("debate.m4a", f, "audio/mp4")}
        response = client.post("/api/v1/recordings/upload", data=fields, files=files)
    assert response.status_code == 201, response.text
    media = response.json()["media_src"]
    for page in ("/r/debate?t=5", "/embed/r/debate?t=5"):
        html = anonymous.get(page).text
        assert re.search(rf'<video id="video"[^>]*src="{re.escape(media)}#t=5"', html)
        card = re.search(r'<div class="audio-card">\s*<p>(.*?)</p>', html, re.S)[1]
        assert re.sub(r"<[^>]+>", "", card).split() == ["Audio", "only", "Regional", "debate"]
    assert anonymous.get(media).headers["content-type"] == "audio/mp4"
