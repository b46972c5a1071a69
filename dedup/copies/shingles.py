"""Word shingles hashed without a Python object per shingle.

Each distinct word is hashed once with xxh3-64; a vocabulary maps a word to its row in an
array of those hashes, so a text's word hashes are one dictionary look-up a word and one
NumPy gather. A k-shingle's hash is then a polynomial over its k word hashes, computed for
all positions at once in NumPy, mixed with the MurmurHash3 64-bit finaliser and cut to 32
bits. The 32-bit shingle hashes are what datasketch's affine32 MinHash takes as input, so
signatures built here are exactly datasketch's (see :mod:`dedup.copies.sketch`).

Building a string per shingle and hashing it costs more than MinHash and LSH together
(DESIGN.md: ~170 us an article); this costs a few tens of microseconds. The values are
stored in databases (``texts.shingle_set``): any change to them needs a schema bump, and
``tests/test_hotpath.py`` pins some.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash

from dedup.copies.normalise import separated_bytes

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

# An odd 64-bit multiplier (from xxh64's primes): multiplication by it is a bijection mod 2^64.
_POLY = np.uint64(0x9E3779B185EBCA87)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_S32 = np.uint64(32)
_LITTLE = sys.byteorder == "little"
_CACHE_LIMIT = 1 << 20  # distinct words kept per kind; cleared when full (~100 MB at the limit)
_SPACE = np.uint8(ord(" "))
_FP_Q = np.uint64(0x9FB21C651E98DF25)  # odd
_FP_Q_INV = np.uint64(pow(0x9FB21C651E98DF25, -1, 1 << 64))
_WAYS = 4
_FP_MIN_BITS = 14  # 16k buckets of 4 (0.5 MB)
_FP_MAX_BITS = 20  # 1M buckets of 4 words (64 MB): the table starts afresh past 60 % of it
_FP_LOAD = 0.6


class _Vocabulary(dict[str | bytes, int]):
    """Word -> row of its xxh3-64 in :attr:`hashes`; a missing word is hashed and added.

    Words come as ``bytes`` (UTF-8, from :func:`dedup.copies.normalise.word_bytes`) or as ``str``,
    each kind in its own vocabulary: ``"a"`` and ``b"a"`` hash alike, and a dictionary
    holding both compares across the types on every such look-up, at 3x the cost.
    """

    def __init__(self) -> None:
        super().__init__()
        self.hashes: U64 = np.zeros(1 << 12, dtype=np.uint64)

    def __missing__(self, word: str | bytes) -> int:
        raw = word if isinstance(word, bytes) else word.encode("utf-8", "surrogatepass")
        row = len(self)
        if row >= self.hashes.size:
            self.hashes = np.concatenate([self.hashes, np.zeros_like(self.hashes)])
        self.hashes[row] = xxhash.xxh3_64_intdigest(raw)
        self[word] = row
        return row

    def lookup(self, words: Sequence[str] | Sequence[bytes]) -> U64:
        """The hashes of ``words``, in order."""
        if len(self) + len(words) > _CACHE_LIMIT:
            self.clear()  # start afresh; the rows handed out below stay valid until the next call
        rows = np.fromiter(map(self.__getitem__, words), dtype=np.intp, count=len(words))
        return self.hashes[rows]


_str_words = _Vocabulary()
_byte_words = _Vocabulary()


def word_hashes(tokens: Sequence[str] | Sequence[bytes]) -> U64:
    """xxh3-64 of each token's UTF-8 bytes, in order."""
    if tokens and isinstance(tokens[0], bytes):
        return _byte_words.lookup(tokens)
    return _str_words.lookup(tokens)


