"""live updates: the recent changes to annotations, for the pages open on a recording

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 01:40:00

New table live_event: one row per change to an annotation (who may hear of it stored with it),
read by every worker's stream of live updates and kept for a while (PRODUCT §6e).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "live_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("shown_before", sa.Boolean(), nullable=False),
        sa.Column("shown_after", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recording.id"],
            name=op.f("fk_live_event_recording_id_recording"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_event")),
    )
    op.create_index("ix_live_event_recording_id_id", "live_event", ["recording_id", "id"])
    op.create_index(op.f("ix_live_event_at"), "live_event", ["at"])


def downgrade() -> None:
    op.drop_table("live_event")
