"""The demo event (PRODUCT §2), loaded through the same services and rules as any user's data."""

import json
from pathlib import Path

from sqlmodel import Session

from app import video
from app.errors import NotFound
from app.models import AnnotationKind, Event, MediaKind, Placement, Role, Speaker, User
from app.schemas import (
    AnnotationCreate,
    EventCreate,
    RecordingCreate,
    SegmentCreate,
    SpeakerCreate,
)
from app.services import accounts, annotations, events, recordings, segments, speakers
from app.services.common import exists

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "clusters-open-boundaries-2019.json"


def demo_data() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def ensure_demo_video(media_dir: Path, *, progress: bool = True) -> Path:
    """The placeholder video, rendered once (a few seconds, with a progress bar) and reused."""
    spec = demo_data()["recording"]
    path = media_dir / spec["media_path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    video.ensure_placeholder(path, spec["placeholder_duration"], progress=progress)
    return path


def load_demo(session: Session, *, media_dir: Path, progress: bool = True) -> bool:
    """Load the demo event unless it is there already; returns True when it loaded it."""
    data = demo_data()
    if exists(session, Event, slug=data["event"]["slug"]):
        return False
    ensure_demo_video(media_dir, progress=progress)
    event = events.create(session, data=EventCreate(**data["event"]))
    spec = data["recording"]
    recording = recordings.create(
        session,
        data=RecordingCreate(
            event=event.slug,
            slug=spec["slug"],
            title=spec["title"],
            media_kind=MediaKind.file,
            media_path=spec["media_path"],
            language=spec["language"],
        ),
        media_dir=media_dir,
    )
    for item in data["speakers"]:
        if not exists(session, Speaker, slug=item["slug"]):
            speakers.create(session, data=SpeakerCreate(**item))
    for item in data["segments"]:
        segments.create(session, recording=recording, data=SegmentCreate(**item))
    organiser = _organiser(session)
    for item in data["quotes"]:
        annotations.create(
            session,
            recording=recording,
            data=AnnotationCreate(
                **item,
                kind=AnnotationKind.quote,
                placement=Placement.unplaced,
                author="Russian Cluster Observatory write-up",
                source_title=data["quotes_source_title"],
            ),
            actor=organiser,
        )
    return True


def _organiser(session: Session) -> User:
    """The account the demo's quotes belong to: an editor nobody signs in as (it has no
    password and is disabled); editors and admins manage its quotes."""
    try:
        return accounts.get(session, username="organiser")
    except NotFound:
        pass
    organiser = accounts.create_user(
        session,
        username="organiser",
        password=None,
        role=Role.editor,
        display_name="The organiser",
    )
    organiser.disabled = True
    session.add(organiser)
    session.flush()
    return organiser