def fmix64(h: U64) -> U64:
    """MurmurHash3's 64-bit finaliser: an avalanching bijection."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def shingle_hashes(tokens: Sequence[str] | Sequence[bytes], size: int) -> U32:
    """32-bit hashes of the word ``size``-shingles of ``tokens``, in text order (may repeat).

    A text shorter than ``size`` words gives one shingle of all its words; no words, none.
    Tokens may be ``str`` or their UTF-8 ``bytes``: the hashes are the same.
    """
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    return _from_word_hashes(word_hashes(tokens), size)


def text_shingles(normalised: str, size: int) -> tuple[U32, int]:
    """The shingle hashes of a normalised text in text order, and its number of words.

    Equal to ``shingle_hashes(words(normalised), size)`` (a property test checks it), with
    no Python object per word: words are found, fingerprinted and looked up in NumPy.
    """
    raw = separated_bytes(normalised)
    w = _fingerprints.word_hashes(raw)
    if not w.size:
        return np.empty(0, dtype=np.uint32), 0
    return _from_word_hashes(w, size), int(w.size)


class _Fingerprints:
    """Word bytes -> xxh3-64, keyed by a 64-bit fingerprint computed for all words at once.

    The fingerprint of a word ``b_0..b_k`` at offset ``s`` is ``sum R[b_i] Q^i`` (mod
    2^64), taken from one running sum over the text (``Q^-s`` rescales it; ``Q`` is odd,
    so invertible). It only keys the cache: the hash stored is xxh3-64 of the word's
    bytes, as before; two words with one fingerprint (chance ~ V^2 / 2^64 for V distinct
    words, 1e-7 at V = 1M) would share a hash. The table has buckets of 4 slots; it
    doubles when 60 % full, up to ``_FP_MAX_BITS``, and starts afresh when that is full.
    """

    def __init__(self) -> None:
        rng = np.random.default_rng(0x5EED_F1A9)
        self._byte = rng.integers(1, 2**63, 256, dtype=np.uint64) | np.uint64(1)
        self._powers = np.ones(1, dtype=np.uint64)
        self._inverse = np.ones(1, dtype=np.uint64)
        self._reset(_FP_MIN_BITS)

    def _reset(self, bits: int) -> None:
        self._bits = bits
        self._keys = np.zeros((1 << bits, _WAYS), dtype=np.uint64)  # 0: free
        self._values = np.zeros((1 << bits, _WAYS), dtype=np.uint64)
        self._count = 0

    def _ensure_powers(self, n: int) -> None:
        if self._powers.size > n:
            return
        size = max(n + 1, 2 * self._powers.size)
        self._powers = np.ones(size, dtype=np.uint64)
        self._inverse = np.ones(size, dtype=np.uint64)
        with np.errstate(over="ignore"):  # Q^i and Q^-i mod 2^64
            np.cumprod(np.full(size - 1, _FP_Q, dtype=np.uint64), out=self._powers[1:])
            np.cumprod(np.full(size - 1, _FP_Q_INV, dtype=np.uint64), out=self._inverse[1:])

    def word_hashes(self, raw: bytes) -> U64:
        """xxh3-64 of each word (run of non-space bytes) of ``raw``, in order."""
        chars = np.frombuffer(raw, dtype=np.uint8)
        inside = np.zeros(chars.size + 2, dtype=np.bool_)
        np.not_equal(chars, _SPACE, out=inside[1:-1])
        edges = np.flatnonzero(inside[1:] != inside[:-1])
        starts, ends = edges[0::2], edges[1::2]
        if not starts.size:
            return np.empty(0, dtype=np.uint64)
        self._ensure_powers(chars.size)
        with np.errstate(over="ignore"):
            running = np.empty(chars.size + 1, dtype=np.uint64)
            running[0] = 0
            terms = self._byte[chars]
            terms *= self._powers[: chars.size]
            np.cumsum(terms, out=running[1:])
            fp = running[ends] - running[starts]
            fp *= self._inverse[starts]
            fp ^= fp >> _S33  # spread into the top bits, which pick the bucket
            fp *= _MIX1
            fp |= np.uint64(1)  # 0 marks a free slot
        bucket = (fp >> np.uint64(64 - self._bits)).astype(np.intp)
        held = self._keys[bucket]
        same = held == fp[:, None]
        way = same.argmax(axis=1)
        hashes: U64 = self._values[bucket, way]
        missing = ~same[np.arange(way.size), way]
        if missing.any():
            self._add(raw, starts, ends, fp, hashes, np.flatnonzero(missing))
        return hashes

    def _add(
        self,
        raw: bytes,
        starts: npt.NDArray[np.intp],
        ends: npt.NDArray[np.intp],
        fp: U64,
        hashes: U64,
        missing: npt.NDArray[np.intp],
    ) -> None:
        new: dict[int, int] = {}
        for i in missing.tolist():
            key = int(fp[i])
            value = new.get(key)
            if value is None:
                value = xxhash.xxh3_64_intdigest(raw[starts[i] : ends[i]])
                new[key] = value
            hashes[i] = value
        if self._count + len(new) > _FP_LOAD * (_WAYS << self._bits):
            if self._bits < _FP_MAX_BITS:
                self._grow()
            else:
                self._reset(self._bits)
        shift = 64 - self._bits
        for key, value in new.items():
            row = key >> shift
            free = np.flatnonzero(self._keys[row] == 0)
            if free.size:  # else the bucket is full: the word stays uncached
                self._keys[row, free[0]] = key
                self._values[row, free[0]] = value
                self._count += 1

    def _grow(self) -> None:
        """Double the buckets: bucket b splits into 2b and 2b+1, which never overflow."""
        keys, values = self._keys, self._values
        self._reset(self._bits + 1)
        used = keys != 0
        rows, _ = np.nonzero(used)
        k, v = keys[used], values[used]
        dest = (k >> np.uint64(64 - self._bits)).astype(np.intp)
        # The way in the new bucket: how many of the same old row went to the same bucket first.
        way = np.zeros(k.size, dtype=np.intp)
        order = np.lexsort((dest, rows))
        d = dest[order]
        run_start = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
        way[order] = np.arange(d.size) - np.repeat(run_start, np.diff(np.r_[run_start, d.size]))
        self._keys[dest, way] = k
        self._values[dest, way] = v
        self._count = int(k.size)


_fingerprints = _Fingerprints()


def _from_word_hashes(w: U64, size: int) -> U32:
    n = max(w.size - size + 1, 1)
    width = min(size, w.size)
    h = w[:n].copy()
    t = np.empty_like(h)
    with np.errstate(over="ignore"):
        for j in range(1, width):  # Horner: h = (...(w0 P + w1) P + ...) P + w_{width-1}
            np.multiply(h, _POLY, out=h)
            np.add(h, w[j : j + n], out=h)
        # + width: shingles of different lengths never share a hash by construction
        np.add(h, np.uint64(width), out=h)
        # fmix64, less its last step h ^= h >> 33, which leaves the top 32 bits as they are.
        np.right_shift(h, _S33, out=t)
        np.bitwise_xor(h, t, out=h)
        np.multiply(h, _MIX1, out=h)
        np.right_shift(h, _S33, out=t)
        np.bitwise_xor(h, t, out=h)
        np.multiply(h, _MIX2, out=h)
    if _LITTLE:
        return h.view(np.uint32)[1::2].copy()  # the high halves
    return (h >> _S32).astype(np.uint32)


def shingle_set(hashes: U32) -> U32:
    """The distinct shingle hashes, sorted: the set that Jaccard and containment are taken on.

    What ``np.unique`` returns, for a third of its cost (it checks and dispatches more).
    """
    ordered = np.sort(hashes)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
