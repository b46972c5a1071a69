"""``python -m benchmarks``: generate feeds, run the nightly benchmark, report the history."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from benchmarks import history
from benchmarks.feed import DEFAULT_SEED, write_feed


@click.group()
def cli() -> None:
    """dedup's benchmarks: synthetic wire feed, throughput, memory and quality."""


@cli.command()
@click.option("--size", type=click.IntRange(min=1), required=True, help="Articles in the feed.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes for dedup index.",
)
@click.option(
    "--json-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the result as one JSON object to this file.",
)
@click.option("--no-baseline", is_flag=True, help="Skip the datasketch baseline.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed of the synthetic feed.")
@click.option(
    "--probes",
    type=click.IntRange(min=1),
    default=400,
    show_default=True,
    help="Articles added one by one at the end to measure add() latency.",
)
@click.option(
    "--results-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=history.RESULTS,
    show_default=True,
    help="Where history.jsonl and throughput.png live.",
)
@click.option(
    "--work-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Cache of generated feeds and scratch databases [default: RESULTS-DIR/tmp].",
)
@click.option("--keep-db", is_flag=True, help="Keep the dedup database after the run.")
@click.option(
    "--no-stories",
    is_flag=True,
    help="Index with the story tier off (dedup index --no-stories), to measure its cost.",
)
@click.option("--update-docs", is_flag=True, help="Rewrite the latest-results table in docs/benchmarks.md.")
def run(
    size: int,
    workers: int,
    json_out: Path | None,
    no_baseline: bool,
    seed: int,
    probes: int,
    results_dir: Path,
    work_dir: Path | None,
    keep_db: bool,
    no_stories: bool,
    update_docs: bool,
) -> None:
    """Index a synthetic feed of SIZE articles and compare with the last run and datasketch."""
    # The harness imports dedup; the baseline child must not (its memory would count).
    from benchmarks.harness import RunOptions, write_json
    from benchmarks.harness import run as run_benchmark

    opts = RunOptions(
        size=size,
        workers=workers,
        seed=seed,
        baseline=not no_baseline,
        probes=probes,
        work=work_dir or results_dir / "tmp",
        keep_db=keep_db,
        stories=not no_stories,
    )
    try:
        figures = run_benchmark(opts, progress=lambda m: click.echo(f"... {m}", err=True))
    except RuntimeError as e:
        raise click.ClickException(str(e)) from e
    record = {**history.environment(), **figures}
    path = results_dir / history.HISTORY_NAME
    past = history.load(path)
    before = history.previous(past, record)
    history.append(path, record)
    rows = history.compare(before, record)
    click.echo(_headline(record))
    click.echo(history.format_table(rows, before))
    plot = history.plot([*past, record], results_dir / history.PLOT_NAME)
    if plot is not None:
        click.echo(f"plot: {plot}")
    if update_docs and not history.update_docs(history.DOCS, [*past, record]):
        click.echo(f"no results markers in {history.DOCS}; docs left as they are", err=True)
    if json_out is not None:
        write_json(json_out, record)
    if any(r.flag for r in rows):
        click.echo("WARNING: a figure dropped by more than 10 % since the previous run", err=True)


def _headline(r: dict[str, object]) -> str:
    base = r.get("baseline")
    line = (
        f"{r['size']:,} articles: {r['articles_per_s']:,} articles/s, "
        f"{r['peak_rss_mb']:,} MB peak ({r['bytes_per_article']:,} B/article), "
        f"copies found {100 * float(r['copy_recall']):.1f} % "  # type: ignore[arg-type]
        f"with {r['false_merge_pct']} % falsely merged, copy F1 {r['copy_f1']}, "
        f"story ARI {r['story_ari']}"
    )
    if "cpu_share" in r:
        line += f" (dedup got {r['cpu_share']} CPU-seconds a second)"
    if isinstance(base, dict):
        line += (
            f"; {r['speed_ratio']}x datasketch's speed ({base['articles_per_s']:,}/s), "
            f"{r['memory_ratio']}x its memory ({base['peak_rss_mb']:,} MB)"
        )
    return line


