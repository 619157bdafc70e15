"""`scripts/run` installs the service's dependencies without the test tools (uv.lock, no
`--group test`): everything app/ imports must come from [project.dependencies] or what they
depend on, or a fresh install fails at its first start. The suite's own environment has the
test tools too, so only this check sees the difference."""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent


def _runtime_closure() -> set[str]:
    """The distributions a runtime install holds: the declared ones and all they require."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    todo = [Requirement(r) for r in project["dependencies"]]
    seen: set[str] = set()
    while todo:
        requirement = todo.pop()
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.requires(requirement.name) or []:
            needed = Requirement(text)
            extras = requirement.extras or {""}
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in extras):
                todo.append(needed)
    return seen


def _imported_top_level_modules() -> set[str]:
    found = set()
    for path in (REPO / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"app"}


def test_everything_the_app_imports_is_a_runtime_dependency():
    owners = metadata.packages_distributions()
    runtime = _runtime_closure()
    missing = {
        module: owners.get(module)
        for module in _imported_top_level_modules()
        if not {re.sub(r"[-_.]+", "-", d).lower() for d in owners.get(module, [])} & runtime
    }
    assert missing == {}, "add these to [project.dependencies] in pyproject.toml"
