"""The results history: one JSON line a run, comparison with the last run, plot, docs table.

A run's record names the dedup version, the git commit, the machine and the time, so a
change in the figures can be traced to a change in the code or in the machine.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
HISTORY_NAME = "history.jsonl"
PLOT_NAME = "throughput.png"
DOCS = ROOT / "docs" / "benchmarks.md"
DROP = 0.10
"""A figure worse than the previous run's by more than this share is flagged."""

# (key, label, direction): +1 higher is better, -1 lower is better, 0 shown only.
METRICS: tuple[tuple[str, str, int], ...] = (
    ("articles_per_s", "articles/s end to end", +1),
    ("articles_per_cpu_s", "articles/CPU-second", +1),
    ("peak_rss_mb", "peak RSS (MB)", -1),
    ("bytes_per_article", "peak RSS bytes/article", -1),
    ("store_bytes_per_article", "store bytes/article", -1),
    ("add_p50_ms", "add() p50 (ms)", -1),
    ("add_p99_ms", "add() p99 (ms)", -1),
    ("copy_precision", "copy precision", +1),
    ("copy_recall", "copy recall", +1),
    ("copy_f1", "copy F1", +1),
    ("false_merge_pct", "falsely merged (%)", -1),
    ("story_ari", "story ARI", +1),
    ("baseline.articles_per_s", "datasketch articles/s", 0),
    ("baseline.peak_rss_mb", "datasketch peak RSS (MB)", 0),
    ("speed_ratio", "speed vs datasketch (x)", +1),
    ("cpu_speed_ratio", "CPU speed vs datasketch (x)", +1),
    ("memory_ratio", "memory vs datasketch (x)", -1),
)
# Small absolute changes that are noise, not drops, whatever their relative size.
_NOISE = {"false_merge_pct": 0.1, "add_p50_ms": 0.05, "add_p99_ms": 0.2}


