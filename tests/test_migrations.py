"""The schema comes from the migrations alone, and they agree with the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from app.db import get_engine, include_name


def test_migrations_and_models_agree(database_url):
    with get_engine(database_url).connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


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
