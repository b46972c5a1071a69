"""MinHash signatures of a text's shingles, bit for bit those of datasketch's affine32 scheme.

datasketch 2.x (``MinHash(num_perm, seed, hashfunc=<identity on our 32-bit shingle hashes>)``)
pre-mixes each input with MurmurHash3's 32-bit finaliser, then takes per permutation
``a * h + b mod 2^32`` (``a`` odd, so a bijection) and keeps the minimum. We take its
permutation parameters from datasketch itself and do the same in the compiled core
(``rust/src/sketch.rs``), so our signatures can be handed to datasketch's own LSH (and its
Redis storage) unchanged; a test checks equality.

Besides the full-body signature we keep a *lead* signature over the first ``lead_shingles``
shingles: a copy truncated to 40 % of the wire text has a low Jaccard with it but the same
lead. The full signature is the element-wise minimum of the lead's and the rest's, so the
lead costs nothing extra.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

from dedup._core import Sketcher as _CoreSketcher

U32 = npt.NDArray[np.uint32]


class Sketcher:
    """Computes (full, lead) MinHash signatures; holds the permutations, so make one and reuse it."""

    def __init__(self, num_perm: int, seed: int, lead_shingles: int) -> None:
        a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        self.num_perm = num_perm
        self.seed = seed
        self.lead_shingles = lead_shingles
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)
        self._core = _CoreSketcher(self._a.tolist(), self._b.tolist(), lead_shingles)

    def sketch(self, ordered_hashes: U32 | bytes) -> tuple[U32, U32]:
        """Signatures of all shingles and of the lead, from shingle hashes in text order
        (an array, or its bytes as :func:`dedup.copies.shingles.shingle_text` gives them).
        With no shingles, both hold datasketch's empty value (2^32 - 1) everywhere."""
        if not isinstance(ordered_hashes, bytes):
            ordered_hashes = np.ascontiguousarray(ordered_hashes, dtype=np.uint32).tobytes()
        full, lead = self._core.sketch(ordered_hashes)
        return np.frombuffer(full, dtype=np.uint32), np.frombuffer(lead, dtype=np.uint32)

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
