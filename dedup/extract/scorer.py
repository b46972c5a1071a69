"""The line scorer: a flattened page's lines scored by the line model, memoised, with cheap
bounds for long lines (:mod:`dedup.extract.linebounds`). Apart from the model
(:mod:`dedup.extract.lines`), which the bounds build on: the two import each other no more.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

from dedup.extract.linebounds import Bounds
from dedup.extract.lines import (
    _CACHE_LIMIT,
    CREDIT_WORDS,
    FEATURES,
    WEIGHTS,
    credit_words,
    line_features,
    region_flags,
)


class LineScorer:
    """Scores lines with :data:`WEIGHTS`, memoising each distinct line (bounded).

    :meth:`info` gives the exact score; :meth:`bounds` gives a long line an interval
    holding it at a fraction of the cost (the page-level code asks for the exact score only
    where the interval leaves a decision open). ``fast=False`` makes :meth:`bounds` exact
    for every line: the full path, which the fast one must agree with.
    """

    __slots__ = ("_bounds", "_memo", "fast", "weights")

    def __init__(self, weights: tuple[float, ...] = WEIGHTS, *, fast: bool = True) -> None:
        if len(weights) != len(FEATURES):
            raise ValueError(f"need {len(FEATURES)} weights, got {len(weights)}")
        self.weights = tuple(weights)
        self.fast = fast
        self._bounds = _bounds_for(self.weights)
        # line -> (low, high, region flags), low == high once exact; one dict per `repeated`
        self._memo: tuple[dict[str, tuple[float, float, int]], ...] = ({}, {})

    def _exact(self, raw: str, repeated: bool) -> tuple[float, int]:
        """Score and region flags, memoised."""
        memo = self._memo[repeated]
        cached = memo.get(raw)
        if cached is not None and cached[0] == cached[1]:
            return cached[0], cached[2]
        score = sum(map(float.__mul__, self.weights, line_features(raw, repeated)))
        flags = cached[2] if cached is not None else region_flags(raw)
        self._remember(memo, raw, (score, score, flags))
        return score, flags

    @staticmethod
    def _remember(
        memo: dict[str, tuple[float, float, int]], raw: str, value: tuple[float, float, int]
    ) -> None:
        if len(memo) >= _CACHE_LIMIT:
            memo.clear()  # a crude bound: memoisation only saves time
        memo[raw] = value

    def info(self, raw: str, repeated: bool) -> tuple[float, int]:
        """Log-odds that the line is article text, and its structural flags."""
        score, flags = self._exact(raw, repeated)
        return score, flags | (CREDIT_WORDS if credit_words(raw) else 0)

    def score(self, raw: str, repeated: bool) -> float:
        """Log-odds that the line is article text."""
        return self._exact(raw, repeated)[0]

    def bounds(self, raw: str, stripped: str, repeated: bool) -> tuple[float, float, int]:
        """(low, high, region flags): the score lies in [low, high]; low == high when exact.

        ``stripped`` is ``" ".join(raw.split())``. Unless the exact score is known, a line
        gets bounds (:mod:`dedup.extract.linebounds`); the region flags are always exact.
        """
        memo = self._memo[repeated]
        cached = memo.get(raw)
        if cached is not None:
            return cached
        if not self.fast:
            score, flags = self._exact(raw, repeated)
            return score, score, flags
        value = self._bounds.line(raw, stripped, repeated)
        self._remember(memo, raw, value)
        return value

    def page_bounds(
        self, raw: Sequence[str], stripped: Sequence[str], repeated: Sequence[bool], text: str | None = None
    ) -> list[tuple[float, float, int]]:
        """:meth:`bounds` of every line of a page (the new ones in one column-wise pass;
        ``text``, the page itself, lets it skip tests for characters the page lacks)."""
        if not self.fast:
            return list(map(self.bounds, raw, stripped, repeated))
        # New lines are bounded in one column-wise pass; every line's bounds are memoised
        # (template lines come back page after page, wire copy from outlet to outlet).
        # Lines repeated on the page (a headline written twice) take the per-line path.
        memo = self._memo[False]
        found = list(map(memo.get, raw))
        if any(repeated):
            for k in [k for k, rep in enumerate(repeated) if rep]:
                found[k] = self.bounds(raw[k], stripped[k], True)
        missing = [k for k, value in enumerate(found) if value is None]
        if missing:
            lines = [stripped[k] for k in missing]
            spaces = list(map(str.count, lines, repeat(" ")))
            new = self._bounds.page([raw[k] for k in missing], lines, spaces, text)
            for k, value in zip(missing, new, strict=True):
                found[k] = value
            if len(memo) + len(missing) >= _CACHE_LIMIT:
                memo.clear()
            memo.update(zip([raw[k] for k in missing], new, strict=True))
        return found  # type: ignore[return-value]  # (no None left)

    def __getstate__(self) -> tuple[tuple[float, ...], bool]:
        return self.weights, self.fast  # the memo is not worth pickling

    def __setstate__(self, state: tuple[tuple[float, ...], bool]) -> None:
        self.weights, self.fast = state
        self._bounds = _bounds_for(self.weights)
        self._memo = ({}, {})


_BOUNDS: dict[tuple[float, ...], Bounds] = {}


def _bounds_for(weights: tuple[float, ...]) -> Bounds:
    """The bounds of the model with these weights (built once: they hold tables)."""
    found = _BOUNDS.get(weights)
    if found is None:
        if len(_BOUNDS) >= 16:  # (cross-validation builds a few; keep it bounded)
            _BOUNDS.clear()
        found = _BOUNDS[weights] = Bounds(weights)
    return found
