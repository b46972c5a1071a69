"""Word shingles hashed without a Python object per shingle.

Each word is hashed with xxh3-64 of its UTF-8 bytes. A k-shingle's hash is a polynomial
over its k word hashes, mixed with the MurmurHash3 64-bit finaliser and cut to 32 bits.
The 32-bit shingle hashes are what datasketch's affine32 MinHash takes as input, so
signatures built here are exactly datasketch's (see :mod:`dedup.copies.sketch`).

The kernels are in the compiled core (``rust/src/shingles.rs``); this module hands their
results over as NumPy arrays. The values are stored in databases (``texts.shingle_set``):
any change to them needs a schema bump, and ``tests/test_kernel_pins.py`` pins them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dedup._core import shingle_hashes as _shingle_hashes
from dedup._core import shingle_set as _shingle_set
from dedup._core import shingle_text as _shingle_text
from dedup._core import text_shingles as _text_shingles

U32 = npt.NDArray[np.uint32]


def _array(raw: bytes) -> U32:
    return np.frombuffer(raw, dtype=np.uint32)


def shingle_hashes(tokens: Sequence[str], size: int) -> U32:
    """32-bit hashes of the word ``size``-shingles of ``tokens``, in text order (may repeat).

    A text shorter than ``size`` words gives one shingle of all its words; no words, none.
    """
    return _array(_shingle_hashes(list(tokens), size))


def text_shingles(normalised: str, size: int) -> tuple[U32, int]:
    """The shingle hashes of a normalised text in text order, and its number of words:
    ``shingle_hashes(words(normalised), size)`` without a Python object per word."""
    raw, count = _text_shingles(normalised, size)
    return _array(raw), count


def shingle_text(body: str, size: int) -> tuple[str, int, bytes, U32]:
    """What indexing needs of a body, in one call to the core: the xxh3-128 (hex) of its
    normalised text, its number of words, its shingle hashes in text order (as bytes, for
    :meth:`dedup.copies.sketch.Sketcher.sketch`) and its shingle set."""
    body_hash, count, ordered, shingles = _shingle_text(body, size)
    return body_hash, count, ordered, _array(shingles)


def shingle_set(hashes: U32) -> U32:
    """The distinct shingle hashes, sorted: the set that Jaccard and containment are taken on."""
    return _array(_shingle_set(np.ascontiguousarray(hashes, dtype=np.uint32).tobytes()))
