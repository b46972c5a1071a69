"""What the commands of `dedup` share: the --db option, the options of listing commands,
the age type, and how library errors and a missing index are told."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from dedup.errors import DedupError

if TYPE_CHECKING:
    from dedup.store import Store

DEFAULT_DB = "dedup.db"

F = TypeVar("F", bound=Callable[..., Any])

db_option = click.option(
    "--db",
    "db",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="SQLite file holding the index.",
)


def _min_size(what: str) -> Callable[[F], F]:
    """The ``--min-size`` option of the commands that list copy groups or stories."""
    return click.option(
        "--min-size",
        default=2,
        show_default=True,
        type=click.IntRange(1),
        help=f"Only {what} with at least this many articles.",
    )


@contextmanager
def _library_errors() -> Iterator[None]:
    """Turn the library's errors into click's (message on stderr, exit code 1)."""
    try:
        yield
    except DedupError as e:
        raise click.ClickException(str(e)) from e


@contextmanager
def _existing(db: str) -> Iterator[Store]:
    """Open the store of an index that must exist already (reading commands never create one).

    Reading commands query the store directly: they don't rebuild the in-memory index.
    """
    if not Path(db).is_file():
        raise click.ClickException(f"no index at {db!r}; build one with `dedup index PATH --db {db}`")
    with _library_errors():
        from dedup.store import Store

        store = Store(db)
    try:
        yield store
    finally:
        store.close()


KEEP = "keep"
"""The default of an age option that leaves the index's own setting as it is."""


class Age(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.5 on, not before
    """An age: 14d, 36h, 2w, a number of days, or none (no limit: ``None``)."""

    name = "age"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float | str | None:
        if value is None or isinstance(value, float):
            return value
        text = str(value)
        if text == KEEP:
            return KEEP
        from dedup.retention import parse_age

        try:
            return parse_age(text)
        except ValueError as e:
            self.fail(str(e), param, ctx)
