"""Banded LSH over MinHash signatures, for candidate search: never compares all pairs.

Each signature is cut into ``bands`` bands of ``rows`` values; two texts become candidates
when any band is equal. With 42 bands of 3 rows a pair at Jaccard 0.5 is a candidate with
probability 0.996, at 0.3 with 0.68 (the lead signature covers truncations), at 0.05 with
0.005. The full-body and the lead signatures share one table: a band key mixes the band's
values with the band number and which signature it came from, into 32 bits. (The equality
of full and lead signatures below is exact: a text no longer than the lead has identical
signatures, and its lead keys are skipped.)

The table itself is a :class:`dedup.keyindex.KeyIndex` (sorted, bit-packed runs in the
compiled core, about 4 bytes an entry once the index is large). Truncating keys to 32
bits makes a few false candidates (about 84 x entries / 2^32 a query: 2 at a million
texts); verification drops them like any other.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dedup.keyindex import KeyIndex

U32 = npt.NDArray[np.uint32]

_POLY = np.uint64(0x9E3779B185EBCA87)
_SALT = np.uint64(0xC2B2AE3D27D4EB4F)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_S33 = np.uint64(33)
_S32 = np.uint64(32)


class BandIndex(KeyIndex):
    """The LSH table: band keys of MinHash signatures -> text ids, in a few hundred bytes
    a text (see :class:`KeyIndex` for ``buffer`` and ``middle``)."""

    def __init__(self, bands: int, rows: int, buffer: int = 1 << 17, middle: int = 1 << 22) -> None:
        super().__init__(buffer, middle)
        self.bands = bands
        self.rows = rows
        salts = np.arange(1, 2 * bands + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            self._salts = salts * _SALT

    def keys(self, full: U32, lead: U32) -> list[int]:
        """The band keys of one text: ``bands`` from the full signature, ``bands`` from the lead.

        A key is the top 32 bits of a 64-bit mix of the band's values, salted with the
        band's number and kind, so equal values in different bands don't collide (beyond
        the 32-bit truncation). The lead of a short text is its whole body; its lead keys
        would only repeat the full ones and are left out.
        """
        width = self.bands * self.rows
        if np.array_equal(full, lead):
            values = full[:width]
            salts = self._salts[: self.bands]
        else:
            values = np.concatenate([full[:width], lead[:width]])
            salts = self._salts
        v = values.reshape(-1, self.rows).astype(np.uint64)
        with np.errstate(over="ignore"):
            h = v[:, 0] + salts
            for r in range(1, self.rows):
                h *= _POLY
                h += v[:, r]
            h ^= h >> _S33
            h *= _MIX1
            h ^= h >> _S33
            h *= _MIX2
        out: list[int] = (h >> _S32).tolist()  # fmix64's last step leaves these bits as they are
        return out
