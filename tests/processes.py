"""Child processes the tests start (`sessionnav` commands, workers, servers): their environment
keeps coverage's variables, so what they run counts towards the suite's coverage (coverage's
`patch = ["subprocess"]` in pyproject.toml) even when a test gives them a bare environment."""

import os


def environment(**values: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k.startswith("COVERAGE_")}, **values}
