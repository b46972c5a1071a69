"""Story-tier quality on ECB+ (same event vs similar event), the seeds, and its cost.

Reads ``../shared/data/ecbplus/ecbplus-dev.jsonl`` (772 articles, 66 events, 33 topics of
two similar events each) and ``fixtures/seeds/``. The headline figures index the file with
``dedup index`` and score ``dedup export`` (:func:`index_stories`); the figures of the story
tier alone, on the texts as given, come next. How the clusters are made
(:func:`stream_stories`: the story tier fed one article at a time, candidates from its
index, verified pairs, stories from :class:`~dedup.stories.StoryClusters`) is kept apart
from how they are scored (:func:`quality`, which takes ``{id: predicted label}``), so the
same report can score clusters made any other way (``dedup index`` and its export).

    python -m benchmarks.ecbplus                  # ECB+ and seeds at the default parameters
    python -m benchmarks.ecbplus --sweep          # threshold sensitivity table
    python -m benchmarks.ecbplus --grid           # ARI over threshold x split_ncut
    python -m benchmarks.ecbplus --cv 10          # tuned on half the topics, tested on the rest
    python -m benchmarks.ecbplus --synthetic 6000 # story quality on the synthetic wire feed
    python -m benchmarks.ecbplus --cost           # time an article: features, verify, stories
    python -m benchmarks.ecbplus --rewrites       # originals mixed with cut, reordered rewrites
    python -m benchmarks.ecbplus --memory 100000  # bytes an article at 100k synthetic articles
    python -m benchmarks.ecbplus --json out.jsonl # also append the figures as one JSON line
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.metrics import adjusted_rand_index, bcubed, pairwise
from dedup.article import When, parse_published
from dedup.stories import (
    StoryClusters,
    StoryEvidence,
    StoryFeatures,
    StoryIndex,
    StoryParams,
    compare,
    same_story,
    story_features,
)
from dedup.stories.split import forget_cuts

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "ecbplus" / "ecbplus-dev.jsonl"
SEEDS = ROOT / "fixtures" / "seeds"
FLOORS = ROOT / "benchmarks" / "story_floors.json"
_DATELINE = re.compile(r"^[A-Z][A-Za-z .'-]+, [A-Z][a-z]{2,8}\.? \d{1,2} \([^)]*\) - ")


@dataclass(frozen=True)
class Doc:
    """One article to cluster, with its truth when known."""

    id: str
    title: str | None
    body: str
    published: When | None = None
    cluster: str = ""
    topic: str = ""


def _split_title(title: str | None, text: str) -> tuple[str | None, str]:
    """ECB+ repeats the title as the text's first line: keep it once, as the title."""
    lines = text.split("\n")
    if title and lines and lines[0].strip() == title.strip():
        lines = lines[1:]
    return title, "\n".join(lines)


def load_ecbplus(path: Path = DATA) -> list[Doc]:
    """The ECB+ development articles in file order."""
    docs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            title, body = _split_title(row.get("title"), row["text"])
            docs.append(
                Doc(row["id"], title, body, parse_published(row.get("date")), row["cluster"], row["topic"])
            )
    return docs


def load_seeds(seeds: Path = SEEDS) -> tuple[list[Doc], dict[str, int]]:
    """The seed pages as their labelled title and body lines, and the expected stories."""
    labels = json.loads((seeds / "body_labels.json").read_text(encoding="utf-8"))
    expected = json.loads((seeds / "expected.json").read_text(encoding="utf-8"))
    docs = []
    for name in sorted(labels):
        title = labels[name].get("title")
        title = "\n".join(title) if isinstance(title, list) else title
        body = "\n".join(labels[name]["body"])
        docs.append(Doc(name, title, body, parse_published(expected["published"].get(name))))
    truth = {name: n for n, story in enumerate(expected["stories"]) for name in story}
    return docs, truth


# ------------------------------------------------------------------ making the clusters
@dataclass
class StreamStats:
    """What one streaming run did."""

    articles: int = 0
    candidates: int = 0
    verified_links: int = 0
    seconds: float = 0.0


