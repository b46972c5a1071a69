"""The story tier: features, the pair verdict, the candidate index and stories over time."""

from __future__ import annotations

import json
import pickle
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.article import When, parse_published
from dedup.stories import (
    StoryClusters,
    StoryFeatures,
    StoryIndex,
    StoryParams,
    StoryParamsError,
    compare,
    same_story,
    story_features,
)
from dedup.stories.dates import named_dates
from dedup.stories.rarity import term_and_weight

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
PARAMS = StoryParams()


def _seed_articles() -> list[tuple[str, str | None, str, When | None]]:
    labels = json.loads((SEEDS / "body_labels.json").read_text(encoding="utf-8"))
    expected = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
    out = []
    for name in sorted(labels):
        title = labels[name].get("title")
        title = "\n".join(title) if isinstance(title, list) else title
        out.append((name, title, "\n".join(labels[name]["body"]),
                    parse_published(expected["published"].get(name))))
    return out


def _stream(feats: list[StoryFeatures], order: list[int], params: StoryParams = PARAMS
            ) -> set[frozenset[int]]:
    """Stories as an ingest loop makes them, articles arriving in ``order``."""
    index = StoryIndex(params)
    clusters = StoryClusters(params)
    for k in order:
        clusters.add(k, feats[k])
        for other in index.candidates(feats[k]):
            evidence = compare(feats[k], feats[other], params)
            if same_story(evidence, params):
                clusters.link(k, other, evidence.score)
        index.add(k, feats[k])
    groups: dict[int, set[int]] = {}
    for key, label in clusters.stories().items():
        groups.setdefault(label, set()).add(key)
    return {frozenset(g) for g in groups.values()}


# ------------------------------------------------------------------ the seeds
def test_seed_stories_are_the_expected_ones() -> None:
    articles = _seed_articles()
    feats = [story_features(t, b, w, PARAMS) for _, t, b, w in articles]
    names = [n for n, *_ in articles]
    expected = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["stories"]
    want = {frozenset(names.index(n) for n in story) for story in expected}
    assert _stream(feats, list(range(len(feats)))) == want
    assert _stream(feats, list(reversed(range(len(feats))))) == want


def test_seed_rewrites_share_their_quote_and_day() -> None:
    articles = {n[:3]: story_features(t, b, w, PARAMS) for n, t, b, w in _seed_articles()}
    evidence = compare(articles["001"], articles["003"], PARAMS)
    assert "trusting and friendly atmosphere" in evidence.shared_quotes
    assert "@2024-09-13" in evidence.shared_terms  # "On September 13" and "on Friday"
    assert evidence.date_gap_days == 0
    assert same_story(evidence, PARAMS)
    # The undated derivative is judged on content, and its content matches the report.
    undated = compare(articles["001"], articles["004"], PARAMS)
    assert undated.date_gap_days is None
    assert same_story(undated, PARAMS)


def test_seed_events_a_year_apart_are_not_one_story() -> None:
    articles = {n[:3]: story_features(t, b, w, PARAMS) for n, t, b, w in _seed_articles()}
    evidence = compare(articles["002"], articles["003"], PARAMS)
    assert evidence.date_gap_days is not None
    assert evidence.date_gap_days > PARAMS.window_days
    assert not same_story(evidence, PARAMS)


# ------------------------------------------------------------------ generated articles
EVENTS = [
    # (names of the event, its number): nonsense names are unknown to the rarity model,
    # so they weigh like rare proper nouns.
    (["zorvath", "quellmar", "bristane", "okaveno", "thandril"], "4471"),
    (["zorvath", "quellmar", "pelligrue", "ostramund", "vexhallow"], "812"),
    (["marrowick", "dunlorren", "ashfeld", "corvanti", "yselde"], "2319"),
    (["ketterby", "wolstane", "ferromund", "ilsabet", "grauvoss"], "57"),
]
FILLER = [
    "the", "council", "said", "on", "the", "matter", "that", "officials", "would", "review",
    "the", "situation", "after", "the", "meeting", "while", "residents", "waited", "for",
    "news", "from", "the", "authorities", "in", "the", "region",
]


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, str, When | None]:
    names, number = draw(st.sampled_from(EVENTS))
    kept = draw(st.lists(st.sampled_from(names), min_size=2, max_size=6))
    words = draw(st.lists(st.sampled_from(FILLER), min_size=10, max_size=40))
    cut = draw(st.integers(0, len(words)))
    body = " ".join([*words[:cut], *kept, number, *words[cut:]]).capitalize() + "."
    title = " ".join(draw(st.permutations(names))[:3]).title()
    day = draw(st.one_of(st.none(), st.integers(0, 20)))
    published = None if day is None else When(date(2024, 9, 1 + day))
    return title, body, published


def _features(items: list[tuple[str, str, When | None]]) -> list[StoryFeatures]:
    return [story_features(t, b, w, PARAMS) for t, b, w in items]


