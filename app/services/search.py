"""Full-text search across segments, speakers, annotations, quotes and transcript cues.

One interface, `search`, over a backend per database (app.services.search_sql). What a person
types is never handed to the database's query language: it is reduced to words and quoted
phrases first, so stray quotes, `*`, `-`, `NEAR`, `AND`, parentheses or `:` cannot cause an
error, only a search for the words that are there.
"""

import html
import re
from collections import defaultdict
from typing import Any, NamedTuple, cast

from sqlmodel import Session, col, select

from app import links
from app.i18n import _, lazy
from app.models import (
    Annotation,
    AnnotationKind,
    Event,
    Recording,
    SearchKind,
    Segment,
    Speaker,
    TranscriptCue,
    User,
)
from app.pagination import Key
from app.schemas import SearchHit
from app.services import access, search_sql
from app.services import recordings as recordings_service
from app.services.common import get_one
from app.services.search_sql import (
    INDEXED,
    START,
    STOP,
    TABLE_OF,
    Scope,
    Term,
    backend_for,
)
from app.stemming import WORD
from app.timecodes import format_time

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_WORD_CHARS = 60
MAX_OFFSET = 1000  # ranked results are read from the top; nobody pages past this
_WORD = re.compile(WORD.pattern + r"(\*?)")  # a word, maybe followed by * (a prefix)
# A hit's title names its kind (a quote names its speaker instead, when it has one).
_KIND_TITLES = {
    AnnotationKind.note: lazy("Note"),
    AnnotationKind.quote: lazy("Quote"),
    AnnotationKind.highlight: lazy("Highlight"),
    AnnotationKind.question: lazy("Question"),
    AnnotationKind.bookmark: lazy("Bookmark"),
}


def parse_query(q: str) -> list[Term]:
    """Words and "quoted phrases" from what a person typed; a trailing * asks for a prefix.

    Everything else (operators, brackets, unbalanced quotes) is read as a separator.
    """
    terms: list[Term] = []
    for i, chunk in enumerate(q[:MAX_QUERY_CHARS].split('"')):
        found = [
            (m[0].rstrip("*")[:MAX_WORD_CHARS].lower(), bool(m[1])) for m in _WORD.finditer(chunk)
        ]
        if i % 2 and len(found) > 1:  # inside quotes: one phrase
            terms.append(Term(tuple(word for word, _ in found)))
        else:
            terms.extend(Term((word,), prefix) for word, prefix in found)
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def mark(snippet: str) -> str:
    """HTML-escape the user's text first, then turn the backend's sentinels into <mark>."""
    return html.escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>")


def filter_choices(session: Session, *, viewer: User | None, limit: int = 500) -> dict[str, list]:
    """What the search page's filters offer: events, recordings and (a bounded number of)
    speakers, by name."""
    recordings = select(Recording).where(access.recordings_visible_to(viewer))
    return {
        "events": list(session.exec(select(Event).order_by(col(Event.title)))),
        "recordings": list(session.exec(recordings.order_by(col(Recording.title)))),
        "speakers": list(session.exec(select(Speaker).order_by(col(Speaker.name)).limit(limit))),
    }


def _scope(
    session: Session,
    *,
    event: str | None,
    recording: str | None,
    speaker: str | None,
    kind: SearchKind | None,
    viewer: User | None,
) -> Scope:
    """Resolve the filters' slugs (404 naming the parameter when one is unknown)."""
    recordings: list[int] | None = None
    if not access.sees_drafts(viewer):  # a draft's content is no one else's to find
        published = session.exec(select(Recording.id).where(access.recordings_visible_to(viewer)))
        recordings = cast(list[int], list(published))
    if recording is not None:
        rec = recordings_service.get(session, slug=recording, viewer=viewer)
        assert rec.id is not None  # a stored recording
        recordings = [rec.id]
    if event is not None:
        ev = get_one(session, Event, "event", "event", slug=event)
        ids = session.exec(select(Recording.id).where(Recording.event_id == ev.id))
        in_event = cast(list[int], list(ids))  # primary keys are never null
        recordings = in_event if recordings is None else [r for r in recordings if r in in_event]
    speaker_id = (
        get_one(session, Speaker, "speaker", "speaker", slug=speaker).id
        if speaker is not None
        else None
    )
    kinds = frozenset([kind] if kind else SearchKind)
    return Scope(recordings=recordings, speaker=speaker_id, kinds=kinds, viewer=viewer)


class Results(NamedTuple):
    hits: list[SearchHit]
    next: Key | None  # the next page's key: [offset, *the tables' ceilings]
    capped: bool  # more matches than were ranked (search_sql.WINDOW newest of a kind)