def stream_stories(
    docs: Sequence[Doc], params: StoryParams, order: Sequence[int] | None = None
) -> tuple[dict[str, int], StreamStats]:
    """Stories made as an ingest loop would: each article in turn is featured, its
    candidates found in the index and verified, then it is indexed. Returns {id: label}
    (labels are the index of the story's first member in ``docs``)."""
    stats = StreamStats()
    index = StoryIndex(params)
    clusters = StoryClusters(params)
    feats: dict[int, StoryFeatures] = {}
    start = time.perf_counter()
    for k in order if order is not None else range(len(docs)):
        doc = docs[k]
        f = feats[k] = story_features(doc.title, doc.body, doc.published, params)
        clusters.add(k, f)
        for other in index.candidates(f):
            stats.candidates += 1
            evidence = compare(f, feats[other], params)
            if same_story(evidence, params):
                stats.verified_links += 1
                clusters.link(k, other, evidence.score)
        index.add(k, f)
    labels = clusters.stories()
    stats.seconds = time.perf_counter() - start
    stats.articles = len(docs)
    return {docs[k].id: label for k, label in labels.items()}, stats


def index_stories(data: Path, work: Path, workers: int = 1) -> tuple[dict[str, int], float]:
    """Stories as a user gets them: the JSON lines indexed by ``dedup index`` (the real CLI,
    in a subprocess, into a SQLite file under ``work``) and read back from ``dedup export``.
    Extraction runs as for any record: dates, datelines and page furniture are read from
    the text. Returns {id: story id} and the seconds ``dedup index`` took."""
    db, out = work / "ecbplus.db", work / "export.jsonl"
    command = [sys.executable, "-m", "dedup"]
    start = time.perf_counter()
    subprocess.run(
        [*command, "index", str(data), "--db", str(db), "--quiet", "--workers", str(workers)],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    subprocess.run([*command, "export", "--db", str(db), "-o", str(out)], check=True, capture_output=True)
    with out.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return {row["id"]: row["story"] for row in rows}, seconds


def shuffled_lines(data: Path, seed: int | None, work: Path) -> Path:
    """``data``'s lines in a shuffled order (``random.Random(seed)``; ``None``: as they
    are), written to a file under ``work``: a feed arrives interleaved, not topic by topic."""
    if seed is None:
        return data
    lines = data.read_text(encoding="utf-8").splitlines()
    random.Random(seed).shuffle(lines)
    out = work / f"shuffled-{seed}.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


SHUFFLE_SEEDS = (0, 1, 2)
"""The arrival orders every story figure is measured on (fixed seeds)."""


def partition(labels: Mapping[str, int]) -> set[frozenset[str]]:
    """Labels as a set of groups (what two orders must agree on)."""
    groups: defaultdict[int, set[str]] = defaultdict(set)
    for item, label in labels.items():
        groups[label].add(item)
    return {frozenset(g) for g in groups.values()}


def index_orders(
    data: Path, docs: Sequence[Doc], seeds: Sequence[int | None] = SHUFFLE_SEEDS
) -> dict[str, Any]:
    """ECB+ through ``dedup index`` in each arrival order (a seed, or ``None`` for the
    file's order): each order's quality, the mean and the worst, and whether all orders
    gave one partition."""
    rows: list[dict[str, Any]] = []
    parts = []
    for seed in seeds:
        with tempfile.TemporaryDirectory() as work:
            indexed, seconds = index_stories(shuffled_lines(data, seed, Path(work)), Path(work))
        q = ecbplus_quality(docs, indexed)
        rows.append(
            {"order": "file" if seed is None else f"shuffle {seed}", **q, "seconds": round(seconds, 2)}
        )
        parts.append(partition(indexed))
    keys = ("ari", "bcubed_f1", "bcubed_precision", "bcubed_recall", "pairwise_f1")
    return {
        "orders": rows,
        "mean": {k: round(statistics.mean(r[k] for r in rows), 4) for k in keys},
        "worst": {k: min(r[k] for r in rows) for k in keys},
        "merged_topics_worst": max(r["merged_topics"] for r in rows),
        "identical": all(p == parts[0] for p in parts),
    }


def candidate_evidence(
    docs: Sequence[Doc], params: StoryParams
) -> tuple[list[StoryFeatures], list[tuple[int, int, StoryEvidence]]]:
    """Every candidate pair the index yields, with its evidence (for sweeping decisions)."""
    index = StoryIndex(params)
    feats: list[StoryFeatures] = []
    pairs: list[tuple[int, int, StoryEvidence]] = []
    for k, doc in enumerate(docs):
        f = story_features(doc.title, doc.body, doc.published, params)
        feats.append(f)
        pairs.extend((k, other, compare(f, feats[other], params)) for other in index.candidates(f))
        index.add(k, f)
    return feats, pairs


def decide(
    docs: Sequence[Doc],
    feats: Sequence[StoryFeatures],
    pairs: Iterable[tuple[int, int, StoryEvidence]],
    params: StoryParams,
) -> dict[str, int]:
    """Stories from precomputed candidate evidence under (decision) parameters ``params``."""
    clusters = StoryClusters(params)
    for k, f in enumerate(feats):
        clusters.add(k, f)
    for a, b, evidence in pairs:
        if same_story(evidence, params):
            clusters.link(a, b, evidence.score)
    return {docs[k].id: label for k, label in clusters.stories().items()}


# ------------------------------------------------------------------ scoring the clusters
def quality(
    truth: Mapping[str, str], predicted: Mapping[str, int], topic: Mapping[str, str]
) -> dict[str, float]:
    """ARI, B-cubed and pairwise P/R/F1, and how often the two events of a topic merge.

    ``merged_topics`` counts topics two of whose events share a predicted cluster;
    ``cross_event_pairs`` the predicted pairs of one topic and two events.
    """
    b3 = bcubed(truth, predicted)
    pw = pairwise(truth, predicted)
    events: defaultdict[tuple[str, object], set[str]] = defaultdict(set)
    together: Counter[tuple[str, object, str]] = Counter()
    for item, label in predicted.items():
        events[(topic[item], label)].add(truth[item])
        together[(topic[item], label, truth[item])] += 1
    merged = {t for (t, _), evs in events.items() if len(evs) > 1}
    cross = 0
    per_cluster: defaultdict[tuple[str, object], list[int]] = defaultdict(list)
    for (t, cluster, _), count in together.items():
        per_cluster[(t, cluster)].append(count)
    for sizes in per_cluster.values():
        total = sum(sizes)
        cross += (total * total - sum(n * n for n in sizes)) // 2
    return {
        "ari": round(adjusted_rand_index(truth, predicted), 4),
        "bcubed_precision": round(b3.precision, 4),
        "bcubed_recall": round(b3.recall, 4),
        "bcubed_f1": round(b3.f1, 4),
        "pairwise_precision": round(pw.precision, 4),
        "pairwise_recall": round(pw.recall, 4),
        "pairwise_f1": round(pw.f1, 4),
        "merged_topics": len(merged),
        "topics": len(set(topic.values())),
        "cross_event_pairs": cross,
        "predicted_clusters": len(set(predicted.values())),
        "true_clusters": len(set(truth.values())),
    }


def ecbplus_quality(docs: Sequence[Doc], predicted: Mapping[str, int]) -> dict[str, float]:
    return quality({d.id: d.cluster for d in docs}, predicted, {d.id: d.topic for d in docs})


def seeds_report(params: StoryParams) -> dict[str, Any]:
    """The seed stories as the tier makes them, against expected.json."""
    docs, truth = load_seeds()
    predicted, _ = stream_stories(docs, params)
    groups: defaultdict[int, list[str]] = defaultdict(list)
    for name, label in predicted.items():
        groups[label].append(name[:3])
    stories = sorted(sorted(g) for g in groups.values())
    expected: defaultdict[int, list[str]] = defaultdict(list)
    for name, label in truth.items():
        expected[label].append(name[:3])
    return {"stories": stories, "exact": stories == sorted(sorted(g) for g in expected.values())}


def order_check(docs: Sequence[Doc], params: StoryParams, shuffles: int = 2) -> bool:
    """True when shuffled arrival orders give the file order's partition."""

    reference = partition(stream_stories(docs, params)[0])
    rng = random.Random(20240913)
    for _ in range(shuffles):
        order = list(range(len(docs)))
        rng.shuffle(order)
        if partition(stream_stories(docs, params, order)[0]) != reference:
            return False
    return True


def sweep(docs: Sequence[Doc], params: StoryParams, thresholds: Sequence[float]) -> list[dict[str, Any]]:
    """Quality at each threshold (the other parameters as given), seeds included."""
    feats, pairs = candidate_evidence(docs, params)
    rows = []
    for t in thresholds:
        p = dataclasses.replace(params, threshold=t)
        row: dict[str, Any] = {"threshold": t}
        row.update(ecbplus_quality(docs, decide(docs, feats, pairs, p)))
        row["seeds_exact"] = seeds_report(p)["exact"]
        rows.append(row)
    return rows


THRESHOLDS = tuple(round(0.16 + 0.02 * i, 2) for i in range(10))  # 0.16-0.34
SPLITS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)


