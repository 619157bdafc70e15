"""The full JSON export of an event and its import (PRODUCT §6): a lossless backup. Export →
import into an empty database → export gives the same bytes; the document validates against
the repo's JSON Schema; a refused import changes nothing; only editors read or write it."""

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import insert

from app.models import Annotation, AnnotationTag, Event, Recording, Speaker, TranscriptCue
from app.services.exports import event_json

EVENT = "clusters-open-boundaries-2019"
SESSIONNAV = Path(sys.executable).with_name("sessionnav")


def _validate(document: dict) -> None:
    schema = event_json.schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(document)


def _export(client, event: str = EVENT) -> str:
    response = client.get(f"/e/{event}/export.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.text


def _empty(client, document: dict) -> None:
    """The event gone, and the speakers it names: the database as a fresh install has it."""
    assert client.delete(f"/api/v1/events/{document['event']['slug']}").status_code == 204
    for speaker in document["speakers"]:
        assert client.delete(f"/api/v1/speakers/{speaker['slug']}").status_code == 204


@pytest.fixture
def rich(client, clients, transcribed) -> str:
    """The transcribed demo event with what a lived-in event holds: annotations of several
    owners (one private, one hidden), tags, a reply, a nested talk with its speaker, an
    alias and an editor's turn."""
    member, other = clients("member"), clients("other")
    rec = transcribed
    notes = f"/api/v1/recordings/{rec}/annotations"
    shared = member.post(notes, json={"start": 8421, "text": "Key point", "tags": ["Policy", "x"]})
    assert shared.status_code == 201, shared.text
    private = {"start": 8430, "end": 8440, "text": "mine alone", "visibility": "private"}
    assert member.post(notes, json=private).status_code == 201
    hidden = other.post(notes, json={"start": 8450, "text": "spam", "kind": "question"})
    assert client.post(f"/api/v1/annotations/{hidden.json()['id']}/hide").status_code == 200
    reply = {"reply_to": shared.json()["id"], "text": "Agreed", "tags": ["thread"]}
    assert other.post(notes, json=reply).status_code == 201
    outer = next(
        s
        for s in client.get(f"/api/v1/recordings/{rec}/segments").json()["items"]
        if s["kind"] != "break" and s["end"] - s["start"] > 120
    )
    talk = {
        "slug": "inner-talk",
        "title": "Inner talk",
        "kind": "talk",
        "start": outer["start"] + 10,
        "end": outer["start"] + 100,
        "parent": outer["slug"],
        "speakers": [{"speaker": "faina-filina", "role": "moderator"}],
    }
    response = client.post(f"/api/v1/recordings/{rec}/segments", json=talk)
    assert response.status_code == 201, response.text
    aliases = {"aliases": ["Фаина Филина"]}
    assert client.patch("/api/v1/speakers/faina-filina", json=aliases).status_code == 200
    turn = {"speaker": "faina-filina", "start": 9000, "end": 9010}
    assert client.post(f"/api/v1/recordings/{rec}/turns", json=turn).status_code == 201
    return rec


def test_round_trip_of_the_demo_event_is_byte_identical(client, rich):
    first = _export(client)
    document = json.loads(first)
    _validate(document)
    [recording] = document["recordings"]
    annotations = recording["annotations"]
    assert {a["owner"] for a in annotations} >= {"member", "other"}
    assert any(a["visibility"] == "private" and a["text"] == "mine alone" for a in annotations)
    assert any(a["hidden_at"] and a["text"] == "spam" for a in annotations)
    [reply] = [a for a in annotations if a["reply_to"]]
    parent = next(a for a in annotations if a["ref"] == reply["reply_to"])
    assert (parent["text"], parent["tags"]) == ("Key point", ["policy", "x"])
    assert reply["tags"] == ["thread"]
    talk = next(s for s in recording["segments"] if s["slug"] == "inner-talk")
    assert talk["parent"] and talk["speakers"] == [{"speaker": "faina-filina", "role": "moderator"}]
    faina = next(s for s in document["speakers"] if s["slug"] == "faina-filina")
    assert faina["aliases"] == ["Фаина Филина"]
    assert recording["cues"] and all(c["language"] == "en" for c in recording["cues"])
    assert {"ada-lovelace", "faina-filina"} <= {c["speaker"] for c in recording["cues"]}
    assert {t["source"] for t in recording["turns"]} == {"transcript", "editor"}
    assert '"id"' not in first  # no database ids: the document is the same on any install

    _empty(client, document)
    response = client.post("/api/v1/events/import", content=first.encode())
    assert response.status_code == 201, response.text
    summary = response.json()
    assert summary["annotations"] == len(annotations) and summary["unknown_owners"] == []
    assert sorted(summary["speakers_created"]) == [s["slug"] for s in document["speakers"]]
    assert _export(client) == first


def test_an_event_slug_in_use_is_a_conflict(client, demo, snapshot):
    text = _export(client)
    before = snapshot()
    response = client.post("/api/v1/events/import", content=text.encode())
    assert response.status_code == 409
    assert response.json()["field"] == "body.event.slug"
    assert "exists already" in response.json()["detail"]
    assert snapshot() == before


def test_unknown_owners_become_the_importers_and_are_named(client, demo):
    document = json.loads(_export(client))
    _empty(client, document)
    document["recordings"][0]["annotations"][0]["owner"] = "nobody-here"
    response = client.post("/api/v1/events/import", json=document)
    assert response.status_code == 201, response.text
    assert response.json()["unknown_owners"] == ["nobody-here"]
    again = json.loads(_export(client))
    assert again["recordings"][0]["annotations"][0]["owner"] == "editor"


def _bad(document: dict, where: str, value) -> dict:
    """The document with the value at a dotted path replaced."""
    copy = json.loads(json.dumps(document))
    *path, last = where.split(".")
    target = copy
    for part in path:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[int(last) if isinstance(target, list) else last] = value
    return copy


BAD = [  # where, what, and words of the message
    ("version", 2, "version 2 is not one this service reads"),
    ("format", "other", "sessionnav-event"),
    ("recordings.0.annotations.3.start", -1, "minimum"),
    ("recordings.0.segments.1.kind", "party", "party"),
    ("recordings.0.annotations.2.reply_to", "a9", "no earlier annotation 'a9'"),
    ("recordings.0.cues.0.end", 0, "end must be after start"),
    ("recordings.0.media_path", "../../etc/passwd", "inside the media folder"),
    ("recordings.0.created_at", "2019-13-45T00:00:00Z", "date-time"),
    ("event.title", "bad\u0000title", "NUL"),
]


def test_a_bad_document_is_refused_naming_where(client, transcribed, snapshot):
    document = json.loads(_export(client))
    _empty(client, document)
    before = snapshot()
    for where, value, words in BAD:
        response = client.post("/api/v1/events/import", json=_bad(document, where, value))
        assert response.status_code == 422, response.text
        assert response.json()["field"] == f"body.{where}"
        assert words in response.json()["detail"], where
    assert snapshot() == before


def test_not_json_is_refused(client, snapshot):
    before = snapshot()
    response = client.post("/api/v1/events/import", content=b'{"format": ')
    assert response.status_code == 422
    assert response.json()["field"] == "body" and "not valid JSON" in response.json()["detail"]
    assert snapshot() == before


def test_an_import_that_fails_halfway_changes_nothing(client, rich, snapshot):
    """The event, speakers and recording are written before the segments are: a segment that
    overlaps another is refused by the segment service, and all of it is undone; so is a
    bad annotation near the end, found by the document checks."""
    document = json.loads(_export(client))
    _empty(client, document)
    before = snapshot()
    segments = document["recordings"][0]["segments"]
    last = segments[-1]
    overlapping = dict(last, slug="overlapping", parent=None, start=last["start"] + 1)
    broken = _bad(document, "recordings.0.segments", [*segments, overlapping])
    response = client.post("/api/v1/events/import", json=broken)
    assert response.status_code == 422, response.text
    assert response.json()["field"].startswith(f"body.recordings.0.segments.{len(segments)}")
    assert "overlap" in response.json()["detail"]
    assert snapshot() == before
    n = len(document["recordings"][0]["annotations"]) - 1
    broken = _bad(document, f"recordings.0.annotations.{n}.segment", "nowhere")
    response = client.post("/api/v1/events/import", json=broken)
    assert response.status_code == 422 and "nowhere" in response.json()["detail"]
    assert snapshot() == before


def test_members_and_visitors_may_not_export_or_import(clients, demo, anonymous):
    member = clients("member")
    assert member.get(f"/e/{EVENT}/export.json").status_code == 403
    assert anonymous.get(f"/e/{EVENT}/export.json").status_code == 401
    assert member.post("/api/v1/events/import", json={}).status_code == 403
    assert anonymous.post("/api/v1/events/import", json={}).status_code == 401


def test_an_unknown_event_is_not_found(client):
    response = client.get("/e/no-such-event/export.json")
    assert response.status_code == 404


def _generate(database, *, annotations: int, cues: int) -> None:
    """An event of `annotations` annotations (every tenth one a reply, every third tagged)
    and `cues` transcript cues, made with bulk inserts."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with database.unit_of_work() as session:
        event = Event(slug="big", title="Big")
        session.add(event)
        session.flush()
        recording = Recording(
            event_id=event.id, slug="big-day", title="Big day", media_kind="url",
            media_url="https://example.org/big.mp4", duration=36000,
        )  # fmt: skip
        speaker = Speaker(slug="big-speaker", name="Big Speaker", aliases="B. Speaker")
        session.add_all([recording, speaker])
        session.flush()
        connection = session.connection()
        base = {"recording_id": recording.id, "created_at": now, "updated_at": now}
        rows = [
            base | {"start": i * 3.5, "text": f"note {i}", "author": "gen", "kind": "note"}
            for i in range(annotations - annotations // 10)
        ]
        ids = connection.execute(insert(Annotation).returning(Annotation.id), rows).scalars().all()
        replies = [
            base | {"start": i * 3.5, "text": f"reply {i}", "reply_to_id": ids[i], "kind": "note"}
            for i in range(annotations // 10)
        ]
        connection.execute(insert(Annotation), replies)
        tags = [{"annotation_id": i, "tag": f"t{i % 7}"} for i in ids[::3]]
        connection.execute(insert(AnnotationTag), tags)
        lines = [
            {"recording_id": recording.id, "speaker_id": speaker.id, "start": i * 5.0,
             "end": i * 5.0 + 4.5, "text": f"Line {i} of what was said.", "language": "en"}
            for i in range(cues)
        ]  # fmt: skip
        connection.execute(insert(TranscriptCue), lines)


def test_ten_thousand_annotations_round_trip(client, database):
    _generate(database, annotations=10_000, cues=6_000)
    started = time.perf_counter()
    first = _export(client, "big")
    exported = time.perf_counter()
    document = json.loads(first)
    assert len(document["recordings"][0]["annotations"]) == 10_000
    assert sum(1 for a in document["recordings"][0]["annotations"] if a["reply_to"]) == 1_000
    _validate(document)
    _empty(client, document)
    before_import = time.perf_counter()
    response = client.post("/api/v1/events/import", content=first.encode())
    imported = time.perf_counter()
    assert response.status_code == 201, response.text
    assert response.json()["cues"] == 6_000
    assert _export(client, "big") == first
    print(f"\nexport {exported - started:.2f} s, import {imported - before_import:.2f} s")


@pytest.mark.live
def test_the_command_exports_and_imports(settings, client, demo, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": settings.effective_database_url,
        "SESSIONNAV_DATA_DIR": str(tmp_path),
    }

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(SESSIONNAV), *argv], env=env, capture_output=True, text=True, check=False
        )

    exported = run("export", EVENT)
    assert exported.returncode == 0, exported.stderr
    path = tmp_path / "event.json"
    path.write_text(exported.stdout, encoding="utf-8")
    refused = run("import", "event", str(path), "--as", "editor")
    assert refused.returncode == 1
    assert f"error: {path}: an event '{EVENT}' exists already" in refused.stderr
    assert client.delete(f"/api/v1/events/{EVENT}").status_code == 204
    done = run("import", "event", str(path), "--as", "editor")
    assert done.returncode == 0, done.stderr
    assert f"event '{EVENT}': 1 recordings" in done.stdout
    assert "import: 100%" in done.stderr  # the progress bar
    assert run("export", EVENT).stdout == exported.stdout


def test_the_event_page_offers_the_download_to_editors_only(browser_as, anonymous, demo):
    link = f'href="/e/{EVENT}/export.json"'
    editor, _ = browser_as("editor")
    assert link in editor.get(f"/e/{EVENT}").text
    assert link not in anonymous.get(f"/e/{EVENT}").text
