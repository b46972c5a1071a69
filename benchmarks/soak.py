"""The soak benchmark: a long feed through one index with a retention window.

A synthetic feed whose publication dates advance (``per_day`` articles a simulated day, each
crawled as it is published) streams through :meth:`dedup.Index.add_many` into an on-disk
index with ``retention_days``. At every checkpoint it records the simulated day, the texts
held in memory, the resident memory of the process (not its peak: whether memory levels off
is the question), the throughput since the last checkpoint, and the latency of ``add()``
over a few articles added one by one. Once the window is full, memory must stay level and
latency must not grow with the days. ``python -m benchmarks soak --help``.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from benchmarks.feed import FeedGenerator
from dedup import Article, Index, Params
from dedup.retention import DAY


@dataclass(frozen=True)
class Checkpoint:
    articles: int  # added so far
    day: float  # simulated days since the first article
    held: int  # articles in the in-memory index
    rss_mb: float
    articles_per_s: float  # since the previous checkpoint
    add_p50_ms: float
    add_p99_ms: float


def rss_mb() -> float:
    """The resident memory of this process now (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def articles(total: int, per_day: int, seed: int) -> Iterator[Article]:
    """The feed as articles, each crawled when it was published."""
    for record, _ in FeedGenerator(total, seed, articles_per_day=per_day, steady=True):
        record["crawled_at"] = record["published"]
        yield Article(**{k: v for k, v in record.items() if k in _FIELDS})


_FIELDS = ("id", "text", "html", "title", "url", "source", "published", "crawled_at")


def soak(
    db: Path,
    *,
    days: int,
    per_day: int,
    every: int,
    retention_days: float | None,
    workers: int,
    probes: int,
    seed: int,
) -> Iterator[Checkpoint]:
    """Stream ``days * per_day`` articles; a :class:`Checkpoint` every ``every`` of them."""
    total = days * per_day
    feed = articles(total + (total // every + 1) * probes, per_day, seed)
    first: float | None = None
    done = 0
    with Index.open(db, Params(retention_days=retention_days)) as idx:
        while done < total:
            chunk = list(islice(feed, min(every, total - done)))
            started = time.perf_counter()
            for _ in idx.add_many(chunk, batch_size=500, workers=workers):
                pass
            seconds = time.perf_counter() - started
            done += len(chunk)
            latencies = []
            for article in islice(feed, probes):
                t0 = time.perf_counter()
                idx.add(article)
                latencies.append(time.perf_counter() - t0)
            latencies.sort()
            clock = idx.state.window.clock or 0.0
            first = clock if first is None else first
            gc.collect()
            yield Checkpoint(
                articles=done,
                day=round((clock - first) / DAY, 2),
                held=len(idx),
                rss_mb=round(rss_mb(), 1),
                articles_per_s=round(len(chunk) / seconds, 1),
                add_p50_ms=round(1000 * latencies[len(latencies) // 2], 3),
                add_p99_ms=round(1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], 3),
            )


def open_times(db: Path, retention_days: float, repeats: int = 3) -> dict[str, Any]:
    """Seconds to open the soaked index (its whole history in the store), against a copy of
    it that holds only the window (the expired texts pruned): the start must follow the
    window, not the history."""
    import shutil

    window_only = db.with_name("window-only.db")
    shutil.copyfile(db, window_only)
    with Index.open(window_only) as idx:
        pruned = idx.prune(retention_days, vacuum=True)

    def best(path: Path) -> float:
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            with Index.open(path):
                times.append(time.perf_counter() - t0)
        return min(times)

    history, window = best(db), best(window_only)
    with Index.open(db) as idx:
        held = len(idx)
    return {
        "open_history_s": round(history, 3),
        "open_window_only_s": round(window, 3),
        "open_ratio": round(history / window, 3),
        "held_after_open": held,
        "store_mb": round(db.stat().st_size / 1e6, 1),
        "window_only_mb": round(window_only.stat().st_size / 1e6, 1),
        "pruned_texts": pruned.texts,
    }


def summary(points: list[Checkpoint], retention_days: float | None) -> dict[str, Any]:
    """The targets: memory level once the window is full, latency not growing."""
    full = [p for p in points if retention_days is not None and p.day >= retention_days + 1]
    out: dict[str, Any] = {"checkpoints": len(points)}
    if len(full) >= 2:
        base = full[0].rss_mb
        out["rss_at_window_full_mb"] = base
        out["rss_last_mb"] = full[-1].rss_mb
        out["rss_max_growth"] = round(max(p.rss_mb for p in full) / base - 1, 3)
        half = len(full) // 2
        early = sorted(p.add_p99_ms for p in full[: max(half, 1)])
        late = sorted(p.add_p99_ms for p in full[half:])
        out["add_p99_ms_early_median"] = early[len(early) // 2]
        out["add_p99_ms_late_median"] = late[len(late) // 2]
    return out


def plot(points: list[Checkpoint], retention_days: float | None, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    days = [p.day for p in points]
    top.plot(days, [p.rss_mb for p in points], marker="o", label="resident memory (MB)")
    top.set_ylabel("MB")
    top.set_ylim(bottom=0)
    twin = top.twinx()
    twin.plot(days, [p.held for p in points], color="grey", linestyle="--", label="articles held")
    twin.set_ylabel("articles held")
    twin.set_ylim(bottom=0)
    if retention_days is not None:
        for ax in (top, bottom):
            ax.axvline(retention_days, color="red", linewidth=0.8)
    bottom.plot(days, [p.add_p99_ms for p in points], marker="o", label="add() p99")
    bottom.plot(days, [p.add_p50_ms for p in points], marker=".", label="add() p50")
    bottom.set_ylabel("ms")
    bottom.set_xlabel("simulated day")
    bottom.set_ylim(bottom=0)
    bottom.legend(loc="upper left")
    top.legend(loc="upper left")
    window = "no window" if retention_days is None else f"a {retention_days:g}-day window"
    top.set_title(f"{points[-1].articles:,} articles through one index with {window}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write(points: list[Checkpoint], result: dict[str, Any], path: Path) -> None:
    path.write_text(
        json.dumps({**result, "points": [asdict(p) for p in points]}, indent=1) + "\n", encoding="utf-8"
    )
