"""The long schemathesis run (the suite runs a short one, tests/test_schemathesis.py): valid
and invalid requests generated from the app's own OpenAPI document against every operation,
on the demo event, on SQLite or PostgreSQL. Reports the number of cases, and every 5xx or
answer that breaks the documented schema (status, content type, body).

Run (by hand; about 10,000 cases with the default 170 examples per operation and mode):
    .venv/bin/python bench/fuzz_api.py [--examples 170] [--database postgresql+psycopg://...]
The PostgreSQL database given is dropped and created again first.
"""

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import make_url, text

from app.config import Settings
from app.db import Database, get_engine, migrate
from app.main import create_app
from app.models import Role
from app.services import accounts
from app.services.demo import load_demo

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def fresh_database(url: str | None, folder: Path) -> str:
    if url is None:
        return f"sqlite:///{folder / 'fuzz.db'}"
    parsed = make_url(url)
    maintenance = get_engine(parsed.set(database="postgres").render_as_string(False))
    with maintenance.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=170, help="per operation and mode")
    parser.add_argument("--database", help="a PostgreSQL URL (dropped and created again)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.database, Path(folder))
        config = Settings(
            data_dir=Path(folder),
            database_url=url,
            secret_key="fuzz",
            write_limit="1000000/minute",  # the fuzzer writes fast, as one account
        ).prepare()
        migrate(url)
        database = Database(url)
        with database.unit_of_work() as session:
            load_demo(session, media_dir=config.media_dir, progress=False)
            admin = accounts.create_user(session, username="admin", password=None, role=Role.admin)
            _, secret = accounts.create_token(session, user=admin)
        as_admin = {"Authorization": f"Bearer {secret}"}  # who may call every operation
        app = create_app(config, database)
        statuses: Counter[int] = Counter()
        failures: list[str] = []
        started = time.monotonic()
        with TestClient(app):
            schema = schemathesis.openapi.from_asgi("/openapi.json", app)
            for result in schema.get_all_operations():
                operation = result.ok()
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                    @given(case=operation.as_strategy(generation_mode=mode))
                    @settings(
                        max_examples=args.examples,
                        database=None,
                        deadline=None,
                        suppress_health_check=list(HealthCheck),
                    )
                    def check(case):
                        response = case.call(headers=as_admin)
                        statuses[response.status_code] += 1
                        case.validate_response(response, checks=CHECKS)

                    try:
                        check()
                    except Unsatisfiable:
                        pass  # nothing invalid to send (free-text path parameters only)
                    except Exception as exc:  # a 5xx or a schema violation, reported below
                        failures.append(f"{operation.label} ({mode.value}): {exc}")
    cases = sum(statuses.values())
    seconds = time.monotonic() - started
    print(f"{cases} cases in {seconds:.0f} s on {database.dialect}; statuses {dict(statuses)}")
    print(f"5xx answers: {sum(n for s, n in statuses.items() if s >= 500)}")
    print(f"operations failing a check: {len(failures)}")
    for failure in failures:
        print("  " + failure.splitlines()[0][:300])


if __name__ == "__main__":
    main()
