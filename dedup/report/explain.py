"""Why two indexed articles are (or are not) copies or one story: scores, shared passages,
shared terms and quotes, and the date gap."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedup.copies.normalise import normalise, words
from dedup.copies.shingles import shingle_hashes
from dedup.copies.sketch import estimate_jaccard
from dedup.copies.verify import is_near_copy, overlap
from dedup.errors import UnknownArticle
from dedup.params import Params
from dedup.store import Store, queries
from dedup.stories import StoryEvidence, StoryParams, compare, same_story
from dedup.stories.compare import MIN_KEY_TERMS
from dedup.stories.features import decode_features
from dedup.stories.scripts import UNSPACED


@dataclass(frozen=True)
class Explanation:
    a: str
    b: str
    same_text: bool
    jaccard_estimate: float
    jaccard: float
    a_in_b: float
    b_in_a: float
    near_copy: bool
    same_copy_group: bool
    same_story: bool
    recorded: str | None  # the relation stored in matches, if the pair was verified directly
    passages: tuple[str, ...]
    story: StoryEvidence | None = None  # the story tier's comparison
    story_verdict: bool = False
    story_rule: str = ""  # the rule that decided the pair's verdict, and how the stories took it


def explain(
    store: Store, params: Params, story_params: StoryParams, a: str, b: str, max_passages: int = 3
) -> Explanation:
    rows = {}
    for aid in (a, b):
        row = queries.pair_rows(store, aid)
        if row is None:
            raise UnknownArticle(f"no article {aid!r} in the index; see `dedup clusters` for ids")
        rows[aid] = row
    ra, rb = rows[a], rows[b]
    sig_a, sig_b = (np.frombuffer(r[4], dtype=np.uint32) for r in (ra, rb))
    set_a, set_b = (np.frombuffer(r[5], dtype=np.uint32) for r in (ra, rb))
    o = overlap(set_a, set_b)
    recorded = queries.recorded_relation(store, a, b)
    story = None
    if ra[6] and rb[6]:
        story = compare(decode_features(ra[6]), decode_features(rb[6]), story_params)
    verdict = story is not None and same_story(story, story_params)
    return Explanation(
        story=story,
        story_verdict=verdict,
        story_rule="" if story is None else story_rule(story, story_params, ra[2] == rb[2]),
        a=a,
        b=b,
        same_text=ra[0] == rb[0],
        jaccard_estimate=round(estimate_jaccard(sig_a, sig_b), 4),
        jaccard=round(o.jaccard, 4),
        a_in_b=round(o.a_in_b, 4),
        b_in_a=round(o.b_in_a, 4),
        near_copy=is_near_copy(o, params.jaccard_threshold, params.containment_threshold),
        same_copy_group=ra[1] == rb[1],
        same_story=ra[2] == rb[2],
        recorded=recorded,
        passages=shared_passages(ra[3], set_b, params.shingle_size, max_passages),
    )


def story_rule(evidence: StoryEvidence, params: StoryParams, together: bool) -> str:
    """The rule of :func:`~dedup.stories.same_story` that decided the pair, with the
    figures it read, then what the stories made of it: every verdict names its own test,
    so none contradicts the score and threshold it prints."""
    s, gap = evidence.score, evidence.date_gap_days
    if gap is not None and gap > params.window_days:
        rule = f"not linked: published {gap} days apart, more than window_days {params.window_days}"
    elif evidence.shared_key_terms < MIN_KEY_TERMS:
        rule = (
            f"not linked: {evidence.shared_key_terms} of the {params.key_terms} heaviest terms "
            f"in common, {MIN_KEY_TERMS} needed (score {s:.3f}, threshold {params.threshold})"
        )
    elif s >= params.threshold:
        rule = f"linked: score {s:.3f} >= threshold {params.threshold}"
    elif evidence.shared_quote_grams >= params.quote_min_shared and s >= params.quote_threshold:
        rule = (
            f"linked: {evidence.shared_quote_grams} shared quote {params.quote_words}-grams >= "
            f"{params.quote_min_shared} and score {s:.3f} >= quote_threshold {params.quote_threshold}"
        )
    else:
        rule = f"not linked: score {s:.3f} < threshold {params.threshold}"
        if evidence.shared_quote_grams:
            rule += (
                f" ({evidence.shared_quote_grams} shared quote {params.quote_words}-grams, "
                f"{params.quote_min_shared} needed at score >= {params.quote_threshold})"
            )
    linked = rule.startswith("linked")
    if linked and together:
        outcome = "same story"
    elif linked:
        outcome = (
            "different stories: the pair is linkable, but the stories were parted by the time "
            f"window of their group ({params.window_days} days), by the cut where the links "
            f"thin out (split_ncut {params.split_ncut}), or the pair is not among the "
            f"{params.max_links} strongest of either article"
        )
    elif together:
        outcome = "same story, through other articles' links"
    else:
        outcome = "different stories"
    return f"{rule}; {outcome}"


def shared_passages(body: str, other: np.ndarray, size: int, limit: int) -> tuple[str, ...]:
    """The longest runs of ``body``'s words whose shingles all occur in the other text."""
    tokens = words(normalise(body))
    hashes = shingle_hashes(tokens, size)
    shared = np.isin(hashes, other)
    runs: list[tuple[int, int]] = []
    start = None
    for i, hit in enumerate([*shared.tolist(), False]):
        if hit and start is None:
            start = i
        elif not hit and start is not None:
            runs.append((start, i - 1))
            start = None
    runs.sort(key=lambda r: (r[0] - r[1], r[0]))
    return tuple(_clip(tokens[s : e + size]) for s, e in runs[:limit])


def _clip(passage: list[str], most: int = 24) -> str:
    """A passage of at most ``most`` tokens: its start and end around an ellipsis."""
    if len(passage) <= most:
        return _joined(passage)
    half = most // 2
    return f"{_joined(passage[:half])} ... {_joined(passage[-half:])} ({len(passage)} tokens)"


def _joined(tokens: list[str]) -> str:
    """Tokens as text: spaced, but letters of an unspaced script run together, as written."""
    out = ""
    for i, token in enumerate(tokens):
        if i and not (UNSPACED.match(token) and UNSPACED.match(tokens[i - 1])):
            out += " "
        out += token
    return out
