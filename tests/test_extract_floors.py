"""Extraction quality may not drop below the floors pinned in benchmarks/extraction_floors.json."""

from __future__ import annotations

import json
from typing import Any

import pytest

from benchmarks import extraction, titles

FLOORS: dict[str, Any] = json.loads(extraction.FLOORS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages() -> list[dict[str, str]]:
    return extraction.load_pages()


@pytest.mark.shared_data
@pytest.mark.slow
def test_html_quality_floor(pages: list[dict[str, str]]) -> None:
    quality, _ = extraction.run_html(pages, workers=1)
    assert quality.pages == 92
    for key, floor in FLOORS["html"].items():
        assert getattr(quality, key) >= floor, (key, getattr(quality, key), floor)


@pytest.mark.shared_data
def test_flat_quality_floor(pages: list[dict[str, str]]) -> None:
    quality = extraction.run_flat(pages)
    for key, floor in FLOORS["flat"].items():
        assert getattr(quality, key) >= floor, (key, getattr(quality, key), floor)


@pytest.mark.shared_data
@pytest.mark.slow
def test_title_accuracy_floors(pages: list[dict[str, str]]) -> None:
    scores = titles.run_titles(pages)
    for kind, floor in FLOORS["titles"].items():
        assert scores[kind].as_dict()["share_right"] >= floor, (kind, scores[kind].as_dict(), floor)


def test_title_reference_and_match() -> None:
    page = (
        "<html><head><title>Sweden drops Assange case | BBC News</title>"
        '<meta property="og:title" content="Sweden drops Assange case"></head>'
        "<body><h1>Sweden drops the Assange case</h1></body></html>"
    )
    refs = titles.references(page)
    assert refs[0] == "Sweden drops Assange case" and "Sweden drops the Assange case" in refs
    score = titles.TitleScore()
    score.add("a", "Sweden Drops Assange Case", refs)
    score.add("b", "Continue reading the main story", refs)
    score.add("c", None, refs)
    assert score.as_dict() == {"right": 1, "none": 1, "wrong": 1, "share_right": round(1 / 3, 4)}


def test_seed_floors() -> None:
    report = extraction.seed_report(extraction.load_seeds())
    floors = FLOORS["seeds"]
    kept = sum(r["kept"] for r in report.values()) / sum(r["body_lines"] for r in report.values())
    assert kept >= floors["body_lines_kept"]
    assert sum(r["intruders"] for r in report.values()) <= floors["intruders"]
    assert sum(r["title_ok"] for r in report.values()) >= floors["titles_right"]
    assert sum(r["date_ok"] for r in report.values()) >= floors["dates_right"]


def test_shingle_metric_matches_the_benchmark_definition() -> None:
    assert extraction.tp_fp_fn("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = extraction.tp_fp_fn("One two three four five", "one two three four six")
    assert (tp, fp, fn) == (1 / 3, 1 / 3, 1 / 3)  # lower-cased tokens, 4-word shingles
    q = extraction.Quality.of([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])  # 2nd page: nothing extracted
    assert (q.precision, q.recall) == (1.0, 0.5)
