"""Docs that must stay true to the code: the CLI reference and the parameters table."""

from __future__ import annotations

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


if __name__ == "__main__":
    CLI_DOC.write_text(render_cli(), encoding="utf-8")
