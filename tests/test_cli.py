"""`sessionnav` as an operator meets it: a database or a job queue that cannot be used is one
line that says what to do, not a traceback."""

import subprocess
import sys

import pytest
from processes import environment
from sqlalchemy import make_url


def _run(*argv: str, database_url: str, tmp_path, **more: str) -> subprocess.CompletedProcess:
    env = environment(DATABASE_URL=database_url, SESSIONNAV_DATA_DIR=str(tmp_path), PATH="", **more)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *argv], env=env, capture_output=True, text=True
    )


@pytest.mark.postgresql_only
def test_a_missing_postgresql_database_is_one_line_with_the_fix(database_url, tmp_path):
    missing = make_url(database_url).set(database="no_such_database_here")
    result = _run("migrate", database_url=missing.render_as_string(False), tmp_path=tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert 'database "no_such_database_here" does not exist' in line
    assert "createdb" in line and "no_such_database_here" in line


def test_an_unreachable_sqlite_file_is_one_line(tmp_path):
    result = _run(
        "migrate", database_url=f"sqlite:///{tmp_path}/no/such/folder/x.db", tmp_path=tmp_path
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot open the database")


def test_a_mistyped_job_queue_address_is_one_line(tmp_path):
    result = _run(
        "worker",
        database_url=f"sqlite:///{tmp_path}/x.db",
        tmp_path=tmp_path,
        SESSIONNAV_JOBS_URL="amqp://127.0.0.1",
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: SESSIONNAV_JOBS_URL='amqp://127.0.0.1': use redis://")


def test_jobs_on_a_fresh_install_lists_nothing(tmp_path):
    result = _run("jobs", database_url=f"sqlite:///{tmp_path}/x.db", tmp_path=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