def search(
    session: Session,
    *,
    q: str,
    event: str | None = None,
    recording: str | None = None,
    speaker: str | None = None,
    kind: SearchKind | None = None,
    limit: int = 20,
    key: Key | None = None,
    viewer: User | None = None,
) -> Results:
    """Ranked hits, best first, each with a snippet and a deep link; the next page's key (an
    offset into the ranking, which every page makes again from the same windows: the key
    keeps the first page's ceilings, app.services.search_sql); and whether the query may
    match more than the windows hold."""
    scope = _scope(
        session, event=event, recording=recording, speaker=speaker, kind=kind, viewer=viewer
    )
    terms = parse_query(q)
    if not terms or scope.recordings == []:
        return Results([], None, False)
    offset = key[0] if key else 0
    if key and len(key) > 1:
        ceilings = dict(zip(INDEXED, key[1:], strict=True))
    else:  # a first page, or a key made before the windows (an offset alone)
        ceilings = search_sql.ceilings(session)
    backend = backend_for(session)
    rows, capped = backend.matches(session, terms, scope, ceilings, limit + 1, offset)
    more = len(rows) > limit and offset + limit < MAX_OFFSET
    rows = rows[:limit]
    by_table: dict[str, list[int]] = defaultdict(list)
    for kind_name, id_, _score in rows:
        by_table[TABLE_OF[SearchKind(kind_name)]].append(id_)
    snippets = {
        table: backend.snippets(session, terms, table, ids) for table, ids in by_table.items()
    }
    hits = _Hits(session, by_table)
    items = [
        hits.build(SearchKind(k), id_, score, snippets[TABLE_OF[SearchKind(k)]].get(id_, ""))
        for k, id_, score in rows
    ]
    return Results(items, [offset + limit, *ceilings.values()] if more else None, capped)


class _Hits:
    """The rows behind a page of hits, fetched once per table, turned into SearchHits."""

    def __init__(self, session: Session, by_table: dict[str, list[int]]) -> None:
        # Told apart at run time: `build` reads the fields each kind of hit has.
        models: dict[str, Any] = {
            "segment": Segment,
            "speaker": Speaker,
            "annotation": Annotation,
            "transcript_cue": TranscriptCue,
        }
        self.rows = {
            table: {
                r.id: r
                for r in session.exec(select(models[table]).where(col(models[table].id).in_(ids)))
            }
            for table, ids in by_table.items()
        }
        found = [r for rows in self.rows.values() for r in rows.values()]
        rec_ids = {r.recording_id for r in found if hasattr(r, "recording_id")}
        seg_ids = {r.segment_id for r in found if getattr(r, "segment_id", None)}
        spk_ids = {r.speaker_id for r in found if getattr(r, "speaker_id", None)}
        self.recordings = _by_id(session, Recording, rec_ids)
        self.segments = _by_id(session, Segment, seg_ids) | self.rows.get("segment", {})
        self.speakers = _by_id(session, Speaker, spk_ids)

    def build(self, kind: SearchKind, id_: int, score: float, snippet: str) -> SearchHit:
        row = self.rows[TABLE_OF[kind]][id_]
        hit = {"kind": kind, "id": id_, "score": round(-score, 4), "snippet": mark(snippet)}
        if kind is SearchKind.speaker:
            return SearchHit(
                **hit, title=row.name, url=links.speaker_url(row.slug), speaker=row.slug
            )
        rec = self.recordings[row.recording_id]
        speaker = self.speakers.get(getattr(row, "speaker_id", None))
        hit |= {
            "recording": rec.slug,
            "recording_title": rec.title,
            "speaker": speaker.slug if speaker else None,
        }
        if kind is SearchKind.segment:
            return SearchHit(
                **hit,
                title=row.title,
                segment=row.slug,
                start=row.start,
                start_tc=format_time(row.start),
                url=links.segment_url(rec.slug, row.slug),
            )
        segment = self.segments.get(getattr(row, "segment_id", None))
        if kind is SearchKind.cue:
            title = speaker.name if speaker else _("Transcript")
        elif kind is SearchKind.quote and speaker:
            title = _("Quote by %(author)s") % {"author": speaker.name}
        else:
            title = str(_KIND_TITLES[row.kind])
        if row.start is None:  # an unplaced quote opens at its session
            url = (
                links.segment_url(rec.slug, segment.slug)
                if segment
                else links.recording_url(rec.slug)
            )
        else:
            url = links.recording_url(rec.slug, row.start)
        return SearchHit(
            **hit,
            title=title,
            segment=segment.slug if segment else None,
            start=row.start,
            start_tc=format_time(row.start) if row.start is not None else None,
            url=url,
        )


def _by_id(session: Session, model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {r.id: r for r in session.exec(select(model).where(col(model.id).in_(ids)))}
