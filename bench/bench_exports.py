"""Every export of a recording with 10,000 annotations (1,000 of them replies) and 6,000
transcript cues, fetched over HTTP by an editor (wall time and size of each), then the full
JSON export and import of its event.

Run by hand: `.venv/bin/python bench/bench_exports.py [DATABASE_URL]` (default: a temporary
SQLite file). The import goes into the same database under new slugs (its speakers are
then matched, not created).
"""

import json
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert

from app.config import Settings
from app.db import Database, migrate
from app.main import create_app
from app.models import (
    Annotation,
    AnnotationTag,
    Event,
    Recording,
    Role,
    Speaker,
    TranscriptCue,
    utcnow,
)
from app.services import accounts, events
from app.services.exports import event_json

ANNOTATIONS, REPLIES, CUES = 9_000, 1_000, 6_000


def generate(database: Database) -> None:
    now = utcnow()
    with database.unit_of_work() as session:
        event = Event(slug="bench", title="Bench")
        session.add(event)
        session.flush()
        recording = Recording(
            event_id=event.id, slug="bench-day", title="Bench day", media_kind="url",
            media_url="https://example.org/v.mp4", duration=36_000,
        )  # fmt: skip
        speaker = Speaker(slug="bench-speaker", name="Bench Speaker")
        session.add_all([recording, speaker])
        session.flush()
        base = {"recording_id": recording.id, "kind": "note", "created_at": now, "updated_at": now}
        connection = session.connection()
        rows = [
            base | {"start": i * 3.5, "text": f"note {i} on clusters"} for i in range(ANNOTATIONS)
        ]
        ids = connection.execute(insert(Annotation).returning(Annotation.id), rows).scalars().all()
        replies = [
            base | {"start": i * 3.5, "text": "agreed", "reply_to_id": ids[i]}
            for i in range(REPLIES)
        ]
        connection.execute(insert(Annotation), replies)
        connection.execute(
            insert(AnnotationTag), [{"annotation_id": i, "tag": "t"} for i in ids[::3]]
        )
        cues = [
            {"recording_id": recording.id, "speaker_id": speaker.id, "start": i * 5.0,
             "end": i * 5.0 + 4.5, "text": f"Line {i} of what was said.", "language": "en"}
            for i in range(CUES)
        ]  # fmt: skip
        connection.execute(insert(TranscriptCue), cues)
        accounts.create_user(session, username="bench", password=None, role=Role.editor)


FILES = [
    "chapters.vtt", "chapters.txt", "transcript.vtt", "transcript.srt", "annotations.jsonld",
    "annotations.csv", "annotations.eaf", "manifest.json",
]  # fmt: skip


def over_http(database: Database, folder: Path) -> None:
    """Each of /r/bench-day/<file> as an editor's script fetches it (all JSON-LD pages)."""
    settings = Settings(data_dir=folder, database_url=database.url, secret_key="bench").prepare()
    with database.unit_of_work() as session:
        user = accounts.get(session, username="bench")
        _, secret = accounts.create_token(session, user=user)
    with TestClient(create_app(settings, database)) as client:
        client.headers["Authorization"] = f"Bearer {secret}"
        for name in FILES:
            started = time.perf_counter()
            answer = client.get(f"/r/bench-day/{name}")
            size, pages = len(answer.content), 1
            following = answer.json()["first"].get("next") if name.endswith(".jsonld") else None
            while following:  # the collection's other pages
                answer = client.get(following)
                size, pages = size + len(answer.content), pages + 1
                following = answer.json().get("next")
            took = time.perf_counter() - started
            shown = f"{pages} pages, " if pages > 1 else ""
            print(f"{name:20} {answer.status_code} {took:6.2f} s  {shown}{size / 1e6:.2f} MB")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{folder / 'b.db'}"
    migrate(url)
    database = Database(url)
    generate(database)
    over_http(database, folder)
    started = time.perf_counter()
    with database.unit_of_work(write=False) as session:
        size = 0
        for piece in event_json.export(session, event=events.get(session, slug="bench")):
            size += len(piece.encode())
    exported = time.perf_counter()
    with database.unit_of_work(write=False) as session:
        text = "".join(event_json.export(session, event=events.get(session, slug="bench")))
    document = json.loads(text)
    document["event"]["slug"] = "bench-copy"
    document["recordings"][0]["slug"] = "bench-day-copy"
    checked = time.perf_counter()
    event_json.check(document)
    check_time = time.perf_counter() - checked
    started_import = time.perf_counter()
    with database.unit_of_work() as session:
        actor = accounts.get(session, username="bench")
        event_json.import_event(session, document=document, actor=actor)
    imported = time.perf_counter()
    print(
        f"{database.dialect}: {ANNOTATIONS + REPLIES} annotations, {CUES} cues, {size / 1e6:.1f} MB"
    )
    print(
        f"export {exported - started:.2f} s; import {imported - started_import:.2f} s "
        f"(of which checking the document {check_time:.2f} s)"
    )


if __name__ == "__main__":
    main()
