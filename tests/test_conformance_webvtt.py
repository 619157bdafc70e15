"""The WPT WebVTT file-parsing cases, read in place from ../shared/conformance.

Browsers drop a malformed cue silently; a transcript import refuses the whole file instead
(naming the line), so that no spoken line goes missing unnoticed. So each case either
imports exactly the cues expected.json lists, with their times and text, or is refused —
and it is refused only where WPT drops a cue, keeps none, or keeps one that ends before it
starts (which a recording cannot hold).
"""

import json

import pytest
from sqlmodel import select

from app.errors import Invalid
from app.models import MediaKind, TranscriptCue
from app.schemas import EventCreate, RecordingCreate
from app.services import events, recordings, transcripts

SUITE = "webvtt-file-parsing"
# case -> the start of the refusal's message; every other case imports.
REFUSED = {
    "arrows": "line 3: '-->' is not a cue timing line",
    "nulls": "line 27: '00:00:00.000\ufffd --> 00:00:01.000' is not a cue timing line",
    "signature-bom": "the file holds no cues",
    "signature-no-newline": "the file holds no cues",
    "signature-space-no-newline": "the file holds no cues",
    "signature-space": "the file holds no cues",
    "signature-tab-no-newline": "the file holds no cues",
    "signature-tab": "the file holds no cues",
    "signature-timings": "the file holds no cues",
    "timings-60": "line 3: minutes and seconds must be 00-59",
    "timings-eof": "line 3: '00:00:00.000 -->' is not a cue timing line",
    "timings-garbage": "line 3: 'x00:00:00.000 --> 00:00:01.000' is not a cue timing line",
    "timings-negative": "line 3: the cue ends when it starts",
    "timings-too-long": "line 6: '00::00:00.000 --> 00:00:01.000' is not a cue timing line",
    "timings-too-short": "line 6: '0000:00.000 --> 00:00:01.000' is not a cue timing line",
    "whitespace-chars": "line 16: '00:00:00.000\\x0b\\x0b\\x0b\\x0b-->",
}
CASES = [
    "arrows", "header-garbage", "header-space", "header-tab", "header-timings", "ids",
    "newlines", "nulls", "settings-align", "settings-line", "settings-multiple",
    "settings-position", "settings-size", "settings-vertical", "signature-bom",
    "signature-no-newline", "signature-space-no-newline", "signature-space",
    "signature-tab-no-newline", "signature-tab", "signature-timings", "timings-60",
    "timings-eof", "timings-garbage", "timings-negative", "timings-omitted-hours",
    "timings-too-long", "timings-too-short", "whitespace-chars",
]  # fmt: skip


@pytest.fixture
def expected(conformance) -> dict:
    return json.loads((conformance / SUITE / "expected.json").read_text())["tests"]


@pytest.fixture
def recording(session, settings):
    """A recording of unknown duration, so only the files' own times are judged."""
    event = events.create(session, data=EventCreate(title="Conformance"))
    return recordings.create(
        session,
        data=RecordingCreate(
            event=event.slug,
            title="WPT",
            media_kind=MediaKind.url,
            media_url="https://example.org/wpt.webm",
        ),
        media_dir=settings.media_dir,
    )


def test_every_case_is_listed(expected):
    assert sorted(CASES) == sorted(expected)


@pytest.mark.parametrize("name", CASES)
def test_webvtt_file_parsing(name, conformance, expected, session, recording):
    case = expected[name]
    text = (conformance / SUITE / case["vtt"]).read_bytes().decode("utf-8")
    if name in REFUSED:
        dropped = text.count("-->") > case["expected_cue_count"]
        backwards = any(c["endTime"] <= c["startTime"] for c in case["reference_cues"])
        assert dropped or backwards or case["expected_cue_count"] == 0
        with pytest.raises(Invalid) as error:
            transcripts.import_transcript(session, recording=recording, text=text)
        assert error.value.message.startswith(REFUSED[name])
        assert session.exec(select(TranscriptCue)).all() == []
        return
    result = transcripts.import_transcript(session, recording=recording, text=text)
    assert result.cues == case["expected_cue_count"]
    stored = session.exec(select(TranscriptCue).order_by(TranscriptCue.id)).all()
    assert [(c.start, c.end) for c in stored] == [
        (r["startTime"], r["endTime"]) for r in case["reference_cues"]
    ]
    assert [c.text for c in stored] == [r["text"].strip() for r in case["reference_cues"]]
