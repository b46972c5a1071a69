"""MinHash signatures of a text's shingles, bit for bit those of datasketch's affine32 scheme.

datasketch 2.x (``MinHash(num_perm, seed, hashfunc=<identity on our 32-bit shingle hashes>)``)
pre-mixes each input with MurmurHash3's 32-bit finaliser, then takes per permutation
``a * h + b mod 2^32`` (``a`` odd, so a bijection) and keeps the minimum. We take its
permutation parameters and do the same for all permutations at once, so our signatures can
be handed to datasketch's own LSH (and its Redis storage) unchanged; a test checks equality.

Besides the full-body signature we keep a *lead* signature over the first ``lead_shingles``
shingles: a copy truncated to 40 % of the wire text has a low Jaccard with it but the same
lead. The full signature is the element-wise minimum of the lead's and the rest's, so the
lead costs nothing extra.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

U32 = npt.NDArray[np.uint32]

_EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's empty-value sentinel for affine32
_C1 = np.uint32(0x85EBCA6B)
_C2 = np.uint32(0xC2B2AE35)
_S16 = np.uint32(16)
_S13 = np.uint32(13)
_GROUP = 8
_BLOCK = 4096  # shingles a pass at most (a multiple of _GROUP): bounds the buffers


def _fmix32(h: U32) -> U32:
    """MurmurHash3's 32-bit finaliser (datasketch's pre-mix of affine32 inputs), in place on a copy."""
    out = h >> _S16
    np.bitwise_xor(out, h, out=out)
    np.multiply(out, _C1, out=out)
    t = out >> _S13
    np.bitwise_xor(out, t, out=out)
    np.multiply(out, _C2, out=out)
    np.right_shift(out, _S16, out=t)
    np.bitwise_xor(out, t, out=out)
    return out


def _column_min(rows: U32) -> U32:
    """The minimum of each column, over groups of rows when the count allows."""
    n, width = rows.shape
    if n % _GROUP:
        out: U32 = rows.min(axis=0)
        return out
    grouped: U32 = rows.reshape(n // _GROUP, _GROUP * width).min(axis=0)
    out = grouped.reshape(_GROUP, width).min(axis=0)
    return out


class Sketcher:
    """Computes (full, lead) MinHash signatures; holds the permutations, so make one and reuse it.

    One pass over all shingles into a reused ``shingles x num_perm`` buffer (uint32
    arithmetic wraps mod 2^32, as datasketch's does); the lead's and the rest's minima are
    taken from its two row ranges. The layout and the padding are for NumPy's sake: a
    broadcast operand on the inner axis costs 2-3x a contiguous one, and a minimum over 8
    rows of 8 x num_perm values at a time costs half of one over rows of num_perm.
    """

    def __init__(self, num_perm: int, seed: int, lead_shingles: int) -> None:
        a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        self.num_perm = num_perm
        self.seed = seed
        self.lead_shingles = lead_shingles
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)
        self._grow(1024)

    def _grow(self, rows: int) -> None:
        self._rows_a = np.tile(self._a, (rows, 1))  # every row is a: no broadcast in the loop
        self._rows_b = np.tile(self._b, (rows, 1))
        self._work = np.empty((rows, self.num_perm), dtype=np.uint32)

    def sketch(self, ordered_hashes: U32) -> tuple[U32, U32]:
        """Signatures of all shingles and of the lead, from shingle hashes in text order.

        Texts longer than ``_BLOCK`` shingles are taken a block at a time, so the buffers
        never outgrow ``_BLOCK x num_perm`` (a 300,000-word text once grew them to 460 MB).
        """
        n = ordered_hashes.size
        if n == 0:
            empty = np.full(self.num_perm, _EMPTY, dtype=np.uint32)
            return empty, empty.copy()
        full, lead = self._block(ordered_hashes[:_BLOCK], self.lead_shingles)
        for start in range(_BLOCK, n, _BLOCK):
            rest, _ = self._block(ordered_hashes[start : start + _BLOCK], _BLOCK)
            np.minimum(full, rest, out=full)
        return full, lead

    def _block(self, hashes: U32, lead_shingles: int) -> tuple[U32, U32]:
        """(all, lead) minima of at most ``_BLOCK`` hashes; the lead is the first
        ``lead_shingles`` of them (all of them when there are no more)."""
        n = hashes.size
        # Pad to a multiple of _GROUP rows with copies of the last shingle: the minimum of the
        # part it belongs to (the rest, or the lead of a short text) does not change.
        rows = -(-n // _GROUP) * _GROUP
        if rows > self._work.shape[0]:
            self._grow(min(max(rows, 2 * self._work.shape[0]), _BLOCK))
        padded = np.empty(rows, dtype=np.uint32)
        padded[:n] = hashes
        padded[n:] = hashes[n - 1]
        work = self._work[:rows]
        np.multiply(self._rows_a[:rows], _fmix32(padded)[:, None], out=work)
        np.add(work, self._rows_b[:rows], out=work)
        split = lead_shingles if n > lead_shingles else rows
        lead = _column_min(work[:split])
        if split == rows:
            return lead, lead.copy()
        full = _column_min(work[split:])
        np.minimum(full, lead, out=full)
        return full, lead

    def datasketch(self, signature: U32) -> MinHash:
        """The same signature as a datasketch ``MinHash`` (for datasketch's LSH or storage)."""
        return MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashvalues=signature,
            scheme="affine32",
            permutations=(self._a, self._b),
        )


def estimate_jaccard(a: U32, b: U32) -> float:
    """The share of equal signature values: MinHash's unbiased estimate of Jaccard."""
    return float(np.count_nonzero(a == b)) / a.size
