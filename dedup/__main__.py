"""`python -m dedup` runs the command line."""

from dedup.cli import cli

cli(prog_name="dedup")
