"""The two hot lookups are index range scans, not table scans, on both databases.

The statements checked are the ones the services really run (captured from the connection),
on a recording with enough rows that a planner would rather scan if the index were unusable.
"""

import contextlib

import pytest
from sqlalchemy import event, insert, text

from app.models import Annotation, Recording, Segment, utcnow
from app.services import access, annotations, recordings, segments


@contextlib.contextmanager
def captured(connection, table: str):
    """Collect (sql, params) of the SELECTs on `table` that run inside the block."""
    seen = []

    def listen(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().startswith("SELECT") and f"FROM {table}" in statement:
            seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", listen)


def plan(connection, statement: str, parameters) -> str:
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return "\n".join(row[-1] for row in rows)
    connection.execute(text("ANALYZE annotation, segment"))
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
    return "\n".join(row[0] for row in rows)


NOW = utcnow()


@pytest.fixture
def crowded(demo, session):
    """A second recording with 20,000 annotations and 400 segments beside the demo."""
    recording = recordings.get(session, slug=demo, viewer=access.OPERATOR)
    other = Recording(
        event_id=recording.event_id,
        slug="other",
        title="o",
        media_kind="url",
        media_url="https://x.org/o.mp4",
    )
    session.add(other)
    session.flush()
    rows = [
        {
            "recording_id": other.id,
            "start": i * 1.2,
            "placement": "exact",
            "kind": "note",
            "text": "",
            "author": "",
            "visibility": "public",
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(20_000)
    ]
    session.execute(insert(Annotation), rows)
    session.execute(
        insert(Segment),
        [
            {
                "recording_id": other.id,
                "slug": f"s{i}",
                "title": "s",
                "kind": "talk",
                "start": i * 10,
                "end": i * 10 + 5,
                "description": "",
            }
            for i in range(400)
        ],
    )
    session.commit()
    return other


def test_annotation_window_uses_the_recording_start_index(connection, session, crowded):
    with captured(connection, "annotation") as seen:
        rows, _ = annotations.list_page(
            session, recording=crowded, start=8400, end=8460, viewer=None
        )
    assert [round(a.start, 1) for a in rows][:3] == [8400.0, 8401.2, 8402.4]
    query_plan = plan(connection, *seen[0])
    print(query_plan)
    assert "ix_annotation_recording_start" in query_plan
    assert "SCAN annotation\n" not in query_plan + "\n" and "Seq Scan" not in query_plan


def test_segment_at_time_uses_the_recording_start_index(connection, session, crowded):
    with captured(connection, "segment") as seen:
        found = segments.at_time(session, recording=crowded, t=2001)
    assert found.slug == "s200"
    query_plan = plan(connection, *seen[0])
    print(query_plan)
    assert "ix_segment_recording_start" in query_plan
    assert "Seq Scan" not in query_plan
