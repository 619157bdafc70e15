"""The transcript beside the navigator's player: a window of cues around the page's moment.

A day's transcript holds thousands of cues; rendering them all would break the page's weight
budget, so the server renders a window (a few cues before `t`, more after) and the page's
script fetches further cues from the JSON API as playback or the reader moves. Without
JavaScript the "earlier" and "later" links open the page at the neighbouring windows.
"""

from dataclasses import dataclass, field

from sqlmodel import Session, col

from app import transcripts
from app.models import Recording, Speaker, TranscriptCue

BEFORE = 8  # cues shown before the moment: the context a reader expects above the line
AFTER = 32  # and after it: a few minutes of talk, under 10 KB of HTML


@dataclass
class Window:
    cues: list[TranscriptCue] = field(default_factory=list)
    speakers: dict[int, Speaker] = field(default_factory=dict)
    current: int | None = None  # id of the cue playing at the moment
    earlier: float | None = None  # where the previous window starts, when there is one
    later: float | None = None  # where the next window starts, when there is one
    language: str = "en"


def window(session: Session, *, recording: Recording, at: float) -> Window:
    """The cues around `at`: three small indexed queries, whatever the transcript's length."""
    query = transcripts.cue_query(recording=recording, language=recording.language)
    start, ident = col(TranscriptCue.start), col(TranscriptCue.id)
    backwards = query.where(start <= at).order_by(start.desc(), ident.desc())
    before = list(session.exec(backwards.limit(BEFORE + 1)))
    after = list(session.exec(query.where(start > at).order_by(start, ident).limit(AFTER + 1)))
    # The previous window is the one whose last cue is just before this one's first.
    earlier = None
    if len(before) > BEFORE:
        back = backwards.with_only_columns(start).offset(BEFORE + AFTER - 1).limit(1)
        earlier = session.exec(back).first() or 0.0
    cues = before[:BEFORE][::-1] + after[:AFTER]
    playing = next((c for c in before[:1] if c.end > at), None)
    return Window(
        cues=cues,
        speakers=transcripts.speakers_of(session, cues),
        current=playing.id if playing else None,
        earlier=earlier,
        later=after[AFTER - 1].start if len(after) > AFTER else None,
        language=recording.language,
    )
