"""`scripts/run` installs the service's dependencies without the test tools (uv.lock, no
`--group test`): everything app/ imports at module level must come from [project.dependencies]
or what they depend on, or a fresh install fails at its first start. An import inside a function
may come from an optional extra (speech recognition, `sessionnav[asr]`): the code that needs it
says how to install it when it is missing. The suite's own environment has the test tools too,
so only this check sees the difference."""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent


def _closure(requirements: list[str]) -> set[str]:
    """The distributions an install of `requirements` holds: they and all they require."""
    todo = [Requirement(r) for r in requirements]
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


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _names(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name.split(".")[0] for alias in node.names}
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return {node.module.split(".")[0]}
    return set()


def _imported_top_level_modules() -> tuple[set[str], set[str]]:
    """(imported at module level, imported only inside functions), outside the standard
    library and the app."""
    module_level, in_functions = set(), set()
    for path in (REPO / "app").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = {  # in a function, or for the type checker only (`if TYPE_CHECKING:`)
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.FunctionDef | ast.AsyncFunctionDef)
            or (isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING"))
            for node in ast.walk(block)
        }
        for node in ast.walk(tree):
            (in_functions if id(node) in inside else module_level).update(_names(node))
    ours = set(sys.stdlib_module_names) | {"app"}
    return module_level - ours, in_functions - ours


def _missing(modules: set[str], installed: set[str]) -> dict:
    owners = metadata.packages_distributions()
    return {
        module: owners.get(module)
        for module in modules
        if not {re.sub(r"[-_.]+", "-", d).lower() for d in owners.get(module, [])} & installed
    }


def test_everything_the_app_imports_is_a_runtime_dependency():
    module_level, _ = _imported_top_level_modules()
    missing = _missing(module_level, _closure(_project()["dependencies"]))
    assert missing == {}, "add these to [project.dependencies] in pyproject.toml"


def test_what_functions_import_comes_from_a_dependency_or_an_extra():
    _, in_functions = _imported_top_level_modules()
    project = _project()
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    missing = _missing(in_functions, _closure(project["dependencies"] + extras))
    assert missing == {}, "add these to [project.dependencies] or an extra in pyproject.toml"