def grid(
    docs: Sequence[Doc],
    params: StoryParams,
    thresholds: Sequence[float] = THRESHOLDS,
    splits: Sequence[float] = SPLITS,
) -> list[dict[str, Any]]:
    """Quality at each (threshold, split_ncut), the other parameters as given."""
    feats, pairs = candidate_evidence(docs, params)
    rows = []
    for limit in splits:
        for t in thresholds:
            p = dataclasses.replace(params, threshold=t, split_ncut=limit)
            row: dict[str, Any] = {"threshold": t, "split_ncut": limit}
            row.update(ecbplus_quality(docs, decide(docs, feats, pairs, p)))
            rows.append(row)
    return rows


def cross_validate(
    docs: Sequence[Doc],
    params: StoryParams,
    rounds: int = 10,
    thresholds: Sequence[float] = THRESHOLDS,
    splits: Sequence[float] = SPLITS,
) -> list[dict[str, Any]]:
    """Tune (threshold, split_ncut) on half of the topics, test on the other half.

    The first two rounds are the odd and the even topics each way; the others random
    halves (fixed seed), each used both ways. Two ways to tune: the grid point of best ARI
    on the tuning half (``peak``), and the point whose neighbourhood in the grid (it and the
    points next to it) has the best mean ARI there (``plateau``, how the defaults were
    chosen). Each row: the half tuned on, the values each way picks, the test half's ARI
    and B-cubed F1 at them and at the defaults, and the best ARI the test half could have
    had (tuned on itself).
    """
    topics = sorted({d.topic for d in docs}, key=lambda t: (len(t), t))
    halves = [(topics[0::2], "odd topics"), (topics[1::2], "even topics")]
    rng = random.Random(20240913)
    for n in range(max(0, rounds - 2) // 2):
        picked = sorted(rng.sample(topics, len(topics) // 2), key=lambda t: (len(t), t))
        rest = [t for t in topics if t not in picked]
        halves += [(picked, f"random {n + 1}a"), (rest, f"random {n + 1}b")]
    out = []
    for tune_topics, name in halves:
        tune = [d for d in docs if d.topic in set(tune_topics)]
        test = [d for d in docs if d.topic not in set(tune_topics)]
        tuned = {(r["threshold"], r["split_ncut"]): r["ari"] for r in grid(tune, params, thresholds, splits)}
        tested = {(r["threshold"], r["split_ncut"]): r for r in grid(test, params, thresholds, splits)}
        peak = max(tuned, key=lambda k: tuned[k])
        plateau = max(tuned, key=lambda k: _neighbourhood_mean(tuned, k, thresholds, splits))
        default = ecbplus_quality(test, stream_stories(test, params)[0])
        out.append(
            {
                "tuned_on": name,
                "peak": f"{peak[0]}/{peak[1]}",
                "test_ari_peak": tested[peak]["ari"],
                "plateau": f"{plateau[0]}/{plateau[1]}",
                "test_ari_plateau": tested[plateau]["ari"],
                "test_bcubed_f1_plateau": tested[plateau]["bcubed_f1"],
                "test_ari_defaults": default["ari"],
                "test_bcubed_f1_defaults": default["bcubed_f1"],
                "test_ari_best": max(r["ari"] for r in tested.values()),
            }
        )
    return out


def _neighbourhood_mean(
    values: Mapping[tuple[float, float], float],
    at: tuple[float, float],
    thresholds: Sequence[float],
    splits: Sequence[float],
) -> float:
    """Mean of ``values`` over a grid point and the points next to it (3 x 3 inside)."""
    i, j = list(thresholds).index(at[0]), list(splits).index(at[1])
    near = [
        values[(thresholds[a], splits[b])]
        for a in range(max(0, i - 1), min(len(thresholds), i + 2))
        for b in range(max(0, j - 1), min(len(splits), j + 2))
    ]
    return sum(near) / len(near)


# ------------------------------------------------------------------ rewrites and recall
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def rewrite_docs(docs: Sequence[Doc], seed: int = 20240913) -> list[Doc]:
    """A development set for the rewrite case, made on the fly from ``docs`` (nothing of
    it is stored): each article once as given and once rewritten the way a newspaper cuts
    a wire text: its paragraphs reordered (the first stays first), one sentence in four
    dropped, then cut to its first 30-50 % of words, and retitled with the original
    title's first half. A rewrite is the same event as its original."""
    rng = random.Random(seed)
    out = list(docs)
    for d in docs:
        paragraphs = [p for p in d.body.split("\n") if p.strip()]
        head, rest = paragraphs[:1], paragraphs[1:]
        rng.shuffle(rest)
        sentences = [s for p in head + rest for s in _SENTENCE.split(p)]
        kept = [s for i, s in enumerate(sentences) if i == 0 or rng.random() >= 0.25]
        words = " ".join(kept).split()
        cut = words[: max(20, round(len(words) * rng.uniform(0.3, 0.5)))]
        title = None if d.title is None else " ".join(d.title.split()[: max(3, len(d.title.split()) // 2)])
        out.append(Doc(f"{d.id}~rewrite", title, " ".join(cut), d.published, d.cluster, d.topic))
    return out


def rewrite_report(
    docs: Sequence[Doc], params: StoryParams, seeds: Sequence[int] = SHUFFLE_SEEDS
) -> dict[str, Any]:
    """The tier alone on :func:`rewrite_docs` in shuffled orders: quality, and the share of
    rewrites that end in their original's story."""
    mixed = rewrite_docs(docs)
    rows = []
    for seed in seeds:
        order = list(range(len(mixed)))
        random.Random(seed).shuffle(order)
        predicted, _ = stream_stories(mixed, params, order)
        q = ecbplus_quality(mixed, predicted)
        joined = [predicted[d.id] == predicted[f"{d.id}~rewrite"] for d in docs]
        q["rewrite_with_original"] = round(sum(joined) / len(joined), 4)
        rows.append({"order": f"shuffle {seed}", **q})
    return {"articles": len(mixed), "orders": rows}


def verified_pair_recall(
    docs: Sequence[Doc], params: StoryParams, predicted: Mapping[str, int]
) -> dict[str, Any]:
    """Share of the pairs the verifier accepts (every pair the candidate index yields,
    judged by :func:`~dedup.stories.same_story`) that end in one story; and of those that
    are true same-event pairs (when the truth is known)."""
    _, pairs = candidate_evidence(docs, params)
    accepted = [(a, b) for a, b, e in pairs if same_story(e, params)]
    together = [predicted[docs[a].id] == predicted[docs[b].id] for a, b in accepted]
    true = [
        t
        for (a, b), t in zip(accepted, together, strict=True)
        if docs[a].cluster and docs[a].cluster == docs[b].cluster
    ]
    return {
        "accepted_pairs": len(accepted),
        "recall": round(sum(together) / max(1, len(together)), 4),
        "true_accepted_pairs": len(true),
        "recall_true": round(sum(true) / max(1, len(true)), 4),
    }


# ------------------------------------------------------------------ cost and memory
def cost(docs: Sequence[Doc], params: StoryParams, repeat: int = 3) -> dict[str, float]:
    """CPU microseconds an article (best of ``repeat``): features; candidates, verification
    and links; stories (the article's story asked after each article, as an index does)."""
    for d in docs:  # warm the rarity model and caches
        story_features(d.title, d.body, d.published, params)
    best_f = best_v = best_s = float("inf")
    candidates = 0
    for _ in range(repeat):
        t = time.process_time()
        feats = [story_features(d.title, d.body, d.published, params) for d in docs]
        best_f = min(best_f, time.process_time() - t)
        forget_cuts()  # each run cuts its groups afresh
        index = StoryIndex(params)
        clusters = StoryClusters(params)
        candidates = 0
        settle = 0.0
        t = time.process_time()
        for k, f in enumerate(feats):
            clusters.add(k, f)
            for other in index.candidates(f):
                candidates += 1
                evidence = compare(f, feats[other], params)
                if same_story(evidence, params):
                    clusters.link(k, other, evidence.score)
            index.add(k, f)
            started = time.process_time()
            clusters.story_of(k)
            settle += time.process_time() - started
        best_v = min(best_v, time.process_time() - t - settle)
        best_s = min(best_s, settle)
    n = len(docs)
    words = statistics.mean(len(d.body.split()) for d in docs)
    return {
        "articles": n,
        "mean_words": round(words, 1),
        "features_us": round(best_f / n * 1e6, 1),
        "candidates_verify_us": round(best_v / n * 1e6, 1),
        "stories_us": round(best_s / n * 1e6, 1),
        "total_us": round((best_f + best_v + best_s) / n * 1e6, 1),
        "candidates_per_article": round(candidates / n, 2),
    }


def synthetic_docs(size: int, seed: int = 20240913) -> tuple[list[Doc], dict[str, int]]:
    """Articles of the synthetic wire feed (benchmarks/feed.py) given as clean text, and
    their story truth. Pages with site boilerplate (HTML or flattened) are left out: the
    story tier sees extracted bodies, and the menus and related-headline lists that one
    site repeats on every page would make every page of the site look alike. The dateline
    ("NAIROBI, Jan 8 (ET) - ") is cut from the body, as extraction does."""
    from benchmarks.feed import FeedGenerator

    docs, truth = [], {}
    for record, t in FeedGenerator(size, seed):
        text = record.get("text")
        if text is None or t.variant == "boilerplate":
            continue
        docs.append(
            Doc(
                record["id"],
                record.get("title"),
                _DATELINE.sub("", text, count=1),
                parse_published(record.get("published")),
            )
        )
        truth[record["id"]] = t.story
    return docs, truth


def synthetic_quality(size: int, params: StoryParams, seed: int = 20240913) -> dict[str, float]:
    """Story quality on the synthetic wire feed, streamed, with each copy linked to the first
    article of its copy group at 2.0 as the index links near copies (copies nest inside
    stories): wire originals, their republished copies and other agencies' rewrites."""
    from benchmarks.feed import FeedGenerator

    docs, truth = synthetic_docs(size, seed)
    group = {record["id"]: t.group for record, t in FeedGenerator(size, seed)}
    index, clusters = StoryIndex(params), StoryClusters(params)
    first: dict[str, int] = {}
    feats: list[StoryFeatures] = []
    for k, doc in enumerate(docs):
        f = story_features(doc.title, doc.body, doc.published, params)
        feats.append(f)
        clusters.add(k, f)
        original = first.setdefault(str(group[doc.id]), k)
        if original != k:
            clusters.link(k, original, 2.0)
        for other in index.candidates(f):
            evidence = compare(f, feats[other], params)
            if same_story(evidence, params):
                clusters.link(k, other, evidence.score)
        index.add(k, f)
    predicted = {docs[k].id: label for k, label in clusters.stories().items()}
    b3 = bcubed(truth, predicted)
    return {
        "articles": len(docs),
        "stories": len(set(truth.values())),
        "ari": round(adjusted_rand_index(truth, predicted), 4),
        "bcubed_f1": round(b3.f1, 4),
        "bcubed_precision": round(b3.precision, 4),
        "bcubed_recall": round(b3.recall, 4),
    }


def memory(docs: Sequence[Doc], params: StoryParams) -> dict[str, float]:
    """Bytes an article held by its features and the index (tracemalloc), and candidates an
    article (on average, and for the last tenth, when the index is fullest)."""
    for d in docs[:200]:
        story_features(d.title, d.body, d.published, params)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    index = StoryIndex(params)
    feats: list[StoryFeatures] = []
    t = time.process_time()
    candidates = late = 0
    tail = len(docs) - max(1, len(docs) // 10)
    for k, d in enumerate(docs):
        f = story_features(d.title, d.body, d.published, params)
        found = len(index.candidates(f))
        candidates += found
        late += found if k >= tail else 0
        index.add(k, f)
        feats.append(f)
    seconds = time.process_time() - t
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    n = len(docs)
    return {
        "articles": n,
        "bytes_per_article": round(held / n),
        "candidates_per_article": round(candidates / n, 2),
        "candidates_last_tenth": round(late / (n - tail), 2),
        "traced_us_per_article": round(seconds / n * 1e6, 1),
    }


# ------------------------------------------------------------------ command line
def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    out = [" | ".join(columns), " | ".join("---" for _ in columns)]
    out.extend(" | ".join(str(r.get(c, "")) for c in columns) for r in rows)
    return "\n".join(out)


def _ecbplus_reports(
    docs: Sequence[Doc], params: StoryParams, args: argparse.Namespace, results: dict[str, Any]
) -> None:
    """The ECB+ figures the command line asked for, printed and added to ``results``."""
    if args.threshold is None:  # dedup index runs at the defaults
        seeds: list[int | None] = [None, *SHUFFLE_SEEDS[: args.shuffles]]
        orders = index_orders(args.data, docs, seeds)
        results["ecbplus_index"] = orders
        print("through dedup index and dedup export (dates and bodies extracted from the text):")
        print(_table(orders["orders"], list(orders["orders"][0])))
        print(
            f"shuffled and file orders: mean {orders['mean']}, worst {orders['worst']}, "
            f"identical partitions: {orders['identical']}"
        )
    predicted, stats = stream_stories(docs, params)
    q = ecbplus_quality(docs, predicted)
    q["candidates_per_article"] = round(stats.candidates / stats.articles, 2)
    q["seconds"] = round(stats.seconds, 2)
    if args.orders:
        q["order_independent"] = order_check(docs, params, args.orders)
    results["ecbplus"] = q
    print("the story tier alone (title and text as given, no dates):")
    print(_table([q], list(q)))
    recall = verified_pair_recall(docs, params, predicted)
    results["ecbplus_verified_pair_recall"] = recall
    print(f"verified pairs in one story (the tier alone): {recall}")
    if args.rewrites:
        rewrites = rewrite_report(docs, params)
        results["rewrites"] = rewrites
        print(f"rewrite set ({rewrites['articles']} articles: originals and their cut, reordered rewrites):")
        print(_table(rewrites["orders"], list(rewrites["orders"][0])))
    if args.sweep:
        thresholds = [round(0.12 + 0.02 * i, 2) for i in range(17)]
        rows = sweep(docs, params, thresholds)
        results["sweep"] = rows
        print(
            _table(
                rows,
                [
                    "threshold",
                    "ari",
                    "bcubed_f1",
                    "bcubed_precision",
                    "bcubed_recall",
                    "pairwise_f1",
                    "merged_topics",
                    "seeds_exact",
                ],
            )
        )
    if args.grid:
        rows = grid(docs, params)
        results["grid"] = rows
        table = [
            {"split_ncut": limit, **{str(r["threshold"]): r["ari"] for r in rows if r["split_ncut"] == limit}}
            for limit in SPLITS
        ]
        print(_table(table, ["split_ncut", *(str(t) for t in THRESHOLDS)]))
    if args.cv:
        rows = cross_validate(docs, params, args.cv)
        results["cv"] = rows
        print(_table(rows, list(rows[0])))
        for key in (
            "test_ari_peak",
            "test_ari_plateau",
            "test_bcubed_f1_plateau",
            "test_ari_defaults",
            "test_bcubed_f1_defaults",
            "test_ari_best",
        ):
            values = [r[key] for r in rows]
            print(f"{key}: mean {statistics.mean(values):.4f}, min {min(values):.4f}, max {max(values):.4f}")
    if args.cost:
        results["cost"] = cost(docs, params)
        print(_table([results["cost"]], list(results["cost"])))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.ecbplus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--threshold", type=float, default=None, help="override the default")
    ap.add_argument("--sweep", action="store_true", help="quality at thresholds 0.12-0.44")
    ap.add_argument(
        "--grid", action="store_true", help="ARI at thresholds 0.16-0.34 x split_ncut 0-0.9 (sensitivity)"
    )
    ap.add_argument(
        "--cv",
        type=int,
        default=0,
        metavar="ROUNDS",
        help="cross-validate (threshold, split_ncut) over halves of the topics",
    )
    ap.add_argument(
        "--synthetic",
        type=int,
        default=0,
        metavar="N",
        help="story quality on N synthetic wire-feed articles",
    )
    ap.add_argument("--cost", action="store_true", help="time the tier on ECB+ articles")
    ap.add_argument(
        "--rewrites", action="store_true", help="the rewrite set made from ECB+ (originals and cut rewrites)"
    )
    ap.add_argument(
        "--memory", type=int, default=0, metavar="N", help="bytes an article at N synthetic articles"
    )
    ap.add_argument("--orders", type=int, default=2, help="shuffled orders to check (0: none)")
    ap.add_argument(
        "--shuffles",
        type=int,
        default=len(SHUFFLE_SEEDS),
        choices=range(len(SHUFFLE_SEEDS) + 1),
        help="shuffled orders dedup index runs on, besides the file's (seeds 0, 1, 2)",
    )
    ap.add_argument("--json", type=Path, default=None, help="append the figures as JSON")
    args = ap.parse_args(argv)
    params = StoryParams() if args.threshold is None else StoryParams(threshold=args.threshold)
    results: dict[str, Any] = {"params": params.to_dict(), "time": time.time()}
    seeds = seeds_report(params)
    seed_docs, _ = load_seeds()
    seeds["verified_pair_recall"] = verified_pair_recall(
        seed_docs, params, stream_stories(seed_docs, params)[0]
    )["recall"]
    results["seeds"] = seeds
    print(f"seeds: {seeds['stories']} ({'exact' if seeds['exact'] else 'WRONG'})")
    if args.data.exists():
        _ecbplus_reports(load_ecbplus(args.data), params, args, results)
    else:
        print(f"no ECB+ data at {args.data}: seeds only", file=sys.stderr)
    if args.synthetic:
        results["synthetic"] = synthetic_quality(args.synthetic, params)
        print(_table([results["synthetic"]], list(results["synthetic"])))
    if args.memory:
        docs_syn, _ = synthetic_docs(args.memory)
        m = memory(docs_syn, params)
        results["memory"] = m
        print(_table([m], list(m)))
    if args.json:
        with args.json.open("a", encoding="utf-8") as f:
            f.write(json.dumps(results, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