@cli.command()
@click.option("--size", type=click.IntRange(min=1), required=True, help="Articles in the feed.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write articles, truth.jsonl.gz and meta.json into.",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option(
    "--layout",
    type=click.Choice(["jsonl", "dir"]),
    default="jsonl",
    show_default=True,
    help="One gzipped JSON-lines file, or a folder of .json files.",
)
def generate(size: int, out: Path, seed: int, layout: str) -> None:
    """Write a synthetic wire feed with its ground truth."""
    files, stats = write_feed(out, size, seed, layout=layout)
    click.echo(
        f"{stats.articles:,} articles ({stats.stories:,} stories, {stats.groups:,} copy "
        f"groups) in {stats.seconds:.1f} s: {stats.articles_per_s:,.0f} articles/s"
    )
    click.echo(f"articles: {files.articles}\ntruth: {files.truth}")
    click.echo("variants: " + json.dumps(stats.variants, sort_keys=True))


@cli.command()
@click.option("--feed", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many articles.")
def baseline(feed: Path, out: Path, limit: int | None) -> None:
    """Run the plain datasketch baseline on a feed (the harness runs this in a child)."""
    from benchmarks.baseline import main  # datasketch only, so its memory is its own

    main(feed, out, limit)


@cli.command()
@click.option("--days", type=click.IntRange(min=2), default=60, show_default=True, help="Simulated days.")
@click.option(
    "--per-day", type=click.IntRange(min=100), default=30000, show_default=True, help="Articles a day."
)
@click.option(
    "--retention",
    type=click.FloatRange(min=0, min_open=True),
    default=7.0,
    show_default=True,
    help="retention_days of the index.",
)
@click.option(
    "--every",
    type=click.IntRange(min=100),
    default=100_000,
    show_default=True,
    help="Articles between checkpoints.",
)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--probes",
    type=click.IntRange(min=10),
    default=200,
    show_default=True,
    help="add() calls timed a checkpoint.",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True)
@click.option(
    "--results-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=history.RESULTS,
    show_default=True,
    help="Where soak.json and soak.png are written.",
)
def soak(
    days: int,
    per_day: int,
    retention: float,
    every: int,
    workers: int,
    probes: int,
    seed: int,
    results_dir: Path,
) -> None:
    """Stream DAYS x PER-DAY articles of advancing dates through one index with a retention
    window; record memory and add() latency at each checkpoint, with a plot."""
    import tempfile

    from benchmarks import soak as run_soak

    results_dir.mkdir(parents=True, exist_ok=True)
    points = []
    with tempfile.TemporaryDirectory(dir=results_dir) as scratch:
        for point in run_soak.soak(
            Path(scratch) / "soak.db",
            days=days,
            per_day=per_day,
            every=every,
            retention_days=retention,
            workers=workers,
            probes=probes,
            seed=seed,
        ):
            points.append(point)
            click.echo(
                f"{point.articles:>10,} articles  day {point.day:6.2f}  held {point.held:>9,}  "
                f"{point.rss_mb:8.1f} MB  {point.articles_per_s:7.1f}/s  "
                f"add p50 {point.add_p50_ms:.2f} ms  p99 {point.add_p99_ms:.2f} ms"
            )
        opening = run_soak.open_times(Path(scratch) / "soak.db", retention)
    result = {
        "days": days,
        "per_day": per_day,
        "retention_days": retention,
        "workers": workers,
        "environment": history.environment(),
        **run_soak.summary(points, retention),
        **opening,
    }
    run_soak.write(points, result, results_dir / "soak.json")
    plot = run_soak.plot(points, retention, results_dir / "soak.png")
    click.echo(json.dumps({k: v for k, v in result.items() if k != "environment"}))
    click.echo(f"plot: {plot}")


@cli.command("index-worker", hidden=True)
@click.option("--feed", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--workers", type=click.IntRange(min=1), default=1)
@click.option("--no-stories", is_flag=True)
def index_worker(feed: Path, db: Path, out: Path, workers: int, no_stories: bool) -> None:
    """Index a feed through the library (when the CLI can't report stage timings)."""
    from benchmarks.harness import index_worker as work

    work(feed, db, out, workers, stories=not no_stories)


@cli.command()
@click.option(
    "--results-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=history.RESULTS,
    show_default=True,
)
@click.option("--update-docs", is_flag=True, help="Rewrite the latest-results table in docs/benchmarks.md.")
def report(results_dir: Path, update_docs: bool) -> None:
    """Print the latest run of each size as a table and redraw the plot."""
    runs = history.load(results_dir / history.HISTORY_NAME)
    if not runs:
        raise click.ClickException(f"no runs in {results_dir / history.HISTORY_NAME}")
    click.echo(history.latest_markdown(runs), nl=False)
    history.plot(runs, results_dir / history.PLOT_NAME)
    if update_docs and not history.update_docs(history.DOCS, runs):
        raise click.ClickException(f"no results markers in {history.DOCS}")


if __name__ == "__main__":
    sys.exit(cli())
