"""Database tables. API shapes live in schemas.py; rules live in the services."""

from datetime import UTC, date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def _enum(enum: type[StrEnum], name: str) -> sa.Enum:
    """A VARCHAR with a CHECK on both databases: no PostgreSQL enum types to migrate."""
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda e: [m.value for m in e],
    )


class MediaKind(StrEnum):
    file = "file"
    url = "url"
    youtube = "youtube"


class SegmentKind(StrEnum):
    plenary = "plenary"
    round_table = "round_table"
    panel = "panel"
    talk = "talk"
    qa = "qa"
    break_ = "break"
    other = "other"


class SpeakerRole(StrEnum):
    moderator = "moderator"
    speaker = "speaker"
    panelist = "panelist"


class AnnotationKind(StrEnum):
    note = "note"
    quote = "quote"
    highlight = "highlight"
    question = "question"
    bookmark = "bookmark"


class Visibility(StrEnum):
    public = "public"
    private = "private"


class Role(StrEnum):
    """What an account may do (PRODUCT §6b); each role may do all the ones before it too.
    Anonymous visitors have no account and read published, public content."""

    member = "member"  # own annotations and replies
    editor = "editor"  # events, recordings, segments, speakers, imports, quotes, moderation
    admin = "admin"  # everything, accounts and the audit log


class AuditAction(StrEnum):
    created = "created"
    changed = "changed"
    hid = "hid"
    restored = "restored"
    deleted = "deleted"


class TurnSource(StrEnum):
    """Where a speaker turn came from: a transcript's voice tags or an editor's hand."""

    transcript = "transcript"
    editor = "editor"


class Placement(StrEnum):
    exact = "exact"
    approximate = "approximate"
    unplaced = "unplaced"


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=300)
    place: str = Field(default="", max_length=200)
    start_date: date | None = None
    end_date: date | None = None
    organisers: str = Field(default="", max_length=2000)
    description: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow)


class Recording(SQLModel, table=True):
    __table_args__ = (sa.CheckConstraint("duration > 0", name="duration_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", index=True)
    slug: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=300)
    media_kind: MediaKind = Field(sa_type=_enum(MediaKind, "media_kind"))
    media_path: str | None = Field(default=None, max_length=500)
    media_url: str | None = Field(default=None, max_length=2000)
    youtube_id: str | None = Field(default=None, max_length=20)
    duration: float | None = None
    language: str = Field(default="en", max_length=35)
    poster: str | None = Field(default=None, max_length=2000)
    published: bool = True
    uploaded_by_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL", index=True
    )
    media_bytes: int | None = Field(default=None, sa_type=sa.BigInteger)  # for upload quotas
    created_at: datetime = Field(default_factory=utcnow)


