"""The schema comes from the migrations alone, and they agree with the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from app.db import get_engine, include_name


def _signature(fk) -> tuple:
    return (fk.parent.name, tuple(c.name for c in fk.columns), fk.referred_table.name)


def _unreported(conn, diff: list) -> list:
    """Drop the (remove unnamed, add named) pairs of one foreign key: SQLAlchemy reads neither
    the name nor the ON DELETE of a key added with ALTER TABLE ... ADD COLUMN ... REFERENCES
    (migration 0004), so both are checked here against what SQLite itself reports."""
    removed = {_signature(d[1]) for d in diff if d[0] == "remove_fk" and d[1].name is None}
    same = set()
    for kind, fk in diff:
        if kind == "add_fk" and _signature(fk) in removed:
            table, [column], _ = _signature(fk)
            keys = conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})").all()
            assert any(k[3] == column and k[6] == fk.ondelete for k in keys), (table, column)
            same.add(_signature(fk))
    return [d for d in diff if not (d[0] in ("remove_fk", "add_fk") and _signature(d[1]) in same)]


def test_migrations_and_models_agree(database_url):
    with get_engine(database_url).connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, SQLModel.metadata)
        if conn.dialect.name == "sqlite":
            diff = _unreported(conn, diff)
        assert diff == []


def test_migrated_database_has_every_table_and_the_time_indexes(database_url):
    inspector = inspect(get_engine(database_url))
    assert set(inspector.get_table_names()) >= set(SQLModel.metadata.tables)
    indexes = {i["name"] for i in inspector.get_indexes("annotation")}
    assert "ix_annotation_recording_start" in indexes


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_foreign_keys(database_url):
    engine = get_engine(database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
