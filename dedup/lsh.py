"""Banded LSH over MinHash signatures, for candidate search: never compares all pairs.

Each signature is cut into ``bands`` bands of ``rows`` values; two texts become candidates
when any band is equal. With 42 bands of 3 rows a pair at Jaccard 0.5 is a candidate with
probability 0.996, at 0.3 with 0.68 (the lead signature covers truncations), at 0.05 with
0.005. The full-body and the lead signatures share one table: a band key mixes the band's
values with the band number and which signature it came from, as a 64-bit integer.
(The equality of full and lead signatures below is exact: a text no longer than the lead
has identical signatures, and its lead keys are skipped.)

Buckets hold a bare int for one member and a list for more, because most buckets have
one member and a list per key would triple the memory.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import xxhash

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]



class BandIndex:
    """An in-memory LSH table: band key -> text ids."""

    def __init__(self, bands: int, rows: int) -> None:
        self.bands = bands
        self.rows = rows
        self._buckets: dict[int, int | list[int]] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def keys(self, full: U32, lead: U32) -> list[int]:
        """The band keys of one text: ``bands`` from the full signature, ``bands`` from the lead.

        A key is xxh3-64 of the band's bytes, seeded with the band's number and kind, so
        equal values in different bands never collide. The lead of a short text is its
        whole body; its lead keys would only repeat the full ones and are left out.
        """
        width = self.rows * 4
        digest = xxhash.xxh3_64_intdigest
        fb = full.tobytes()
        keys = [digest(fb[i * width : (i + 1) * width], i) for i in range(self.bands)]
        if not np.array_equal(full, lead):
            lb = lead.tobytes()
            keys += [digest(lb[i * width : (i + 1) * width], self.bands + i)
                     for i in range(self.bands)]
        return keys

    def insert(self, text: int, keys: Iterable[int]) -> None:
        buckets = self._buckets
        for key in set(keys):
            held = buckets.get(key)
            if held is None:
                buckets[key] = text
            elif isinstance(held, int):
                buckets[key] = [held, text]
            else:
                held.append(text)

    def remove(self, text: int, keys: Iterable[int]) -> None:
        buckets = self._buckets
        for key in set(keys):
            held = buckets.get(key)
            if held == text:
                del buckets[key]
            elif isinstance(held, list) and text in held:
                held.remove(text)
                if len(held) == 1:
                    buckets[key] = held[0]

    def query(self, keys: Iterable[int]) -> set[int]:
        """Every text sharing at least one band key."""
        found: set[int] = set()
        buckets = self._buckets
        for key in keys:
            held = buckets.get(key)
            if held is None:
                continue
            if isinstance(held, int):
                found.add(held)
            else:
                found.update(held)
        return found
