"""A key -> ids index in about four bytes an entry: the table behind the LSH bands and the story keys.

Memory is what limits an in-memory index (a dict of buckets costs ~100 bytes an entry, 84
entries a text), so the index lives in the compiled core (``dedup._core.KeyIndex``,
``rust/src/keyindex.rs``): entries in sorted, bit-packed runs, about 4 bytes an entry
once the index is large. New entries go to a small hash map first, which is merged into a
middle run, which is merged into the main run (an LSM tree of three levels), all in place.
Removed texts are filtered out of answers and dropped at the next main merge. Keys are 32
bits and ids at most 32 bits.

Both the copy tier's LSH table (:class:`dedup.copies.lsh.BandIndex`) and the story tier's
key index (:mod:`dedup.stories.index`) are one of these. This module is the index's typed
face: it takes any iterable of keys and hands answers over as NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from dedup._core import KeyIndex as _CoreKeyIndex

U32 = npt.NDArray[np.uint32]


def _listed(keys: Iterable[int]) -> list[int] | tuple[int, ...]:
    return keys if isinstance(keys, list | tuple) else list(keys)


class KeyIndex:
    """An in-memory multimap of 32-bit keys to text ids, in a few bytes an entry.

    The storage of every candidate index here: the LSH bands (:class:`BandIndex`) and the
    story tier's pairs of key terms (:class:`dedup.stories.StoryIndex`). ``buffer``
    entries wait in a hash map (fast to add and remove); then they are merged into a
    middle run, which is merged into the main run once it holds ``middle`` entries.
    """

    def __init__(self, buffer: int = 1 << 17, middle: int = 1 << 22) -> None:
        self._core = _CoreKeyIndex(buffer, middle)

    def __len__(self) -> int:
        """The number of texts in the index."""
        return len(self._core)

    @property
    def entries(self) -> int:
        """(key, text) entries held, removed texts' ones included until the next main merge."""
        return self._core.entries

    @property
    def nbytes(self) -> int:
        """Bytes held in the runs (the buffer comes on top: ~100 an entry, 2^17 entries at most)."""
        return self._core.nbytes

    def insert(self, text: int, keys: Iterable[int]) -> None:
        """File a text under each of its keys (repeats count once)."""
        self._core.insert(text, _listed(keys))

    def insert_many(self, texts: Sequence[int], keys: Sequence[Sequence[int]]) -> None:
        """Insert many texts at once (opening an index): one sort, straight into the main run."""
        self._core.insert_many(_listed(texts), [_listed(k) for k in keys])

    def remove(self, text: int, keys: Iterable[int]) -> None:
        """Take a text out (``keys`` are the ones it was inserted with)."""
        self._core.remove(text, _listed(keys))

    def query(self, keys: Iterable[int]) -> set[int]:
        """Every text sharing at least one key (and, rarely, one sharing 32 bits of one)."""
        return self._core.query(_listed(keys))

    def query_sorted(self, keys: Iterable[int]) -> U32:
        """The texts of :meth:`query` as a sorted array without repeats (what callers that
        go on with arrays want: no set and no list of Python ints on the way)."""
        return np.frombuffer(self._core.query_sorted(_listed(keys)), dtype=np.uint32)

    def flush(self) -> None:
        """Move the buffered entries into the runs (done by itself when the buffer is full)."""
        self._core.flush()

    def merge(self) -> None:
        """Merge everything into the main run and drop the removed texts' entries (done by
        itself when the middle run is full or removed texts pile up)."""
        self._core.merge()
