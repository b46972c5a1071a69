"""The story tier: features, the pair verdict, the candidate index and stories over time."""

from __future__ import annotations

import dataclasses
import json
import pickle
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.article import When, parse_published
from dedup.errors import ConfigMismatch
from dedup.stories import (
    StoryClusters,
    StoryFeatures,
    StoryIndex,
    StoryParams,
    StoryParamsError,
    compare,
    link,
    same_story,
    story_features,
)
from dedup.stories.dates import named_dates
from dedup.stories.features import gram_hashes, grams_among, opening
from dedup.stories.rarity import term_and_weight
from dedup.stories.screen import TermScreen
from dedup.stories.split import MAX_NODES, link_matrix, parts
from tests.conftest import ROOT

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
PARAMS = StoryParams()


def _seed_articles() -> list[tuple[str, str | None, str, When | None]]:
    labels = json.loads((SEEDS / "body_labels.json").read_text(encoding="utf-8"))
    expected = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
    out = []
    for name in sorted(labels):
        title = labels[name].get("title")
        title = "\n".join(title) if isinstance(title, list) else title
        out.append(
            (name, title, "\n".join(labels[name]["body"]), parse_published(expected["published"].get(name)))
        )
    return out


def _stream(
    feats: list[StoryFeatures], order: list[int], params: StoryParams = PARAMS
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


@given(
    st.lists(
        st.sampled_from(
            [
                "the",
                "said",
                "trusting",
                "and",
                "friendly",
                "atmosphere",
                "Shoigu",
                "of",
                "talks",
                "a",
                "Pyongyang",
            ]
        ),
        max_size=14,
    )
)
def test_the_shared_quote_grams_are_found_without_rarity_look_ups(words: list[str]) -> None:
    # Evidence reads the shared n-grams back by hash alone; they must be the salient ones.
    passage = " ".join(words)
    salient = gram_hashes(passage, PARAMS)
    assert grams_among(passage, frozenset(h for h, _ in salient), PARAMS) == [t for _, t in salient]


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
    "the",
    "council",
    "said",
    "on",
    "the",
    "matter",
    "that",
    "officials",
    "would",
    "review",
    "the",
    "situation",
    "after",
    "the",
    "meeting",
    "while",
    "residents",
    "waited",
    "for",
    "news",
    "from",
    "the",
    "authorities",
    "in",
    "the",
    "region",
]

QUOTES = [
    "we will rebuild every house that was lost",
    "we will rebuild the bridge before the winter",
    "the talks were held in a trusting and friendly atmosphere",
]


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, str, When | None]:
    names, number = draw(st.sampled_from(EVENTS))
    kept = draw(st.lists(st.sampled_from(names), min_size=2, max_size=6))
    words = draw(st.lists(st.sampled_from(FILLER), min_size=10, max_size=40))
    cut = draw(st.integers(0, len(words)))
    body = " ".join([*words[:cut], *kept, number, *words[cut:]]).capitalize() + "."
    quote = draw(st.one_of(st.none(), st.sampled_from(QUOTES)))
    if quote is not None:  # rewrites keep quotes, and quotes let a pair link at a lower score
        body += f' "{quote}," an official said.'
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
def test_compare_is_symmetric(a: tuple[str, str, When | None], b: tuple[str, str, When | None]) -> None:
    fa, fb = _features([a, b])
    assert compare(fa, fb, PARAMS) == compare(fb, fa, PARAMS)


@given(
    articles(), articles(), st.sampled_from([PARAMS, StoryParams(threshold=0.12), StoryParams(window_days=3)])
)
@settings(max_examples=120, deadline=None)
def test_link_is_compare_when_the_verdict_is_yes_else_none(
    a: tuple[str, str, When | None], b: tuple[str, str, When | None], params: StoryParams
) -> None:
    fa, fb = (story_features(t, body, w, params) for t, body, w in (a, b))
    evidence = compare(fa, fb, params)
    expected = evidence if same_story(evidence, params) else None
    assert link(fa, fb, params) == expected
    assert link(fa, fb, params, fa.vector()) == expected


def test_link_on_the_seeds() -> None:
    feats = [story_features(t, b, w, PARAMS) for _, t, b, w in _seed_articles()]
    verdicts = [link(x, y, PARAMS) is not None for x in feats for y in feats if x is not y]
    assert verdicts == [same_story(compare(x, y, PARAMS), PARAMS) for x in feats for y in feats if x is not y]
    assert any(verdicts) and not all(verdicts)


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
    return story_features(
        " ".join(names[:3]),
        body,
        None if day is None else When(date(2024, 1, 1) + timedelta(days=day)),
        PARAMS,
    )


