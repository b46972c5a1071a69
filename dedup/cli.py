"""The `dedup` command: a thin adapter that parses options, calls the library and prints."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from dedup._version import __version__
from dedup.cli_shared import KEEP, Age, _existing, _library_errors, _min_size, db_option
from dedup.errors import DedupError
from dedup.terminal import (
    Progress,
    by_instant,
    no_article,
    outlet,
    plural,
    print_summary,
    score,
    when_utc,
)

# Commands import what they need when they run: `dedup --version` and the reading commands
# start without NumPy, datasketch, trafilatura or the rarity model.
if TYPE_CHECKING:
    from dedup.ingest.scan import Problem


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dedup")
def cli() -> None:
    """Find exact copies, near copies (syndication) and rewrites of one news story.

    Index scraped pages with `dedup index`, then read the groups with `clusters`, `show`,
    `explain` and `export`. Everything lives in one SQLite file (--db, default dedup.db).
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--workers",
    "-w",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes for extraction and sketching (matching stays in one).",
)
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Articles per committed transaction.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-file warnings.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as one JSON object.")
@click.option(
    "--stories/--no-stories",
    default=None,
    help="Group rewrites into stories (the default), or detect copies only: no "
    "story tier, each story is then a copy group (docs/stories.md gives the "
    "cost). Set when the database is created; a database keeps its choice.",
)
@click.option(
    "--jaccard",
    type=click.FloatRange(0, 1, min_open=True),
    default=None,
    help="Near copy when shingle Jaccard is at least this (default 0.5); kept by the index.",
)
@click.option(
    "--containment",
    type=click.FloatRange(0, 1, min_open=True),
    default=None,
    help="... or when the shorter text is at least this much in the longer (default 0.8).",
)
@click.option(
    "--story-threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="Two articles are one story from this salient-term score up (default 0.28).",
)
@click.option(
    "--window",
    type=click.IntRange(0),
    default=None,
    help="Dated articles more days apart are never one story (default 30).",
)
@click.option(
    "--retention",
    type=Age(),
    default=KEEP,
    help="Days a text stays matchable after its time (14d, 36h, 2w, or none to keep all); "
    "older texts leave memory and are kept in the store as expired. Default: the index's "
    "setting (30d for a new one); a value given is kept for the runs to come.",
)
@click.option(
    "--prune-missing",
    is_flag=True,
    help="Also remove the articles of files an earlier run read under PATHS that "
    "are gone now (deleted or moved away).",
)
def index(
    paths: tuple[str, ...],
    db: str,
    workers: int,
    batch_size: int,
    quiet: bool,
    as_json: bool,
    stories: bool | None,
    jaccard: float | None,
    containment: float | None,
    story_threshold: float | None,
    window: int | None,
    retention: float | str | None,
    prune_missing: bool,
) -> None:
    """Index PATHS: folders (recursive), files, or - for JSON lines on stdin.

    Reads .txt, .html, .htm, .json and .jsonl files, each optionally gzipped. Files
    unchanged since the last run are skipped; a changed file replaces its old version.
    Bad files and records are reported as warnings naming them, and the run goes on.
    Exit status: 0 when the run completed, 1 when nothing could be read or the database
    can't be opened (another dedup index writing it: "is in use"), 130 when interrupted
    (Ctrl-C: what was committed is kept, and the run is recorded as interrupted).
    """
    from dedup.ingest.runs import index_sources, source_bytes

    show = not quiet and sys.stderr.isatty()
    progress = Progress(enabled=show, total=source_bytes(paths) if show else None)

    def warn(p: Problem) -> None:
        if not quiet:
            progress.print(f"warning: {p}")

    from dedup.index import Index
    from dedup.stories import StoryParams

    story_params = None if stories is None else StoryParams(enabled=stories)
    tune: dict[str, Any] = {
        name: value
        for name, value in (
            ("jaccard_threshold", jaccard),
            ("containment_threshold", containment),
            ("threshold", story_threshold),
            ("window_days", window),
        )
        if value is not None
    }
    if retention != KEEP:
        tune["retention_days"] = retention
    with _library_errors(), Index.open(db, story_params=story_params, tune=tune) as idx:
        try:
            with progress:
                summary = index_sources(
                    idx,
                    paths,
                    workers=workers,
                    batch_size=batch_size,
                    stdin=sys.stdin.buffer,
                    on_problem=warn,
                    on_decision=progress.advance,
                    on_bytes=progress.read,
                    prune_missing=prune_missing,
                )
            stories_on = idx.story_params.enabled
        except KeyboardInterrupt:
            run = idx.store.last_run() or {}
            click.echo(
                f"interrupted: {run.get('read', 0):,} articles committed in {db} (run "
                f"#{run.get('id', '?')} recorded as interrupted); index again to finish: what "
                "was committed is kept and not indexed again",
                err=True,
            )
            sys.exit(130)
    if as_json:
        data = summary.counts() | {"timings": {k: round(v, 4) for k, v in summary.timings.items()}}
        click.echo(json.dumps(data))
    else:
        print_summary(summary, db, stories_on)
    nothing = summary.read == 0 and summary.unchanged_files == 0
    if nothing:
        raise click.ClickException(
            "nothing could be read from "
            + ", ".join(paths)
            + ("" if summary.problems else " (no .txt, .html, .json or .jsonl files found)")
        )


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@db_option
def remove(ids: tuple[str, ...], db: str) -> None:
    """Take articles out of the index by id: their copy groups and stories are recomputed
    (split where they held them together). A file unchanged since it was read is not read
    again, so its removed articles stay out until the file changes."""
    from dedup.errors import UnknownArticle
    from dedup.index import Index

    if not Path(db).is_file():
        raise click.ClickException(f"no index at {db!r}; build one with `dedup index PATH --db {db}`")
    unknown = []
    with _library_errors(), Index.open(db) as idx:
        for aid in ids:
            try:
                idx.remove(aid)
            except UnknownArticle:
                unknown.append(aid)
    click.echo(f"removed {plural(len(ids) - len(unknown), 'article')} from {db}")
    if unknown:
        raise click.ClickException("no article " + ", ".join(map(repr, unknown)) + f" in {db}")


