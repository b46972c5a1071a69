"""Docs that must stay true to the code: the CLI reference and the parameters table."""

from __future__ import annotations

import re

import click
from click.testing import CliRunner

from dedup.cli import cli
from dedup.params import describe
from tests.conftest import ROOT

CLI_DOC = ROOT / "docs" / "cli.md"
PARAMS_DOC = ROOT / "docs" / "parameters.md"

_HEADER = """# CLI reference

Generated from `dedup --help` and each command's `--help` (regenerate with
`python -m tests.test_docs`; a test fails when this file and the code disagree).
"""


def render_cli() -> str:
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"], terminal_width=100, prog_name="dedup").output.rstrip()
    parts = [_HEADER, "## dedup\n", "```", top, "```\n"]
    assert isinstance(cli, click.Group)
    for name in sorted(cli.commands):
        text = runner.invoke(cli, [name, "--help"], terminal_width=100, prog_name="dedup").output.rstrip()
        parts += [f"## dedup {name}\n", "```", text, "```\n"]
    return "\n".join(parts)


def test_cli_reference_matches_help() -> None:
    assert CLI_DOC.read_text(encoding="utf-8") == render_cli(), (
        "docs/cli.md is stale: run `python -m tests.test_docs`"
    )


def test_every_parameter_is_documented() -> None:
    text = PARAMS_DOC.read_text(encoding="utf-8")
    for name, default, _, _ in describe():
        assert f"| `{name}` | {default} |" in text, f"docs/parameters.md lacks {name} = {default}"


def _setup_commands() -> list[str]:
    """The README's opening code block: the two set-up commands for a fresh machine."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_two_setup_commands_and_ci_runs_the_test_one() -> None:
    commands = _setup_commands()
    assert len(commands) == 2, commands
    assert "dedup index fixtures/seeds" in commands[0]
    assert commands[1].endswith("python3 -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in ci, ".ci/run must run the README's test command word for word"
    for command in commands:
        assert "-c constraints.txt" in command, "the set-up commands install the pinned versions"


def test_constraints_pin_every_direct_dependency() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += [r for r in extra if not r.startswith("dedup")]
    pins = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    names = {re.split(r"[<>=\[ ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in wanted}
    assert names <= pins, f"constraints.txt lacks {sorted(names - pins)}"


if __name__ == "__main__":
    CLI_DOC.write_text(render_cli(), encoding="utf-8")