@pytest.mark.parametrize(
    ("day_a", "day_b", "same"),
    [
        (0, 0, True),
        (0, PARAMS.window_days, True),
        (0, PARAMS.window_days + 1, False),
        (None, 20, True),
        (None, None, True),
    ],
)
def test_time_window(day_a: int | None, day_b: int | None, same: bool) -> None:
    evidence = compare(_event_article(day_a), _event_article(day_b), PARAMS)
    assert evidence.score > PARAMS.threshold
    assert same_story(evidence, PARAMS) is same


def test_an_undated_article_does_not_join_stories_far_apart_in_time() -> None:
    early, late = _event_article(0), _event_article(PARAMS.window_days + 18)
    undated = _event_article(None)
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
    # Features come back from worker processes pickled: their terms are interned again,
    # so a process keeps one string per distinct term, not one per article and term.
    again = pickle.loads(pickle.dumps(feats))
    assert all(a is b for a, b in zip(again.terms, feats.terms, strict=True))
    from dedup.stories.features import decode_features, encode_features

    stored = decode_features(encode_features(feats))
    assert stored == feats
    assert all(a is b for a, b in zip(stored.terms, feats.terms, strict=True))


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
    old, recent, undated = _event_article(0), _event_article(PARAMS.window_days + 3), _event_article(None)
    index = StoryIndex(PARAMS)
    for key, feats in enumerate((old, recent, undated)):
        index.add(key, feats)
    assert recent.day is not None
    cutoff = recent.day - PARAMS.window_days
    assert index.expire(cutoff) == [0]
    # Expired articles are archived: left out when the caller says none of them can be
    # the story, still found by the undated and the late articles that ask.
    assert index.candidate_array(recent, archive=False).tolist() == [1, 2]
    assert index.candidates(undated) == [0, 1, 2]
    assert not index.is_live(0) and 0 in index
    assert index.expire(cutoff) == []
    index.remove(0)
    assert index.candidates(undated) == [1, 2]


def test_link_needs_added_articles() -> None:
    clusters = StoryClusters(PARAMS)
    clusters.add(1, _event_article(0))
    with pytest.raises(KeyError, match="never added"):
        clusters.link(1, 2, 0.9)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("threshold", 0.0),
        ("threshold", 1.5),
        ("key_terms", 1),
        ("key_terms", 500),
        ("max_terms", 0),
        ("window_days", -1),
        ("common_zipf", -1.0),
        ("name_bonus", -0.5),
        ("split_ncut", 1.5),
        ("split_ncut", -0.1),
        ("cut_cap", 0.0),
        ("features_version", 1),
    ],
)
def test_bad_parameters_are_refused(field: str, value: object) -> None:
    with pytest.raises(StoryParamsError, match=field):
        StoryParams(**{field: value})  # type: ignore[arg-type]


def test_parameters_round_trip() -> None:
    params = StoryParams(threshold=0.4)
    assert StoryParams.from_dict(params.to_dict()) == params
    assert params.sketch_differences(StoryParams()) == []
    assert StoryParams(key_terms=6).sketch_differences(StoryParams()) == ["key_terms: 6 -> 12"]


def test_parameters_of_an_older_feature_version_are_refused() -> None:
    stored = StoryParams().to_dict()
    stored.pop("features_version")  # as stored before features read the case
    with pytest.raises(ConfigMismatch, match="feature version 1"):
        StoryParams.from_dict(stored)


def test_parameters_stored_before_body_words_read_the_whole_body() -> None:
    stored = StoryParams().to_dict()
    stored.pop("body_words")  # as stored before the parameter existed
    assert StoryParams.from_dict(stored).body_words == 0


# ------------------------------------------------------------------ the opening of the body
def test_only_the_opening_words_of_the_body_are_read() -> None:
    opening = " ".join(f"Report{i:03d} met envoys." for i in range(200))  # 600 words
    tail = "\n\nLater paragraphs recall Zorvath Quellmar, Vostrikov and 1987."
    params = StoryParams(body_words=600)
    assert story_features("Title", opening + tail, None, params) == story_features(
        "Title", opening, None, params
    )
    whole = story_features("Title", opening + tail, None, StoryParams(body_words=0))
    assert "zorvath" in whole.terms
    assert whole != story_features("Title", opening, None, StoryParams(body_words=0))