@cli.command()
@db_option
@click.option(
    "--force", is_flag=True, help="Add dedup's tables to an existing SQLite file of another application."
)
@click.option(
    "--stories/--no-stories",
    default=None,
    help="Group rewrites into stories (the default), or detect copies only.",
)
def init(db: str, force: bool, stories: bool | None) -> None:
    """Create an empty index in --db (dedup index does so too). An existing file that is
    not a dedup index is refused unless --force."""
    from dedup.index import Index
    from dedup.stories import StoryParams

    story_params = None if stories is None else StoryParams(enabled=stories)
    with _library_errors(), Index.open(db, story_params=story_params, force=force) as idx:
        n = len(idx)
    click.echo(f"{db}: a dedup index of {plural(n, 'article')}")


@cli.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Output file (default: stdout).",
)
def export(db: str, fmt: str, output: TextIO) -> None:
    """Write one record per article: its story and copy group, and for each the canonical,
    the article's relation to it and their similarity (README: the export's fields)."""
    from dedup.report.export import FIELDS, export_records

    with _existing(db) as store:
        records = export_records(store, store.shingle_set)
        if fmt == "jsonl":
            for record in records:
                output.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(output, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(records)


@cli.command()
@db_option
@_min_size("groups")
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(0),
    help="At most this many groups, largest first (0: all).",
)
def clusters(db: str, min_size: int, limit: int) -> None:
    """List copy groups, largest first, with their canonical article and why."""
    from dedup.store import queries

    with _existing(db) as store:
        groups = queries.copy_groups(store, min_size, limit)
    if not groups:
        click.echo(f"no group with {min_size} or more articles")
        return
    for g in groups:
        click.echo(f"cluster {g.id}: {plural(g.size, 'article')}, {plural(g.texts, 'distinct text')}")
        click.echo(f"  canonical {g.canonical}: {g.reason}")


