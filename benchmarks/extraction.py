"""Extraction quality and speed: HTML pages, the same pages flattened, and the seeds.

Reads ``../shared/data/extraction/`` (92 pages of the article-extraction-benchmark:
``html/<id>.html.gz``, ``flat/<id>.txt`` the same pages flattened with menus kept, the
expected bodies in ``ground-truth.json``) and ``fixtures/seeds/`` with its line labels.
Quality is the benchmark's own: 4-word shingles of lower-cased word tokens, counted with
multiplicity, precision and recall per page averaged over pages (pages with nothing
extracted leave the precision average), F1 of the two averages.

    python -m benchmarks.extraction               # table (titles too); --json PATH writes the figures
    python -m benchmarks.extraction --cv          # 5-fold cross-validated flat F1 (honest)
    python -m benchmarks.extraction --fit         # refit the line model, print WEIGHTS

The table ends with the flat path's speed (CPU µs a page) on feed-like text
(benchmarks.feed), the seeds and the flattened pages, for the fast path and, in the same
run, the full path that scores every line exactly (``LineScorer(fast=False)``): the ratio
is the speed-up of bounding scores instead of computing them.

The line model's weights (dedup/extract/lines.py) are fitted on these development pages
and the seeds, so the flat figure of the plain run is an in-sample one; ``--cv`` refits on
four fifths of the pages and scores the fifth it did not see.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import multiprocessing
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.titles import run_titles
from dedup.article import Article
from dedup.extract import Extractor
from dedup.extract.flat import extract_flat
from dedup.extract.lines import FEATURES, WEIGHTS, line_features
from dedup.extract.scorer import LineScorer
from dedup.extract.templates import TemplateStore

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "extraction"
SEEDS = ROOT / "fixtures" / "seeds"
FLOORS = ROOT / "benchmarks" / "extraction_floors.json"
_TOKEN = re.compile(r"\w+")


# ----------------------------------------------------------------------------- metric
def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(expected: str, extracted: str) -> tuple[float, float, float]:
    """The benchmark's per-page counts, normalised so that long pages weigh no more."""
    truth, pred = _shingles(expected), _shingles(extracted)
    tp = sum((truth & pred).values())
    fp = sum((pred - truth).values())
    fn = sum((truth - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    f1: float
    pages: int

    @classmethod
    def of(cls, counts: Sequence[tuple[float, float, float]]) -> Quality:
        precisions = [1.0 if fp == fn == 0 else tp / (tp + fp) for tp, fp, fn in counts if tp + fp > 0]
        recalls = [1.0 if fp == fn == 0 else tp / (tp + fn) for tp, fp, fn in counts if tp + fn > 0]
        p = statistics.mean(precisions) if precisions else 0.0
        r = statistics.mean(recalls) if recalls else 0.0
        return cls(p, r, 0.0 if p + r == 0 else 2 * p * r / (p + r), len(counts))


# ----------------------------------------------------------------------------- data
def load_pages(data: Path = DATA) -> list[dict[str, str]]:
    """The development pages: id, url, expected body, html and flat text."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        html = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        flat = (data / "flat" / f"{key}.txt").read_text(encoding="utf-8")
        pages.append(
            {
                "id": key,
                "url": truth[key].get("url", ""),
                "expected": truth[key]["articleBody"],
                "html": html,
                "flat": flat,
            }
        )
    return pages


def load_seeds(seeds: Path = SEEDS) -> list[dict[str, Any]]:
    """The seed pages with their line labels and expected publication dates."""
    labels = json.loads((seeds / "body_labels.json").read_text(encoding="utf-8"))
    expected = json.loads((seeds / "expected.json").read_text(encoding="utf-8"))["published"]
    return [
        {
            "id": name,
            "text": (seeds / name).read_text(encoding="utf-8"),
            "labels": labels[name],
            "published": expected.get(name),
        }
        for name in sorted(labels)
    ]


# ----------------------------------------------------------------------------- HTML
_WORKER: Extractor | None = None


def _init_worker() -> None:
    global _WORKER  # noqa: PLW0603 - one extractor per worker process
    _WORKER = Extractor()


def _html_body(item: tuple[str, str]) -> str:
    assert _WORKER is not None
    html, url = item
    return _WORKER.extract(Article(id="page", html=html, url=url)).body


def run_html(pages: list[dict[str, str]], workers: int) -> tuple[Quality, float]:
    """HTML extraction quality and pages/s with ``workers`` processes (1: in this process)."""
    items = [(p["html"], p["url"]) for p in pages]
    if workers == 1:
        _init_worker()
        _html_body(items[0])  # warm up: imports and trafilatura's setup
        start = time.perf_counter()
        bodies = [_html_body(item) for item in items]
    else:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker) as pool:
            pool.map(_html_body, items[:workers])  # warm up: imports and trafilatura's setup
            start = time.perf_counter()
            bodies = pool.map(_html_body, items, chunksize=4)
    seconds = time.perf_counter() - start
    quality = Quality.of([tp_fp_fn(p["expected"], b) for p, b in zip(pages, bodies, strict=True)])
    return quality, len(pages) / seconds


# ----------------------------------------------------------------------------- flat
def run_flat(pages: list[dict[str, str]], weights: tuple[float, ...] = WEIGHTS) -> Quality:
    """Flat-text quality: pages in id order through one extractor (template memory on)."""
    scorer, store = LineScorer(weights), TemplateStore()
    counts = [
        tp_fp_fn(p["expected"], extract_flat(p["flat"], scorer, store, url=p["url"]).body) for p in pages
    ]
    return Quality.of(counts)


def flat_speed(texts: list[str], repeat: int, warm: bool, fast: bool = True) -> float:
    """Flat pages/s in one process (CPU time). Cold: no line memo, no template memory (worst
    case). ``fast=False`` scores every line exactly: the full path, the in-run baseline."""
    extractor = Extractor(learn=warm)
    extractor.scorer = LineScorer(extractor.scorer.weights, fast=fast)
    articles = [Article(id=str(k), text=t) for k, t in enumerate(texts)]
    start = time.process_time()
    for _ in range(repeat):
        for article in articles:
            if not warm:
                extractor.scorer = LineScorer(extractor.scorer.weights, fast=fast)
            extractor.extract(article)
    return repeat * len(articles) / (time.process_time() - start)


def feed_articles(size: int, seed: int = 1) -> list[Article]:
    """The text articles of a synthetic feed (benchmarks.feed): bodies, and pages with menus."""
    from benchmarks.feed import FeedGenerator

    return [
        Article(
            id=r["id"],
            text=r["text"],
            title=r.get("title"),
            url=r.get("url"),
            source=r.get("source"),
            published=r.get("published"),
        )
        for r, _ in FeedGenerator(size=size, seed=seed)
        if "text" in r
    ]


def feed_speed(articles: list[Article], fast: bool = True, passes: int = 3) -> float:
    """CPU µs an article through one extractor, template memory on, as `dedup index` runs it
    (best of ``passes``, each with a fresh extractor)."""
    best = float("inf")
    for _ in range(passes):
        extractor = Extractor()
        extractor.scorer = LineScorer(extractor.scorer.weights, fast=fast)
        start = time.process_time()
        for article in articles:
            extractor.extract(article)
        best = min(best, time.process_time() - start)
    return best / len(articles) * 1e6


def speed_report(pages: list[dict[str, str]], seeds: list[dict[str, Any]], quick: bool) -> dict[str, Any]:
    """Flat-path speed, fast and full path measured in the same run: the development pages
    (cold), the seeds (cold and warm) and feed-like text (benchmarks.feed, ~600-word articles)."""
    flat_texts = [p["flat"] for p in pages]
    seed_texts = [s["text"] for s in seeds]
    feed = feed_articles(600 if quick else 3000)
    reps = 1 if quick else 3
    seed_reps = 20 if quick else 200
    out: dict[str, Any] = {}
    for name, fast in (("fast", True), ("full", False)):
        out[name] = {
            "flat_us_cold": round(
                1e6 / max(flat_speed(flat_texts, reps, warm=False, fast=fast) for _ in range(2)), 1
            ),
            "seeds_us_cold": round(
                1e6 / max(flat_speed(seed_texts, seed_reps, warm=False, fast=fast) for _ in range(2)), 1
            ),
            "seeds_us_warm": round(
                1e6 / max(flat_speed(seed_texts, seed_reps, warm=True, fast=fast) for _ in range(2)), 1
            ),
            "feed_us": round(feed_speed(feed, fast=fast, passes=2 if quick else 3), 1),
        }
    out["ratio"] = {key: round(out["full"][key] / out["fast"][key], 2) for key in out["fast"]}
    out["feed_articles"] = len(feed)
    out["feed_words_per_article"] = round(statistics.mean(len(a.text.split()) for a in feed if a.text))
    out["flat_words_per_page"] = round(statistics.median(len(t.split()) for t in flat_texts))
    out["seed_words_per_page"] = round(statistics.mean(len(t.split()) for t in seed_texts))
    return out


def seed_report(seeds: list[dict[str, Any]]) -> dict[str, Any]:
    """Per seed: body lines kept, non-body lines let in, title and date right."""
    extractor = Extractor()
    rows = {}
    for seed in seeds:
        x = extractor.extract(Article(id=seed["id"], text=seed["text"]))
        body = [" ".join(b.split()) for b in x.body.splitlines()]
        want = [" ".join(b.split()) for b in seed["labels"]["body"]]
        kept = sum(1 for w in want if any(b and w.endswith(b) for b in body))
        intruders = [b for b in body if not any(b in w for w in want)]
        titles = {" ".join(t.split()) for t in seed["labels"].get("title", [])}
        published = seed["published"]
        rows[seed["id"]] = {
            "body_lines": len(want),
            "kept": kept,
            "intruders": len(intruders),
            "title_ok": x.title is not None and " ".join(x.title.split()) in titles,
            "date_ok": (x.published or "")[:10] == (published or "") if published else x.published is None,
            "published": x.published,
            "attribution": list(x.attribution),
        }
    return rows


# ----------------------------------------------------------------------------- fitting
def _labelled_lines(
    pages: Iterable[dict[str, str]], seeds: Iterable[dict[str, Any]]
) -> tuple[list[tuple[float, ...]], list[float], list[float]]:
    """Line features, labels (1: article text) and weights (sqrt of tokens) for fitting."""
    xs: list[tuple[float, ...]] = []
    ys: list[float] = []
    ws: list[float] = []

    def add(lines: list[str], labels: list[bool]) -> None:
        stripped = [" ".join(r.split()) for r in lines]
        counts = Counter(stripped)
        for raw, s, label in zip(lines, stripped, labels, strict=True):
            xs.append(line_features(raw, counts[s] > 1))
            ys.append(1.0 if label else 0.0)
            ws.append(math.sqrt(1 + len(_TOKEN.findall(s))))

    for page in pages:
        truth = _TOKEN.findall(page["expected"].lower())
        grams = {tuple(truth[i : i + 4]) for i in range(len(truth) - 3)}
        text = " " + " ".join(truth) + " "
        lines = [r for r in page["flat"].splitlines() if r.strip()]
        toks = [_TOKEN.findall(r.lower()) for r in lines]
        long_ok = [
            len(t) >= 4 and sum(tuple(t[i : i + 4]) in grams for i in range(len(t) - 3)) * 2 >= len(t) - 3
            for t in toks
        ]
        labels = []
        for k, t in enumerate(toks):
            if len(t) >= 4:
                labels.append(long_ok[k])
            else:  # a short line counts when the text has it and it sits among body lines
                near = any(long_ok[j] for j in range(max(0, k - 2), min(len(toks), k + 3)))
                labels.append(bool(t) and near and f" {' '.join(t)} " in text)
        add(lines, labels)
    for seed in seeds:
        numbers = set(seed["labels"]["body_line_numbers"])
        pairs = [(r, n in numbers) for n, r in enumerate(seed["text"].splitlines(), start=1) if r.strip()]
        add([r for r, _ in pairs], [b for _, b in pairs])
    return xs, ys, ws


# Rare but decisive signals keep a hand-set weight: a few dozen lines on 92 pages can't
# fit them, and a photo credit or a glued "Related" link is furniture on any site.
FIXED = {"credit": -2.0, "related_prefix": -2.0}


def fit_weights(pages: list[dict[str, str]], seeds: list[dict[str, Any]]) -> tuple[float, ...]:
    """Logistic regression of the line labels on the line features (L2, gradient descent)."""
    import numpy as np

    xs, ys, ws = _labelled_lines(pages, seeds)
    x, y, w = np.array(xs), np.array(ys), np.array(ws)
    fixed = np.array([name in FIXED for name in FEATURES])
    beta = np.array([FIXED.get(name, 0.0) for name in FEATURES])
    for _ in range(5000):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        step = 0.5 * (x.T @ ((p - y) * w) / w.sum() + 1e-3 * beta)
        beta -= np.where(fixed, 0.0, step)
    return tuple(round(float(b), 2) for b in beta)


def cross_validate(pages: list[dict[str, str]], seeds: list[dict[str, Any]], folds: int = 5) -> Quality:
    """Flat quality on pages the weights were not fitted on (pages shuffled with a fixed seed)."""
    order = pages[:]
    random.Random(0).shuffle(order)
    counts = []
    for k in range(folds):
        test = order[k::folds]
        weights = fit_weights([p for p in order if p not in test], seeds)
        scorer = LineScorer(weights)
        for p in test:
            body = extract_flat(p["flat"], scorer, TemplateStore(), url=p["url"]).body
            counts.append(tp_fp_fn(p["expected"], body))
    return Quality.of(counts)


# ----------------------------------------------------------------------------- main
def run(quick: bool = False) -> dict[str, Any]:
    """All figures as one JSON-able dict (quick: fewer speed repetitions)."""
    pages, seeds = load_pages(), load_seeds()
    results: dict[str, Any] = {"pages": len(pages)}
    for workers in (1, 2):
        quality, speed = run_html(pages, workers)
        results[f"html_{workers}w"] = {**quality.__dict__, "pages_per_s": round(speed, 1)}
    flat = run_flat(pages)
    reps = 1 if quick else 3
    results["flat"] = {
        **flat.__dict__,
        "pages_per_s_cold": round(flat_speed([p["flat"] for p in pages], reps, warm=False), 1),
    }
    results["keep_everything"] = Quality.of([tp_fp_fn(p["expected"], p["flat"]) for p in pages]).__dict__
    texts = [s["text"] for s in seeds]
    reps = 40 if quick else 400
    results["seeds_speed"] = {
        "pages_per_s_cold": round(flat_speed(texts, reps, warm=False), 1),
        "pages_per_s_warm": round(flat_speed(texts, reps, warm=True), 1),
        "words_per_page": round(statistics.mean(len(t.split()) for t in texts)),
    }
    results["flat_speed"] = speed_report(pages, seeds, quick)
    results["seeds"] = seed_report(seeds)
    results["titles"] = {kind: score.as_dict() for kind, score in run_titles(pages).items()}
    return results


def _table(results: dict[str, Any]) -> str:
    rows = [("input", "P", "R", "F1", "pages/s")]
    for key, label in (
        ("html_1w", "HTML, trafilatura, 1 process"),
        ("html_2w", "HTML, trafilatura, 2 processes"),
        ("flat", "flattened text (flat/), 1 process, cold"),
        ("keep_everything", "flattened text, keep everything"),
    ):
        r = results[key]
        speed = r.get("pages_per_s", r.get("pages_per_s_cold", ""))
        rows.append((label, f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}", str(speed)))
    s = results["seeds_speed"]
    rows.append(
        (
            f"seeds (~{s['words_per_page']} words), cold / warm",
            "",
            "",
            "",
            f"{s['pages_per_s_cold']} / {s['pages_per_s_warm']}",
        )
    )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    for kind, label in (
        ("html", "HTML"),
        ("flat_url", "flattened text with its URL"),
        ("flat_no_url", "flattened text without URL (a folder of .txt)"),
    ):
        t = results["titles"][kind]
        lines.append(
            f"titles, {label}: {t['right']}/{t['right'] + t['none'] + t['wrong']} right, "
            f"{t['none']} none, {t['wrong']} wrong"
        )
    for name, seed in results["seeds"].items():
        lines.append(
            f"seed {name[:3]}: {seed['kept']}/{seed['body_lines']} body lines, "
            f"{seed['intruders']} intruders, title {'ok' if seed['title_ok'] else 'WRONG'}, "
            f"date {seed['published']} {'ok' if seed['date_ok'] else 'WRONG'}, "
            f"attribution {seed['attribution']}"
        )
    speed = results.get("flat_speed")
    if speed:
        lines.append("flat path, CPU µs a page: fast path / full path (every line scored exactly) = ratio")
        for key, label in (
            (
                "feed_us",
                f"feed text ({speed['feed_articles']} articles, "
                f"~{speed['feed_words_per_article']} words), template memory on",
            ),
            ("seeds_us_cold", f"seeds (~{speed['seed_words_per_page']} words), cold"),
            ("seeds_us_warm", "seeds, warm line memo"),
            ("flat_us_cold", f"flat/ pages (median {speed['flat_words_per_page']} words), cold"),
        ):
            fast, full = speed["fast"][key], speed["full"][key]
            lines.append(
                f"  {label}: {fast} / {full} = {speed['ratio'][key]}x ({round(1e6 / fast):,} pages/s)"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.extraction", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this file")
    parser.add_argument("--quick", action="store_true", help="fewer speed repetitions")
    parser.add_argument("--fit", action="store_true", help="refit the line model and print its weights")
    parser.add_argument("--cv", action="store_true", help="5-fold cross-validated flat quality")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        parser.exit(1, f"no development data at {DATA} (see ../shared/data/README.md)\n")
    if args.fit:
        weights = fit_weights(load_pages(), load_seeds())
        print("WEIGHTS = (")
        for k in range(0, len(weights), 8):
            print("    " + " ".join(f"{w}," for w in weights[k : k + 8]))
        print(")")
        print("# " + ", ".join(f"{n}={w}" for n, w in zip(FEATURES, weights, strict=True)))
        return
    if args.cv:
        q = cross_validate(load_pages(), load_seeds())
        print(f"flat, 5-fold cross-validated: P={q.precision:.3f} R={q.recall:.3f} F1={q.f1:.3f}")
        return
    results = run(quick=args.quick)
    print(_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
