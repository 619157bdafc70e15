"""The house rules, checked: layers (README, "Layout"), every route a unit of work, and no
route that has to remember to roll back."""

import ast
from pathlib import Path

from fastapi.routing import APIRoute, iter_route_contexts
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

from app.http.transaction import UnitOfWorkRoute
from app.main import create_app

APP = Path(__file__).resolve().parent.parent / "app"


def test_import_contracts_hold():
    """pyproject.toml's import-linter contracts: routes -> services -> core, services without
    HTTP, routes without SQL."""
    configuration.configure()  # what the lint-imports command does before it lints
    assert lint_imports(config_filename=str(APP.parent / "pyproject.toml"), no_logo=True)


def test_every_route_of_the_app_is_a_unit_of_work(settings, database):
    app = create_app(settings, database)
    routes = [c.original_route for c in iter_route_contexts(app.routes)]
    docs = ("/docs", "/redoc")  # FastAPI's own, without a database
    ours = [r for r in routes if isinstance(r, APIRoute) and not r.path.startswith(docs)]
    assert len(ours) > 40
    assert [r.path for r in ours if not isinstance(r, UnitOfWorkRoute)] == []


def test_no_route_rolls_back_by_hand():
    """Refusals roll back by themselves (app.http.transaction); a route never has to."""
    for folder in ("api", "web"):
        for path in (APP / folder).glob("*.py"):
            calls = [
                node.func.attr
                for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            ]
            assert "rollback" not in calls, path