@pytest.mark.parametrize("words", [1, 2, 5, 7])
def test_the_opening_ends_after_its_last_word(words: int) -> None:
    body = "  one two\tthree\n\nfour  five six   seven"
    cut = opening(body, words)
    assert cut.split() == body.split()[:words]
    assert body.startswith(cut)
    assert opening(body, 0) == body


# ------------------------------------------------------------------ names and words
def _weights_of(body: str, params: StoryParams = PARAMS) -> dict[str, float]:
    return story_features(None, body, None, params).vector()


def test_a_name_outweighs_a_word_of_the_same_rarity() -> None:
    # Both are unknown to the rarity model (weight 6): one is written as a name inside a
    # sentence, the other in lower case.
    weights = _weights_of("The envoy Zorvath met a quellmar.")
    assert weights["zorvath"] / weights["quellmar"] == pytest.approx(
        (6.0 + PARAMS.name_bonus) / PARAMS.word_cap, rel=1e-5
    )
    plain = _weights_of(
        "The envoy Zorvath met a quellmar.", StoryParams(name_bonus=0.0, word_cap=PARAMS.common_zipf)
    )
    assert plain["zorvath"] == pytest.approx(plain["quellmar"])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Zorvath met the envoy.", 6.0),  # a capital that starts a sentence says nothing
        ("The envoy met ZORVATH.", 6.0),  # nor does ALL CAPS
        ("The envoy met Zorvath. Later zorvath left.", 3.0),  # lower case once: a word
        ("The envoy met Zorvath. Later Zorvath left.", 6.5),  # capitalised inside: a name
    ],
)
def test_what_the_spelling_says(body: str, expected: float) -> None:
    weights = _weights_of(body)
    assert weights["zorvath"] / weights["envoy"] == pytest.approx(
        expected / term_and_weight("envoy", "en", PARAMS.common_zipf)[1], rel=1e-5
    )


def test_headline_capitals_are_no_evidence_of_names() -> None:
    titled = story_features("Envoy Meets Quellmar", "the envoy met a quellmar.", None, PARAMS)
    plain = story_features(None, "the envoy met a quellmar.", None, PARAMS)
    assert titled.terms[0] in {"quellmar", "envoy"}
    ratio = titled.vector()["quellmar"] / titled.vector()["envoy"]
    assert ratio == pytest.approx(plain.vector()["quellmar"] / plain.vector()["envoy"])


def test_accents_are_folded() -> None:
    assert (
        _weights_of("Thieves hit a store on Place Vendôme.").keys()
        == _weights_of("Thieves hit a store on Place Vendome.").keys()
    )


# ------------------------------------------------------------------ cutting stories
def _bare(key: int, day: int | None = None) -> StoryFeatures:
    """Features with nothing but a day and a fingerprint: all the clusters read."""
    return StoryFeatures(
        terms=(),
        weights=b"",
        quotes=(),
        quote_grams=b"",
        day=day,
        fingerprint=(key * 0x9E3779B97F4A7C15) % (1 << 64),
    )


def _two_events(
    size: int, bridges: int, score: float = 0.5, bridge: float = 0.3
) -> list[tuple[int, int, float]]:
    """Two events of ``size`` articles each, every pair of an event linked, ``bridges``
    links across."""
    links = []
    for first in (0, size):
        links += [(a, b, score) for a in range(first, first + size) for b in range(a + 1, first + size)]
    links += [(i, size + i, bridge) for i in range(bridges)]
    return links