@cli.command()
@db_option
@_min_size("stories")
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(0),
    help="At most this many stories, largest first (0: all).",
)
def stories(db: str, min_size: int, limit: int) -> None:
    """List stories (all versions of one event), with their sources and canonical."""
    from dedup.store import queries

    with _existing(db) as store:
        found = queries.stories(store, min_size, limit)
        members = {s.id: sorted(queries.story_members(store, s.id), key=by_instant) for s in found}
    if not found:
        click.echo(f"no story with {min_size} or more articles")
        return
    for s in found:
        groups = len({m[3] for m in members[s.id]})
        click.echo(f"story {s.id}: {plural(s.size, 'article')}, {plural(groups, 'copy group')}")
        click.echo(f"  canonical {s.canonical}: {s.reason}")
        for aid, source, published, copy in members[s.id]:
            click.echo(f"  - {aid} ({outlet(source)}, {when_utc(published)}, copy group {copy})")


@cli.command()
@click.argument("article_id")
@db_option
@click.option("--body/--no-body", default=True, show_default=True, help="Print the extracted body.")
def show(article_id: str, db: str, body: bool) -> None:
    """Show an article: its metadata, its group, the canonical and its matches."""
    from dedup.store import queries

    with _existing(db) as store:
        row = store.article(article_id)
        if row is None:
            raise no_article(article_id, db)
        group, members = queries.copy_group(store, row["copy"])
        canonical, reason = group.canonical, group.reason
        matches = queries.related(store, article_id)
        story_canonical = queries.story_canonical(store, row["story"])
        text = queries.body(store, row["text"])
    for key in (
        "id",
        "path",
        "title",
        "source",
        "url",
        "published",
        "attribution",
        "dateline",
        "byline",
        "method",
        "words",
        "encoding",
    ):
        if row.get(key) not in (None, "", "[]"):
            click.echo(f"{key}: {row[key]}")
    if story_canonical == article_id:
        now = "canonical of its story"
    elif canonical == article_id:
        now = "canonical of its copy group"
    else:
        now = "a member of its copy group"
    click.echo(f"now: {now}; arrived as: {row['status']}")
    click.echo(f"copy group: {row['copy']} ({plural(len(members), 'article')})  story: {row['story']}")
    click.echo(f"canonical: {canonical} ({reason})")
    for m in matches:
        if m.relation == "story":  # a story link has a salient-term score, not shingle overlaps
            click.echo(f"  story {m.other}: score {score(m.score)}")
        else:
            click.echo(
                f"  {m.relation} {m.other}: jaccard {score(m.jaccard)}, containment {score(m.containment)}"
            )
    if body and text:
        click.echo("")
        click.echo(text)


@cli.command()
@click.argument("first")
@click.argument("second")
@db_option
def explain(first: str, second: str, db: str) -> None:
    """Explain how two articles compare: copies (Jaccard, containment, shared passages)
    and story (salient-term score, shared terms and quotes, date gap)."""
    from dedup.params import Params
    from dedup.report.explain import explain as explain_pair
    from dedup.stories import StoryParams

    with _existing(db) as store, _library_errors():
        for aid in (first, second):
            if store.article(aid) is None:
                raise no_article(aid, db)
        p = store.params() or Params()
        sp = store.story_params() or StoryParams()
        e = explain_pair(store, p, sp, first, second)
    click.echo(f"{first} ~ {second}")
    click.echo(f"  same normalised text: {'yes' if e.same_text else 'no'}")
    click.echo(f"  jaccard: {e.jaccard:.3f} exact, {e.jaccard_estimate:.3f} MinHash estimate")
    click.echo(
        f"  containment: {e.a_in_b:.3f} of the first in the second, {e.b_in_a:.3f} of the second in the first"
    )
    verdict = "near copy" if e.near_copy else "not a near copy"
    click.echo(
        f"  verdict: {verdict} (jaccard >= {p.jaccard_threshold} or containment >= "
        f"{p.containment_threshold}); same copy group: {'yes' if e.same_copy_group else 'no'}"
        f"; same story: {'yes' if e.same_story else 'no'}"
    )
    if e.recorded:
        click.echo(f"  recorded match: {e.recorded}")
    for passage in e.passages:
        click.echo(f'  shared: "{passage}"')
    if e.story is not None:
        s = e.story
        gap = "unknown" if s.date_gap_days is None else f"{s.date_gap_days} days"
        click.echo(f"  story: {e.story_rule} (date gap {gap})")
        if s.shared_terms:
            click.echo(f"  shared terms: {', '.join(s.shared_terms)}")
        for quote in s.shared_quotes:
            click.echo(f'  shared quote: "{quote}"')


