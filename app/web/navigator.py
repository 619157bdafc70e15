"""What the navigator page shows, computed by plain functions over what the services read: the
timeline's blocks (breaks and unmarked gaps included), chapters, the filtered annotations, the
transcript window, and the data the page's script starts from. A fixed number of queries per
page, whatever the data."""

from dataclasses import dataclass, field
from typing import Any

from app import links, video
from app.db import Session
from app.i18n import _
from app.models import (
    AnnotationKind,
    MediaKind,
    Recording,
    Role,
    Segment,
    SegmentKind,
    Speaker,
    User,
)
from app.services import annotation_views as views
from app.services import annotations as annotation_service
from app.services import events as event_service
from app.services import live_events, transcripts
from app.services import segments as segment_service
from app.services import speakers as speaker_service
from app.services import turns as turn_service
from app.services.accounts import at_least
from app.services.transcripts import Window
from app.web import timeline
from app.web.moments import Moment

# The annotation list is a window: WINDOW entries from a minute before the moment (the embed's
# notes start there too), so a page's weight and time do not grow with the recording's
# annotations; the rest are links away (without JavaScript too): more after it, and the whole
# list from its beginning.
WINDOW = 30
LOOKBACK = 60.0  # seconds before the moment the window starts
FROM_START = ["placed", -1.0, 0]  # the list's key before its first entry
CUES_BEFORE = 8  # transcript lines shown before the moment: the context a reader expects
CUES_AFTER = 32  # and after it: a few minutes of talk, under 10 KB of HTML


@dataclass
class Filters:
    """The annotation list's filters as the page's query names them; empty means "all"."""

    kind: str | None = None
    speaker: str | None = None
    tag: str | None = None

    def __post_init__(self) -> None:
        self.kind, self.speaker, self.tag = (v or None for v in (self.kind, self.speaker, self.tag))

    def query(self, **overrides: str | None) -> dict[str, str]:
        """Query parameters that keep the other filters (for the filter links)."""
        values = {"kind": self.kind, "speaker": self.speaker, "tag": self.tag, **overrides}
        return {k: v for k, v in values.items() if v}


@dataclass
class AnnotateForm:
    """What the annotate form shows: the viewer's input and, after a refusal, why."""

    values: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    error_field: str | None = None


def shared_parts(session: Session, *, recording: Recording) -> dict[str, Any]:
    """What every view of the recording shows alike, whatever its moment, filters or viewer
    (app/http/page_cache.py keeps it per content version): its event, sessions and their
    speakers, the public annotations' speakers and tags for the filter menus, and the
    player's media."""
    speakers = segment_service.speakers_by_segment(session, recording=recording)
    segments = segment_service.list_all(session, recording=recording)
    quoted = views.speakers_in(session, recording=recording)
    return {
        "event": event_service.get_by_id(session, recording.event_id),
        "segments": segments,
        "speakers_by_segment": speakers,
        "quoted": quoted,
        "on_recording": _speaker_choices(speakers, quoted),
        "tags": views.tags_in(session, recording=recording),
        **player(session, recording=recording),
    }


def context(
    session: Session,
    *,
    recording: Recording,
    parts: dict[str, Any],
    moment: Moment,
    filters: Filters,
    key: list | None,
    site: str,
    youtube_api_url: str,
    viewer: User | None,
    focus: Segment | None = None,
    highlight: int | None = None,
    form: AnnotateForm | None = None,
    turn_form: AnnotateForm | None = None,  # the speaker-turn form, refused (same shape)
) -> dict[str, Any]:
    """Everything the navigator template and its script need; `parts` is `shared_parts`."""
    # Read first: changes after it reach the page live, those before are in what it reads.
    live_after = live_events.latest_id(session)
    segments, speakers, tags = parts["segments"], parts["speakers_by_segment"], parts["tags"]
    notices = [moment.notice] if moment.notice else []
    on_recording = parts["on_recording"]
    notices += _drop_unknown_filters(filters, {s.slug for s in on_recording}, set(tags))
    # The menu, as the tags', names who the annotations name (and the one filtered by).
    named = {s.slug for s in parts["quoted"]} | {filters.speaker}
    speaker_choices = [s for s in on_recording if s.slug in named]
    window_from = moment.start - LOOKBACK if key is None and moment.start > LOOKBACK else None
    if window_from is not None:
        key = ["placed", window_from, 0]
    rows, next_key = annotation_service.list_page(
        session,
        recording=recording,
        kind=AnnotationKind(filters.kind) if filters.kind else None,
        speaker=filters.speaker,
        tag=filters.tag,
        key=key,
        limit=WINDOW,
        viewer=viewer,
    )
    if highlight is not None and all(r.id != highlight for r in rows):
        rows.insert(0, annotation_service.get(session, annotation_id=highlight, viewer=viewer))
    on_hand = (recording, parts["event"], *segments, *on_recording)
    items = views.to_public_many(session, rows, site=site, viewer=viewer, known=on_hand)
    ends = [s.end for s in segments] + [a.end or a.start or 0 for a in items]
    span = recording.duration or max([*ends, moment.end or moment.start, 1.0])
    current = focus or segment_service.at_time(session, recording=recording, t=moment.start)
    transcript = transcripts.window(
        session, recording=recording, at=moment.start, before=CUES_BEFORE, after=CUES_AFTER
    )
    return {
        **parts,
        "recording": recording,
        "moment": moment,
        "notices": notices,
        "segments": segments,
        "blocks": timeline.blocks(recording, segments, span),
        "ticks": timeline.ticks(span),
        "marks": timeline.marks(items, span),
        "whereabouts": timeline.whereabouts(current, moment.start),
        "span": span,
        "current": current,
        "lit": _lit(segments, current),
        "focus": focus,
        "next_session": _after_break(segments, current, moment.start),
        "items": items,
        "next_key": next_key,
        "window_from": window_from,
        "filters": filters,
        "kinds": [k.value for k in AnnotationKind],
        "speaker_choices": speaker_choices,
        # For the annotate and turn forms, which only a signed-in viewer has.
        "form_speakers": speaker_options(session, recording=recording, speakers=speakers)
        if viewer is not None
        else [],
        "highlight": highlight,
        "form": form or AnnotateForm(),
        "lane": turn_service.lane(session, recording=recording, span=span),
        "turn_form": turn_form or AnnotateForm(),
        "near_turns": turn_service.around(session, recording=recording, t=moment.start)
        if at_least(viewer, Role.editor)
        else [],
        "transcript": transcript,
        "has_transcript": bool(transcript.cues),
        "page_data": {
            **_page_data(
                recording, segments, moment, span, highlight, site, youtube_api_url, transcript
            ),
            "live": links.live_url(recording.slug),
            "liveAfter": live_after,
            "filtered": bool(filters.kind or filters.speaker or filters.tag),
        },
    }


