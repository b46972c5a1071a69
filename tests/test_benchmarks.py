"""The benchmark harness: the synthetic feed and its truth, quality glue, history, smoke run."""

from __future__ import annotations

import difflib
import gzip
import html
import json
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmarks import history
from benchmarks.__main__ import cli
from benchmarks.baseline import run as run_baseline
from benchmarks.feed import COPY_VARIANTS, FeedFiles, Truth, read_articles, read_truth, write_feed
from benchmarks.harness import measure, quality

ROOT = Path(__file__).resolve().parent.parent
FLOORS = json.loads((ROOT / "benchmarks" / "floors.json").read_text(encoding="utf-8"))
CONTRACT = (
    "size",
    "articles_per_s",
    "peak_rss_mb",
    "bytes_per_article",
    "add_p99_ms",
    "copy_f1",
    "story_ari",
    "baseline",
    "speed_ratio",
    "memory_ratio",
)


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> tuple[FeedFiles, dict[str, Any], dict[str, Truth]]:
    folder = tmp_path_factory.mktemp("feed")
    files, _ = write_feed(folder, 3000, seed=7)
    records = {r["id"]: r for r in read_articles(files.articles)}
    return files, records, read_truth(files.truth)


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _heads(truth: dict[str, Truth]) -> dict[int, str]:
    return {t.group: i for i, t in truth.items() if t.variant in ("original", "rewrite")}


# ------------------------------------------------------------------------- generator
def test_same_seed_same_feed_other_seed_other_feed(tmp_path: Path) -> None:
    def content(folder: Path, seed: int) -> tuple[bytes, bytes]:
        files, _ = write_feed(folder, 400, seed=seed)
        return gzip.decompress(files.articles.read_bytes()), gzip.decompress(files.truth.read_bytes())

    first = content(tmp_path / "a", 11)
    assert first == content(tmp_path / "b", 11)
    other = content(tmp_path / "c", 12)
    assert other[0] != first[0]


def test_folder_layout_holds_the_same_articles(tmp_path: Path) -> None:
    jsonl, _ = write_feed(tmp_path / "jsonl", 1200, seed=5)
    folder, _ = write_feed(tmp_path / "dir", 1200, seed=5, layout="dir")
    as_lines = {r["id"]: r for r in read_articles(jsonl.articles)}
    as_files = {r["id"]: r for r in read_articles(folder.articles)}
    assert as_lines == as_files
    assert len(list(folder.articles.iterdir())) == 2  # folders of 1,000 files


def test_records_have_the_contract_fields(feed: tuple[FeedFiles, dict[str, Any], dict[str, Truth]]) -> None:
    files, records, truth = feed
    assert len(records) == 3000 == len(truth)
    assert set(records) == set(truth)
    for r in records.values():
        assert {"id", "title", "source", "url", "published"} <= set(r)
        assert ("text" in r) != ("html" in r)
        assert r["url"].startswith("https://")
        _when(r["published"])  # ISO 8601
    meta = files.read_meta()
    assert meta["articles"] == 3000
    assert meta["articles_per_s"] > 0


def test_truth_is_consistent_with_the_articles(
    feed: tuple[FeedFiles, dict[str, Any], dict[str, Truth]],
) -> None:
    _, records, truth = feed
    heads = _heads(truth)
    groups: dict[int, list[Truth]] = defaultdict(list)
    stories: dict[int, Counter[str]] = defaultdict(Counter)
    for t in truth.values():
        groups[t.group].append(t)
        stories[t.story][t.variant] += 1
        assert records[t.id]["source"] == t.source
    for members in groups.values():
        assert len({t.story for t in members}) == 1  # copies nest inside a story
        kinds = Counter(t.variant for t in members)
        if kinds["singleton"]:
            assert len(members) == 1
        else:
            # A group the feed cut off at its size limit may have lost its head.
            assert kinds["original"] + kinds["rewrite"] <= 1
    for variants in stories.values():
        assert set(variants) == {"singleton"} or "singleton" not in variants
        assert variants["singleton"] <= 1
        assert variants["original"] <= 1
    for i, t in truth.items():
        head = heads.get(t.group)
        if head is not None and t.variant in COPY_VARIANTS:
            _check_copy(t, records[i], records[head])


