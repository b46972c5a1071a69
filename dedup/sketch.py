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


def _fmix32(h: U32) -> U32:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


class Sketcher:
    """Computes (full, lead) MinHash signatures; holds the permutations, so make one and reuse it."""

    def __init__(self, num_perm: int, seed: int, lead_shingles: int) -> None:
        a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        self.num_perm = num_perm
        self.seed = seed
        self.lead_shingles = lead_shingles
        self._a = np.asarray(a, dtype=np.uint32)[:, None]
        self._b = np.asarray(b, dtype=np.uint32)[:, None]

    def _minhash(self, hashes: U32) -> U32:
        if hashes.size == 0:
            return np.full(self.num_perm, _EMPTY, dtype=np.uint32)
        mixed = _fmix32(hashes.astype(np.uint32, copy=False))
        with np.errstate(over="ignore"):
            permuted = self._a * mixed[None, :] + self._b
        return np.asarray(permuted.min(axis=1), dtype=np.uint32)

    def sketch(self, ordered_hashes: U32) -> tuple[U32, U32]:
        """Signatures of all shingles and of the lead, from shingle hashes in text order."""
        lead = self._minhash(ordered_hashes[: self.lead_shingles])
        rest = ordered_hashes[self.lead_shingles :]
        if rest.size == 0:
            return lead, lead
        return np.minimum(lead, self._minhash(rest)), lead

    def datasketch(self, signature: U32) -> MinHash:
        """The same signature as a datasketch ``MinHash`` (for datasketch's LSH or storage)."""
        return MinHash(
            num_perm=self.num_perm,
            seed=self.seed,
            hashvalues=signature,
            scheme="affine32",
            permutations=(self._a[:, 0], self._b[:, 0]),
        )


def estimate_jaccard(a: U32, b: U32) -> float:
    """The share of equal signature values: MinHash's unbiased estimate of Jaccard."""
    return float(np.count_nonzero(a == b)) / a.size
