"""API shapes: what clients send (Create/Update) and what they get back (Public)."""

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
)

from app.i18n import _
from app.models import (
    AnnotationKind,
    AuditAction,
    MediaKind,
    Placement,
    Role,
    SearchKind,
    SegmentKind,
    SpeakerRole,
    TurnSource,
    Visibility,
)
from app.textfiles import problem

MAX_SECONDS = 10_000_000  # ~115 days: longer than any recording, small enough to be exact
MAX_ID = 2**31 - 1  # ids are PostgreSQL integers

# JSON numbers only: `true` is not one second, nor annotation 1 (strict mode).
Seconds = Annotated[
    float,
    Field(
        strict=True, ge=0, le=MAX_SECONDS, allow_inf_nan=False, description="Seconds from the start"
    ),
    AfterValidator(lambda v: round(v, 3)),
]
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]


def _iso_date(value: Any) -> Any:
    """A date is written as text (2019-05-16); a number is not a date (0 is not 1970)."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(_("a date is written as YYYY-MM-DD"))
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80),
    Field(description="lower-case letters, digits and single hyphens"),
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=20_000)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]

T = TypeVar("T")


class Strict(BaseModel):
    """Unknown fields are refused so a typo never passes silently, and so is text that can be
    in no stored text (app.textfiles.problem: NUL, lone surrogates)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and (why := problem(text)):
                raise ValueError(why)
        return value


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = Field(description="cursor for the next page, null on the last")


# Events


class EventCreate(Strict):
    slug: Slug | None = None
    title: Title
    place: Line = ""
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    organisers: Annotated[str, StringConstraints(max_length=2000)] = ""
    description: Text = ""


class EventUpdate(Strict):
    slug: Slug | None = None
    title: Title | None = None
    place: Line | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    organisers: Annotated[str, StringConstraints(max_length=2000)] | None = None
    description: Text | None = None


class EventPublic(BaseModel):
    slug: str
    title: str
    place: str
    start_date: date | None
    end_date: date | None
    organisers: str
    description: str
    recordings: list[str]


# Recordings


class RecordingCreate(Strict):
    event: Slug
    slug: Slug | None = None
    title: Title
    media_kind: MediaKind
    media_path: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    media_url: Url | None = None
    youtube_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{11}$")] | None = None
    duration: Annotated[Seconds, Field(gt=0)] | None = None
    language: Annotated[str, StringConstraints(max_length=35)] = "en"
    poster: Url | None = None
    published: StrictBool = True


class RecordingUpdate(Strict):
    slug: Slug | None = None
    title: Title | None = None
    duration: Annotated[Seconds, Field(gt=0)] | None = None
    language: Annotated[str, StringConstraints(max_length=35)] | None = None
    poster: Url | None = None
    published: StrictBool | None = None


class RecordingPublic(BaseModel):
    slug: str
    event: str
    title: str
    media_kind: MediaKind
    media_src: str | None = Field(description="URL a player can load (null for YouTube)")
    youtube_id: str | None
    duration: float | None
    duration_tc: str | None
    language: str
    poster: str | None
    published: bool
    links: dict[str, str]


# Speakers


MAX_ALIASES = 20
MAX_NAME = 200  # Speaker.name's column
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)
]


def _alias(value: str) -> str:
    """One other spelling of a name, on one line (they are stored one per line)."""
    value = value.strip()
    if not value:
        raise ValueError(_("an alias cannot be empty"))
    if len(value) > MAX_NAME:
        raise ValueError(_("an alias is at most %(max)s characters") % {"max": MAX_NAME})
    if value.splitlines() != [value]:  # no line break of any kind (\n, \r, \u2028, ...)
        raise ValueError(_("an alias is one line"))
    return value


Alias = Annotated[str, AfterValidator(_alias)]
Aliases = Annotated[
    list[Alias],
    Field(
        max_length=MAX_ALIASES,
        description='other spellings of the name ("Евгений Куценко"), matched by imports '
        "and search",
    ),
]


class SpeakerCreate(Strict):
    slug: Slug | None = None
    name: PersonName
    role: Line = ""
    organisation: Line = ""
    country: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    bio: Text = ""
    link: Url | None = None
    aliases: Aliases = Field(default_factory=list)


class SpeakerUpdate(Strict):
    slug: Slug | None = None
    name: PersonName | None = None
    role: Line | None = None
    organisation: Line | None = None
    country: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    bio: Text | None = None
    link: Url | None = None
    aliases: Aliases | None = None


