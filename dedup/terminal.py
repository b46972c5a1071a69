"""What the CLI shows people: the run summary, the progress bar, times in UTC, outlets,
plurals and scores; in one place so that every command words them alike."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import click

from dedup.article import parse_published

if TYPE_CHECKING:
    from dedup.decision import Decision, Skipped
    from dedup.ingest.runs import RunSummary

_ABOUT_ARTICLE = re.compile(r"^article '(?:[^'\\]|\\.)*': ")


def print_summary(s: RunSummary, db: str, stories: bool) -> None:
    """The run in one vocabulary: files *not read again* (unchanged since the last run),
    articles *unchanged* (the same id and content), *skipped* (not indexed) apart from
    *warnings* (indexed all the same); each breakdown adds up to its count."""
    click.echo(
        f"read {plural(s.read, 'article')} from {plural(s.files, 'file')} "
        f"({s.unchanged_files} unchanged files not read again)"
    )
    click.echo(
        f"new {s.new}, exact copies {s.exact}, near copies {s.near}, other versions of a "
        f"story {s.story}, unchanged articles {s.unchanged}, removed {s.removed}, skipped {s.skipped}"
    )
    if s.missing_files:
        click.echo(f"pruned {plural(s.missing_files, 'missing file')}")
    grouped = f"stories {s.stories}" if stories else "no story tier"
    click.echo(f"copy groups {s.clusters}, {grouped} in {db}; {s.seconds:.2f} s")
    for label, skipped in (("skipped", True), ("warnings", False)):
        reasons = Counter(reason_kind(p.reason) for p in s.problems if p.skipped == skipped)
        if reasons:
            click.echo(f"{label}: " + ", ".join(f"{n} {k}" for k, n in sorted(reasons.items())))


def by_instant(member: tuple[str, str | None, str | None, int]) -> tuple[bool, str, str]:
    """Members in order of publication as instants (a local time with its offset counts
    at its UTC time), undated last, then by id."""
    when = parse_published(member[2])
    return when is None, when.iso() if when else "", member[0]


def when_utc(published: str | None) -> str:
    """A publication time as UTC ("2024-01-08T07:18:42Z"), or the day when only it is known."""
    when = parse_published(published)
    return when.iso() if when else "undated"


def outlet(source: str | None) -> str:
    """An outlet as people name it: a URL given as the source is shown as its host."""
    if not source:
        return "unknown outlet"
    if source.startswith(("http://", "https://")):
        from dedup.extract.urls import host_of

        return host_of(source) or source
    return source


def no_article(aid: str, db: str) -> click.ClickException:
    """One wording for an unknown id, whichever command was given it."""
    return click.ClickException(f"no article {aid!r} in {db}; `dedup export --db {db}` lists the ids")


def plural(n: int, noun: str) -> str:
    if n == 1:
        return f"1 {noun}"
    if noun.endswith("y"):
        return f"{n:,} {noun[:-1]}ies"
    return f"{n:,} {noun}" + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def score(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.3f}"


def reason_kind(reason: str) -> str:
    """What a problem is, without what it is about: "no words in the body after extraction"."""
    reason = _ABOUT_ARTICLE.sub("", reason)
    reason = reason.split(" (", maxsplit=1)[0].split(":", maxsplit=1)[0].split(";", maxsplit=1)[0]
    return reason.removesuffix(", skipped").strip()


class Progress:
    """A rich progress bar on a terminal; nothing otherwise.

    The bar runs over the bytes of the files to read (counted by a scan first, which only
    stats them), so its ETA holds for a folder of pages and for one big feed alike; beside
    it, the articles decided and their rate. Reading standard input, the total is unknown
    and the bar only pulses.
    """

    def __init__(self, enabled: bool, total: int | None = None, console: Any = None) -> None:
        self.enabled = enabled
        self.total = total
        self.console = console
        self.articles = 0
        self._bar: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[articles]:,} articles, {task.fields[rate]:,.0f}/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=self.console or Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("indexing", total=self.total, articles=0, rate=0.0)
            self._started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def advance(self, _: Decision | Skipped) -> None:
        if self._bar is not None:
            self.articles += 1
            rate = self.articles / max(time.monotonic() - self._started, 1e-3)
            self._bar.update(self._task, articles=self.articles, rate=rate)

    def read(self, n: int) -> None:
        if self._bar is not None and n:
            self._bar.advance(self._task, n)

    def print(self, message: str) -> None:
        if self._bar is not None:
            self._bar.console.print(message, markup=False, highlight=False)
        else:
            click.echo(message, err=True)