@cli.command()
@db_option
def stats(db: str) -> None:
    """Counts: articles, distinct texts, copy groups and stories (and both by size), runs,
    problems."""
    from dedup.store import queries

    with _existing(db) as st:
        sizes = {t: queries.sizes(st, t) for t in ("clusters", "stories")}
        last = st.last_run()
        counts = {
            t: st.count(t)
            for t in ("articles", "texts", "clusters", "stories", "matches", "runs", "problems")
        }
    for name, n in counts.items():
        click.echo(f"{name}: {n}")
    click.echo("groups by size: " + ", ".join(f"{s}: {n}" for s, n in sizes["clusters"]))
    click.echo("stories by size: " + ", ".join(f"{s}: {n}" for s, n in sizes["stories"]))
    if last:
        click.echo(
            f"last run: #{last['id']} {last['started']} {last['status']}, {last['read']} read "
            f"in {last['seconds']} s"
        )
    size = Path(db).stat().st_size
    click.echo(f"database: {db} ({size / 1e6:.1f} MB)")


@cli.command()
@db_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default="report.html",
    show_default=True,
    help="The HTML file to write.",
)
@_min_size("stories")
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(1),
    help="At most this many stories, largest first (the page says how many were left out).",
)
@click.option("--story", "story_id", type=int, default=None, help="Only this story.")
def report(db: str, output: str, min_size: int, limit: int, story_id: int | None) -> None:
    """Write the stories as one self-contained HTML page: canonical and why, every member with
    its outlet, date, relation and similarity, side by side with the canonical (shared
    passages marked), a timeline, and a filter box. No network needed to open it."""
    from dedup.report.build import build, render

    with _existing(db) as store:
        content = build(store, min_size=min_size, limit=limit, story=story_id)
        if story_id is not None and not content.stories:
            raise click.ClickException(f"no story {story_id} in {db}")
        page = render(content)
    Path(output).write_text(page, encoding="utf-8")
    left = f", {content.left_out} left out" if content.left_out else ""
    click.echo(
        f"wrote {output}: {plural(len(content.stories), 'story')}{left}, "
        f"{len(page.encode('utf-8')) / 1e3:,.0f} kB"
    )


@cli.command("datasette-metadata")
@db_option
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Output file (default: stdout).",
)
def datasette_metadata(db: str, output: TextIO) -> None:
    """Write Datasette metadata describing the tables and columns of --db: serve it with
    `datasette DB --metadata FILE`."""
    from dedup.store.datasette import metadata

    json.dump(metadata(Path(db).stem), output, indent=2)
    output.write("\n")


@cli.command()
@click.argument("paths", nargs=-1, required=True)
def extract(paths: tuple[str, ...]) -> None:
    """Print what extraction makes of each article in PATHS, one JSON object a line."""
    from dedup.extract import Extractor
    from dedup.ingest.scan import Problem, scan
    from dedup.ingest.sources import parse, read_bytes

    extractor = Extractor()
    stdin = sys.stdin.buffer
    for item in scan(paths):
        if isinstance(item, Problem):
            click.echo(f"warning: {item.source}: {item.reason}", err=True)
            continue
        try:
            data = read_bytes(item, stdin)
        except DedupError as e:
            click.echo(f"warning: {item.display}: {e}", err=True)
            continue
        for record in parse(item, data):
            if isinstance(record, Problem):
                click.echo(f"warning: {record}", err=True)
                continue
            x = extractor.extract(record)
            fields = {"id": record.id, "path": record.path, **dataclasses.asdict(x)}
            click.echo(json.dumps(fields, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    cli(prog_name="dedup")


from dedup.cli_retention import expire, prune  # noqa: E402  (commands that need cli's helpers only)

cli.add_command(expire)
cli.add_command(prune)
