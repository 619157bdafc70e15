"""The transcript files (PRODUCT §6) read back by other tools' parsers: WebVTT by webvtt-py,
SRT by the `srt` package (a second, independent parser), with the stored times and voices."""

import io

import srt
import webvtt


def test_the_webvtt_transcript_parses_with_its_voices(anonymous, transcribed):
    answer = anonymous.get(f"/r/{transcribed}/transcript.vtt")
    cues = webvtt.from_buffer(io.StringIO(answer.text))
    stored = anonymous.get(f"/api/v1/recordings/{transcribed}/transcript", params={"limit": 200})
    items = stored.json()["items"]
    assert len(cues) == len(items) == 34
    for cue, item in zip(cues, items, strict=True):
        assert (cue.start_in_seconds, cue.end_in_seconds) == (int(item["start"]), int(item["end"]))
        assert cue.voice == item["speaker_name"]
    assert cues[16].voice == "Faina Filina" and cues[16].text.startswith("We need to pay")


def test_the_srt_transcript_parses_with_a_second_parser(anonymous, transcribed):
    answer = anonymous.get(f"/r/{transcribed}/transcript.srt")
    subtitles = list(srt.parse(answer.text))
    assert [s.index for s in subtitles] == list(range(1, 35))
    first = subtitles[0]
    assert (first.start.total_seconds(), first.end.total_seconds()) == (8390, 8392)
    assert any("<script>alert(1)</script> is not a cluster policy" in s.content for s in subtitles)
    assert srt.compose(subtitles).strip() == answer.text.strip()  # nothing the parser drops
