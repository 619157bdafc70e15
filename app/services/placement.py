"""Quote placement: proposing the second a quote was said, from the recording's transcript.

Write-ups quote people a little reworded and a transcript splits a sentence across cues,
so the quote is compared, fuzzily and word by word, with every run of consecutive cues
(inside the quote's session when it has one). The shortest best-matching run wins; its
score is the proposal's confidence. Accepting it is an ordinary annotation update.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlmodel import Session, col, select

from app import links
from app.errors import Invalid, NotFound
from app.i18n import _
from app.models import Annotation, Recording, Segment, TranscriptCue
from app.schemas import PlacementProposal
from app.timecodes import format_time

MAX_RUN_CUES = 12
MAX_SCANNED_CUES = 3000  # above this, runs start only near promising cues
CANDIDATE_CUES = 300
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces: punctuation and case never matter."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


@dataclass(frozen=True)
class Match:
    first: int  # index of the run's first cue
    last: int
    score: float


def best_run(quote: str, cue_texts: list[str]) -> Match | None:
    """The run of consecutive cues that holds the quote's words best.

    Runs grow from each cue until they are twice the quote's length. A run is scored by
    edit distance, in word order and with words sorted (a reworded quote keeps most words,
    not always their order), so both missing and extra words cost; among equal scores the
    shortest, then the earliest, run is the answer.
    """
    wanted = normalise(quote)
    texts = [normalise(t) for t in cue_texts]
    best: Match | None = None
    for first in _starts(wanted, texts):
        run = ""
        for last in range(first, min(first + MAX_RUN_CUES, len(texts))):
            run = f"{run} {texts[last]}".strip()
            score = (fuzz.ratio(wanted, run) + fuzz.token_sort_ratio(wanted, run)) / 2
            size = last - first
            if best is None or (score, -size, -first) > (
                best.score,
                -(best.last - best.first),
                -best.first,
            ):
                best = Match(first, last, score)
            if len(run) >= 2 * len(wanted):
                break
    return best


def _starts(wanted: str, texts: list[str]) -> list[int]:
    """Where runs may start. A long transcript (a whole day) is narrowed first to the cues
    sharing the quote's rarer words (weighted by inverse document frequency), and the few
    cues before each, which keeps a search over 100,000 cues under a second."""
    if len(texts) <= MAX_SCANNED_CUES:
        return list(range(len(texts)))
    words = set(wanted.split())
    cue_words = [words.intersection(t.split()) for t in texts]
    frequency = Counter(w for shared in cue_words for w in shared)
    weight = {w: math.log(len(texts) / n) for w, n in frequency.items()}
    ranked = sorted(range(len(texts)), key=lambda i: -sum(weight[w] for w in cue_words[i]))
    return sorted({s for i in ranked[:CANDIDATE_CUES] for s in range(max(0, i - 3), i + 1)})


def _cues(session: Session, annotation: Annotation) -> list[TranscriptCue]:
    """The cues of the quote's session, or of the whole recording when it has none there."""
    stmt = select(TranscriptCue).where(TranscriptCue.recording_id == annotation.recording_id)
    segment = session.get(Segment, annotation.segment_id) if annotation.segment_id else None
    ordered = (col(TranscriptCue.start), col(TranscriptCue.id))
    if segment is not None:
        inside = list(
            session.exec(
                stmt.where(
                    TranscriptCue.start < segment.end, TranscriptCue.end > segment.start
                ).order_by(*ordered)
            )
        )
        if inside:
            return inside
    return list(session.exec(stmt.order_by(*ordered)))


def propose(session: Session, *, annotation: Annotation) -> PlacementProposal:
    """Where the annotation's words were most likely said; nothing is changed."""
    field = "annotation"
    if not normalise(annotation.text):
        raise Invalid(_("the annotation has no words to look for"), field=field)
    cues = _cues(session, annotation)
    if not cues:
        raise NotFound(_("the recording has no transcript to look for the words in"), field=field)
    match = best_run(annotation.text, [c.text for c in cues])
    assert match is not None  # there are cues, so there is a best run
    run = cues[match.first : match.last + 1]
    start, end = run[0].start, run[-1].end
    recording = session.get(Recording, annotation.recording_id)
    assert recording is not None  # recording_id is a foreign key
    return PlacementProposal(
        annotation=annotation.id,
        start=start,
        start_tc=format_time(start),
        end=end,
        end_tc=format_time(end),
        confidence=round(match.score),
        cues=[c.id for c in run],
        url=links.recording_url(recording.slug, start, end),
    )