def _clusters(
    count: int, links: list[tuple[int, int, float]], params: StoryParams = PARAMS
) -> set[frozenset[int]]:
    clusters = StoryClusters(params)
    for key in range(count):
        clusters.add(key, _bare(key))
    for a, b, score in links:
        clusters.link(a, b, score)
    groups: dict[int, set[int]] = {}
    for key, label in clusters.stories().items():
        groups.setdefault(label, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_two_events_bridged_by_a_few_links_are_two_stories() -> None:
    want = {frozenset(range(6)), frozenset(range(6, 12))}
    assert _clusters(12, _two_events(6, bridges=2)) == want
    # Union-find alone (no cut) would make one story of them.
    assert _clusters(12, _two_events(6, bridges=2), StoryParams(split_ncut=0.0)) == {frozenset(range(12))}


def test_an_event_linked_as_densely_across_as_inside_stays_one_story() -> None:
    everything = [(a, b, 0.5) for a in range(12) for b in range(a + 1, 12)]
    assert _clusters(12, everything) == {frozenset(range(12))}
    # Half the pairs across linked: still far more than a bottleneck.
    half = [*_two_events(6, bridges=0), *((a, 6 + (a + k) % 6, 0.5) for a in range(6) for k in range(3))]
    assert _clusters(12, half) == {frozenset(range(12))}


def test_no_article_is_cut_off_alone() -> None:
    # A chain: each article linked to the next only. Every cut would leave a side of one
    # or a weak middle; the cut needs two sides of two or more that keep most links inside.
    chain = [(k, k + 1, 0.4) for k in range(3)]
    assert _clusters(4, chain) == {frozenset(range(4))}
    leaf = [*_two_events(4, bridges=0)[:6], (0, 4, 0.3)]  # four linked articles and a leaf
    assert _clusters(5, leaf) == {frozenset(range(5))}


def test_copies_are_never_cut_apart() -> None:
    links = [*_two_events(6, bridges=2), (5, 11, 2.0)]  # a near copy across the events
    stories = _clusters(12, links)
    assert any({5, 11} <= s for s in stories)


def test_a_large_group_is_cut_on_its_strongest_links_first() -> None:
    size = MAX_NODES // 2 + 4  # more articles than a cut reads: the strongest are joined
    stories = _clusters(2 * size, _two_events(size, bridges=3))
    assert stories == {frozenset(range(size)), frozenset(range(size, 2 * size))}


@given(
    st.integers(4, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(
                    st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from([0.3, 0.35, 0.5, 0.8, 2.0])
                ),
                min_size=3,
                max_size=40,
            ),
        )
    ),
    st.randoms(use_true_random=False),
)
@settings(max_examples=80, deadline=None)
def test_the_cut_does_not_depend_on_the_order_of_links_or_articles(
    graph: tuple[int, list[tuple[int, int, float]]], rnd: object
) -> None:
    count, links = graph
    # One score a pair, as the verdict gives (a pair is judged once, the same both ways).
    links = list({(min(a, b), max(a, b)): (a, b, s) for a, b, s in links if a != b}.values())
    order, shuffled = list(range(count)), links[:]
    rnd.shuffle(order)  # type: ignore[attr-defined]
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    clusters = StoryClusters(PARAMS)
    for key in order:
        clusters.add(key, _bare(key))
    for a, b, score in shuffled:
        clusters.link(b, a, score)
    groups: dict[int, set[int]] = {}
    for key, label in clusters.stories().items():
        groups.setdefault(label, set()).add(key)
    assert {frozenset(g) for g in groups.values()} == _clusters(count, links)


def test_a_tie_between_cuts_is_broken_by_content_not_arrival() -> None:
    # Six groups of four in a ring, each group linked to the next: by symmetry, three cuts
    # into two halves of three groups are equally good. The cut read in arrival order would
    # pick one by the order the articles came in; read in the order of their content, it
    # picks the same one every time.
    ring = []
    for group in range(6):
        first, following = 4 * group, 4 * ((group + 1) % 6)
        ring += [(a, b, 0.45) for a in range(first, first + 4) for b in range(a + 1, first + 4)]
        ring += [(first + i, following + j, 0.3) for i in range(4) for j in range(4)]
    reference = _clusters(24, ring)
    assert sorted(len(s) for s in reference) == [12, 12]
    rnd = random.Random(7)
    for _ in range(6):
        order, links = list(range(24)), ring[:]
        rnd.shuffle(order)
        rnd.shuffle(links)
        clusters = StoryClusters(PARAMS)
        for key in order:
            clusters.add(key, _bare(key))
        for a, b, score in links:
            clusters.link(a, b, score)
        groups: dict[int, set[int]] = {}
        for key, label in clusters.stories().items():
            groups.setdefault(label, set()).add(key)
        assert {frozenset(g) for g in groups.values()} == reference


def test_link_matrix_adds_links_in_any_order() -> None:
    links = [(0, 1, 0.2), (1, 0, 0.3), (1, 2, 0.5), (2, 2, 0.9)]
    a, b = link_matrix(3, links), link_matrix(3, links[::-1])
    assert (a == b).all() and (a == a.T).all()
    assert a[0, 1] == pytest.approx(0.5)
    assert a[2, 2] == 0.0


