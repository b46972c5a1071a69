"""Verification of candidate pairs on the real shingle sets: Jaccard and containment.

LSH proposes; this decides. A pair is a near copy when the shingle Jaccard reaches the
Jaccard threshold, or when the shorter text is contained in the longer one to the
containment threshold (a truncated republication has a low Jaccard with the original but
is almost wholly inside it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]


@dataclass(frozen=True, slots=True)
class Overlap:
    """Exact set measures of two texts A and B."""

    jaccard: float
    a_in_b: float  # share of A's shingles found in B
    b_in_a: float

    @property
    def containment(self) -> float:
        """Containment of the shorter text in the longer (the larger of the two shares)."""
        return max(self.a_in_b, self.b_in_a)


def overlap(a: U32, b: U32) -> Overlap:
    """Jaccard and both containments of two sorted, distinct shingle sets."""
    if a.size == 0 or b.size == 0:
        return Overlap(0.0, 0.0, 0.0)
    shared = np.intersect1d(a, b, assume_unique=True).size
    return Overlap(shared / (a.size + b.size - shared), shared / a.size, shared / b.size)


def is_near_copy(o: Overlap, jaccard_threshold: float, containment_threshold: float) -> bool:
    return o.jaccard >= jaccard_threshold or o.containment >= containment_threshold


def plausible(
    est_jaccard: float,
    size_a: int,
    size_b: int,
    jaccard_threshold: float,
    containment_threshold: float,
) -> bool:
    """Whether a MinHash estimate leaves a chance of passing verification.

    Skips the exact comparison for candidates far below both thresholds. The margin, 0.2
    in Jaccard, is over five standard deviations of a 128-permutation estimate near 0.3,
    so a true near copy is practically never skipped. Containment is derived from the
    estimate and the set sizes: |A n B| = J (|A| + |B|) / (1 + J).
    """
    margin = 0.2
    if est_jaccard >= jaccard_threshold - margin:
        return True
    shared = est_jaccard * (size_a + size_b) / (1.0 + est_jaccard)
    return shared / max(min(size_a, size_b), 1) >= containment_threshold - margin
