"""`dedup expire` and `dedup prune`: the retention window by hand (see docs/how-it-works.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dedup.cli_shared import Age, _library_errors, db_option
from dedup.terminal import plural

if TYPE_CHECKING:
    from dedup.index import Index

F = TypeVar("F", bound=Callable[..., Any])


def _open(db: str) -> Index:
    from dedup.index import Index

    if not Path(db).is_file():
        raise click.ClickException(f"no index at {db!r}; build one with `dedup index PATH --db {db}`")
    return Index.open(db)


def _older_than(what: str, example: str) -> Callable[[F], F]:
    return click.option(
        "--older-than",
        "age",
        type=Age(),
        required=True,
        help=f"{what} the texts older than this before the index's clock ({example}).",
    )


@click.command()
@db_option
@_older_than("Expire", "14d, 36h, 2w")
def expire(db: str, age: float | None) -> None:
    """Expire texts now: they leave the in-memory index (no new article matches them) and
    stay in the store, marked expired, with their groups, canonicals and matches. The
    index's clock is the time of its newest texts (see docs/how-it-works.md); the
    retention setting (`dedup index --retention`) does this on its own as a feed goes on."""
    if age is None:
        raise click.BadParameter("give an age (14d), not none", param_hint="--older-than")
    with _library_errors(), _open(db) as idx:
        count = idx.expire(age)
    click.echo(f"expired {plural(count, 'text')} in {db}")


@click.command()
@db_option
@_older_than("Delete", "90d, 12w")
@click.option("--vacuum", is_flag=True, help="Then VACUUM the file, so that it shrinks on disk.")
def prune(db: str, age: float | None, vacuum: bool) -> None:
    """Delete old texts from the store for good: their articles and matches, and the copy
    groups and stories left with no article. One transaction; counts what went. Unlike
    expiry, history is lost: use it to keep the file small."""
    if age is None:
        raise click.BadParameter("give an age (90d), not none", param_hint="--older-than")
    with _library_errors(), _open(db) as idx:
        pruned = idx.prune(age, vacuum=vacuum)
    click.echo(
        f"pruned {plural(pruned.texts, 'text')} ({plural(pruned.articles, 'article')}, "
        f"{plural(pruned.matches, 'match')}, {plural(pruned.clusters, 'copy group')}, "
        f"{plural(pruned.stories, 'story')}) from {db}" + (", vacuumed" if vacuum else "")
    )
