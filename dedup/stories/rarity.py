"""A fixed, offline rarity model: how much a word says about what an article is about.

Weights come from the ``wordfreq`` package's word frequencies (shipped with the package,
no download), never from the articles seen so far: an online IDF would make the verdict
on a pair depend on which articles arrived before it, and so the clusters on the arrival
order. The weight of a word is ``common_zipf - zipf(word)`` (floored at 0): the Zipf scale
is log10 of the frequency per billion words, so this is an IDF-like information measure
that gives nothing to the commonest words (the, said) and most to names unseen in the
reference (Shoigu, Qeshm).

Words are folded to a light stem first (English plural, -ed, -ing; a Korean particle), only
when the stem is itself a known word, so "countries" meets "country" and names stay intact.
Which language's list a word takes is :func:`dedup.stories.scripts.language_of`'s answer.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache
from typing import Any

from dedup.errors import DedupError

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Tried in order; the first stem that is a known word wins ("probes": probe before prob).
_SUFFIXES = (("ies", "y"), ("s", ""), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""))
_MIN_WORD = 2
_MIN_STEM = 3
_STEM_RATIO = 0.2  # the stem must be at least this fraction as frequent as the word


class RarityUnavailable(DedupError, RuntimeError):
    """The rarity model (the wordfreq package, or one of its languages) is missing."""


def _wordfreq() -> Any:
    """The wordfreq module, or a clear error naming it."""
    try:
        import wordfreq
    except ImportError as e:
        raise RarityUnavailable(
            "the story tier needs the 'wordfreq' package for its rarity model; "
            "install it with: pip install wordfreq"
        ) from e
    return wordfreq


@lru_cache(maxsize=1)
def available() -> frozenset[str]:
    """The languages wordfreq has word lists for."""
    return frozenset(_wordfreq().available_languages())


@lru_cache(maxsize=16)
def frequencies(language: str) -> dict[str, float]:
    """wordfreq's word -> frequency table for ``language`` (loaded once a process)."""
    get_frequency_dict = _wordfreq().get_frequency_dict
    try:
        table: dict[str, float] = get_frequency_dict(language)
    except (LookupError, ValueError) as e:
        raise RarityUnavailable(
            f"wordfreq has no word list for language {language!r}; use one it ships "
            "(e.g. 'en', 'fr', 'de', 'es')"
        ) from e
    log.debug("loaded %d word frequencies for %r", len(table), language)
    return table


def zipf(word: str, language: str) -> float:
    """Zipf frequency of ``word`` (log10 per billion words); 0 for a word never seen."""
    freq = frequencies(language).get(word)
    return 0.0 if not freq else math.log10(freq) + 9.0


# Korean writes its particles onto the noun (서울시는, 요금을): the noun is the term when
# the word is unlisted and the noun is listed. Longest first.
_PARTICLES = tuple(
    sorted(
        (
            "은",
            "는",
            "이",
            "가",
            "을",
            "를",
            "의",
            "에",
            "에서",
            "에게",
            "로",
            "으로",
            "와",
            "과",
            "도",
            "만",
            "부터",
            "까지",
            "보다",
        ),
        key=len,
        reverse=True,
    )
)


def stem(word: str, language: str) -> str:
    """A light stem when the result is a known word (English suffixes, Korean particles);
    the word itself otherwise."""
    if language == "ko":
        return _noun(word, frequencies(language))
    if language != "en":
        return word
    table = frequencies(language)
    own = table.get(word, 0.0)
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            candidate = word[: -len(suffix)] + replacement
            freq = table.get(candidate)
            if freq is not None and freq >= own * _STEM_RATIO:
                return candidate
    return word


def _noun(word: str, table: dict[str, float]) -> str:
    if word in table:
        return word
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) and word[: -len(particle)] in table:
            return word[: -len(particle)]
    return word


@lru_cache(maxsize=1 << 18)
def term_and_weight(word: str, language: str, common_zipf: float) -> tuple[str, float]:
    """The index term a word stands for (its stem) and that term's rarity weight.

    A possessive counts as its noun (Shoigu's: shoigu); a one-letter word weighs nothing.
    """
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) < _MIN_WORD:
        return word, 0.0
    term = stem(word, language)
    return term, max(0.0, common_zipf - zipf(term, language))
