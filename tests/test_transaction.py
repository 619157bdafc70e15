"""Units of work and admission control (app.http.transaction, app.db): a refusal rolls back
everything the request did, a crowd is answered 503 with Retry-After rather than left waiting,
and SQLite writers queue for the write lock instead of failing."""

import anyio
import anyio.from_thread
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from app.db import Database
from app.errors import Overloaded
from app.http.transaction import Admission
from app.main import create_app


def test_a_request_that_finds_no_free_slot_is_told_to_come_back(settings, database):
    app = create_app(settings, database)
    app.state.admission = Admission(slots=0, single_writer=False, wait=0.05)
    with TestClient(app) as client:
        response = client.get("/api/v1/events")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "2"
        assert response.json() == {
            "detail": "the service is busy; try again in a moment",
            "field": None,
        }
        page = client.get("/")
        assert page.status_code == 503 and "try again in a moment" in page.text
        assert client.get("/static/css/app.css").status_code == 200  # no database, no queue


def test_admission_lets_in_as_many_as_there_are_slots_then_refuses():
    admission = Admission(slots=2, single_writer=True, wait=0.05)
    outcomes = []

    async def main():
        async with admission.slot(write=False), admission.slot(write=True):
            for write in (False, True):
                try:
                    async with admission.slot(write=write):
                        outcomes.append("in")
                except Overloaded:
                    outcomes.append("refused")
        async with admission.slot(write=True):  # freed again
            outcomes.append("in")

    with anyio.from_thread.start_blocking_portal() as portal:  # a loop of its own
        portal.call(main)
    assert outcomes == ["refused", "refused", "in"]


@pytest.mark.sqlite_only
def test_sqlite_writers_take_the_write_lock_when_they_begin(database_url):
    """BEGIN IMMEDIATE: a writer waits for the lock at its first statement, so it never holds
    a read snapshot that a concurrent commit makes stale ("database is locked" at once)."""
    database = Database(database_url)
    begun = []

    def record(_conn, _cursor, statement, *_rest):
        begun.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        for write in (False, True):
            with database.unit_of_work(write=write) as session:
                session.exec(text("SELECT 1"))
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    assert [s for s in begun if s.startswith("BEGIN")] == ["BEGIN", "BEGIN IMMEDIATE"]


def test_a_refused_edit_rolls_back_what_it_had_already_changed(client, demo, csrf_token, snapshot):
    created = client.post(
        f"/api/v1/recordings/{demo}/annotations",
        headers={"X-CSRF-Token": csrf_token},
        json={"start": 100, "text": "first"},
    ).json()
    before = snapshot()
    response = client.post(
        f"/a/{created['id']}/edit",
        params={"csrf_token": csrf_token},
        data={"start": "0:03:00", "end": "0:02:00", "text": "changed", "tags": "new"},
    )
    assert response.status_code == 422 and "end must be after start" in response.text
    assert "changed</textarea>" in response.text  # the form keeps what was typed
    assert snapshot() == before