def player(session: Session, *, recording: Recording) -> dict[str, Any]:
    """What _player.html needs beyond the recording and the moment, on every page that plays
    it: the media, one captions track per transcript language, and whether it is sound only."""
    media = links.media_src(recording)
    return {
        "media_src": media,
        "captions": transcripts.languages(session, recording=recording),
        "audio_only": video.audio_only(media or ""),
        "frames": _has_frames(recording),  # the poster, when it has none of its own
    }


def _has_frames(recording: Recording) -> bool:
    """A video file stored here: frame previews and a poster can be made from it."""
    path = recording.media_path
    return recording.media_kind is MediaKind.file and not video.audio_only(path or "")


def _lit(segments: list[Segment], current: Segment | None) -> set[str]:
    """What the timeline and the sessions list highlight: the innermost segment playing and
    the session holding it."""
    if current is None:
        return set()
    return {s.slug for s in segments if s.id in (current.id, current.parent_id)}


def _after_break(segments: list[Segment], current: Segment | None, t: float) -> Segment | None:
    """Where "skip break" leads: the next session, when `t` is in a break or a gap."""
    if current is not None and current.kind is not SegmentKind.break_:
        return None
    return next((s for s in segments if s.start > t and s.kind is not SegmentKind.break_), None)


def _speaker_choices(speakers: dict, quoted: list[Speaker]) -> list[Speaker]:
    found = {s.slug: s for entries in speakers.values() for s, _ in entries}
    found.update({s.slug: s for s in quoted})
    return sorted(found.values(), key=lambda s: s.name)


def _drop_unknown_filters(filters: Filters, speakers: set[str], tags: set[str]) -> list[str]:
    """A filter naming nothing on this recording is ignored with a word, not a 404."""
    notices = []
    if filters.kind and filters.kind not in {k.value for k in AnnotationKind}:
        notices.append(
            _("There is no annotation kind “%(kind)s”; showing all kinds.") % {"kind": filters.kind}
        )
        filters.kind = None
    if filters.speaker and filters.speaker not in speakers:
        notices.append(
            _("No speaker “%(speaker)s” on this recording; showing everyone.")
            % {"speaker": filters.speaker}
        )
        filters.speaker = None
    if filters.tag and filters.tag.lower() not in tags:
        notices.append(
            _("No annotation here is tagged “%(tag)s”; showing all tags.") % {"tag": filters.tag}
        )
        filters.tag = None
    return notices


def _page_data(
    recording: Recording,
    segments: list[Segment],
    moment: Moment,
    span: float,
    highlight: int | None,
    site: str,
    youtube_api_url: str,
    transcript: Window,
) -> dict[str, Any]:
    """The JSON the page's script starts from (handed over with |tojson): what it reads, no
    more (PRODUCT §8's weight)."""
    slugs = {s.id: s.slug for s in segments}
    youtube = recording.media_kind is MediaKind.youtube
    return {
        "recording": recording.slug,
        "youtubeId": recording.youtube_id if youtube else None,
        **({"youtubeApi": youtube_api_url} if youtube else {}),
        "span": span,
        "start": moment.start,
        "end": moment.end,
        "highlight": highlight,
        "shareBase": site + links.recording_url(recording.slug),
        "embedBase": links.embed_url(recording.slug),
        "api": f"/api/v1/recordings/{recording.slug}",
        "transcript": {"language": transcript.language} if transcript.cues else None,
        "thumbnails": links.thumbnails_url(recording.slug) if _has_frames(recording) else None,
        "segments": [
            {
                "slug": s.slug,
                "title": s.title,
                "kind": s.kind.value,
                "start": s.start,
                "end": s.end,
                "parent": slugs.get(s.parent_id),
            }
            for s in segments
        ],
    }


def speaker_options(
    session: Session, *, recording: Recording, speakers: dict | None = None
) -> list[Speaker]:
    """Who a quote can be attributed to: this recording's speakers first, then everyone."""
    if speakers is None:
        speakers = segment_service.speakers_by_segment(session, recording=recording)
    mine = {s.id for entries in speakers.values() for s, _ in entries}
    return sorted(speaker_service.everyone(session), key=lambda s: (s.id not in mine, s.name))