class SpeakerMerge(Strict):
    other: Slug = Field(description="the other record of the same person, merged and deleted")


class SpeakerPublic(BaseModel):
    slug: str
    name: str
    role: str
    organisation: str
    country: str
    bio: str
    link: str | None
    aliases: list[str]


# Segments


class SegmentSpeakerIn(Strict):
    speaker: Slug
    role: SpeakerRole = SpeakerRole.speaker


class SegmentSpeakerOut(BaseModel):
    speaker: str
    name: str
    role: SpeakerRole


class SegmentCreate(Strict):
    slug: Slug | None = None
    title: Title
    kind: SegmentKind = SegmentKind.other
    start: Seconds
    end: Seconds
    description: Text = ""
    parent: Slug | None = None
    speakers: list[SegmentSpeakerIn] = Field(default_factory=list, max_length=200)


class SegmentUpdate(Strict):
    slug: Slug | None = None
    title: Title | None = None
    kind: SegmentKind | None = None
    start: Seconds | None = None
    end: Seconds | None = None
    description: Text | None = None
    parent: Slug | None = None
    speakers: list[SegmentSpeakerIn] | None = Field(default=None, max_length=200)


class SegmentPublic(BaseModel):
    slug: str
    recording: str
    title: str
    kind: SegmentKind
    start: float
    start_tc: str
    end: float
    end_tc: str
    description: str
    parent: str | None
    speakers: list[SegmentSpeakerOut]
    links: dict[str, str]


# Annotations

SourceTitle = Annotated[
    Line, Field(description="quotes: the title of the article or report that published them")
]
SourceUrl = Annotated[Url, Field(description="quotes: the address of that publication")]


class AnnotationCreate(Strict):
    kind: AnnotationKind = AnnotationKind.note
    start: Seconds | None = Field(default=None, description="null for an unplaced quote")
    end: Seconds | None = None
    placement: Placement | None = Field(
        default=None, description="defaults to exact when start is given, else unplaced"
    )
    text: Text = ""
    speaker: Slug | None = None
    segment: Slug | None = Field(
        default=None, description="defaults to the innermost segment at start"
    )
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    author: Line = ""
    visibility: Visibility = Visibility.public
    reply_to: Id | None = None
    source_title: SourceTitle | None = None
    source_url: SourceUrl | None = None


class AnnotationUpdate(Strict):
    kind: AnnotationKind | None = None
    start: Seconds | None = None
    end: Seconds | None = None
    placement: Placement | None = None
    text: Text | None = None
    speaker: Slug | None = None
    segment: Slug | None = None
    tags: list[Tag] | None = Field(default=None, max_length=50)
    visibility: Visibility | None = None
    source_title: SourceTitle | None = None
    source_url: SourceUrl | None = None


class AnnotationPublic(BaseModel):
    id: int
    recording: str
    kind: AnnotationKind
    start: float | None
    start_tc: str | None
    end: float | None
    end_tc: str | None
    placement: Placement
    text: str
    speaker: SpeakerPublic | None
    segment: str | None
    segment_title: str | None = Field(description="the title of the session it belongs to")
    tags: list[str]
    author: str
    visibility: Visibility
    reply_to: int | None
    owner: str | None = Field(description="the username of the account it belongs to")
    hidden: bool = Field(description="hidden by an editor (only they and its owner see it)")
    replies: list["AnnotationPublic"] = Field(
        description="the replies the requester may see, oldest first (one level deep)"
    )
    created_at: datetime
    updated_at: datetime
    source_title: str | None = Field(description="where a quote's words were published")
    source_url: str | None = Field(description="the address of that publication")
    links: dict[str, str]
    citation: str = Field(
        description="speaker, event and its dates, recording, time code, source and permalink"
    )


class ErrorBody(BaseModel):
    detail: str = Field(description="what was wrong, in words a person can act on")
    field: str | None = Field(description="the input at fault, e.g. 'body.start' or 'query.t'")


# Search


class SearchHit(BaseModel):
    kind: SearchKind
    id: int
    title: str = Field(description="plain text")
    snippet: str = Field(description="HTML: the user's text escaped, the hits in <mark>")
    recording: str | None = None
    recording_title: str | None = None
    segment: str | None = None
    speaker: str | None = None
    start: float | None = Field(default=None, description="the second the link opens at")
    start_tc: str | None = None
    url: str = Field(description="deep link to the hit's moment (or the speaker's page)")
    score: float = Field(description="relevance; higher is better, comparable within a query")


