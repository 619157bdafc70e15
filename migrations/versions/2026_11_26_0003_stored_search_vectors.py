"""stored search vectors

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:00:00

PostgreSQL only (SQLite's FTS5 tables of 0002 already store what ranking reads: no-op).
0002 indexed an expression, so matching used the GIN index but ts_rank and the recheck
derived every matching row's tsvector from its text again: a common word over 100,000 cues
cost a quarter of a second. Here each searched table gets a stored generated column
``fts_document`` holding that very tsvector (same text search configuration, so accents
fold exactly as in 0002, or not, if unaccent was not available), and a GIN index on the
column replaces the expression index. Like 0002's objects, everything is named ``fts_*`` so
autogenerate leaves it alone (app.search.include_name).

``to_tsvector(regconfig, text)`` with an explicit configuration is IMMUTABLE, as a generated
column requires; the unaccent folding lives inside the configuration ``fts_config``, so no
wrapper around unaccent() is needed. If ``fts_config`` is ever changed, rewrite the stored
vectors (e.g. ``UPDATE t SET title = title``). Adding a stored column rewrites each table
under an exclusive lock: run this migration in a quiet moment on a large database.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMN = "fts_document"
# table -> indexed columns, as in 0002; the first column weighs most in ranking.
INDEXED = {
    "segment": ("title", "description"),
    "speaker": ("name", "role", "organisation"),
    "annotation": ("text",),
    "transcript_cue": ("text",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in INDEXED.items():
        op.execute(f"DROP INDEX IF EXISTS fts_{table}")
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({tsvector(columns)}) STORED"
        )
        op.execute(f"CREATE INDEX fts_{table}_document ON {table} USING gin ({COLUMN})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in INDEXED.items():
        op.execute(f"DROP INDEX IF EXISTS fts_{table}_document")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")
        # 0002's expression index, as 0002 made it.
        op.execute(f"CREATE INDEX fts_{table} ON {table} USING gin (({tsvector(columns)}))")


def tsvector(columns: Sequence[str]) -> str:
    """0002's indexed expression (copied, so this migration stays as it is if 0002 changes)."""
    weights = "ABCD"
    return " || ".join(
        f"setweight(to_tsvector('fts_config'::regconfig, \"{c}\"), '{weights[i]}')"
        for i, c in enumerate(columns)
    )
