"""The app's own OpenAPI document drives a fuzzer (schemathesis) at every operation: no answer
is a 5xx, and every answer has a documented status, content type and shape.

A short deterministic run is part of the suite (valid and invalid requests for each
operation, on the demo's data); `bench/fuzz_api.py` runs the long one by hand. Requests carry
an admin's API token and no cookie, as a script's would (who may do what is
test_authorization.py's subject, CSRF test_csrf.py's).
"""

import tempfile
from pathlib import Path

import pytest
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

from app.config import Settings
from app.main import create_app

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12  # per operation and mode: the suite's short run


def _labels() -> list[str]:
    """Every operation of the API, read from an app that needs no database to describe it."""
    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp()), secret_key="-").prepare())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok().label for result in schema.get_all_operations()]


@pytest.fixture
def api(settings, database, demo):
    app = create_app(settings, database)
    with TestClient(app):
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", _labels())
def test_every_operation_answers_as_documented(api, tokens, label, mode):
    operation = api.find_operation_by_label(label)
    admin = {"Authorization": f"Bearer {tokens['admin']}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=CHECKS, headers=admin)

    try:
        check()
    except Unsatisfiable:
        # Nothing invalid can be written for an operation whose only inputs are free text
        # (a slug in the path, a pattern-free query): that is all this may excuse.
        assert mode is GenerationMode.NEGATIVE and "requestBody" not in operation.definition.raw