def test_parts_of_an_unlinkable_pair_of_cliques() -> None:
    weights = link_matrix(
        8,
        [(a, b, 0.5) for first in (0, 4) for a in range(first, first + 4) for b in range(a + 1, first + 4)]
        + [(3, 4, 0.1)],
    )
    assert parts(weights, 0.6) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert parts(weights, 0.0) == [list(range(8))]


def test_parts_of_unlinked_pieces_are_the_pieces() -> None:
    weights = link_matrix(6, [(0, 1, 0.5), (1, 2, 0.5), (3, 4, 0.5)])
    assert parts(weights, 0.6) == [[0, 1, 2], [3, 4], [5]]


@given(st.lists(articles(), min_size=10, max_size=30))
@settings(max_examples=40, deadline=None)
def test_the_screen_keeps_every_candidate_the_verdict_accepts(
    items: list[tuple[str, str, When | None]],
) -> None:
    feats = _features(items)
    screen = TermScreen(PARAMS.max_terms)
    for k, f in enumerate(feats[1:], start=1):
        screen.add(k, f)
    quoted = min(PARAMS.threshold, PARAMS.quote_threshold)
    candidates = list(range(1, len(feats)))
    kept = [c for c, _ in screen.screen(feats[0], candidates, PARAMS.threshold, quoted)]
    for k in candidates:
        if link(feats[0], feats[k], PARAMS) is not None:
            assert k in kept
        both_quote = bool(feats[0].quote_grams and feats[k].quote_grams)
        floor = quoted if both_quote else PARAMS.threshold
        if compare(feats[0], feats[k], PARAMS).score < floor - 1e-3:
            assert k not in kept  # the screen is no pass-through


def test_the_screen_drops_unrelated_articles_and_keeps_unknown_ones() -> None:
    seeds = [story_features(t, b, w, PARAMS) for _, t, b, w in _seed_articles()]
    others = [
        story_features(
            None,
            f"Quarterly sales of {name} rose by {n} percent in Rotterdam, the harbour authority said.",
            None,
            PARAMS,
        )
        for n, name in enumerate(
            ["tulips", "herring", "cheese", "bicycles", "clogs", "windmills", "gouda", "stroopwafels"],
            start=11,
        )
    ]
    screen = TermScreen(PARAMS.max_terms)
    for k, f in enumerate([*seeds, *others]):
        screen.add(k, f)
    candidates = [*range(1, len(seeds) + len(others)), 99]
    kept = [c for c, _ in screen.screen(seeds[0], candidates, PARAMS.threshold)]
    assert 99 in kept  # not held: kept for the exact verdict
    assert not set(range(len(seeds), len(seeds) + len(others))) & set(kept)
    assert {
        k for k in range(1, len(seeds)) if compare(seeds[0], seeds[k], PARAMS).score >= PARAMS.threshold
    } <= set(kept)
    screen.remove(1)
    assert (1, False) in screen.screen(seeds[0], candidates, PARAMS.threshold)  # removed: unknown


def test_the_tier_expires_texts_no_new_article_can_join() -> None:
    from dedup.stories.tier import EXPIRY_QUORUM, StoryTier

    tier = StoryTier(PARAMS)
    tier.add(0, _event_article(0), [])
    tier.add(1, _event_article(None), [])
    late = PARAMS.window_days + 5
    for k in range(2, 2 + EXPIRY_QUORUM):
        links, _ = tier.add(k, _event_article(late), [])
        assert {o for o, _ in links} >= {1}  # the undated one stays a candidate
    # Day 0 left the live candidate index once EXPIRY_QUORUM texts were dated `late`, but
    # its story is kept, and removing it still works.
    assert not tier._index.is_live(0) and 0 in tier.features
    assert tier.label[0] == 0
    # An article dated inside day 0's window still finds it (in the archive): the links,
    # and so the stories, do not depend on which of the two came first; one dated `late`
    # does not ask the archive.
    assert 0 in {o for o, _ in tier.find(_event_article(1))}
    assert 0 in {o for o, _ in tier.find(_event_article(None))}
    assert 0 not in {o for o, _ in tier.find(_event_article(late))}
    tier.remove(0)
    assert 0 not in tier.label


def test_one_wrong_date_far_ahead_does_not_empty_the_tier() -> None:
    from dedup.stories.tier import StoryTier

    tier = StoryTier(PARAMS)
    for k in range(5):
        tier.add(k, _event_article(k), [])
    tier.add(99, _event_article(3650), [])  # a date ten years off
    links, _ = tier.add(100, _event_article(3), [])
    assert {o for o, _ in links} >= {0, 1, 2, 3, 4}