def _check_copy(t: Truth, rec: dict[str, Any], orig: dict[str, Any]) -> None:
    """A copy is what its truth says: published after its original, with its variant's edit."""
    delay = _when(rec["published"]) - _when(orig["published"])
    assert timedelta(minutes=1) <= delay <= timedelta(hours=12)
    if t.variant == "exact":
        assert (rec["text"], rec["title"]) == (orig["text"], orig["title"])
    elif t.variant == "headline":
        assert rec["text"] == orig["text"]
        assert rec["title"] != orig["title"]
    elif t.variant == "edited":
        assert t.edit_rate is not None
        assert 0.02 <= t.edit_rate <= 0.10
        before, after = orig["text"].split(), rec["text"].split()
        kept = difflib.SequenceMatcher(None, before, after, autojunk=False).get_matching_blocks()
        changed = 1 - sum(m.size for m in kept) / len(before)
        assert 0.3 * t.edit_rate <= changed <= 1.6 * t.edit_rate  # the rate is what it says
    elif t.variant == "truncated":
        assert t.fraction is not None
        assert 0.3 <= t.fraction <= 0.95
        assert orig["text"].startswith(rec["text"])
    elif t.variant == "boilerplate":
        first_paragraph = orig["text"].split("\n\n")[0]
        if t.html:
            assert html.escape(first_paragraph) in rec["html"]
            assert "<nav>" in rec["html"]
        else:
            assert orig["text"] in rec["text"]
            assert len(rec["text"]) > len(orig["text"])


def test_rewrites_share_facts_not_sentences(feed: tuple[FeedFiles, dict[str, Any], dict[str, Truth]]) -> None:
    _, records, truth = feed
    original = {t.story: i for i, t in truth.items() if t.variant == "original"}
    checked = 0
    for i, t in truth.items():
        if t.variant != "rewrite" or t.story not in original:
            continue
        rw, orig = records[i]["text"], records[original[t.story]]["text"]
        delay = _when(records[i]["published"]) - _when(records[original[t.story]]["published"])
        assert timedelta(minutes=30) <= delay <= timedelta(hours=36)  # same day or next
        quote = orig.split('"')[1]
        assert quote.rstrip(",.") in rw  # the same quote
        shared = set(rw.split(". ")) & set(orig.split(". "))
        assert len(shared) <= 2  # the quote, at most, not the sentences
        checked += 1
    assert checked > 20


def test_variant_mix(feed: tuple[FeedFiles, dict[str, Any], dict[str, Truth]]) -> None:
    _, _, truth = feed
    share = {k: n / len(truth) for k, n in Counter(t.variant for t in truth.values()).items()}
    assert 0.30 <= share["singleton"] <= 0.55
    assert 0.05 <= share["original"] <= 0.20
    assert 0.03 <= share["rewrite"] <= 0.15
    for kind in COPY_VARIANTS:
        assert share[kind] >= 0.02, kind
    boiler = Counter(t.html for t in truth.values() if t.variant == "boilerplate")
    assert boiler[True] > 20
    assert boiler[False] > 20
    rates = [t.edit_rate for t in truth.values() if t.edit_rate is not None]
    assert min(rates) < 0.04
    assert max(rates) > 0.08
    cuts = [t.fraction for t in truth.values() if t.fraction is not None]
    assert min(cuts) < 0.55
    assert max(cuts) > 0.8


def test_stories_are_words_of_real_english(feed: tuple[FeedFiles, dict[str, Any], dict[str, Truth]]) -> None:
    _, records, truth = feed
    words: Counter[str] = Counter()
    lengths = []
    for i, t in truth.items():
        if t.variant in ("original", "singleton", "rewrite"):
            tokens = records[i]["text"].lower().split()
            lengths.append(len(tokens))
            words.update(tokens)
    assert min(lengths) >= 280
    assert max(lengths) <= 1000
    top = [w for w, _ in words.most_common(5)]
    assert "the" in top  # Zipf: the commonest English word leads


# ------------------------------------------------------------------------- quality glue
def test_quality_of_the_truth_itself_is_perfect(
    feed: tuple[FeedFiles, dict[str, Any], dict[str, Truth]],
) -> None:
    _, _, truth = feed
    q = quality(truth, {i: t.group for i, t in truth.items()}, {i: t.story for i, t in truth.items()})
    assert q["copy_f1"] == 1.0
    assert q["story_ari"] == 1.0
    assert q["false_merge_pct"] == 0.0
    assert set(q["variant_recall"]) >= set(COPY_VARIANTS)
    assert all(v == 1.0 for v in q["variant_recall"].values())