def environment() -> dict[str, Any]:
    """Version, commit and machine of this run (git is only read, never changed)."""
    return {
        "version": _version(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "machine": _machine(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _version() -> str:
    try:
        return version("dedup")
    except PackageNotFoundError:
        # One place holds the version: the compiled core's crate (maturin reads it from there).
        match = re.search(
            r'^version\s*=\s*"([^"]+)"', (ROOT / "rust" / "Cargo.toml").read_text(), re.MULTILINE
        )
        return match.group(1) if match else "unknown"


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _machine() -> dict[str, Any]:
    cpu = platform.processor()
    memory = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "system": platform.system(),
    }


# ------------------------------------------------------------------------- the file
def append(path: Path, record: Mapping[str, Any]) -> None:
    """Append one run to the history file (created with its folder when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(record, sort_keys=True) + "\n")


def load(path: Path) -> list[dict[str, Any]]:
    """Every run in the history file, oldest first; lines that don't parse are skipped."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "size" in record:
            out.append(record)
    return out


def previous(history: Iterable[Mapping[str, Any]], record: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The last earlier run comparable with ``record``: same size, seed, workers and tiers
    (runs from before the story switch had the story tier on)."""
    best = None
    for old in history:
        if old is record or old.get("timestamp") == record.get("timestamp"):
            continue
        if all(old.get(k) == record.get(k) for k in ("size", "seed", "workers")) and old.get(
            "stories", True
        ) == record.get("stories", True):
            best = old
    return best


def value(record: Mapping[str, Any], key: str) -> float | None:
    """A figure of a record by dotted key (``baseline.articles_per_s``); None when absent."""
    node: Any = record
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


# ------------------------------------------------------------------------- comparison
@dataclass(frozen=True)
class Row:
    """One line of the comparison table."""

    label: str
    before: float | None
    now: float | None
    ratio: float | None
    flag: bool


def compare(before: Mapping[str, Any] | None, now: Mapping[str, Any]) -> list[Row]:
    """Each figure now and in the previous run; flagged when worse by more than 10 %."""
    rows = []
    for key, label, direction in METRICS:
        b = value(before, key) if before is not None else None
        n = value(now, key)
        ratio = n / b if b not in (None, 0) and n is not None else None
        flag = False
        if b is not None and n is not None and direction and abs(n - b) > _NOISE.get(key, 0):
            worse = (b - n) / abs(b) if direction > 0 else (n - b) / abs(b) if b else 0.0
            flag = worse > DROP
        rows.append(Row(label, b, n, ratio, flag))
    return rows


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.2f}"
    return f"{x:.4f}"


def format_table(rows: list[Row], before: Mapping[str, Any] | None) -> str:
    """The comparison as fixed-width text, for the terminal and cron mail."""
    since = (
        ("previous run: " + str(before.get("timestamp")) + " " + str(before.get("git_commit", ""))[:10])
        if before
        else "no previous run of this size"
    )
    lines = [since, f"{'figure':<28} {'previous':>12} {'now':>12} {'now/prev':>9}"]
    for r in rows:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        mark = "  DROP > 10%" if r.flag else ""
        lines.append(f"{r.label:<28} {_fmt(r.before):>12} {_fmt(r.now):>12} {ratio:>9}{mark}")
    return "\n".join(lines)


# ------------------------------------------------------------------------- plot and docs
def latest_by_size(history: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The newest run of each feed size with the default tiers, smallest size first (runs
    with the story tier off measure its cost; they are not the figures of dedup index)."""
    latest: dict[int, Mapping[str, Any]] = {}
    for record in history:
        if record.get("stories", True):
            latest[int(record["size"])] = record
    return [latest[s] for s in sorted(latest)]


def plot(history: list[dict[str, Any]], path: Path) -> Path | None:
    """Throughput and peak memory against feed size, dedup and datasketch, as a PNG."""
    runs = latest_by_size(history)
    if not runs:
        return None
    # Imported here: matplotlib is heavy, and the measured child processes import this
    # package; the Agg backend draws without a display (cron, CI).
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    sizes = [int(r["size"]) for r in runs]
    fig, (speed, memory) = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, key, title in (
        (speed, "articles_per_s", "articles/s, end to end"),
        (memory, "peak_rss_mb", "peak resident memory (MB)"),
    ):
        ax.plot(sizes, [value(r, key) for r in runs], "o-", label="dedup")
        base = [value(r, "baseline." + key) for r in runs]
        if any(b is not None for b in base):
            pts = [(s, b) for s, b in zip(sizes, base, strict=True) if b is not None]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], "s--", label="datasketch MinHashLSH (baseline)")
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:,.0f}"))
        ax.set_ylim(bottom=0)
        ax.set_xlabel("feed size (articles)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    last = max(runs, key=lambda r: str(r.get("timestamp", "")))
    fig.suptitle(
        f"dedup {last.get('version', '')} ({str(last.get('git_commit', ''))[:10]}), "
        f"newest run of each size, {last.get('machine', {}).get('cpus', '?')} cores"
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def latest_markdown(history: list[dict[str, Any]]) -> str:
    """The newest run of each size as a Markdown table (the one docs/benchmarks.md shows)."""
    head = (
        "| articles | workers | articles/s | x datasketch | peak RSS MB | x datasketch memory "
        "| bytes/article | add() p50 / p99 ms | copies found | false merges % "
        "| copy F1 | story ARI | commit, date |\n" + "|---:" * 12 + "|---|\n"
    )
    body = []
    for r in latest_by_size(history):

        def f(key: str, r: Mapping[str, Any] = r) -> str:
            x = value(r, key)
            if x is None:
                return "-"
            if key.endswith("_ratio"):
                return f"{x:.2f}x"
            if key in ("copy_recall", "copy_f1", "story_ari", "false_merge_pct"):
                return f"{x:.4f}" if key != "false_merge_pct" else f"{x:.3f}"
            return _fmt(x)

        body.append(
            f"| {r['size']:,} | {r.get('workers', 1)} | {f('articles_per_s')} | {f('speed_ratio')} "
            f"| {f('peak_rss_mb')} | {f('memory_ratio')} | {f('bytes_per_article')} "
            f"| {f('add_p50_ms')} / {f('add_p99_ms')} | {f('copy_recall')} "
            f"| {f('false_merge_pct')} | {f('copy_f1')} | {f('story_ari')} "
            f"| {str(r.get('git_commit', ''))[:8]}, {str(r.get('timestamp', ''))[:10]} |"
        )
    return head + "\n".join(body) + "\n"


START = "<!-- latest-results:start -->"
END = "<!-- latest-results:end -->"


def update_docs(doc: Path, history: list[dict[str, Any]]) -> bool:
    """Replace the table between the markers in ``doc``; False when the markers are absent."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if START not in text or END not in text:
        return False
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    doc.write_text(f"{before}{START}\n{latest_markdown(history)}{END}{after}", encoding="utf-8")
    return True
