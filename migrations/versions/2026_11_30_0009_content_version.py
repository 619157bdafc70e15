"""content version: a counter raised by every change to what pages show

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 04:20:00

New table content_version holding one row: app.db raises its counter in each transaction that
writes content, so a page rendered for anonymous readers is reused until the next change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("content_version")
