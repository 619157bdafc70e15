"""full-text search indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 21:00:00

SQLite: one external-content FTS5 table per searchable table (the text lives once, in the
table itself), kept current by triggers. PostgreSQL: a GIN index over the same columns'
tsvector, with a text search configuration that folds accents when `unaccent` is available.
Every object made here is named ``fts_*`` so autogenerate leaves it alone (app.db.include_name).
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> indexed columns; the first column weighs most in ranking.
INDEXED = {
    "segment": ("title", "description"),
    "speaker": ("name", "role", "organisation"),
    "annotation": ("text",),
    "transcript_cue": ("text",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in INDEXED:
            op.execute(f"DROP INDEX IF EXISTS fts_{table}")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS fts_config")
        return
    for table in INDEXED:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS fts_{table}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS fts_{table}")


def _upgrade_sqlite() -> None:
    for table, columns in INDEXED.items():
        fts = f"fts_{table}"
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        # remove_diacritics 2 lets "Grazvydas" find "Gražvydas".
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    unaccent = _try_unaccent(bind)
    op.execute("CREATE TEXT SEARCH CONFIGURATION fts_config (COPY = simple)")
    if unaccent:
        op.execute(
            "ALTER TEXT SEARCH CONFIGURATION fts_config "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
        )
    for table, columns in INDEXED.items():
        op.execute(f"CREATE INDEX fts_{table} ON {table} USING gin (({tsvector(columns)}))")


def tsvector(columns: Sequence[str]) -> str:
    """The indexed expression; search queries the very same text so the index is used."""
    weights = "ABCD"
    return " || ".join(
        f"setweight(to_tsvector('fts_config'::regconfig, \"{c}\"), '{weights[i]}')"
        for i, c in enumerate(columns)
    )


def _try_unaccent(bind) -> bool:
    """unaccent is a trusted extension, but a locked-down server may still refuse it;
    search then works without folding accents rather than the migration failing."""
    available = bind.exec_driver_sql(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'"
    ).first()
    if not available:
        return False
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DBAPIError:
        return False
    return True
