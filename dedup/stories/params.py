"""Every tunable of the story tier, in one frozen dataclass with documented defaults.

One set of defaults for all data. They were chosen on development data (the seed pages
and the ECB+ topics 1-35, see docs/stories.md) for reasons that do not depend on that data:
each default says why it has the value it has. Fields marked ``sketch=True`` change what
:func:`~dedup.stories.features.story_features` computes or which index keys an article
gets, so features built with one value can't be compared with features built with another;
the others only change the verdicts taken from now on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dedup.errors import ConfigMismatch, DedupError
from dedup.params import ParamSet, decision_field, sketch_field


class StoryParamsError(DedupError, ValueError):
    """A story parameter is out of its range."""


FEATURES_VERSION = 2
"""How features are computed: 1 read case-folded text; 2 reads the case (names) and folds
accents. Features of two versions can't be compared."""


_sketch, _decision = sketch_field, decision_field


@dataclass(frozen=True)
class StoryParams(ParamSet):
    """Parameters of the story tier (docs/stories.md explains each default)."""

    WHAT = "story parameters"

    features_version: int = _sketch(
        FEATURES_VERSION,
        "how features are computed (fixed by the code; stored so that an index built by "
        "another version is refused instead of mixing features)",
    )
    enabled: bool = _sketch(
        True,
        "group rewrites into stories; off, an article's story is its copy group (copy "
        "detection only: no story features are computed and no story candidates searched)",
    )
    language: str = _sketch(
        "en",
        "wordfreq language of the rarity model for words in Latin script; words in other "
        "scripts take their script's language (Cyrillic ru, Arabic ar, Han zh or ja, ...)",
    )
    common_zipf: float = _sketch(
        6.0,
        "a word at or above this Zipf frequency (said, people, the) carries no weight; a "
        "rarer word weighs common_zipf - zipf, so information grows with rarity",
    )
    name_bonus: float = _sketch(
        0.5,
        "added to the rarity of a word the body writes capitalised inside a sentence and "
        "never in lower case (a name: Thompson, Wellington); Zipf units",
    )
    word_cap: float = _sketch(
        3.0,
        "most a word the body writes in lower case can weigh (a rare adjective or a typo "
        "says less about the event than a name does)",
    )
    number_weight: float = _sketch(
        3.0, "weight of a number of two or more digits (a toll, a score, an age, a year)"
    )
    date_weight: float = _sketch(3.0, "weight of a calendar date named in the text")
    title_boost: float = _sketch(1.0, "extra weight (times the term's own) for title terms")
    lead_boost: float = _sketch(1.0, "extra weight for terms first seen in the lead")
    lead_words: int = _sketch(60, "body words that make the lead (about two sentences)")
    body_words: int = _sketch(
        1000,
        "words of the body read, the first ones (0: all): a report says what happened first, "
        "so this bounds what a long article costs and leaves most reports whole",
    )
    max_terms: int = _sketch(64, "salient terms kept an article (the top by weight)")
    key_terms: int = _sketch(
        12,
        "the heaviest terms that name the event: one story shares at least two of them both "
        "ways, and their pairs are the article's index keys (k*(k-1)/2 keys: 66 of 4 bytes); "
        "with 8, a fifth of the same-event pairs of ECB+ shared fewer than two",
    )
    quote_words: int = _sketch(4, "words in a quote n-gram (rewrites keep quotes)")
    max_quotes: int = _sketch(4, "quoted passages kept an article (the first ones)")
    quote_max_words: int = _sketch(20, "words kept of each quoted passage")
    threshold: float = _decision(
        0.28,
        "two articles are linked when the salient-term cosine is at least this (dates "
        "permitting); stories are the linked groups, cut where their links thin out",
    )
    quote_min_shared: int = _decision(
        3, "... or when at least this many quote n-grams are shared, with the cosine at least"
    )
    quote_threshold: float = _decision(0.15, "... this lower floor")
    split_ncut: float = _decision(
        0.6,
        "a group of linked articles is cut in two where the normalised cut of its links is "
        "below this (0 never cuts; at most 1, so no article is ever cut off alone)",
    )
    cut_cap: float = _decision(
        0.45,
        "in the cut, a link counts at most this score: past it two texts share their wording "
        "(copies, near copies), which says no more about the story than a rewrite does",
    )
    max_links: int = _sketch(
        16,
        "links an article keeps: its strongest accepted pairs (a pair is a link when it is "
        "among the strongest of either article); bounds what a story of thousands costs, and "
        "the links an index stores (so it is fixed when the index is created)",
    )
    window_days: int = _decision(
        30,
        "two dated articles further apart than this many days are never one story, "
        "directly or through others",
    )

    def __post_init__(self) -> None:
        problems = []
        if self.features_version != FEATURES_VERSION:
            problems.append(
                f"features_version is {FEATURES_VERSION} in this version of dedup, "
                f"got {self.features_version!r}"
            )
        ranges = (
            (
                (
                    "common_zipf",
                    "name_bonus",
                    "word_cap",
                    "number_weight",
                    "date_weight",
                    "title_boost",
                    "lead_boost",
                    "lead_words",
                    "body_words",
                    "quote_min_shared",
                    "window_days",
                    "max_quotes",
                ),
                0.0,
                None,
                ">= 0",
            ),
            (("max_terms", "quote_words", "quote_max_words", "max_links"), 1.0, None, ">= 1"),
            (("split_ncut",), 0.0, 1.0, "in [0, 1]"),
        )
        for names, low, high, wanted in ranges:
            for name in names:
                value = getattr(self, name)
                if value < low or (high is not None and value > high):
                    problems.append(f"{name} must be {wanted}, got {value!r}")
        if not 2 <= self.key_terms <= self.max_terms:
            problems.append(
                f"key_terms must be between 2 and max_terms ({self.max_terms}), got {self.key_terms!r}"
            )
        for name in ("threshold", "quote_threshold", "cut_cap"):
            if not 0.0 < getattr(self, name) <= 1.0:
                problems.append(f"{name} must be in (0, 1], got {getattr(self, name)!r}")
        if problems:
            raise StoryParamsError("invalid story parameters: " + "; ".join(problems))

    @classmethod
    def _upgraded(cls, data: dict[str, Any]) -> dict[str, Any]:
        version = data.get("features_version", 1)  # absent: stored before it was recorded
        if version != FEATURES_VERSION:
            raise ConfigMismatch(
                f"the stored story features were computed by feature version {version!r}; "
                f"this dedup computes version {FEATURES_VERSION}: index into a new database, "
                "or open this one with the dedup version that built it"
            )
        # Stored before body_words existed: those features read the whole body.
        return {"body_words": 0, **data}


def describe() -> list[tuple[str, Any, bool, str]]:
    """(name, default, changes_features, description) for every parameter, for the docs."""
    return StoryParams.describe()
