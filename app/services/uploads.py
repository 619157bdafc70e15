"""Recordings made from an uploaded media file or from a link (PRODUCT §3 media sources).

The HTTP layer streams the form to disk (app.http.multipart) and hands over an `Upload`;
here the file is probed, published under its public name and its recording created through
the same service and checks as the JSON API. Any refusal removes the temp file.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session, col, func, select

from app import video
from app.errors import Invalid, TooLarge, TooMany, validated
from app.i18n import _, ngettext
from app.models import MediaKind, Recording, Role, User, utcnow
from app.schemas import RecordingCreate
from app.services import media, recordings
from app.services.accounts import at_least
from app.services.common import exists
from app.sizes import human_size
from app.slugs import claim_slug
from app.timecodes import TimecodeError, parse_time

FILE_FIELD, LINK_FIELD = "file", "url"
TEXT_FIELDS = frozenset({"event", "title", "slug", "language", "duration", "published"})
MAX_FIELDS, MAX_FIELD_BYTES = 20, 16 * 1024
QUOTA_WINDOW = timedelta(days=1)  # the count quota counts the files of the last day
# Only what browsers play in <video>/<audio>; other media would be stored but never play.
# Each type has its own extension, so the stored name tells sound from video (video.audio_only).
EXTENSIONS = {
    "video/mp4": ".mp4",
    "audio/mp4": ".m4a",
    "video/webm": ".webm",
    "audio/webm": ".weba",
    "video/ogg": ".ogv",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/flac": ".flac",
    "audio/aac": ".aac",
}
ACCEPTED = (
    "MP4, WebM, Ogg, MP3, M4A, WAV, Opus, FLAC, AAC"  # what EXTENSIONS takes, as people say it
)
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_HOSTS = {"youtube.com", "m.youtube.com", "youtube-nocookie.com", "music.youtube.com"}
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Allowance:
    """How large one upload may be: the site's limit, or what is left of the uploader's
    quota, and how that limit reads in a refusal."""

    max_bytes: int
    limit: str


def allowance(
    session: Session,
    *,
    actor: User,
    max_upload_bytes: int,
    quota_count: int,
    quota_bytes: int,
) -> Allowance:
    """What `actor` may upload now: at most `quota_count` files a day (429, Retry-After until
    the oldest of them is a day old) and `quota_bytes` stored in all (413). Admins have no
    quota."""
    site_limit = Allowance(
        max_upload_bytes, _("the upload limit of %(size)s") % {"size": human_size(max_upload_bytes)}
    )
    if at_least(actor, Role.admin):
        return site_limit
    mine = Recording.uploaded_by_id == actor.id
    today = list(
        session.exec(
            select(Recording.created_at)
            .where(mine, col(Recording.media_bytes).is_not(None))
            .where(Recording.created_at >= utcnow() - QUOTA_WINDOW)
            .order_by(col(Recording.created_at))
        )
    )
    if len(today) >= quota_count:
        oldest = today[0].replace(tzinfo=UTC) if today else utcnow()
        wait = max(60, int((oldest + QUOTA_WINDOW - utcnow()).total_seconds()))
        raise TooMany(
            ngettext(
                "you have uploaded %(num)s file in a day, your quota; try again later",
                "you have uploaded %(num)s files in a day, your quota; try again later",
                len(today),
            )
            % {"num": len(today)},
            retry_after=wait,
            field=FILE_FIELD,
        )
    used = session.exec(select(func.sum(col(Recording.media_bytes))).where(mine)).one() or 0
    left = quota_bytes - used
    if left <= 0:
        raise TooLarge(
            _("your upload quota of %(size)s is used up") % {"size": human_size(quota_bytes)},
            field=FILE_FIELD,
        )
    if left < max_upload_bytes:
        return Allowance(
            left, _("what is left of your upload quota (%(size)s)") % {"size": human_size(left)}
        )
    return site_limit


@dataclass
class Upload:
    """What an upload form held: its text fields and the file part, saved to a temp file."""

    fields: dict[str, str] = field(default_factory=dict)
    file: Path | None = None
    filename: str = ""
    size: int = 0

    def discard(self) -> None:
        if self.file is not None:
            self.file.unlink(missing_ok=True)


def _validated(fields: dict[str, str], **source) -> RecordingCreate:
    """The form's text fields checked by the JSON API's schema, so both give the same errors."""
    unknown = sorted(fields.keys() - TEXT_FIELDS)
    if unknown:
        raise Invalid(
            _("%(field)s is not a field this form takes") % {"field": unknown[0]}, field=unknown[0]
        )
    given: dict[str, object] = {name: value for name, value in fields.items() if value.strip()}
    if "duration" in given:  # typed as a time code (a linked video is not probed)
        try:
            given["duration"] = parse_time(fields["duration"].strip())
        except TimecodeError as exc:
            raise Invalid(f"duration: {exc}", field="duration") from None
    if "published" in given:
        if given["published"] not in ("true", "false"):
            raise Invalid(_("published: choose published or draft"), field="published")
        given["published"] = given["published"] == "true"
    return validated(RecordingCreate, {**given, **source})


def youtube_id(text: str) -> str | None:
    """The video id of a YouTube watch/short/embed link or a bare id; None if not YouTube.

    Invalid when the link is YouTube's but names no video (a channel or a playlist).
    """
    text = text.strip()
    if _YOUTUBE_ID.fullmatch(text):
        return text
    url = urlsplit(text)
    host = (url.hostname or "").removeprefix("www.")
    if url.scheme not in ("http", "https") or (host != "youtu.be" and host not in _YOUTUBE_HOSTS):
        return None
    parts = [p for p in url.path.split("/") if p]
    if host == "youtu.be":
        candidate = parts[0] if parts else ""
    elif parts == ["watch"]:
        candidate = parse_qs(url.query).get("v", [""])[0]
    elif len(parts) == 2 and parts[0] in ("embed", "shorts", "live", "v"):
        candidate = parts[1]
    else:
        candidate = ""
    if not _YOUTUBE_ID.fullmatch(candidate):
        raise Invalid(
            _(
                "that YouTube link names no video; use youtube.com/watch?v=ID, youtu.be/ID or the "
                "11-character id"
            ),
            field=LINK_FIELD,
        )
    return candidate


def create_from_link(
    session: Session, *, fields: dict[str, str], media_dir: Path, actor: User
) -> Recording:
    """An external MP4/WebM/HLS URL or a YouTube video, through the same service as the API."""
    fields = dict(fields)
    link = fields.pop(LINK_FIELD, "").strip()
    if not link:
        raise Invalid(_("%(field)s is required") % {"field": LINK_FIELD}, field=LINK_FIELD)
    video_id = youtube_id(link)
    if video_id is not None:
        data = _validated(fields, media_kind=MediaKind.youtube, youtube_id=video_id)
    elif _URL.fullmatch(link) and len(link) <= 2000:
        data = _validated(fields, media_kind=MediaKind.url, media_url=link)
    else:
        raise Invalid(
            _(
                "%(field)s must be an http(s) link to a video (MP4, WebM, HLS .m3u8) or a "
                "YouTube link or id"
            )
            % {"field": LINK_FIELD},
            field=LINK_FIELD,
        )
    row = recordings.create(session, data=data, media_dir=media_dir)
    row.uploaded_by_id = actor.id
    session.add(row)
    session.flush()
    return row


def create_from_file(
    session: Session, *, upload: Upload, media_dir: Path, actor: User
) -> Recording:
    """Probe the uploaded file, publish it under uploads/ and add its recording.

    The recording row is flushed before returning; if its unit of work then fails to commit,
    the published file is an orphan that the start-up sweep removes (app.services.media).
    """
    try:
        if upload.file is None or (upload.size == 0 and not upload.filename):
            raise Invalid(
                _("%(field)s is required: choose a video or audio file") % {"field": FILE_FIELD},
                field=FILE_FIELD,
            )
        if upload.size == 0:
            raise Invalid(
                _("the file %(name)s is empty") % {"name": repr(upload.filename)}, field=FILE_FIELD
            )
        data = _validated(upload.fields, media_kind=MediaKind.file, media_path=media.UPLOAD_FOLDER)
        try:
            info = video.probe(upload.file)
        except video.InvalidMedia as exc:
            raise Invalid(
                _("the file %(name)s was refused: %(reason)s")
                % {"name": repr(upload.filename), "reason": exc},
                field=FILE_FIELD,
            ) from None
        if info.mime_type not in EXTENSIONS:
            raise Invalid(
                _(
                    "the file %(name)s is %(container)s media, which browsers do not play; "
                    "upload a video or audio file: %(accepted)s"
                )
                % {
                    "name": repr(upload.filename),
                    "container": info.container,
                    "accepted": ACCEPTED,
                },
                field=FILE_FIELD,
            )
        slug = claim_slug(data.slug, data.title, lambda s: exists(session, Recording, slug=s))
        published = media.publish(
            media_dir, upload.file, stem=slug, extension=EXTENSIONS[info.mime_type]
        )
        data = data.model_copy(
            update={"slug": slug, "media_path": published, "duration": info.duration}
        )
        try:
            row = recordings.create(session, data=data, media_dir=media_dir)
            row.uploaded_by_id, row.media_bytes = actor.id, upload.size
            session.add(row)
            session.flush()
            return row
        except BaseException:
            (media_dir / published).unlink(missing_ok=True)
            raise
    finally:
        upload.discard()


def create_from_upload(
    session: Session, *, upload: Upload, media_dir: Path, actor: User
) -> Recording:
    """One form, two sources: a file part, or a `url` field holding a link."""
    if LINK_FIELD not in upload.fields:
        return create_from_file(session, upload=upload, media_dir=media_dir, actor=actor)
    if upload.file is not None:
        upload.discard()
        raise Invalid(_("send either a file or a url, not both"), field=LINK_FIELD)
    return create_from_link(session, fields=upload.fields, media_dir=media_dir, actor=actor)
