"""Audio-only recordings (PRODUCT §6d): a podcast or a radio debate uploaded as MP3, M4A, WAV,
Opus or WebM audio is a recording like a video, played in the same player with a card saying
it is sound only."""

import re

import pytest
from speech_media import speech_audio, speech_wav

from app import video
from app.video import render_placeholder

UPLOAD = "/api/v1/recordings/upload"
EVENT = {"event": "forum", "title": "Radio debate"}
# What a user uploads -> the extension it is stored under (its probed type's own).
STORED_AS = {".wav": ".wav", ".mp3": ".mp3", ".m4a": ".m4a", ".opus": ".ogg", ".weba": ".weba"}


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    """The test paragraph spoken by espeak-ng, as each kind of sound file (about 17 s)."""
    folder = tmp_path_factory.mktemp("speech")
    return {".wav": speech_wav(folder)} | {
        s: speech_audio(folder, s) for s in STORED_AS if s != ".wav"
    }


@pytest.fixture
def event(client):
    response = client.post("/api/v1/events", json={"slug": "forum", "title": "Forum"})
    assert response.status_code == 201
    return "forum"


@pytest.mark.parametrize("suffix", STORED_AS)
def test_a_sound_file_becomes_an_audio_only_recording(client, event, speech, suffix):
    with speech[suffix].open("rb") as f:
        response = client.post(UPLOAD, data=EVENT, files={"file": (f"debate{suffix}", f)})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["duration"] == pytest.approx(17.44, abs=0.05)
    src = body["media_src"]
    assert re.fullmatch(rf"/media/uploads/radio-debate-[0-9a-f]{{8}}\{STORED_AS[suffix]}", src)
    assert video.audio_only(src)

    ranged = client.get(src, headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206
    assert ranged.headers["content-type"].startswith("audio/")

    page = client.get("/r/radio-debate?t=5")
    assert page.status_code == 200
    assert f'src="{src}#t=5' in page.text  # the same player, seeking without JavaScript
    assert page.context["audio_only"] is True
    assert "Audio only" in page.text
    assert 'property="og:image"' not in page.text  # sound has no frame to show


def test_the_plain_form_takes_an_mp3(client, event, speech, settings):
    page = client.get("/upload")
    action = re.search(r'id="upload-file" method="post" action="([^"]+)"', page.text)[1]
    with speech[".mp3"].open("rb") as f:
        response = client.post(
            action, data=EVENT, files={"file": ("debate.mp3", f)}, follow_redirects=False
        )
    assert (response.status_code, response.headers["location"]) == (303, "/r/radio-debate")
    [published] = (settings.media_dir / "uploads").iterdir()
    assert published.suffix == ".mp3"


def test_the_upload_page_names_the_sound_formats_it_takes(client, event):
    page = client.get("/upload")
    label = re.search(r'<label for="file-file">(.*?)</label>', page.text, re.S)[1]
    assert all(kind in label for kind in ("MP4", "MP3", "M4A", "WAV", "Opus"))
    assert 'accept="video/*,audio/*"' in page.text


def test_a_video_is_not_audio_only(client, event, tmp_path):
    clip = tmp_path / "clip.mp4"
    render_placeholder(clip, 5, progress=False)
    with clip.open("rb") as f:
        response = client.post(UPLOAD, data=EVENT, files={"file": ("talk.mp4", f)})
    assert response.status_code == 201, response.text
    assert not video.audio_only(response.json()["media_src"])
    page = client.get("/r/radio-debate")
    assert page.context["audio_only"] is False
    assert "Audio only" not in page.text


@pytest.mark.parametrize(
    ("name", "audio"),
    [
        ("uploads/a-1a2b3c4d.m4a", True),
        ("uploads/a-1a2b3c4d.weba", True),
        ("https://radio.example.org/debate.opus?session=1", True),
        ("https://cdn.example.org/talk.webm", False),
        ("https://cdn.example.org/talk.m3u8", False),
        ("", False),
    ],
)
def test_a_media_name_tells_sound_from_video(name, audio):
    assert video.audio_only(name) is audio
