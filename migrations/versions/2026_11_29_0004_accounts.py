"""accounts, ownership, moderation and the audit log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 18:00:00

New tables: account, login_session, api_token, audit_entry. annotation gains its owner and
hidden_at (moderation); recording gains uploaded_by_id and media_bytes (upload quotas).

The new columns are added with plain ALTER TABLE ... ADD COLUMN (a REFERENCES clause on
SQLite), not batch mode: on SQLite batch mode rebuilds the table, which would drop the
annotation table's full-text triggers (migration 0002) and its CHECK constraints.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = sa.Enum(
    "member", "editor", "admin", name="role", native_enum=False, length=16, create_constraint=True
)
ACTION = sa.Enum(
    "created",
    "changed",
    "hid",
    "restored",
    "deleted",
    name="audit_action",
    native_enum=False,
    length=16,
    create_constraint=True,
)


def _string(length: int) -> sqlmodel.AutoString:
    return sqlmodel.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", _string(40), nullable=False),
        sa.Column("display_name", _string(200), nullable=False),
        sa.Column("password_hash", _string(300), nullable=False),
        sa.Column("role", ROLE, nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("username", name=op.f("uq_account_username")),
    )
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _string(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account.id"],
            name=op.f("fk_login_session_user_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    op.create_index(op.f("ix_login_session_user_id"), "login_session", ["user_id"])
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _string(64), nullable=False),
        sa.Column("prefix", _string(12), nullable=False),
        sa.Column("name", _string(100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["account.id"],
            name=op.f("fk_api_token_user_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", _string(40), nullable=False),
        sa.Column("action", ACTION, nullable=False),
        sa.Column("subject", _string(40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["account.id"],
            name=op.f("fk_audit_entry_actor_id_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    op.create_index(op.f("ix_audit_entry_at"), "audit_entry", ["at"])
    op.create_index(op.f("ix_audit_entry_actor_id"), "audit_entry", ["actor_id"])

    _add_reference("annotation", "owner_id")
    op.add_column(
        "annotation", sa.Column("hidden_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    _add_reference("recording", "uploaded_by_id")
    op.add_column("recording", sa.Column("media_bytes", sa.BigInteger(), nullable=True))


def _add_reference(table: str, column: str) -> None:
    """A nullable column referencing account.id, ON DELETE SET NULL, and its index."""
    name = f"fk_{table}_{column}_account"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES account (id) ON DELETE SET NULL"
        )
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, "account", [column], ["id"], ondelete="SET NULL")
    op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table, column in (("recording", "uploaded_by_id"), ("annotation", "owner_id")):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(f"fk_{table}_{column}_account", table, type_="foreignkey")
        op.drop_column(table, column)
    op.drop_column("recording", "media_bytes")
    op.drop_column("annotation", "hidden_at")
    for table in ("audit_entry", "api_token", "login_session", "account"):
        op.drop_table(table)
