"""the organiser's workspace: speaker turns, speaker aliases, quote sources

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 20:00:00

New table speaker_turn (who spoke when). speaker gains aliases (other spellings, one per
line), which search finds too: the speaker's full-text index is rebuilt over
name, aliases, role, organisation (SQLite: the FTS5 table and its triggers of 0002;
PostgreSQL: the stored vector column of 0003). annotation gains source_title and source_url
(where a quote was published). Columns are added with plain ALTER TABLE, not batch mode, for
the reasons given in 0004.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCE = sa.Enum(
    "transcript", "editor", name="turn_source", native_enum=False, length=16, create_constraint=True
)
BEFORE = ("name", "role", "organisation")
AFTER = ("name", "aliases", "role", "organisation")


def upgrade() -> None:
    op.create_table(
        "speaker_turn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("source", SOURCE, nullable=False),
        sa.CheckConstraint("start >= 0", name=op.f("ck_speaker_turn_start_not_negative")),
        sa.CheckConstraint('start < "end"', name=op.f("ck_speaker_turn_start_before_end")),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_speaker_turn_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["speaker.id"],
            name=op.f("fk_speaker_turn_speaker_id_speaker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speaker_turn")),
    )
    op.create_index("ix_speaker_turn_recording_start", "speaker_turn", ["recording_id", "start"])
    op.create_index(op.f("ix_speaker_turn_speaker_id"), "speaker_turn", ["speaker_id"])
    op.add_column(
        "speaker", sa.Column("aliases", sa.Text(), nullable=False, server_default=sa.text("''"))
    )
    op.add_column("annotation", sa.Column("source_title", sqlmodel.AutoString(300)))
    op.add_column("annotation", sa.Column("source_url", sqlmodel.AutoString(2000)))
    _index_speakers(AFTER)


def downgrade() -> None:
    _index_speakers(BEFORE, dropping="aliases")
    op.drop_column("annotation", "source_url")
    op.drop_column("annotation", "source_title")
    op.drop_index(op.f("ix_speaker_turn_speaker_id"), table_name="speaker_turn")
    op.drop_index("ix_speaker_turn_recording_start", table_name="speaker_turn")
    op.drop_table("speaker_turn")


def _index_speakers(columns: Sequence[str], dropping: str | None = None) -> None:
    """Rebuild the speaker's full-text index over `columns` (then drop column `dropping`,
    which the old index would still name)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS fts_speaker_document")
        op.execute("ALTER TABLE speaker DROP COLUMN IF EXISTS fts_document")
        if dropping:
            op.drop_column("speaker", dropping)
        vector = " || ".join(
            f"setweight(to_tsvector('fts_config'::regconfig, \"{c}\"), '{'ABCD'[i]}')"
            for i, c in enumerate(columns)
        )
        op.execute(
            f"ALTER TABLE speaker ADD COLUMN fts_document tsvector GENERATED ALWAYS AS ({vector}) "
            "STORED"
        )
        op.execute("CREATE INDEX fts_speaker_document ON speaker USING gin (fts_document)")
        return
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS fts_speaker_{suffix}")
    op.execute("DROP TABLE IF EXISTS fts_speaker")
    if dropping:
        op.drop_column("speaker", dropping)
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE fts_speaker USING fts5({cols}, content='speaker', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER fts_speaker_ai AFTER INSERT ON speaker BEGIN "
        f"INSERT INTO fts_speaker(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER fts_speaker_ad AFTER DELETE ON speaker BEGIN "
        f"INSERT INTO fts_speaker(fts_speaker, rowid, {cols}) VALUES ('delete', old.id, {old}); END"
    )
    op.execute(
        f"CREATE TRIGGER fts_speaker_au AFTER UPDATE OF {cols} ON speaker BEGIN "
        f"INSERT INTO fts_speaker(fts_speaker, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO fts_speaker(rowid, {cols}) VALUES (new.id, {new}); END"
    )
    op.execute("INSERT INTO fts_speaker(fts_speaker) VALUES ('rebuild')")
