"""The nightly run: generate (or reuse) a feed, index it, measure speed, memory and quality.

Each heavy step runs in its own process so that its peak memory is its own: the dedup
index (through the ``dedup index`` CLI when it can report per-stage timings, else through
the library in :func:`index_worker`), then the datasketch baseline. Peak memory is the
largest sum of resident memory over the process tree, sampled every 50 ms from ``/proc``,
or the kernel's own peak for the process if that is larger. Quality is measured against
the feed's truth from ``Index.export()``; ``add()`` latency on the full index at the end.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.feed import (
    DEFAULT_SEED,
    GENERATOR_VERSION,
    FeedFiles,
    FeedGenerator,
    Truth,
    read_articles,
    read_truth,
    write_feed,
)
from benchmarks.metrics import adjusted_rand_index, bcubed, pairwise
from dedup import Article, Index
from dedup.stories import StoryParams

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
WORK = RESULTS / "tmp"
SUMMARY_OPTION = "--json"  # dedup index prints its run summary, with stage timings, as JSON
PROBES = 400
_PAGE = os.sysconf("SC_PAGE_SIZE")


# ------------------------------------------------------------------------- processes
@dataclass
class Measured:
    """A finished child process: wall time, peak memory of its tree, exit code, output."""

    seconds: float
    cpu_seconds: float  # user + system time of the child and the children it waited for
    peak_rss: int
    returncode: int
    stderr: str


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _tree_rss(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
        todo += _children(p)
    return total


def measure(cmd: list[str], *, stdout: Path | None = None, interval: float = 0.05) -> Measured:
    """Run ``cmd``; its wall time and the peak resident memory of its process tree.

    Its standard output goes to ``stdout`` (a file, so that a full pipe never blocks it).
    """
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
    }
    with open(stdout or os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err)
        peak = 0
        while True:
            # wait4 on this child only: its rusage is its own, not that of earlier children.
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(interval)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = max(peak, usage.ru_maxrss * 1024)  # KiB on Linux
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-4000:]
        cpu = usage.ru_utime + usage.ru_stime
        return Measured(seconds, cpu, peak, proc.returncode, tail)


def _check(step: str, m: Measured) -> None:
    if m.returncode != 0:
        raise RuntimeError(f"{step} failed with exit code {m.returncode}:\n{m.stderr}")


# ------------------------------------------------------------------------- feed
def ensure_feed(size: int, seed: int, work: Path) -> tuple[FeedFiles, dict[str, Any], bool]:
    """The feed of ``size`` articles from ``seed``, generated unless a valid copy is cached."""
    folder = work / f"feed-{size}-{seed}"
    files = FeedFiles.at(folder)
    if files.meta.exists() and files.articles.exists() and files.truth.exists():
        meta = files.read_meta()
        if meta.get("generator_version") == GENERATOR_VERSION and meta.get("articles") == size:
            return files, meta, False
    shutil.rmtree(folder, ignore_errors=True)
    files, _ = write_feed(folder, size, seed)
    return files, files.read_meta(), True


def _probe_records(files: FeedFiles, seed: int, count: int) -> list[dict[str, Any]]:
    """Articles for the latency probe: half new stories, half edited copies of indexed ones."""
    fresh = [rec for rec, _ in FeedGenerator(count - count // 2, seed + 1, id_prefix="probe-new-")]
    rand = random.Random(seed)
    pool: list[dict[str, Any]] = []
    for i, rec in enumerate(read_articles(files.articles)):
        if i >= 20 * count:
            break
        if rec.get("text"):
            pool.append(rec)
    copies = []
    for i, rec in enumerate(rand.sample(pool, min(len(pool), count // 2))):
        words = rec["text"].split(" ")
        for _ in range(max(1, len(words) // 30)):
            words[rand.randrange(len(words))] = rand.choice(("reportedly", "officials", "week"))
        copies.append({**rec, "id": f"probe-copy-{i}", "text": " ".join(words)})
    return fresh + copies


# ------------------------------------------------------------------------- dedup side
def _article(record: Mapping[str, Any]) -> Article:
    return Article(
        id=record["id"],
        text=record.get("text"),
        html=record.get("html"),
        title=record.get("title"),
        source=record.get("source"),
        url=record.get("url"),
        published=record.get("published"),
    )


def index_worker(feed: Path, db: Path, out: Path, workers: int = 1, stories: bool = True) -> None:
    """Index ``feed`` into ``db`` through the library and write counts and stage timings.

    Used when the CLI cannot report its per-stage timings; reading and parsing the feed is
    timed here as the ``read`` stage.
    """
    read = [0.0]

    def articles() -> Iterator[Article]:
        it = iter(read_articles(feed))
        while True:
            t0 = time.perf_counter()
            rec = next(it, None)
            if rec is None:
                return
            art = _article(rec)
            read[0] += time.perf_counter() - t0
            yield art

    statuses: Counter[str] = Counter()
    start = time.perf_counter()
    with Index.open(db, story_params=StoryParams(enabled=stories)) as idx:
        for decision in idx.add_many(articles(), workers=workers):
            statuses[decision.status] += 1
        timings = {"read": read[0], **idx.timings}
    seconds = time.perf_counter() - start
    out.write_text(json.dumps({"seconds": seconds, "timings": timings, **statuses}))


def _cli_has_summary() -> bool:
    """Whether ``dedup index`` can print its run summary, with stage timings, as JSON."""
    try:
        helptext = subprocess.run(
            [*_dedup_cmd(), "index", "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return SUMMARY_OPTION in helptext.split()


def _dedup_cmd() -> list[str]:
    # The installed console script if there is one, else the CLI module from the checkout.
    exe = shutil.which("dedup")
    if exe:
        return [exe]
    return [sys.executable, "-c", "from dedup.cli import cli; cli(prog_name='dedup')"]


def _find_timings(summary: Mapping[str, Any]) -> dict[str, float]:
    for key in ("timings", "stages", "stage_seconds"):
        value = summary.get(key)
        if isinstance(value, Mapping):
            return {str(k): float(v) for k, v in value.items() if isinstance(v, int | float)}
    return {}


def run_dedup(files: FeedFiles, db: Path, work: Path, workers: int, stories: bool = True) -> dict[str, Any]:
    """Index the feed in a child process; wall time, peak memory, stage timings, mode."""
    for path in _store_files(db):
        path.unlink(missing_ok=True)
    summary_path = work / "dedup-summary.json"
    summary_path.unlink(missing_ok=True)
    if _cli_has_summary():
        mode = "cli"
        cmd = [
            *_dedup_cmd(),
            "index",
            str(files.articles),
            "--db",
            str(db),
            "--workers",
            str(workers),
            "--quiet",
            SUMMARY_OPTION,
            *([] if stories else ["--no-stories"]),
        ]
        measured = measure(cmd, stdout=summary_path)
    else:
        mode = "library"
        cmd = [
            sys.executable,
            "-m",
            "benchmarks",
            "index-worker",
            "--feed",
            str(files.articles),
            "--db",
            str(db),
            "--workers",
            str(workers),
            "--out",
            str(summary_path),
            *([] if stories else ["--no-stories"]),
        ]
        measured = measure(cmd)
    _check(f"dedup index ({mode})", measured)
    try:
        summary = json.loads(summary_path.read_text())
    except (OSError, json.JSONDecodeError):
        log.warning("no JSON run summary from %s; stage timings unknown", mode)
        summary = {}
    return {
        "mode": mode,
        "command": " ".join(cmd[-12:]),
        "seconds": measured.seconds,
        "cpu_seconds": measured.cpu_seconds,
        "peak_rss": measured.peak_rss,
        "timings": _find_timings(summary),
        "summary": summary,
    }


def _store_files(db: Path) -> list[Path]:
    return [
        db,
        db.with_name(db.name + "-wal"),
        db.with_name(db.name + "-shm"),
        db.with_name(db.name + "-journal"),
    ]


def export_and_probe(db: Path, probes: list[dict[str, Any]]) -> tuple[dict[str, Any], list[float]]:
    """Copy and story labels of every indexed article, then ``add()`` latencies in seconds."""
    with Index.open(db) as idx:
        labels = {row["id"]: (row["copy"], row["story"]) for row in idx.export()}
        latencies = []
        for rec in probes:
            article = _article(rec)
            t0 = time.perf_counter()
            idx.add(article)
            latencies.append(time.perf_counter() - t0)
    return labels, latencies


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# ------------------------------------------------------------------------- quality
_EDIT_BINS = ((0.02, 0.04, "edited 2-4%"), (0.04, 0.07, "edited 4-7%"), (0.07, 0.101, "edited 7-10%"))
_CUT_BINS = (
    (0.0, 0.6, "truncated to 40-60%"),
    (0.6, 0.75, "truncated to 60-75%"),
    (0.75, 1.01, "truncated to 75-90%"),
)


def _variant_key(t: Truth) -> list[str]:
    keys = [t.variant]
    if t.variant == "boilerplate":
        keys.append("boilerplate html" if t.html else "boilerplate text")
    elif t.variant == "edited" and t.edit_rate is not None:
        keys += [name for lo, hi, name in _EDIT_BINS if lo <= t.edit_rate < hi]
    elif t.variant == "truncated" and t.fraction is not None:
        keys += [name for lo, hi, name in _CUT_BINS if lo <= t.fraction < hi]
    return keys


def quality(
    truth: Mapping[str, Truth], copy: Mapping[str, Hashable], story: Mapping[str, Hashable] | None = None
) -> dict[str, Any]:
    """Copy-group and story quality of a prediction against the feed's truth.

    A copy counts as found when it lands in the same predicted copy group as the first
    article of its true group (the wire original or the rewrite it copies). An article is
    falsely merged when its predicted group holds an article of another true group.
    """
    true_group = {i: t.group for i, t in truth.items()}
    true_story = {i: t.story for i, t in truth.items()}
    pw = pairwise(true_group, copy)
    b3 = bcubed(true_group, copy)
    # Predicted labels as strings: items the prediction lacks become singletons.
    pred = {i: copy.get(i, ("missing", i)) for i in truth}
    members: dict[Hashable, set[int]] = defaultdict(set)
    for i, label in pred.items():
        members[label].add(true_group[i])
    heads = {t.group: i for i, t in truth.items() if t.variant in ("original", "rewrite")}
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    merged = 0
    merged_by: Counter[str] = Counter()
    for i, t in truth.items():
        wrong = len(members[pred[i]]) > 1
        merged += wrong
        if wrong:
            merged_by[t.variant] += 1
        head = heads.get(t.group)
        if t.variant in ("original", "rewrite", "singleton") or head is None:
            continue
        for key in _variant_key(t):
            total[key] += 1
            found[key] += pred[i] == pred[head]
    by_variant = Counter(t.variant for t in truth.values())
    out: dict[str, Any] = {
        "copy_precision": round(pw.precision, 4),
        "copy_recall": round(pw.recall, 4),
        "copy_f1": round(pw.f1, 4),
        "copy_bcubed_f1": round(b3.f1, 4),
        "false_merge_pct": round(100 * merged / max(1, len(truth)), 3),
        "variant_recall": {k: round(found[k] / total[k], 4) for k in sorted(total)},
        "variant_false_merge": {k: round(merged_by[k] / n, 4) for k, n in sorted(by_variant.items())},
        "missing": sum(1 for i in truth if i not in copy),
    }
    if story is not None:
        out["story_ari"] = round(adjusted_rand_index(true_story, story), 4)
        out["story_f1"] = round(pairwise(true_story, story).f1, 4)
    return out


# ------------------------------------------------------------------------- the run
@dataclass
class RunOptions:
    """What ``python -m benchmarks run`` was asked to do."""

    size: int
    workers: int = 1
    seed: int = DEFAULT_SEED
    baseline: bool = True
    probes: int = PROBES
    work: Path = WORK
    keep_db: bool = False
    stories: bool = True


def _baseline(files: FeedFiles, work: Path, truth: Mapping[str, Truth]) -> dict[str, Any]:
    out = work / "baseline.json"
    out.unlink(missing_ok=True)
    measured = measure(
        [sys.executable, "-m", "benchmarks", "baseline", "--feed", str(files.articles), "--out", str(out)]
    )
    _check("baseline", measured)
    data = json.loads(out.read_text())
    clusters = data.pop("clusters")
    q = quality(truth, clusters, clusters)
    result = {
        **data,
        # Wall time of the whole process, as for dedup: start-up, reading, indexing.
        "seconds": round(measured.seconds, 3),
        "in_process_seconds": data["seconds"],
        "articles_per_s": round(data["articles"] / measured.seconds, 1),
        "cpu_seconds": round(measured.cpu_seconds, 3),
        "articles_per_cpu_s": round(data["articles"] / measured.cpu_seconds, 1),
        "cpu_share": round(measured.cpu_seconds / measured.seconds, 3),
        "in_process_articles_per_s": data["articles_per_s"],
        "peak_rss_mb": round(measured.peak_rss / 2**20, 1),
        **{
            k: q[k]
            for k in (
                "copy_precision",
                "copy_recall",
                "copy_f1",
                "false_merge_pct",
                "story_ari",
                "variant_recall",
            )
        },
    }
    out.unlink(missing_ok=True)
    return result


def run(opts: RunOptions, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """One benchmark run; the result record (see docs/benchmarks.md for its fields)."""
    opts.work.mkdir(parents=True, exist_ok=True)
    progress(f"feed of {opts.size:,} articles (seed {opts.seed})")
    files, meta, generated = ensure_feed(opts.size, opts.seed, opts.work)
    truth = read_truth(files.truth)
    probes = _probe_records(files, opts.seed, opts.probes)

    db = opts.work / f"dedup-{opts.size}.db"
    progress(f"dedup index, {opts.workers} worker(s)" + ("" if opts.stories else ", no stories"))
    dedup = run_dedup(files, db, opts.work, opts.workers, opts.stories)
    store_bytes = sum(p.stat().st_size for p in _store_files(db) if p.exists())

    progress("quality and add() latency")
    labels, latencies = export_and_probe(db, probes)
    q = quality(truth, {i: c for i, (c, _) in labels.items()}, {i: s for i, (_, s) in labels.items()})

    n = opts.size
    seconds = dedup["seconds"]
    stages = {
        stage: {"seconds": round(s, 3), "articles_per_s": round(n / s, 1) if s else None}
        for stage, s in dedup["timings"].items()
    }
    if stages:
        # Wall time no stage accounts for: start-up, parsing, bookkeeping between stages.
        rest = max(0.0, dedup["seconds"] - sum(dedup["timings"].values()))
        stages["untimed"] = {"seconds": round(rest, 3), "articles_per_s": None}
    result: dict[str, Any] = {
        "size": n,
        "seed": opts.seed,
        "workers": opts.workers,
        "stories": opts.stories,
        "mode": dedup["mode"],
        "seconds": round(seconds, 3),
        "articles_per_s": round(n / seconds, 1),
        # CPU time moves less than wall time when other work shares the machine.
        "cpu_seconds": round(dedup["cpu_seconds"], 3),
        "articles_per_cpu_s": round(n / dedup["cpu_seconds"], 1),
        # CPU seconds per wall second: well below the worker count means a busy machine.
        "cpu_share": round(dedup["cpu_seconds"] / seconds, 3),
        "stages": stages,
        "peak_rss_mb": round(dedup["peak_rss"] / 2**20, 1),
        "bytes_per_article": round(dedup["peak_rss"] / n),
        "store_bytes": store_bytes,
        "store_bytes_per_article": round(store_bytes / n),
        "add_p50_ms": round(1000 * _percentile(latencies, 0.50), 3),
        "add_p99_ms": round(1000 * _percentile(latencies, 0.99), 3),
        "add_probes": len(latencies),
        **q,
        "feed": {
            "generated_now": generated,
            "articles_per_s": meta["articles_per_s"],
            "seconds": meta["seconds"],
            "bytes": meta.get("bytes"),
            "stories": meta["stories"],
            "groups": meta["groups"],
            "variants": meta["variants"],
        },
    }
    counts = {k: v for k, v in dedup["summary"].items() if k not in ("timings", "seconds")}
    if counts:
        result["run_summary"] = counts  # dedup's own counts: read, skipped, exact, near...
    if not opts.keep_db:
        for p in _store_files(db):
            p.unlink(missing_ok=True)

    if opts.baseline:
        progress("datasketch baseline")
        base = _baseline(files, opts.work, truth)
        result["baseline"] = base
        result["speed_ratio"] = round(result["articles_per_s"] / base["articles_per_s"], 3)
        result["memory_ratio"] = round(result["peak_rss_mb"] / base["peak_rss_mb"], 3)
        result["cpu_speed_ratio"] = round(result["articles_per_cpu_s"] / base["articles_per_cpu_s"], 3)
    return result


def write_json(path: Path, record: Mapping[str, Any]) -> None:
    """Write one JSON object (``--json-out``), gzip-compressed when the name ends in .gz."""
    text = json.dumps(record, indent=2, sort_keys=True) + "\n"
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(text)
    else:
        path.write_text(text)