def test_the_screen_answers_the_same_for_keys_beyond_its_row_array() -> None:
    feats = [story_features(t, b, w, PARAMS) for _, t, b, w in _seed_articles()] * 2
    feats += [
        story_features(None, f"Sales of {name} rose by {n} percent in Rotterdam.", None, PARAMS)
        for n, name in enumerate(["tulips", "herring", "gouda"], 11)
    ]
    near, far = TermScreen(PARAMS.max_terms), TermScreen(PARAMS.max_terms)
    offset = 1 << 40  # past the keys the screen finds in an array: looked up in its dict
    for k, f in enumerate(feats[1:], start=1):
        near.add(k, f)
        far.add(offset + k, f)
    keys = list(range(1, len(feats)))
    kept = near.screen(feats[0], keys, PARAMS.threshold)
    assert [
        (k - offset, b) for k, b in far.screen(feats[0], [offset + k for k in keys], PARAMS.threshold)
    ] == kept
    assert 0 < len(kept) < len(keys)


def test_the_screen_lowers_the_floor_only_for_pairs_that_both_quote() -> None:
    said = (
        '"We will rebuild every single house that was lost in the storm before the '
        'winter comes," the mayor said.'
    )
    a = story_features(
        None,
        f"Zorvath and Quellmar met in Bristane. {said} Okaveno and "
        "Thandril stayed away from the talks in Marrowick.",
        None,
        PARAMS,
    )
    b = story_features(
        None,
        f"Zorvath and Quellmar visited Dunlorren. {said} Ashfeld, "
        "Corvanti and Yselde sent envoys to Ketterby and Wolstane, Ferromund "
        "and Grauvoss.",
        None,
        PARAMS,
    )
    evidence = compare(a, b, PARAMS)
    assert PARAMS.quote_threshold <= evidence.score < PARAMS.threshold
    assert link(a, b, PARAMS) is not None  # linked by the quote it shares
    screen = TermScreen(PARAMS.max_terms)
    screen.add(1, b)
    for k in range(2, 10):
        screen.add(k, story_features(None, f"Sales of gouda rose by {k}0 percent.", None, PARAMS))
    candidates = list(range(1, 10))
    # Kept for its quotes, marked as surely below the threshold.
    assert screen.screen(a, candidates, PARAMS.threshold, PARAMS.quote_threshold) == [(1, True)]
    assert screen.screen(a, candidates, PARAMS.threshold) == []
    # The same rewrite without the quote: below the threshold, and no quote to share.
    c = story_features(
        None,
        "Zorvath and Quellmar visited Dunlorren. Ashfeld, "
        "Corvanti and Yselde sent envoys to Ketterby and Wolstane, Ferromund "
        "and Grauvoss.",
        None,
        PARAMS,
    )
    assert PARAMS.quote_threshold <= compare(a, c, PARAMS).score < PARAMS.threshold
    screen.add(1, c)
    assert screen.screen(a, candidates, PARAMS.threshold, PARAMS.quote_threshold) == []


@given(st.lists(articles(), min_size=10, max_size=30), st.randoms(use_true_random=False))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_tier_makes_the_stories_that_verifying_every_pair_makes(
    items: list[tuple[str, str, When | None]], rnd: random.Random
) -> None:
    order = list(range(len(items)))
    rnd.shuffle(order)
    _tier_equals_brute_force(items, order)


def test_copy_links_take_no_place_among_an_articles_strongest() -> None:
    """Found by the property above: two articles with the same features (a copy link,
    score 1) and others close to them. The graph keeps copy links apart from an article's
    ``max_links`` strongest, so the tier must not count one when it decides that no later
    candidate can be among them."""
    rows = json.loads((ROOT / "fixtures" / "stories" / "copy_links.json").read_text(encoding="utf-8"))
    items = [
        (r["title"], r["body"], None if r["day"] is None else When(date.fromisoformat(r["day"])))
        for r in rows
    ]
    for seed in range(30):
        order = list(range(len(items)))
        random.Random(seed).shuffle(order)
        _tier_equals_brute_force(items, order)


