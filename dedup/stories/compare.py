"""The pair verdict: are two articles linked, that is alike enough to be one story?

Stories are the linked groups, split by time and cut where their links thin out
(:mod:`dedup.stories.cluster`): a link is evidence, the story is decided on the group. The
score is the cosine of the two salient-term vectors: shared rare names, places,
numbers and dates count, common words don't, and the title and lead count double. A pair
must also share at least two of the ``key_terms`` heaviest terms of both articles (who and
where, say): a story is named by its main terms, and two events of one kind (two fires at
one supermarket chain) share many terms but rarely two of the main ones. That condition is
exactly what the candidate index looks up, so the index misses no pair the verifier could
accept. Two dated articles further apart than the window are never linked. Shared quote
n-grams let a pair through at a lower cosine, because rewrites keep the quotes even when
they change every other sentence. The verdict depends on the two articles only (no corpus
statistics), and ``compare(a, b)`` equals ``compare(b, a)`` to the last bit.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass

from dedup.stories.features import StoryFeatures, grams_among
from dedup.stories.params import StoryParams

_SHOWN_TERMS = 12
MIN_KEY_TERMS = 2
"""Key terms one story shares at least: the index files articles under pairs of them."""


@dataclass(frozen=True)
class StoryEvidence:
    """Why a pair is, or is not, one story.

    ``score`` is the salient-term cosine (0-1); ``shared_terms`` the shared terms that
    contribute most, heaviest first (dates named in both texts appear as ``@YYYY-MM-DD``);
    ``shared_quotes`` the quoted word n-grams both articles hold and ``shared_quote_grams``
    their count; ``date_gap_days`` the days between the publication days, ``None`` when
    either is unknown; ``shared_key_terms`` how many of the ``key_terms`` heaviest terms
    the two have in common.
    """

    score: float
    shared_terms: tuple[str, ...]
    shared_quotes: tuple[str, ...]
    shared_quote_grams: int
    date_gap_days: int | None
    shared_key_terms: int = 0


def _merge_grams(grams: list[str]) -> tuple[str, ...]:
    """Consecutive overlapping n-grams of one passage joined back into phrases."""
    phrases: list[list[str]] = []
    for gram in grams:
        words = gram.split(" ")
        last = phrases[-1] if phrases else None
        if last is not None and last[-(len(words) - 1) :] == words[:-1]:
            last.append(words[-1])
        else:
            phrases.append(words)
    return tuple(" ".join(p) for p in phrases)


def _shared_quotes(
    a: StoryFeatures, b: StoryFeatures, shared: frozenset[int], params: StoryParams
) -> tuple[str, ...]:
    # Read the phrases from the article with the smaller fingerprint, so the answer is the
    # same whichever way round the pair is asked.
    source = a if (a.fingerprint, a.terms) <= (b.fingerprint, b.terms) else b
    out: list[str] = []
    for passage in source.quotes:
        out.extend(_merge_grams(grams_among(passage, shared, params)))
    return tuple(dict.fromkeys(out))


def _products(va: dict[str, float], b: StoryFeatures) -> list[tuple[float, str]]:
    """(weight product, term) of each term ``b`` shares with the vector ``va``."""
    return [
        (weight * va[term], term)
        for term, weight in zip(b.terms, memoryview(b.weights).cast("f"), strict=True)
        if term in va
    ]


def _evidence(
    a: StoryFeatures,
    b: StoryFeatures,
    products: list[tuple[float, str]],
    score: float,
    params: StoryParams,
) -> StoryEvidence:
    products.sort(key=lambda item: (-item[0], item[1]))
    shared = a.grams() & b.grams() if a.quote_grams and b.quote_grams else frozenset()
    return StoryEvidence(
        score=score,
        shared_terms=tuple(t for _, t in products[:_SHOWN_TERMS]),
        shared_quotes=_shared_quotes(a, b, shared, params) if shared else (),
        shared_quote_grams=len(shared),
        date_gap_days=None if a.day is None or b.day is None else abs(a.day - b.day),
        shared_key_terms=len(set(a.terms[: params.key_terms]) & set(b.terms[: params.key_terms])),
    )


def compare(a: StoryFeatures, b: StoryFeatures, params: StoryParams) -> StoryEvidence:
    """The evidence that ``a`` and ``b`` report the same event (symmetric)."""
    products = _products(a.vector(), b)
    # fsum is exactly rounded, so the order of the terms (a's or b's) can't change the score.
    return _evidence(a, b, products, min(1.0, math.fsum(p for p, _ in products)), params)


def verdict(
    a: StoryFeatures, b: StoryFeatures, params: StoryParams, va: dict[str, float] | None = None
) -> float | None:
    """The score of ``compare(a, b, params)`` when :func:`same_story` holds for it, else
    ``None``: the same verdict without building the evidence (the date gap and the cosine
    come first). ``va`` is ``a.vector()``, for a caller that checks one article against
    many."""
    if a.day is not None and b.day is not None and abs(a.day - b.day) > params.window_days:
        return None
    score = min(1.0, math.fsum(p for p, _ in _products(a.vector() if va is None else va, b)))
    if score < params.threshold and (
        score < params.quote_threshold
        or not (a.quote_grams and b.quote_grams)
        or len(a.grams() & b.grams()) < params.quote_min_shared
    ):
        return None
    k = params.key_terms
    if len(set(a.terms[:k]).intersection(b.terms[:k])) < MIN_KEY_TERMS:
        return None
    return score


def link(
    a: StoryFeatures, b: StoryFeatures, params: StoryParams, va: dict[str, float] | None = None
) -> StoryEvidence | None:
    """``compare(a, b, params)`` when :func:`same_story` holds for it, else ``None``.

    The same verdict, without building the evidence of the pairs that fail (most
    candidates): see :func:`verdict`.
    """
    if verdict(a, b, params, va) is None:
        return None
    evidence = compare(a, b, params)
    return evidence if same_story(evidence, params) else None


def same_story(evidence: StoryEvidence, params: StoryParams) -> bool:
    """The verdict on a pair: linked when within the time window and with enough shared
    content (the stories are then cut from the links by :class:`StoryClusters`)."""
    if evidence.date_gap_days is not None and evidence.date_gap_days > params.window_days:
        return False
    if evidence.shared_key_terms < MIN_KEY_TERMS:
        return False
    if evidence.score >= params.threshold:
        return True
    return evidence.shared_quote_grams >= params.quote_min_shared and evidence.score >= params.quote_threshold


_EVIDENCE_FIELDS = tuple(f.name for f in dataclasses.fields(StoryEvidence))


def evidence_json(evidence: StoryEvidence) -> str:
    """The evidence of a story link, as stored in ``matches.evidence`` (its fields are
    numbers, strings and tuples of strings: JSON as they are)."""
    return json.dumps({name: getattr(evidence, name) for name in _EVIDENCE_FIELDS}, sort_keys=True)
