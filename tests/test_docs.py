"""Every setting and every CLI command is documented in README.md."""

from pathlib import Path

from app.cli import build_parser
from app.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name, field in Settings.model_fields.items():
        variable = field.validation_alias or f"SESSIONNAV_{name.upper()}"
        assert f"`{variable}`" in README, f"{variable} is not documented in README.md"


def test_every_cli_command_is_documented():
    subcommands = build_parser()._subparsers._group_actions[0].choices
    for command in subcommands:
        assert f"`sessionnav {command}" in README, f"sessionnav {command} is not in README.md"


def test_readme_names_the_two_setup_commands_ci_uses():
    assert "scripts/run " in README and "scripts/test " in README
    assert "scripts/test" in (Path(__file__).resolve().parent.parent / ".ci/run").read_text()
