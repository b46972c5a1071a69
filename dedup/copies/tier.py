"""The copy tier inside the index: the distinct texts and their verified near copies.

For every distinct text it keeps the low 8 bits of each MinHash value (b-bit MinHash, Li
and Koenig 2010: enough to estimate Jaccard for the candidate filter, at a quarter of the
memory), the shingle count and the LSH band keys; shingle sets stay in the store and pass
through a bounded cache. A prepared article's near copies are the LSH candidates whose
estimate is plausible and whose exact shingle overlap passes the thresholds.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from dedup.copies.lsh import BandIndex
from dedup.copies.verify import Overlap, is_near_copy, overlap, plausible
from dedup.params import Params
from dedup.prepare import Sketch
from dedup.timing import StageTimes

U32 = npt.NDArray[np.uint32]

_SHINGLE_CACHE = 20_000  # shingle sets kept in memory (about 2 KB each for 500 words)
_CONTAINS_CACHE = 100_000  # containment verdicts kept for the canonical policy


class CopyTier:
    """Signatures, shingle counts, LSH table and shingle cache of an index's texts."""

    def __init__(self, params: Params, stored_shingles: Callable[[int], U32]) -> None:
        """``stored_shingles(text)`` reads a text's shingle set where it is kept (the store)."""
        self.params = params
        self._stored_shingles = stored_shingles
        self.lsh = BandIndex(params.bands, params.rows)
        self._cache: OrderedDict[int, U32] = OrderedDict()
        self._contains_cache: OrderedDict[tuple[int, int], bool] = OrderedDict()
        # A row per live text: rows of removed or expired texts are reused, so memory follows
        # the texts held, not the ids ever given.
        self._row: dict[int, int] = {}
        self._free: list[int] = []
        self._sigs = np.zeros((1024, params.num_perm), dtype=np.uint8)
        self._sizes = np.zeros(1024, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._row)

    def load(self, ids: Sequence[int], sizes: Sequence[int], full: bytes, lead: bytes) -> None:
        """Restore stored texts: their ids, shingle counts and signatures (rows of bytes)."""
        if not ids:
            return
        n = self.params.num_perm
        rows = np.array([self._take(t) for t in ids])
        fsig = np.frombuffer(full, dtype=np.uint32).reshape(len(ids), n)
        lsig = np.frombuffer(lead, dtype=np.uint32).reshape(len(ids), n)
        self._sizes[rows] = sizes
        self._sigs[rows] = _low_bits(fsig)
        self.lsh.insert_many(ids, [self.lsh.keys(f, ld) for f, ld in zip(fsig, lsig, strict=True)])

    def _take(self, text: int) -> int:
        """A row for a new text (a free one, or one more)."""
        row = self._free.pop() if self._free else len(self._row)
        self._row[text] = row
        if row >= self._sigs.shape[0]:
            grown = 2 * self._sigs.shape[0]
            self._sigs.resize((grown, self._sigs.shape[1]), refcheck=False)
            self._sizes.resize(grown, refcheck=False)
        return row

    def near_copies(self, p: Sketch, times: StageTimes) -> tuple[list[tuple[int, Overlap]], list[int]]:
        """Texts verified as near copies of the text sketched as ``p``, and ``p``'s band keys."""
        with times.timed("lsh"):
            keys = self.lsh.keys(p.signature, p.lead)
            found = self.lsh.query_sorted(keys)
        with times.timed("verify"):
            return self._verified(p, found), keys

    def _verified(self, p: Sketch, found: U32) -> list[tuple[int, Overlap]]:
        """The candidates ``found`` that pass the estimate screen and exact verification."""
        verified: list[tuple[int, Overlap]] = []
        if found.size:
            jt, ct = self.params.jaccard_threshold, self.params.containment_threshold
            rows = np.fromiter(map(self._row.__getitem__, found.tolist()), dtype=np.intp, count=found.size)
            equal = np.count_nonzero(self._sigs[rows] == _low_bits(p.signature), axis=1)
            # Unrelated values agree on 8 bits by chance 1 time in 256: remove that share.
            estimates = np.clip((equal / p.signature.size - 1 / 256) / (1 - 1 / 256), 0.0, 1.0)
            size = int(p.shingles.size)
            sizes = self._sizes[rows].tolist()
            for cand, est, their in zip(found.tolist(), estimates.tolist(), sizes, strict=True):
                if not plausible(est, size, their, jt, ct):
                    continue
                o = overlap(p.shingles, self.shingles(cand))
                if is_near_copy(o, jt, ct):
                    verified.append((cand, o))
        return verified

    def add(self, text: int, p: Sketch, keys: list[int]) -> None:
        """Hold a new text (its band keys as :meth:`near_copies` returned them)."""
        row = self._take(text)
        self._sigs[row] = _low_bits(p.signature)
        self._sizes[row] = p.shingles.size
        self.lsh.insert(text, keys)
        self._remember(text, p.shingles)

    def remove(self, text: int, full: U32, lead: U32) -> None:
        """Forget a text (``full`` and ``lead`` are its stored signatures)."""
        self.lsh.remove(text, self.lsh.keys(full, lead))
        self._free.append(self._row.pop(text))
        self._cache.pop(text, None)

    def contains(self, outer: int, inner: int) -> bool:
        """Whether text ``inner`` lies within ``outer`` to the containment threshold."""
        key = (outer, inner)
        hit = self._contains_cache.get(key)
        if hit is None:
            o = overlap(self.shingles(inner), self.shingles(outer))
            hit = o.a_in_b >= self.params.containment_threshold
            self._contains_cache[key] = hit
            if len(self._contains_cache) > _CONTAINS_CACHE:
                self._contains_cache.popitem(last=False)
        return hit

    def shingles(self, text: int) -> U32:
        """The shingle set of a text, from the cache or the store."""
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        shingles = self._stored_shingles(text)
        self._remember(text, shingles)
        return shingles

    def _remember(self, text: int, shingles: U32) -> None:
        self._cache[text] = shingles
        if len(self._cache) > _SHINGLE_CACHE:
            self._cache.popitem(last=False)


def _low_bits(signature: U32) -> npt.NDArray[np.uint8]:
    return signature.astype(np.uint8)  # the low 8 bits of each value
