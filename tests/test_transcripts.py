"""Transcripts: WebVTT/SRT import (all or nothing, bad lines named), listing and export."""

import pytest
from sqlmodel import select

from app.errors import Invalid
from app.models import Speaker, TranscriptCue
from app.services import access, recordings, subtitles, transcripts
from app.services.subtitles import TranscriptFormat

VTT = """WEBVTT

NOTE a panel, transcribed for the tests

intro
00:00:01.000 --> 00:00:04.500 align:start
<v Gražvydas Morkus>Welcome to the <b>panel</b> &amp; thank you.

00:00:05.000 --> 00:00:09.000
<v.loud Ada Lovelace>Engines can weave
algebraic patterns.</v>

00:00:09.500 --> 00:00:12.000
No voice on this one.
"""

SRT = """1
00:00:01,000 --> 00:00:04,500
<i>Hello</i> there

2
00:00:05,000 --> 00:00:06,000
Second cue
"""


@pytest.fixture
def rec(client) -> str:
    assert client.post("/api/v1/events", json={"title": "Test day", "slug": "day"}).is_success
    response = client.post(
        "/api/v1/recordings",
        json={
            "event": "day",
            "slug": "talks",
            "title": "Talks",
            "media_kind": "url",
            "media_url": "https://example.org/talks.mp4",
            "duration": 3600,
        },
    )
    assert response.status_code == 201, response.text
    return "talks"


def test_webvtt_cues_keep_times_and_voices_and_lose_markup():
    cues = subtitles.parse(VTT)
    assert [(c.start, c.end, c.voice) for c in cues] == [
        (1.0, 4.5, "Gražvydas Morkus"),
        (5.0, 9.0, "Ada Lovelace"),
        (9.5, 12.0, None),
    ]
    assert cues[0].text == "Welcome to the panel & thank you."
    assert cues[1].text == "Engines can weave\nalgebraic patterns."
    assert cues[0].line == 6


def test_srt_is_detected_and_read():
    cues = subtitles.parse(SRT)
    assert subtitles.detect_format(SRT) is TranscriptFormat.srt
    assert [(c.start, c.end, c.text, c.voice) for c in cues] == [
        (1.0, 4.5, "Hello there", None),
        (5.0, 6.0, "Second cue", None),
    ]


BAD_FILES = [
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:03.00 --> 00:00:04.000\nx\n", 6),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nbackwards\n", 3),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:05.000\nno length\n", 3),
    ("WEBVTT\n\n00:00:00.000 --> 01:00:01.000\npast the end\n", 3),
    ("WEBVTT\n\n00:00:61.000 --> 00:01:05.000\nsixty-one seconds\n", 3),
    ("WEBVTT\n\n00:00:01.000 -->\nno end\n", 3),
    ("Subtitles\n\n00:00:01.000 --> 00:00:02.000\nno signature\n", 1),
    ("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03 --> 00:00:04,000\nx\n", 6),
    ("00:00:01,000 --> 00:00:02,000\nno number\n", 1),
]


@pytest.mark.parametrize(("text", "line"), BAD_FILES)
def test_bad_files_are_refused_naming_the_line(text, line):
    with pytest.raises(Invalid) as error:
        subtitles.parse(text, duration=3600)
    assert error.value.message.startswith(f"line {line}: ")


def test_a_file_without_cues_is_refused():
    with pytest.raises(Invalid, match="no cues"):
        subtitles.parse("WEBVTT\n\nNOTE nothing here\n")


def test_import_replaces_the_transcript_in_its_language_only(rec, session):
    recording = recordings.get(session, slug=rec, viewer=access.OPERATOR)
    transcripts.import_transcript(session, recording=recording, text=SRT, language="fr")
    first = transcripts.import_transcript(session, recording=recording, text=VTT)
    assert (first.cues, first.language) == (3, "en")
    assert sorted(first.speakers_created) == ["ada-lovelace", "grazvydas-morkus"]
    again = transcripts.import_transcript(session, recording=recording, text=VTT)
    assert again.speakers_created == []
    assert sorted(again.speakers_matched) == ["ada-lovelace", "grazvydas-morkus"]
    languages = session.exec(select(TranscriptCue.language)).all()
    assert sorted(languages) == ["en", "en", "en", "fr", "fr"]


def test_voice_tags_import_and_their_speakers_appear(client, rec):
    existing = client.post("/api/v1/speakers", json={"name": "Gražvydas Morkus", "role": "MD"})
    assert existing.status_code == 201
    shouting = VTT.replace("<v Gražvydas Morkus>", "<v GRAZVYDAS  MORKUS>")
    response = client.post(
        f"/api/v1/recordings/{rec}/transcript",
        files={"file": ("panel.vtt", shouting.encode(), "text/vtt")},
    )
    assert response.status_code == 201, response.text
    assert response.json() == {
        "cues": 3,
        "language": "en",
        "speakers_matched": ["grazvydas-morkus"],
        "speakers_created": ["ada-lovelace"],
    }
    names = [s["name"] for s in client.get("/api/v1/speakers").json()["items"]]
    assert names == ["Ada Lovelace", "Gražvydas Morkus"]
    cues = client.get(f"/api/v1/recordings/{rec}/transcript").json()["items"]
    assert [(c["speaker"], c["start_tc"]) for c in cues] == [
        ("grazvydas-morkus", "0:00:01"),
        ("ada-lovelace", "0:00:05"),
        (None, "0:00:09.500"),
    ]
    assert cues[1]["url"] == f"/r/{rec}?t=5s"