# Transcripts


class TranscriptCuePublic(BaseModel):
    id: int
    start: float
    start_tc: str
    end: float
    end_tc: str
    text: str
    speaker: str | None = Field(description="the speaker's slug")
    speaker_name: str | None
    language: str
    url: str = Field(description="deep link opening the recording at the cue")


class TranscriptImported(BaseModel):
    cues: int
    language: str
    speakers_matched: list[str] = Field(description="slugs of speakers found by name")
    speakers_created: list[str] = Field(description="slugs of speakers the voices added")


# Speaker turns (who spoke when)


class TurnCreate(Strict):
    speaker: Slug
    start: Seconds
    end: Seconds


class TurnUpdate(Strict):
    speaker: Slug | None = None
    start: Seconds | None = None
    end: Seconds | None = None


class TurnPublic(BaseModel):
    id: int
    recording: str
    speaker: str = Field(description="the speaker's slug")
    speaker_name: str
    start: float
    start_tc: str
    end: float
    end_tc: str
    source: TurnSource = Field(description="a transcript's voice tags, or an editor")
    url: str = Field(description="deep link opening the recording at the turn's start")


# Programme import


class ProgrammeItem(BaseModel):
    line: int
    title: str
    kind: SegmentKind
    slug: str
    start: float
    start_tc: str
    end: float
    end_tc: str
    action: Literal["create", "update"] = Field(
        description="update: the stored session of this title (or start) gets these times, "
        "keeping its speakers, talks and annotations"
    )
    was: str | None = Field(None, description="an updated session's stored times")


class ProgrammeRemoval(BaseModel):
    """A stored session a re-import would replace: one that overlaps the new lines and is
    not one of them. Its nested talks go with it; annotations in it stay in the recording."""

    slug: str
    title: str
    start_tc: str
    end_tc: str
    talks: int


class ImportProblem(BaseModel):
    line: int
    message: str


class ProgrammePreview(BaseModel):
    segments: list[ProgrammeItem]
    removed: list[ProgrammeRemoval] = Field(
        default_factory=list, description="replaced only when asked (replace=true)"
    )
    problems: list[ImportProblem] = Field(description="nothing is stored while any remain")
    stored: bool


# Write-up import


class WriteupSpeaker(BaseModel):
    key: str = Field(description="how quotes refer to this speaker")
    name: str
    role: str
    organisation: str
    country: str
    existing: str | None = Field(description="slug of the stored speaker of that name")


class WriteupQuote(BaseModel):
    text: str
    speaker: str = Field(description="key of a proposed speaker")
    evidence: str = Field(description="the sentence that attributes the quote")


class WriteupProposals(BaseModel):
    speakers: list[WriteupSpeaker]
    quotes: list[WriteupQuote]


class WriteupSpeakerIn(Strict):
    key: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: Line = ""
    organisation: Line = ""
    country: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""


class WriteupQuoteIn(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    speaker: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    segment: Slug = Field(description="the session the quote belongs to")
    tags: list[Tag] = Field(default_factory=list, max_length=50)


class WriteupApply(Strict):
    """The proposals as the editor confirmed or corrected them."""

    speakers: list[WriteupSpeakerIn] = Field(max_length=500)
    quotes: list[WriteupQuoteIn] = Field(default_factory=list, max_length=2000)


class WriteupApplied(BaseModel):
    speakers_created: list[str]
    speakers_matched: list[str]
    quotes_created: list[int]
    quotes_skipped: int = Field(description="already stored with the same speaker and text")


# Quote placement


class PlacementProposal(BaseModel):
    annotation: int
    start: float
    start_tc: str
    end: float
    end_tc: str
    confidence: int = Field(ge=0, le=100, description="how well the words match, 0-100")
    cues: list[int] = Field(description="ids of the transcript cues that hold the words")
    url: str


# Accounts and the audit log


class UserPublic(BaseModel):
    username: str
    display_name: str
    role: Role


class AuditEntryPublic(BaseModel):
    at: datetime
    actor: str = Field(description="the username, as it was then")
    action: AuditAction
    subject: str
    subject_id: int | None
    summary: str