class Speaker(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    role: str = Field(default="", max_length=300)
    organisation: str = Field(default="", max_length=300)
    country: str = Field(default="", max_length=100)
    bio: str = Field(default="", sa_type=sa.Text)
    link: str | None = Field(default=None, max_length=2000)
    # Other spellings of the name, one per line ("Евгений Куценко"): kept when two records
    # of one person are merged; matched by imports and found by search.
    aliases: str = Field(default="", sa_type=sa.Text)


class Segment(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("recording_id", "slug", name="uq_segment_recording_slug"),
        sa.CheckConstraint("start >= 0", name="start_not_negative"),
        sa.CheckConstraint('start < "end"', name="start_before_end"),
        # "Segment at time t" walks this index backwards from t.
        sa.Index("ix_segment_recording_start", "recording_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recording_id: int = Field(foreign_key="recording.id", ondelete="CASCADE")
    parent_id: int | None = Field(
        default=None, foreign_key="segment.id", ondelete="CASCADE", index=True
    )
    slug: str = Field(max_length=80)
    title: str = Field(max_length=300)
    kind: SegmentKind = Field(default=SegmentKind.other, sa_type=_enum(SegmentKind, "segment_kind"))
    start: float
    end: float
    description: str = Field(default="", sa_type=sa.Text)


class SegmentSpeaker(SQLModel, table=True):
    __tablename__ = "segment_speaker"

    segment_id: int = Field(foreign_key="segment.id", ondelete="CASCADE", primary_key=True)
    speaker_id: int = Field(
        foreign_key="speaker.id", ondelete="CASCADE", primary_key=True, index=True
    )
    role: SpeakerRole = Field(
        default=SpeakerRole.speaker, sa_type=_enum(SpeakerRole, "speaker_role")
    )


class Annotation(SQLModel, table=True):
    __table_args__ = (
        sa.CheckConstraint("start >= 0", name="start_not_negative"),
        sa.CheckConstraint('"end" IS NULL OR start < "end"', name="start_before_end"),
        sa.CheckConstraint(
            "(placement = 'unplaced') = (start IS NULL)", name="unplaced_has_no_time"
        ),
        # Windowed listing ("between t1 and t2") is a range scan on this index.
        sa.Index("ix_annotation_recording_start", "recording_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recording_id: int = Field(foreign_key="recording.id", ondelete="CASCADE")
    segment_id: int | None = Field(
        default=None, foreign_key="segment.id", ondelete="SET NULL", index=True
    )
    speaker_id: int | None = Field(
        default=None, foreign_key="speaker.id", ondelete="SET NULL", index=True
    )
    reply_to_id: int | None = Field(
        default=None, foreign_key="annotation.id", ondelete="CASCADE", index=True
    )
    kind: AnnotationKind = Field(
        default=AnnotationKind.note, sa_type=_enum(AnnotationKind, "annotation_kind")
    )
    start: float | None = None
    end: float | None = None
    placement: Placement = Field(default=Placement.exact, sa_type=_enum(Placement, "placement"))
    text: str = Field(default="", sa_type=sa.Text)
    author: str = Field(default="", max_length=200)
    visibility: Visibility = Field(
        default=Visibility.public, sa_type=_enum(Visibility, "visibility")
    )
    owner_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL", index=True
    )
    hidden_at: datetime | None = None  # hidden by an editor: out of every public view
    # Where a quote's words were published (an article, a report), cited with the quote.
    source_title: str | None = Field(default=None, max_length=300)
    source_url: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AnnotationTag(SQLModel, table=True):
    __tablename__ = "annotation_tag"

    annotation_id: int = Field(foreign_key="annotation.id", ondelete="CASCADE", primary_key=True)
    tag: str = Field(max_length=50, primary_key=True, index=True)


class TranscriptCue(SQLModel, table=True):
    __tablename__ = "transcript_cue"
    __table_args__ = (
        sa.CheckConstraint("start >= 0", name="start_not_negative"),
        sa.CheckConstraint('start < "end"', name="start_before_end"),
        sa.Index("ix_transcript_cue_recording_start", "recording_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recording_id: int = Field(foreign_key="recording.id", ondelete="CASCADE")
    speaker_id: int | None = Field(
        default=None, foreign_key="speaker.id", ondelete="SET NULL", index=True
    )
    start: float
    end: float
    text: str = Field(sa_type=sa.Text)
    language: str = Field(default="en", max_length=35)


class SpeakerTurn(SQLModel, table=True):
    """Who spoke when: one speaker from `start` to `end` (PRODUCT §6c, the navigator's lane)."""

    __tablename__ = "speaker_turn"
    __table_args__ = (
        sa.CheckConstraint("start >= 0", name="start_not_negative"),
        sa.CheckConstraint('start < "end"', name="start_before_end"),
        sa.Index("ix_speaker_turn_recording_start", "recording_id", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recording_id: int = Field(foreign_key="recording.id", ondelete="CASCADE")
    speaker_id: int = Field(foreign_key="speaker.id", ondelete="CASCADE", index=True)
    start: float
    end: float
    source: TurnSource = Field(default=TurnSource.editor, sa_type=_enum(TurnSource, "turn_source"))


class User(SQLModel, table=True):
    """An account. ("user" is a reserved word in PostgreSQL, hence the table's name.)"""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)  # lower-case; how people sign in
    display_name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=300)
    role: Role = Field(default=Role.member, sa_type=_enum(Role, "role"))
    must_change_password: bool = False  # a one-time password: changed at the first sign-in
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds a random token, the table only its hash."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class ApiToken(SQLModel, table=True):
    """A token for scripts (`Authorization: Bearer`), shown once and stored hashed."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)  # the token's first characters, to tell tokens apart
    name: str = Field(default="", max_length=100)
    user_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """Who created, changed, hid, restored or deleted what, and when (shown to admins)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL", index=True
    )
    actor_name: str = Field(default="", max_length=40)  # kept when the account goes
    action: AuditAction = Field(sa_type=_enum(AuditAction, "audit_action"))
    subject: str = Field(max_length=40)  # "annotation", "recording", ...
    subject_id: int | None = None
    summary: str = Field(default="", sa_type=sa.Text)


class TranscriptOrigin(StrEnum):
    """Who made a transcript: people (an imported file) or a speech recogniser."""

    human = "human"
    machine = "machine"


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"


ACTIVE_JOB_STATES = (JobState.queued, JobState.running)
_ACTIVE_JOB = sa.text("state IN ('queued', 'running')")


class Transcript(SQLModel, table=True):
    """Who made a recording's transcript in one language, so pages say so honestly: a machine
    transcript names its model. (Cues stored before this table existed count as human.)"""

    __table_args__ = (
        sa.UniqueConstraint("recording_id", "language", name="uq_transcript_recording_language"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recording_id: int = Field(foreign_key="recording.id", ondelete="CASCADE")
    language: str = Field(max_length=35)
    origin: TranscriptOrigin = Field(sa_type=_enum(TranscriptOrigin, "transcript_origin"))
    model: str = Field(default="", max_length=200)  # the recogniser's model, for machine ones
    made_at: datetime = Field(default_factory=utcnow)


class TranscriptionJob(SQLModel, table=True):
    """A machine transcript in the making (PRODUCT §6d). The media is recognised in chunks;
    `done_seconds` is the checkpoint, advanced in the transaction that stores a chunk's words,
    so a killed worker's successor resumes there."""

    __tablename__ = "transcription_job"
    __table_args__ = (
        sa.CheckConstraint("chunk_seconds > 0", name="chunk_positive"),
        sa.CheckConstraint("done_seconds >= 0", name="done_not_negative"),
        # One queued or running job per recording.
        sa.Index(
            "uq_transcription_job_active",
            "recording_id",
            unique=True,
            sqlite_where=_ACTIVE_JOB,
            postgresql_where=_ACTIVE_JOB,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    recording_id: int = Field(foreign_key="recording.id", ondelete="CASCADE", index=True)
    language: str = Field(max_length=35)
    model: str = Field(max_length=200)
    state: JobState = Field(default=JobState.queued, sa_type=_enum(JobState, "job_state"))
    duration: float  # seconds of audio to recognise
    chunk_seconds: float
    done_seconds: float = 0.0
    busy_seconds: float = 0.0  # time spent recognising so far: the rate behind the ETA
    requested_by_id: int | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL", index=True
    )
    # The process running it ("host:pid") and when it last said so: how a job whose worker
    # died is told from one still at work.
    worker: str = Field(default="", max_length=200)
    heartbeat_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str = Field(default="", sa_type=sa.Text)


class TranscriptionWord(SQLModel, table=True):
    """A word a job has recognised, kept until the job ends: the finished chunks' work."""

    __tablename__ = "transcription_word"

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="transcription_job.id", ondelete="CASCADE", index=True)
    start: float
    end: float
    text: str = Field(sa_type=sa.Text)


class SearchKind(StrEnum):
    """What a search hit is; quotes are annotations of kind quote, told apart for filtering."""

    segment = "segment"
    speaker = "speaker"
    annotation = "annotation"
    quote = "quote"
    cue = "cue"


class LiveEvent(SQLModel, table=True):
    """One change to an annotation, kept a little while for the pages open on its recording
    (PRODUCT §6e): its id is the stream's event id, so a page that lost its connection asks
    for what came after the last one it saw (Last-Event-ID), on any worker or machine.
    Who may hear of it is stored with it: the owner always; others only when the annotation
    is public and not hidden after the change (an update), or was before it (a removal)."""

    __tablename__ = "live_event"
    __table_args__ = (sa.Index("ix_live_event_recording_id_id", "recording_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    recording_id: int = Field(foreign_key="recording.id", ondelete="CASCADE")
    annotation_id: int
    owner_id: int | None = None
    shown_before: bool = False
    shown_after: bool = False
    deleted: bool = False
    at: datetime = Field(default_factory=utcnow, index=True)


class ContentVersion(SQLModel, table=True):
    """One row counting the transactions that changed what pages show: every unit of work
    that writes such a row raises it (app.db), so a page kept for anonymous readers is known
    to be current by one read (app.http.page_cache), on every worker and machine alike."""

    __tablename__ = "content_version"

    id: int | None = Field(default=None, primary_key=True)
    version: int = 0