def test_quality_sees_false_merges_and_missed_copies(
    feed: tuple[FeedFiles, dict[str, Any], dict[str, Truth]],
) -> None:
    _, _, truth = feed
    lumped = quality(truth, dict.fromkeys(truth, 0), dict.fromkeys(truth, 0))
    assert lumped["false_merge_pct"] == 100.0
    assert lumped["copy_precision"] < 0.05
    assert lumped["copy_recall"] == 1.0
    split = quality(truth, {i: i for i in truth})
    assert split["copy_recall"] == 0.0
    assert split["false_merge_pct"] == 0.0
    assert all(v == 0.0 for v in split["variant_recall"].values())


def test_baseline_groups_exact_copies(feed: tuple[FeedFiles, dict[str, Any], dict[str, Truth]]) -> None:
    files, _, truth = feed
    figures, clusters = run_baseline(files.articles, limit=600)
    assert figures["articles"] == 600 == len(clusters)
    heads = _heads(truth)
    exact = [i for i in clusters if truth[i].variant == "exact" and heads.get(truth[i].group) in clusters]
    assert exact
    assert all(clusters[i] == clusters[heads[truth[i].group]] for i in exact)


# ------------------------------------------------------------------------- measuring
ALLOCATE = "b = bytearray({mb} * 2**20); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(0.3)"


def test_peak_memory_of_a_child_is_its_own() -> None:
    small = measure([sys.executable, "-c", ALLOCATE.format(mb=20)])
    large = measure([sys.executable, "-c", ALLOCATE.format(mb=300)])
    assert small.returncode == 0 == large.returncode
    assert large.peak_rss >= 300 * 2**20
    assert small.peak_rss < 300 * 2**20  # not the larger child's peak (as RUSAGE_CHILDREN)
    assert large.cpu_seconds > 0


def test_peak_memory_counts_the_whole_process_tree() -> None:
    inner = ALLOCATE.format(mb=250)
    outer = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {inner!r}], check=True)"
    measured = measure([sys.executable, "-c", outer])
    assert measured.returncode == 0
    assert measured.peak_rss >= 250 * 2**20


def test_a_failing_child_reports_its_exit_code_and_error() -> None:
    measured = measure([sys.executable, "-c", "import sys; sys.exit('broken feed')"])
    assert measured.returncode == 1
    assert "broken feed" in measured.stderr


# ------------------------------------------------------------------------- history
def _record(**figures: Any) -> dict[str, Any]:
    base = {
        "size": 1000,
        "seed": 1,
        "workers": 1,
        "articles_per_s": 1000.0,
        "peak_rss_mb": 100.0,
        "copy_f1": 0.99,
        "timestamp": "t0",
    }
    return {**base, **figures}


@pytest.mark.parametrize(
    ("key", "now", "flagged"),
    [
        ("articles_per_s", 880.0, True),
        ("articles_per_s", 950.0, False),
        ("articles_per_s", 1500.0, False),
        ("peak_rss_mb", 115.0, True),
        ("peak_rss_mb", 80.0, False),
        ("copy_f1", 0.85, True),
    ],
)
def test_a_drop_over_ten_percent_is_flagged(key: str, now: float, flagged: bool) -> None:
    rows = history.compare(_record(), _record(**{key: now}, timestamp="t1"))
    label = next(label for k, label, _ in history.METRICS if k == key)
    assert next(r for r in rows if r.label == label).flag is flagged
    assert sum(r.flag for r in rows) == int(flagged)


def test_history_round_trip_and_previous_of_the_same_size(tmp_path: Path) -> None:
    path = tmp_path / "results" / "history.jsonl"
    runs = [
        _record(timestamp="t0"),
        _record(size=5000, timestamp="t1"),
        _record(timestamp="t2", articles_per_s=1200.0),
    ]
    for r in runs:
        history.append(path, r)
    loaded = history.load(path)
    assert loaded == runs
    now = _record(timestamp="t3")
    assert history.previous(loaded, now) == runs[2]
    assert history.previous(loaded, _record(size=7, timestamp="t3")) is None
    text = history.format_table(history.compare(runs[2], now), runs[2])
    assert "DROP > 10%" in text  # 1,200 -> 1,000 articles/s


