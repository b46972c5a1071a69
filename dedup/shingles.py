"""Word shingles hashed without a Python object per shingle.

Each distinct word is hashed once with xxh3-64 (a bounded cache turns repeated words into a
dict lookup). A k-shingle's hash is then a polynomial over its k word hashes, computed for
all positions at once in NumPy, mixed with the MurmurHash3 64-bit finaliser and cut to 32
bits. The 32-bit shingle hashes are what datasketch's affine32 MinHash takes as input, so
signatures built here are exactly datasketch's (see :mod:`dedup.sketch`).

Building a string per shingle and hashing it costs more than MinHash and LSH together
(DESIGN.md: ~170 us an article); this costs a few tens of microseconds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import xxhash

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

# An odd 64-bit multiplier (from xxh64's primes): multiplication by it is a bijection mod 2^64.
_POLY = np.uint64(0x9E3779B185EBCA87)
_CACHE_LIMIT = 1 << 20  # distinct words kept; cleared when full (about 100 MB at the limit)
_cache: dict[str, int] = {}


def _word_hash(word: str) -> int:
    value = xxhash.xxh3_64_intdigest(word.encode("utf-8", "surrogatepass"))
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[word] = value
    return value


def word_hashes(tokens: list[str]) -> U64:
    """xxh3-64 of each token, in order."""
    get = _cache.get
    values = [get(t) for t in tokens]
    if None in values:
        values = [v if v is not None else _word_hash(t) for v, t in zip(values, tokens, strict=True)]
    return np.array(values, dtype=np.uint64)


def fmix64(h: U64) -> U64:
    """MurmurHash3's 64-bit finaliser: an avalanching bijection."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def shingle_hashes(tokens: list[str], size: int) -> U32:
    """32-bit hashes of the word ``size``-shingles of ``tokens``, in text order (may repeat).

    A text shorter than ``size`` words gives one shingle of all its words; no words, none.
    """
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    w = word_hashes(tokens)
    n = max(len(tokens) - size + 1, 1)
    width = min(size, len(tokens))
    with np.errstate(over="ignore"):
        h = w[:n].copy()
        for j in range(1, width):
            h *= _POLY
            h += w[j : j + n]
        h += np.uint64(width)  # shingles of different lengths never share a hash by construction
        return (fmix64(h) >> np.uint64(32)).astype(np.uint32)


def shingle_set(hashes: U32) -> U32:
    """The distinct shingle hashes, sorted: the set that Jaccard and containment are taken on."""
    return np.unique(hashes)
