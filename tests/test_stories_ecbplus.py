"""Quality floors of the story tier on ECB+ (needs ../shared/data) and on the seeds."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.ecbplus import (
    DATA,
    FLOORS,
    SHUFFLE_SEEDS,
    candidate_evidence,
    decide,
    ecbplus_quality,
    index_orders,
    load_ecbplus,
    order_check,
    seeds_report,
    stream_stories,
)
from dedup.stories import StoryParams

FLOOR = json.loads(Path(FLOORS).read_text(encoding="utf-8"))


def test_seeds_meet_their_floor() -> None:
    assert seeds_report(StoryParams())["exact"] is FLOOR["seeds_exact"]


@pytest.mark.shared_data
def test_ecbplus_meets_the_floors() -> None:
    docs = load_ecbplus(DATA)
    predicted, _ = stream_stories(docs, StoryParams())
    q = ecbplus_quality(docs, predicted)
    assert q["ari"] >= FLOOR["ari"]
    assert q["bcubed_f1"] >= FLOOR["bcubed_f1"]
    assert q["pairwise_f1"] >= FLOOR["pairwise_f1"]
    assert q["merged_topics"] <= FLOOR["merged_topics_max"]


@pytest.fixture(scope="module")
def shuffled_index() -> dict[str, Any]:
    """ECB+ dev through dedup index in three shuffled orders (fixed seeds)."""
    return index_orders(DATA, load_ecbplus(DATA), SHUFFLE_SEEDS)


@pytest.mark.shared_data
@pytest.mark.slow
def test_ecbplus_through_dedup_index_meets_the_floors_in_every_shuffled_order(
    shuffled_index: dict[str, Any],
) -> None:
    floor = FLOOR["index"]
    for q in shuffled_index["orders"]:
        assert q["ari"] >= floor["ari"], q["order"]
        assert q["bcubed_f1"] >= floor["bcubed_f1"], q["order"]
        assert q["pairwise_f1"] >= floor["pairwise_f1"], q["order"]
        assert q["merged_topics"] <= floor["merged_topics_max"], q["order"]


@pytest.mark.shared_data
@pytest.mark.slow
def test_three_shuffles_of_ecbplus_through_dedup_index_give_one_partition(
    shuffled_index: dict[str, Any],
) -> None:
    assert len(shuffled_index["orders"]) == 3
    assert shuffled_index["identical"]


@pytest.mark.shared_data
def test_cutting_stories_at_their_bottleneck_beats_plain_components_on_ecbplus() -> None:
    # Two events of one kind per topic: their reports link across now and then, and plain
    # union-find merges them; the cut separates them without splitting the events.
    docs = load_ecbplus(DATA)
    params = StoryParams()
    feats, pairs = candidate_evidence(docs, params)
    cut = ecbplus_quality(docs, decide(docs, feats, pairs, params))
    plain = ecbplus_quality(docs, decide(docs, feats, pairs, dataclasses.replace(params, split_ncut=0.0)))
    assert cut["merged_topics"] < plain["merged_topics"]
    assert cut["ari"] > plain["ari"] + 0.02


@pytest.mark.shared_data
@pytest.mark.slow
def test_ecbplus_stories_do_not_depend_on_arrival_order() -> None:
    assert order_check(load_ecbplus(DATA), StoryParams(), shuffles=2)
