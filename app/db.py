"""The database: engines, units of work and migrations, for SQLite and PostgreSQL alike.

A unit of work is one transaction, committed in one place (`Database.unit_of_work`) or
rolled back on any error. On SQLite a unit of work that will write starts with
`BEGIN IMMEDIATE`, so concurrent writers wait in line for the write lock (up to the busy
timeout) instead of failing when a reader's snapshot turns into a writer's.
"""

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import Session, create_engine

from app import stemming

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 4000  # a SQLite writer waits this long for the lock, then the request is a 503
POOL_TIMEOUT_S = 5  # a backstop: admission (app.http.transaction) keeps the pool from running dry
_WRITE = "sessionnav_write"  # execution option: this connection's transactions will write
_AFTER_COMMIT = "sessionnav_after_commit"

# The tables whose rows no page shows: writing them leaves the content version alone.
UNVERSIONED = frozenset(
    {"content_version", "login_session", "api_token", "audit_entry", "live_event"}
    | {"transcription_job", "transcription_word"}  # a job's progress; its cues are content
)
_CHANGED = "sessionnav_content_changed"  # connection info: this transaction wrote content
_SAVED = "sessionnav_content_saved"  # connection info: _CHANGED as each open savepoint began
_RAISE = text("UPDATE content_version SET version = version + 1")

__all__ = ["Database", "Session", "after_commit", "content_version", "include_name", "migrate"]


def _sqlite_connect(dbapi_connection: DBAPIConnection, _entry: ConnectionPoolEntry) -> None:
    """WAL lets readers run beside a writer; SQLite leaves foreign keys off unless asked.

    synchronous=FULL syncs the log on every commit, so an acknowledged write survives a
    power cut as well as a killed process (README, "Durability"). pysqlite's own implicit
    BEGIN is switched off: `_sqlite_begin` says how each transaction starts.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
    dbapi_connection.isolation_level = None


@event.listens_for(Engine, "connect")
def _sqlite_functions(dbapi_connection: DBAPIConnection, _entry: ConnectionPoolEntry) -> None:
    """The SQL functions the schema's triggers call (`fts_stem`, migration 0006), on every
    SQLite connection this process opens: the app's, the migrations' (migrations/env.py makes
    its own engine) and the tests'. Without it, writing a searchable row fails."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        stemming.register(dbapi_connection)


def _sqlite_begin(connection: Connection) -> None:
    writes = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _note_content_write(connection: Connection, statement: object, *_args: object) -> None:
    """A write to content (ORM flush or Core DML alike) marks its transaction, which raises
    the content version as it commits (`_raise_content_version`)."""
    if isinstance(statement, UpdateBase) and getattr(statement.table, "name", None) not in (
        UNVERSIONED
    ):
        connection.info[_CHANGED] = True


def _transaction_ended(connection: Connection, *_args: object) -> None:
    connection.info.pop(_CHANGED, None)
    connection.info.pop(_SAVED, None)


def _savepoint_began(connection: Connection, *_args: object) -> None:
    connection.info.setdefault(_SAVED, []).append(connection.info.get(_CHANGED, False))


def _savepoint_released(connection: Connection, *_args: object) -> None:
    """Its writes are its transaction's now."""
    if saved := connection.info.get(_SAVED):
        saved.pop()


def _savepoint_rolled_back(connection: Connection, *_args: object) -> None:
    """Its writes are gone: the transaction changed content only if it had before."""
    if saved := connection.info.get(_SAVED):
        connection.info[_CHANGED] = saved.pop()


@event.listens_for(Session, "before_commit")
def _raise_content_version(session: Session) -> None:
    """Raise the content version in a transaction that wrote content, last before it commits:
    a page kept with the version it was made at is current while the version stays
    (app.http.page_cache). On PostgreSQL the row's lock makes such commits take turns, so it is
    taken at the very end (taken at the first write, it made writers wait for each other's
    whole requests: writes p50 2.5 s in the crowd bench)."""
    if not session.in_transaction():
        return
    session.flush()  # what the commit would flush writes content too
    connection = session.connection()
    if connection.info.pop(_CHANGED, False):
        connection.execute(_RAISE)


def content_version(session: Session) -> int:
    """How many transactions have changed content so far (migration 0009 made the row)."""
    return session.execute(text("SELECT version FROM content_version")).scalar_one()


@cache
def get_engine(url: str, pool_size: int = 10) -> Engine:
    """One engine (and pool) per database URL for the life of the process.

    The pool does not overflow: admission control lets at most `pool_size` units of work
    run at once, so a connection is always free for the one that got in.
    """
    options = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": POOL_TIMEOUT_S}
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **options)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, **options)
    event.listen(engine, "before_execute", _note_content_write)
    for point in ("begin", "commit", "rollback"):
        event.listen(engine, point, _transaction_ended)
    event.listen(engine, "savepoint", _savepoint_began)
    event.listen(engine, "release_savepoint", _savepoint_released)
    event.listen(engine, "rollback_savepoint", _savepoint_rolled_back)
    return engine


class Database:
    """Where the app's data lives and how a unit of work uses it.

    `bind` is for tests: every unit of work then runs in a savepoint of that connection's
    open transaction, which the test rolls back at its end.
    """

    def __init__(self, url: str, *, pool_size: int = 10, bind: Connection | None = None) -> None:
        self.url = url
        self.pool_size = pool_size
        self.engine = bind.engine if bind is not None else get_engine(url, pool_size)
        self._bind = bind
        self._writer = self.engine.execution_options(**{_WRITE: True})

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self, *, write: bool = False) -> Session:
        """No autoflush: nothing reaches the database before a service flushes, which it does
        after its checks, so a refusal is its own message, never a constraint error."""
        if self._bind is not None:
            return Session(
                bind=self._bind,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
                autoflush=False,
            )
        bind = self._writer if write else self.engine
        return Session(bind=bind, expire_on_commit=False, autoflush=False)

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back when it raises.

        Callbacks registered with `after_commit` run once the commit has succeeded (e.g.
        removing a deleted recording's file, which must outlive a rolled-back delete).
        """
        with self.session(write=write) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            for callback in session.info.pop(_AFTER_COMMIT, []):
                callback()


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` after this unit of work commits; never if it rolls back."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's include_name hook: the fts_* tables, triggers, columns and indexes of the
    search migrations (0002, 0003) are made by raw SQL, so autogenerate must not compare them."""
    return not (name or "").startswith("fts_")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str) -> None:
    """Bring the schema to the newest revision; the only way the schema is made."""
    command.upgrade(alembic_config(url), "head")
