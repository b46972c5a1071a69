"""A vectorised first look at many candidates: which could reach the link threshold.

The candidate index files an article under pairs of its heaviest terms, so in a large
index a new article meets many articles that share a name pair and little else (at 53k
synthetic articles, 1.6 ms an article went to checking ~100 candidates one by one). This
screen keeps each indexed article's terms as 32-bit hashes and weights in two NumPy rows,
and scores all candidates of an article in a few array operations. It only ever drops a
candidate whose cosine is surely below the floor: a hash collision can only add a product
(never take one away), the article's own terms are checked for colliding hashes, and the
float32 sums get a margin far above their rounding error. The lower floor of pairs that
may share quotes applies only where both articles hold quote n-grams (a row flag), so
the many candidates between the two floors that quote nothing never reach the verdict.
The exact verdict (:func:`~dedup.stories.compare.link`) then decides on those that pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash

from dedup.stories.features import StoryFeatures

_MARGIN = 1e-4  # float32 weights of unit vectors: the sums err by ~1e-6 at most
_MIN_BATCH = 8  # fewer candidates: the exact verdict is as fast as the set-up
_MAX_DIRECT = 1 << 28  # keys below this (text ids) find their row in an array
_SLOT_MASK = (1 << 16) - 1  # an article's terms by the low 16 bits of their hashes


def term_hashes(feats: StoryFeatures) -> npt.NDArray[np.uint32]:
    """The 32-bit hashes of an article's terms, in the order of its terms."""
    return np.fromiter(
        (xxhash.xxh32_intdigest(t.encode("utf-8", "surrogatepass")) for t in feats.terms),
        dtype=np.uint32,
        count=len(feats.terms),
    )


