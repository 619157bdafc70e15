"""Live updates within one worker (PRODUCT §6e): one reader per process follows the table of
changes (app.services.live_events) and hands each page's stream what its viewer may hear.

The table is the message bus: every worker and machine reads the same rows in the same
order, so nothing needs to be shared between processes but the database. PostgreSQL's
LISTEN/NOTIFY wakes each reader as soon as a change commits; a poll is the safety net there
and the whole mechanism on SQLite (one indexed query a second per process, only while some
page is listening), which also covers several processes on one SQLite file.
"""

import asyncio
import contextlib
import itertools
import logging
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import psycopg
from sqlalchemy.engine import make_url

from app.db import Database
from app.models import LiveEvent, User
from app.services import live_events
from app.services.live_events import Heard

log = logging.getLogger(__name__)

QUEUE = 200  # changes a page may fall behind by before it is told to reload instead
RECENT = 1000  # changes kept in memory, so that a page catching up needs no database
BATCH = 500  # changes read at once
POLL = {"sqlite": 0.5, "postgresql": 5.0}  # seconds between looks when nothing woke us


@dataclass(frozen=True)
class Change:
    id: int  # the event's, which the stream sends as its id (Last-Event-ID)
    heard: Heard
    annotation_id: int


@dataclass(eq=False)
class Listener:
    """One page's stream: its viewer, and what it has still to send."""

    recording_id: int
    viewer: User | None
    queue: asyncio.Queue[Change] = field(default_factory=lambda: asyncio.Queue(QUEUE))
    behind: bool = False  # the queue overflowed: the page must reload to be right again

    def offer(self, event: LiveEvent) -> None:
        heard = live_events.heard_by(event, self.viewer)
        if heard is None or self.behind:
            return
        assert event.id is not None  # stored rows
        try:
            self.queue.put_nowait(Change(event.id, heard, event.annotation_id))
        except asyncio.QueueFull:
            self.behind = True

    async def changes(self) -> list[Change]:
        """The next change and every one queued behind it: a stream that fell behind sends
        them in one write, not one each through the whole ASGI stack and a system call."""
        taken = [await self.queue.get()]
        while not self.queue.empty():
            taken.append(self.queue.get_nowait())
        return taken


class TooOld(Exception):
    """The page last heard of a change no longer kept: it must reload."""


class Hub:
    """The changes for every page open on this worker, read once for all of them."""

    def __init__(self, database: Database) -> None:
        self.db = database
        self.poll = POLL.get(database.dialect, 1.0)
        self.listeners: dict[int, set[Listener]] = defaultdict(set)
        self.last_id: int | None = None
        # The latest changes read; every one after `kept_from` (up to last_id) is among them.
        self.recent: deque[LiveEvent] = deque(maxlen=RECENT)
        self.kept_from = 0
        self._tasks: list[asyncio.Task] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    def _bind(self) -> None:
        """Events and locks belong to one event loop: made anew when the app runs in another
        (a test's second client), which also means the old loop's tasks are gone."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._tasks = loop, []
            self._wake, self._starting = asyncio.Event(), asyncio.Lock()

    @contextlib.asynccontextmanager
    async def listen(
        self, recording_id: int, viewer: User | None, *, after: int | None = None
    ) -> AsyncIterator[Listener]:
        """A page's subscription from `after` (the last change it heard of; None: from now).
        The changes it missed since are queued first. Raises TooOld when they are gone."""
        listener = Listener(recording_id, viewer)
        self._bind()
        await self._start()
        self.listeners[recording_id].add(listener)
        try:
            if after is not None:
                await self._catch_up(listener, after)
            yield listener
        finally:
            self.listeners[recording_id].discard(listener)
            if not self.listeners[recording_id]:
                del self.listeners[recording_id]

    async def _catch_up(self, listener: Listener, after: int) -> None:
        """Queue what happened after `after` and before the reader's position; the reader
        adds what comes later, so nothing is sent twice or missed. A crowd's pages, made a
        moment ago, find it in memory; an older one reads it from the database."""
        until = self.last_id or 0
        if after >= self.kept_from:
            newest_first = itertools.takewhile(lambda e: (e.id or 0) > after, reversed(self.recent))
            missed = [e for e in newest_first if e.recording_id == listener.recording_id][::-1]
        else:

            def read() -> list[LiveEvent]:
                with self.db.unit_of_work(write=False) as session:
                    if after < live_events.oldest_id(session) - 1:
                        raise TooOld
                    return live_events.after(
                        session, after, recording_id=listener.recording_id, limit=QUEUE
                    )

            missed = await asyncio.to_thread(read)
        for event in missed:
            if event.id is not None and after < event.id <= until:
                listener.offer(event)

    async def _start(self) -> None:
        """The reader (and on PostgreSQL the NOTIFY listener) start with the first page, from
        the latest change: what happened while nobody listened is for catching up only."""
        async with self._starting:
            if self._tasks and not self._tasks[0].done():
                return
            self.last_id = self.kept_from = await asyncio.to_thread(self._latest)
            self.recent.clear()
            self._tasks = [asyncio.create_task(self._read())]
            if self.db.dialect == "postgresql":
                self._tasks.append(asyncio.create_task(self._notified()))

    def _latest(self) -> int:
        with self.db.unit_of_work(write=False) as session:
            return live_events.latest_id(session)

    def _fetch(self, last_id: int) -> list[LiveEvent]:
        with self.db.unit_of_work(write=False) as session:
            return live_events.after(session, last_id, limit=BATCH)

    async def _read(self) -> None:
        while self.listeners:
            try:
                events = await asyncio.to_thread(self._fetch, self.last_id or 0)
            except Exception:  # the database is away for a moment: try again at the next poll
                log.exception("live updates: reading the changes failed")
                events = []
            for event in events:
                for listener in list(self.listeners.get(event.recording_id, ())):
                    listener.offer(event)
                if len(self.recent) == RECENT:
                    self.kept_from = self.recent[0].id or 0  # about to be dropped
                self.recent.append(event)
                self.last_id = event.id
            if len(events) < BATCH:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll)
        for task in self._tasks:
            if task is not asyncio.current_task():
                task.cancel()

    async def _notified(self) -> None:
        """Wake the reader whenever a change commits anywhere (PostgreSQL NOTIFY)."""
        url = make_url(self.db.engine.url).set(drivername="postgresql")
        conninfo = url.render_as_string(hide_password=False)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    conninfo, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {live_events.CHANNEL}")
                    self._wake.set()  # anything committed while not listening
                    async for _ in connection.notifies():
                        self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception:  # reconnect; meanwhile the poll keeps pages up to date
                log.warning("live updates: LISTEN failed, retrying", exc_info=True)
                await asyncio.sleep(self.poll)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