def _tier_equals_brute_force(items: list[tuple[str, str, When | None]], order: list[int]) -> None:
    # The tier verifies only the pairs that may become links (the strongest max_links of
    # either text); the stories are those of StoryClusters fed every accepted pair, in
    # any arrival order. A small max_links makes the bound bite on these few articles.
    from dedup.stories.tier import StoryTier

    params = StoryParams(max_links=2)
    feats = [story_features(t, b, w, params) for t, b, w in items]
    tier = StoryTier(params)
    for k in order:
        tier.add(k, feats[k], [])
        found = dict(tier.accepted(feats[k]))
        assert all(link(feats[k], feats[o], params) is not None for o in found if o != k)
    tier.flush()
    brute = StoryClusters(params)
    for k, f in enumerate(feats):
        brute.add(k, f)
    for a in range(len(feats)):
        for b in range(a):
            if (e := link(feats[a], feats[b], params)) is not None:
                brute.link(a, b, e.score)

    def groups(labels: dict[int, int]) -> set[frozenset[int]]:
        out: dict[int, set[int]] = {}
        for key, label in labels.items():
            out.setdefault(label, set()).add(key)
        return {frozenset(g) for g in out.values()}

    assert groups(dict(tier.label)) == groups(brute.stories())
    assert set(brute.links()) == set(tier._clusters.links())


def test_a_link_is_among_the_strongest_pairs_of_either_article() -> None:
    clusters = StoryClusters(StoryParams(max_links=2))
    for key in range(5):
        clusters.add(key, _bare(key))
    for a, b, score in [(0, 1, 0.9), (0, 2, 0.8), (0, 3, 0.7), (3, 4, 0.6)]:
        clusters.link(a, b, score)
    # 0-3 is not among 0's two strongest, but it is among 3's: a link.
    assert {(a, b) for a, b, _ in clusters.links()} == {(0, 1), (0, 2), (0, 3), (3, 4)}
    clusters.link(3, 1, 0.95)
    clusters.link(3, 2, 0.9)
    # Now 3 has two stronger pairs, and 0 never had 0-3 among its own: unlinked.
    assert (0, 3) not in {(a, b) for a, b, _ in clusters.links()}
    assert clusters.bar(3) == 0.9 and clusters.bar(4) == 0.0


def test_a_large_group_is_cut_when_it_has_doubled_and_at_flush() -> None:
    from dedup.stories.cluster import SETTLE_ALWAYS

    size = 3 * SETTLE_ALWAYS
    links = _two_events(size // 2, bridges=2)
    stream = StoryClusters(PARAMS)
    for key in range(size):
        stream.add(key, _bare(key))
    for a, b, score in sorted(links, key=lambda link: max(link[:2])):
        stream.link(a, b, score)
        stream.story_of(max(a, b))
    assert stream.pending() or stream.stories()
    want = {frozenset(range(size // 2)), frozenset(range(size // 2, size))}
    groups: dict[int, set[int]] = {}
    for key, label in stream.stories().items():
        groups.setdefault(label, set()).add(key)
    assert {frozenset(g) for g in groups.values()} == want == _clusters(size, links)
    assert not stream.pending()


@pytest.mark.parametrize(
    ("changes", "together", "starts"),
    [
        ({}, True, "linked: score 0.400 >= threshold 0.28; same story"),
        ({}, False, "linked: score 0.400 >= threshold 0.28; different stories: the pair is linkable"),
        ({"shared_key_terms": 1}, False, "not linked: 1 of the 12 heaviest terms in common, 2 needed"),
        ({"date_gap_days": 40}, False, "not linked: published 40 days apart"),
        ({"score": 0.2}, True, "not linked: score 0.200 < threshold 0.28; same story, through other"),
        (
            {"score": 0.2, "shared_quote_grams": 3},
            True,
            "linked: 3 shared quote 4-grams >= 3 and score 0.200",
        ),
    ],
)
def test_explain_names_the_rule_that_decided(changes: dict[str, object], together: bool, starts: str) -> None:
    from dedup.report.explain import story_rule
    from dedup.stories import StoryEvidence

    base = StoryEvidence(
        score=0.4,
        shared_terms=(),
        shared_quotes=(),
        shared_quote_grams=0,
        date_gap_days=0,
        shared_key_terms=3,
    )
    evidence = dataclasses.replace(base, **changes)  # type: ignore[arg-type]
    rule = story_rule(evidence, PARAMS, together)
    assert rule.startswith(starts)
    assert rule.startswith("linked") == same_story(evidence, PARAMS)  # never against its figures