class TermScreen:
    """Term hashes and weights of indexed articles, one padded row each."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._rows: dict[int, int] = {}
        self._row_of = np.full(1024, -1, dtype=np.int64)  # key -> row, for keys in range
        self._free: list[int] = []
        self._hashes = np.zeros((1024, width), dtype=np.uint32)
        self._weights = np.zeros((1024, width), dtype=np.float32)
        self._quoted = np.zeros(1024, dtype=np.bool_)  # the row's article holds quote n-grams
        self._bar = np.zeros(1024, dtype=np.float32)  # score a new link of the row must reach
        self._slot_hash = np.zeros(_SLOT_MASK + 1, dtype=np.uint32)
        self._slot_weight = np.zeros(_SLOT_MASK + 1, dtype=np.float32)
        self._last: tuple[StoryFeatures, npt.NDArray[np.uint32]] | None = None

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, key: int, feats: StoryFeatures) -> None:
        row = self._rows.get(key)
        if row is None:
            row = self._free.pop() if self._free else len(self._rows)
            if row >= self._hashes.shape[0]:
                grown = 2 * self._hashes.shape[0]
                self._hashes.resize((grown, self.width), refcheck=False)
                self._weights.resize((grown, self.width), refcheck=False)
                self._quoted.resize(grown, refcheck=False)
                self._bar.resize(grown, refcheck=False)
            self._rows[key] = row
            if 0 <= key < _MAX_DIRECT:
                if key >= self._row_of.size:
                    wider = np.full(max(2 * self._row_of.size, key + 1), -1, dtype=np.int64)
                    wider[: self._row_of.size] = self._row_of
                    self._row_of = wider
                self._row_of[key] = row
        n = min(len(feats.terms), self.width)
        self._hashes[row, :n] = self._hashes_of(feats)[:n]
        self._hashes[row, n:] = 0
        self._weights[row, :n] = np.frombuffer(feats.weights, dtype=np.float32)[:n]
        self._weights[row, n:] = 0.0
        self._quoted[row] = bool(feats.quote_grams)
        self._bar[row] = 0.0

    def set_bar(self, key: int, bar: float) -> None:
        """The score a new pair of ``key`` must reach to become one of its links."""
        row = self._rows.get(key)
        if row is not None:
            self._bar[row] = bar

    def remove(self, key: int) -> None:
        row = self._rows.pop(key, None)
        if row is not None:
            if 0 <= key < self._row_of.size:
                self._row_of[key] = -1
            self._weights[row] = 0.0
            self._free.append(row)

    def _rows_of(self, keys: Sequence[int] | npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
        """Rows of ``keys`` (-1 for keys not held), from the array when it covers them."""
        wanted = np.asarray(keys, dtype=np.int64)
        if wanted.size and int(wanted.min()) >= 0 and int(wanted.max()) < self._row_of.size:
            return self._row_of[wanted]
        get = self._rows.get
        return np.fromiter((get(k, -1) for k in keys), dtype=np.int64, count=len(keys))

    def _hashes_of(self, feats: StoryFeatures) -> npt.NDArray[np.uint32]:
        # The article a caller just screened is usually the one it adds next.
        if self._last is not None and self._last[0] is feats:
            return self._last[1]
        hashes = term_hashes(feats)
        self._last = (feats, hashes)
        return hashes

    def scores(
        self, feats: StoryFeatures, candidates: Sequence[int] | npt.NDArray[np.uint32]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
        """For each candidate: a bound its cosine with ``feats`` can't exceed (``inf`` when
        unknown: a candidate the screen does not hold, or two terms of ``feats`` sharing
        the low bits of their hashes), its bar (:meth:`set_bar`; 0 when not held) and
        whether it holds quote n-grams (true when not held)."""
        n = len(candidates)
        bound = np.full(n, np.inf)
        bars = np.zeros(n, dtype=np.float32)
        quoted = np.ones(n, dtype=np.bool_)
        if n < _MIN_BATCH:
            return bound, bars, quoted
        hashes = self._hashes_of(feats)
        slots = (hashes & _SLOT_MASK).astype(np.intp)
        if np.unique(slots).size != slots.size:
            return bound, bars, quoted
        # A direct-address table of the article's terms: slot -> (hash, weight).
        self._slot_hash[slots] = hashes
        self._slot_weight[slots] = np.frombuffer(feats.weights, dtype=np.float32)[: slots.size]
        try:
            rows = self._rows_of(candidates)
            held = rows >= 0
            theirs = self._hashes[rows[held]]
            at = (theirs & _SLOT_MASK).astype(np.intp)
            mine = np.where(self._slot_hash[at] == theirs, self._slot_weight[at], 0.0)
            bound[held] = (mine * self._weights[rows[held]]).sum(axis=1, dtype=np.float64) + _MARGIN
        finally:
            self._slot_hash[slots] = 0
            self._slot_weight[slots] = 0.0
        bars[held] = self._bar[rows[held]]
        quoted[held] = self._quoted[rows[held]]
        return bound, bars, quoted

    def screen(
        self,
        feats: StoryFeatures,
        candidates: Sequence[int] | npt.NDArray[np.uint32],
        floor: float,
        quoted_floor: float | None = None,
    ) -> list[tuple[int, bool]]:
        """The candidates whose cosine with ``feats`` may reach ``floor`` (in their order),
        or ``quoted_floor`` when both the candidate and ``feats`` hold quote n-grams; each
        with whether its cosine is surely below ``floor`` (then only quotes can link it).

        Candidates the screen does not hold are kept, as is everything when two terms of
        ``feats`` share the low bits of their hashes (then a shared term could be read at
        the wrong weight); their cosine is unknown, so not surely below.
        """
        keys = np.asarray(candidates, dtype=np.int64)
        bound, _, quoted = self.scores(feats, candidates)
        below = bound < floor
        if quoted_floor is None or not feats.quote_grams:
            passes = ~below
        else:
            passes = bound >= np.where(quoted, quoted_floor, floor)
        kept = np.flatnonzero(passes)
        return list(zip(keys[kept].tolist(), below[kept].tolist(), strict=True))