@given(st.lists(articles(), min_size=2, max_size=12), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_stories_do_not_depend_on_arrival_order(
    items: list[tuple[str, str, When | None]], rnd: object
) -> None:
    feats = _features(items)
    order = list(range(len(feats)))
    shuffled = order[:]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert _stream(feats, order) == _stream(feats, shuffled)


@given(articles(), articles())
@settings(max_examples=80, deadline=None)
def test_compare_is_symmetric(
    a: tuple[str, str, When | None], b: tuple[str, str, When | None]
) -> None:
    fa, fb = _features([a, b])
    assert compare(fa, fb, PARAMS) == compare(fb, fa, PARAMS)


@given(st.lists(articles(), min_size=2, max_size=10))
@settings(max_examples=40, deadline=None)
def test_index_finds_every_pair_the_verifier_accepts(
    items: list[tuple[str, str, When | None]],
) -> None:
    feats = _features(items)
    index = StoryIndex(PARAMS)
    for k, f in enumerate(feats):
        index.add(k, f)
    for i, fi in enumerate(feats):
        found = set(index.candidates(fi))
        for j, fj in enumerate(feats):
            if i != j and same_story(compare(fi, fj, PARAMS), PARAMS):
                assert j in found


# ------------------------------------------------------------------ time
def _event_article(day: int | None) -> StoryFeatures:
    names, number = EVENTS[0]
    body = f"Officials in {' '.join(names)} said {number} people were moved."
    return story_features(" ".join(names[:3]), body,
                          None if day is None else When(date(2024, 1, 1 + day)), PARAMS)


@pytest.mark.parametrize(
    ("day_a", "day_b", "same"),
    [(0, 0, True), (0, PARAMS.window_days, True), (0, PARAMS.window_days + 1, False),
     (None, 20, True), (None, None, True)],
)
def test_time_window(day_a: int | None, day_b: int | None, same: bool) -> None:
    evidence = compare(_event_article(day_a), _event_article(day_b), PARAMS)
    assert evidence.score > PARAMS.threshold
    assert same_story(evidence, PARAMS) is same


def test_an_undated_article_does_not_join_stories_far_apart_in_time() -> None:
    early, late, undated = _event_article(0), _event_article(25), _event_article(None)
    stories = _stream([early, late, undated], [2, 0, 1])
    assert frozenset({0, 1}) not in stories
    assert not any({0, 1} <= s for s in stories)
    assert any(2 in s and len(s) == 2 for s in stories)  # it joins one of them


# ------------------------------------------------------------------ parts
@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("on september 13, a delegation", date(2024, 9, 13), [date(2024, 9, 13)]),
        ("moscow, (app - 13th sep, 2024) the head", None, [date(2024, 9, 13)]),
        ("the july 27, 1953, armistice", None, [date(1953, 7, 27)]),
        ("met kim on friday", date(2024, 9, 14), [date(2024, 9, 13)]),
        ("met kim on friday", None, []),
        ("on 2 january the vote", date(2023, 12, 30), [date(2024, 1, 2)]),
        ("published 2013-05-03", None, [date(2013, 5, 3)]),
        ("on september 31", date(2024, 9, 13), []),
        ("prices rose 19.1 percent in may 2024", date(2024, 5, 20), []),
    ],
)
def test_named_dates(text: str, reference: date | None, expected: list[date]) -> None:
    assert named_dates(text, reference) == expected


def test_rarity_weighs_names_over_common_words() -> None:
    _, said = term_and_weight("said", "en", PARAMS.common_zipf)
    _, security = term_and_weight("security", "en", PARAMS.common_zipf)
    _, shoigu = term_and_weight("shoigu", "en", PARAMS.common_zipf)
    assert said == 0.0
    assert 0.0 < security < shoigu
    assert term_and_weight("countries", "en", PARAMS.common_zipf)[0] == "country"


def test_features_are_small_and_picklable() -> None:
    _, title, body, published = _seed_articles()[1]
    feats = story_features(title, body, published, PARAMS)
    assert pickle.loads(pickle.dumps(feats)) == feats
    assert len(feats.terms) <= PARAMS.max_terms
    assert len(pickle.dumps(feats)) < 2048
    assert feats.published_day == date(2024, 9, 13)


def test_index_remove_and_replace() -> None:
    a, b = _event_article(0), _event_article(1)
    index = StoryIndex(PARAMS)
    index.add(1, a)
    index.add(2, b)
    assert index.candidates(a) == [1, 2]
    index.remove(1)
    assert index.candidates(a) == [2]
    assert 1 not in index
    index.add(2, b)  # again: replaces, no duplicate
    assert index.candidates(a) == [2]
    assert len(index) == 1
    with pytest.raises(KeyError, match="no article with key 1"):
        index.remove(1)


def test_expire_forgets_dated_articles_out_of_the_window() -> None:
    old, recent, undated = _event_article(0), _event_article(10), _event_article(None)
    index = StoryIndex(PARAMS)
    for key, feats in enumerate((old, recent, undated)):
        index.add(key, feats)
    cutoff = date(2024, 1, 11).toordinal() - PARAMS.window_days
    assert index.expire(cutoff) == [0]
    assert index.candidates(recent) == [1, 2]
    assert index.expire(cutoff) == []


def test_link_needs_added_articles() -> None:
    clusters = StoryClusters(PARAMS)
    clusters.add(1, _event_article(0))
    with pytest.raises(KeyError, match="never added"):
        clusters.link(1, 2, 0.9)


@pytest.mark.parametrize(
    ("field", "value"),
    [("threshold", 0.0), ("threshold", 1.5), ("key_terms", 1), ("key_terms", 500),
     ("max_terms", 0), ("window_days", -1), ("common_zipf", -1.0)],
)
def test_bad_parameters_are_refused(field: str, value: object) -> None:
    with pytest.raises(StoryParamsError, match=field):
        StoryParams(**{field: value})  # type: ignore[arg-type]


def test_parameters_round_trip() -> None:
    params = StoryParams(threshold=0.4)
    assert StoryParams.from_dict(params.to_dict()) == params
    assert params.sketch_differences(StoryParams()) == []
    assert StoryParams(key_terms=6).sketch_differences(StoryParams()) == ["key_terms: 6 -> 8"]
