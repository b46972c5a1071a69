"""Banded LSH over MinHash signatures, for candidate search: never compares all pairs.

Each signature is cut into ``bands`` bands of ``rows`` values; two texts become candidates
when any band is equal. With 42 bands of 3 rows a pair at Jaccard 0.5 is a candidate with
probability 0.996, at 0.3 with 0.68 (the lead signature covers truncations), at 0.05 with
0.005. The full-body and the lead signatures share one table: a band key mixes the band's
values with the band number and which signature it came from, as a 64-bit integer.

Buckets hold a bare int for one member and a list for more, because most buckets have
one member and a list per key would triple the memory.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from dedup.shingles import fmix64

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

_POLY = np.uint64(0xC2B2AE3D27D4EB4F)  # an odd 64-bit multiplier (xxh64 prime 2)


class BandIndex:
    """An in-memory LSH table: band key -> text ids."""

    def __init__(self, bands: int, rows: int) -> None:
        self.bands = bands
        self.rows = rows
        # Salt per (signature kind, band): kind 0 is the full body, 1 the lead.
        salts = np.arange(2 * bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        self._salts = salts.reshape(2, bands)
        self._buckets: dict[int, int | list[int]] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def keys(self, full: U32, lead: U32) -> list[int]:
        """The band keys of one text: ``bands`` from the full signature, ``bands`` from the lead."""
        return self.keys_many(full[None, :], lead[None, :])[0].tolist()  # type: ignore[no-any-return]

    def keys_many(self, full: U32, lead: U32) -> U64:
        """Band keys of many texts at once: an (n, 2 * bands) array, rows as in the inputs."""
        n = full.shape[0]
        width = self.bands * self.rows
        out = np.empty((n, 2, self.bands), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for kind, sig in enumerate((full, lead)):
                cut = sig[:, :width].astype(np.uint64).reshape(n, self.bands, self.rows)
                h = np.broadcast_to(self._salts[kind], (n, self.bands)).copy()
                for r in range(self.rows):
                    h = h * _POLY + cut[:, :, r]
                out[:, kind, :] = fmix64(h)
        # The lead of a short text is its whole body: its lead keys would only repeat the
        # full ones, so they are dropped (replaced by the full keys, deduplicated below).
        same = np.all(full[:, :width] == lead[:, :width], axis=1)
        out[same, 1, :] = out[same, 0, :]
        return out.reshape(n, 2 * self.bands)

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