def test_runs_without_stories_are_compared_among_themselves_and_kept_out_of_the_table() -> None:
    on, off = _record(timestamp="t0"), _record(timestamp="t1", stories=False)
    assert history.previous([on, off], _record(timestamp="t2")) == on
    assert history.previous([on, off], _record(timestamp="t2", stories=False)) == off
    assert history.latest_by_size([on, off]) == [on]


def test_plot_and_docs_table(tmp_path: Path) -> None:
    runs = [
        _record(size=s, timestamp=f"t{s}", baseline={"articles_per_s": 500.0, "peak_rss_mb": 300.0})
        for s in (1000, 10000)
    ]
    png = history.plot(runs, tmp_path / "plot.png")
    assert png is not None
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    doc = tmp_path / "bench.md"
    doc.write_text(f"intro\n{history.START}\nold\n{history.END}\noutro\n")
    assert history.update_docs(doc, runs)
    text = doc.read_text()
    assert "old" not in text
    assert "| 10,000 |" in text
    assert text.endswith("outro\n")
    assert not history.update_docs(tmp_path / "none.md", runs)


# ------------------------------------------------------------------------- the CLI
def test_cli_usage_errors() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["run", "--size", "0"])
    assert result.exit_code == 2
    assert "--size" in result.output


def test_report_without_history_fails_clearly(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--results-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "no runs" in result.output


def test_generate_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", "--size", "50", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "articles/s" in result.output
    assert len(read_truth(tmp_path / "truth.jsonl.gz")) == 50


def _bench(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "run",
            "--results-dir",
            str(tmp_path / "results"),
            "--work-dir",
            str(tmp_path / "work"),
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_smoke_run_meets_the_contract_and_the_quality_floors(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    done = _bench(tmp_path, "--size", str(FLOORS["size"]), "--json-out", str(out))
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    for key in CONTRACT:
        assert key in result, key
    assert result["size"] == FLOORS["size"]
    assert {"articles_per_s", "peak_rss_mb"} <= set(result["baseline"])
    assert result["stages"]
    assert result["add_probes"] > 0
    for key in ("copy_precision", "copy_recall", "copy_f1", "story_ari"):
        assert result[key] >= FLOORS[key], (key, result[key])
    assert result["false_merge_pct"] <= FLOORS["false_merge_pct_max"]
    for kind, floor in FLOORS["variant_recall"].items():
        assert result["variant_recall"][kind] >= floor, (kind, result["variant_recall"])
    assert (tmp_path / "results" / "history.jsonl").exists()
    assert (tmp_path / "results" / "throughput.png").exists()


@pytest.mark.slow
def test_second_run_is_compared_with_the_first(tmp_path: Path) -> None:
    first = _bench(tmp_path, "--size", "300", "--no-baseline", "--probes", "20")
    assert first.returncode == 0, first.stderr
    assert "no previous run of this size" in first.stdout
    out = tmp_path / "second.json"
    second = _bench(tmp_path, "--size", "300", "--no-baseline", "--probes", "20", "--json-out", str(out))
    assert second.returncode == 0, second.stderr
    assert "previous run:" in second.stdout
    assert "baseline" not in json.loads(out.read_text())
    assert len(history.load(tmp_path / "results" / "history.jsonl")) == 2


@pytest.mark.slow
def test_soak_smoke_run_holds_a_window_and_writes_its_plot(tmp_path: Path) -> None:
    args = ["soak", "--days", "5", "--per-day", "200", "--every", "400", "--retention", "2"]
    result = CliRunner().invoke(cli, [*args, "--probes", "10", "--results-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "soak.json").read_text(encoding="utf-8"))
    assert data["checkpoints"] == len(data["points"]) == 3
    assert all(p["held"] < p["articles"] for p in data["points"][1:])  # older texts left memory
    assert data["held_after_open"] == data["points"][-1]["held"]
    assert data["pruned_texts"] > 0 and data["window_only_mb"] < data["store_mb"]
    assert (tmp_path / "soak.png").stat().st_size > 10_000
