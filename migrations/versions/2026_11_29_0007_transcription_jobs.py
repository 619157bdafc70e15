"""machine transcripts: who made each transcript, transcription jobs and their staged words

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 23:00:00

New table transcript (one row per recording and language: made by people or by a speech
recogniser, with the model's name), filled here with a human row for every transcript already
stored. New tables transcription_job (state, checkpoint, worker and heartbeat) and
transcription_word (the words of a job's finished chunks). A partial unique index keeps one
queued or running job per recording, on both databases.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORIGIN = sa.Enum(
    "human",
    "machine",
    name="transcript_origin",
    native_enum=False,
    length=16,
    create_constraint=True,
)
STATE = sa.Enum(
    "queued",
    "running",
    "done",
    "failed",
    "cancelled",
    name="job_state",
    native_enum=False,
    length=16,
    create_constraint=True,
)
ACTIVE = sa.text("state IN ('queued', 'running')")


def upgrade() -> None:
    op.create_table(
        "transcript",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.AutoString(35), nullable=False),
        sa.Column("origin", ORIGIN, nullable=False),
        sa.Column("model", sqlmodel.AutoString(200), nullable=False),
        sa.Column("made_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_transcript_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcript")),
        sa.UniqueConstraint("recording_id", "language", name="uq_transcript_recording_language"),
    )
    op.execute(
        "INSERT INTO transcript (recording_id, language, origin, model, made_at) "
        "SELECT DISTINCT recording_id, language, 'human', '', CURRENT_TIMESTAMP "
        "FROM transcript_cue"
    )
    op.create_table(
        "transcription_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.AutoString(35), nullable=False),
        sa.Column("model", sqlmodel.AutoString(200), nullable=False),
        sa.Column("state", STATE, nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("chunk_seconds", sa.Float(), nullable=False),
        sa.Column("done_seconds", sa.Float(), nullable=False),
        sa.Column("busy_seconds", sa.Float(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("worker", sqlmodel.AutoString(200), nullable=False),
        sa.Column("heartbeat_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.CheckConstraint("chunk_seconds > 0", name=op.f("ck_transcription_job_chunk_positive")),
        sa.CheckConstraint(
            "done_seconds >= 0", name=op.f("ck_transcription_job_done_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_transcription_job_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["account.id"],
            name=op.f("fk_transcription_job_requested_by_id_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcription_job")),
    )
    op.create_index(
        op.f("ix_transcription_job_recording_id"), "transcription_job", ["recording_id"]
    )
    op.create_index(
        op.f("ix_transcription_job_requested_by_id"), "transcription_job", ["requested_by_id"]
    )
    op.create_index(
        "uq_transcription_job_active",
        "transcription_job",
        ["recording_id"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_table(
        "transcription_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["transcription_job.id"],
            name=op.f("fk_transcription_word_job_id_transcription_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transcription_word")),
    )
    op.create_index(op.f("ix_transcription_word_job_id"), "transcription_word", ["job_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_transcription_word_job_id"), table_name="transcription_word")
    op.drop_table("transcription_word")
    op.drop_index("uq_transcription_job_active", table_name="transcription_job")
    op.drop_index(op.f("ix_transcription_job_requested_by_id"), table_name="transcription_job")
    op.drop_index(op.f("ix_transcription_job_recording_id"), table_name="transcription_job")
    op.drop_table("transcription_job")
    op.drop_table("transcript")
