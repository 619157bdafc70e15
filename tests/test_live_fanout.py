"""The live-updates fan-out's shortcuts (app/live.py, app/web/live.py) change nothing a page
hears: a stream that fell behind sends its queued changes in one piece, each event exactly as
it would be sent alone, streams that hear the same event share its encoding, and a page made
a moment ago catches up from the changes the worker has read."""

import asyncio
import json
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from sqlmodel import select
from sse_starlette import ServerSentEvent

from app.live import Change, Hub, Listener
from app.models import User
from app.schemas import AnnotationCreate
from app.services import annotations, live_events, recordings
from app.web import live as web_live
from app.web.live import RETRY, _events


def _run(coroutine):
    """asyncio.run in a thread of its own: a test run before in this process (a browser's, say)
    may have left this thread's event loop running."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def _request() -> SimpleNamespace:
    """What _events reads of a request: the app's shared encodings."""
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(live_rendered=OrderedDict())))


def _alone(change: Change) -> bytes:
    """The event as a stream sent it one at a time."""
    data = json.dumps({"id": change.annotation_id})
    return ServerSentEvent(id=str(change.id), event=change.heard, data=data, retry=RETRY).encode()


def test_a_stream_behind_sends_its_changes_in_one_piece_in_order():
    async def scenario() -> tuple[list[Change], bytes, list[Change]]:
        listener = Listener(1, User(id=7, username="ann", password_hash="-"))
        for n, heard in ((5, "saved"), (6, "removed"), (8, "saved")):
            listener.queue.put_nowait(Change(n, heard, 100 + n))
        taken = await listener.changes()
        sent = await _events(_request(), listener, taken)
        listener.queue.put_nowait(Change(9, "saved", 109))
        return taken, sent, await listener.changes()

    taken, sent, later = _run(scenario())
    assert [c.id for c in taken] == [5, 6, 8]
    assert sent == b"".join(_alone(c) for c in taken)
    assert sent.startswith(b'id: 5\r\nevent: saved\r\ndata: {"id": 105}\r\nretry: 2000\r\n\r\n')
    assert [c.id for c in later] == [9]  # what comes after is the next piece


def test_streams_that_hear_the_same_share_its_encoding_and_signed_in_get_no_html():
    async def scenario() -> list[bytes]:
        request = _request()
        removed = Change(3, "removed", 42)
        saved = Change(4, "saved", 42)
        readers = [Listener(1, None), Listener(1, None)]  # not signed in: "removed" has no html
        members = [Listener(1, User(id=i, username=f"m{i}", password_hash="-")) for i in (1, 2)]
        return [
            *[await _events(request, r, [removed]) for r in readers],
            *[await _events(request, m, [saved]) for m in members],
        ]

    first, second, member_one, member_two = _run(scenario())
    assert first is second and member_one is member_two  # encoded once, shared
    assert first == _alone(Change(3, "removed", 42))
    assert member_one == _alone(Change(4, "saved", 42))  # the member fetches the entry


@pytest.mark.live
def test_a_page_made_a_moment_ago_catches_up_without_the_database(database, demo, monkeypatch):
    """A crowd's pages open their streams from the change they were made at: what happened
    since comes from the changes the worker has read, not from the database; a page made
    before those still gets its changes from the database."""
    with database.unit_of_work() as session:
        recording = recordings.get(session, slug=demo, viewer=None)
        author = session.exec(select(User).where(User.username == "member")).one()
    assert recording.id is not None

    def note(text: str) -> None:
        with database.unit_of_work() as session:
            data = AnnotationCreate(start=60, text=text)
            annotations.create(session, recording=recording, data=data, actor=author)

    async def heard(listener: Listener, count: int) -> list[Change]:
        taken: list[Change] = []
        while len(taken) < count:
            taken += await asyncio.wait_for(listener.changes(), 10)
        return taken

    async def scenario() -> tuple[list[int], list[int], list[int]]:
        hub = Hub(database)
        try:
            async with hub.listen(recording.id, None) as first:
                for n in range(3):
                    await asyncio.to_thread(note, f"Note {n}")
                ids = [c.id for c in await heard(first, 3)]
                with monkeypatch.context() as away:  # the database is not asked
                    away.setattr(live_events, "after", _unreachable)
                    away.setattr(live_events, "oldest_id", _unreachable)
                    async with hub.listen(recording.id, None, after=ids[0]) as late:
                        from_memory = [c.id for c in await heard(late, 2)]
                async with hub.listen(recording.id, None, after=hub.kept_from - 1) as older:
                    from_database = [c.id for c in await heard(older, 3)]
            return ids, from_memory, from_database
        finally:
            await hub.close()

    ids, from_memory, from_database = _run(scenario())
    assert from_memory == ids[1:]
    assert from_database[-3:] == ids


def _unreachable(*args, **kwargs):
    raise AssertionError("the database was asked")


@pytest.mark.parametrize(("stale", "asked"), [(60, 3), (0, 4)])
def test_readers_streams_start_on_a_recording_seen_a_moment_ago(monkeypatch, stale, asked):
    """Within SESSIONNAV_PAGE_STALE_SECONDS a reader not signed in follows a recording another
    was let follow without the database being asked again; a member is always checked."""
    lookups = []

    async def lookup(request, work, write):
        lookups.append(write)
        return SimpleNamespace(id=5)

    monkeypatch.setattr(web_live, "run_unit_of_work", lookup)
    state = SimpleNamespace(live_recordings={}, pages=SimpleNamespace(stale_seconds=stale))
    request = SimpleNamespace(app=SimpleNamespace(state=state))
    member = User(id=1, username="m", password_hash="-")

    async def scenario() -> list[int]:
        viewers = (None, None, member, member)
        return [await web_live._recording_id(request, v, "day") for v in viewers]

    assert _run(scenario()) == [5, 5, 5, 5]
    assert len(lookups) == asked and not any(lookups)