def test_text_and_json_bodies_are_accepted(client, rec):
    url = f"/api/v1/recordings/{rec}/transcript"
    plain = client.post(url, content=SRT.encode(), headers={"content-type": "text/plain"})
    assert plain.status_code == 201 and plain.json()["cues"] == 2
    as_json = client.post(f"{url}?format=vtt&language=de", json={"text": VTT})
    assert as_json.status_code == 201 and as_json.json()["language"] == "de"


@pytest.mark.parametrize(
    ("body", "headers", "field", "words"),
    [
        (BAD_FILES[1][0].encode(), {}, "body", "line 3: the cue ends before it starts"),
        (b'{"txt": "x"}', {"content-type": "application/json"}, "body.text", "required"),
        (b"{nope", {"content-type": "application/json"}, "body", "not valid JSON"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nçà".encode("latin-1"), {}, "body", "UTF-8"),
        (VTT.encode(), {"x-format": "srt"}, "body", "line 1: an SRT file"),
    ],
)
def test_a_bad_upload_is_refused_and_the_old_transcript_stays(
    snapshot, client, rec, body, headers, field, words
):
    url = f"/api/v1/recordings/{rec}/transcript"
    assert client.post(url, content=SRT.encode()).status_code == 201
    before = snapshot()
    query = "?format=srt" if headers.pop("x-format", None) else ""
    response = client.post(url + query, content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert words in response.json()["detail"]
    assert snapshot() == before


def test_forms_send_a_file_or_a_text_field(client, rec):
    url = f"/api/v1/recordings/{rec}/transcript"
    assert client.post(url, data={"text": SRT}).status_code == 201
    response = client.post(url, data={"comment": SRT})
    assert (response.status_code, response.json()["field"]) == (422, "body.file")


def test_listing_pages_and_windows(client, rec, session):
    lines = ["WEBVTT", ""]
    for i in range(30):
        lines += [f"00:{i:02}:00.000 --> 00:{i:02}:05.000", f"cue {i}", ""]
    transcripts.import_transcript(
        session,
        recording=recordings.get(session, slug=rec, viewer=access.OPERATOR),
        text="\n".join(lines),
    )
    session.commit()
    url = f"/api/v1/recordings/{rec}/transcript"
    page = client.get(f"{url}?limit=20").json()
    rest = client.get(f"{url}?limit=20&cursor={page['next']}").json()
    assert [c["text"] for c in page["items"] + rest["items"]] == [f"cue {i}" for i in range(30)]
    assert rest["next"] is None
    window = client.get(f"{url}?from=10m&to=0:12:00").json()["items"]
    assert [c["text"] for c in window] == ["cue 10", "cue 11", "cue 12"]
    bad = client.get(f"{url}?from=soon")
    assert (bad.status_code, bad.json()["field"]) == (422, "query.from")


def test_exports_round_trip_with_voices(client, rec, session):
    assert client.post(f"/api/v1/recordings/{rec}/transcript", json={"text": VTT}).is_success
    vtt = client.get(f"/r/{rec}/transcript.vtt")
    assert vtt.headers["content-type"] == "text/vtt; charset=utf-8"
    assert "<v Gražvydas Morkus>Welcome to the panel &amp; thank you." in vtt.text
    assert "00:00:09.500 --> 00:00:12.000\nNo voice on this one." in vtt.text
    srt = client.get(f"/r/{rec}/transcript.srt")
    assert srt.headers["content-type"] == "application/x-subrip; charset=utf-8"
    assert srt.text.startswith("1\n00:00:01,000 --> 00:00:04,500\nWelcome to the panel & thank")
    again = subtitles.parse(vtt.text)
    assert [(c.start, c.end, c.text, c.voice) for c in again] == [
        (c.start, c.end, c.text, c.voice) for c in subtitles.parse(VTT)
    ]
    assert [(c.start, c.text) for c in subtitles.parse(srt.text)] == [
        (c.start, c.text) for c in again
    ]
    assert session.exec(select(Speaker)).all()  # the voices became speakers


def test_unknown_recording_is_404_for_every_transcript_route(client):
    response = client.get("/api/v1/recordings/nope/transcript")
    assert (response.status_code, response.json()["field"]) == (404, "path.recording")
    for url in ("/r/nope/transcript.vtt", "/r/nope/transcript.srt"):
        assert client.get(url).status_code == 404
