"""A key -> ids index in a few bytes an entry: the table behind the LSH bands and the story keys.

Memory is what limits an in-memory index (a dict of buckets costs ~100 bytes an entry, 84
entries a text), so entries live in sorted NumPy runs (see :class:`_Run`): about 4.4 bytes
an entry once the index is large. New entries go to a small dict first, which is merged
into a middle run, which is merged into the main run (an LSM tree of three levels), all in
place. Removed texts are filtered out of answers and dropped at the next main merge.
Keys are 32 bits and ids at most 32 bits.

Both the copy tier's LSH table (:class:`dedup.copies.lsh.BandIndex`) and the story tier's
key index (:mod:`dedup.stories.index`) are one of these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
Entries = npt.NDArray[np.unsignedinteger[Any]]

_KEY_BITS = 32
_S32 = np.uint64(32)
_BUCKET = 8  # entries a directory bucket holds on average right after a re-layout
CHUNK = 1 << 20  # entries handled at once when a large run is rewritten (bounds temporaries)


class _Run:
    """A sorted run of (key, text) entries, packed: ~4.4 bytes an entry when large.

    A directory of ``2^bits`` offsets indexes the top ``bits`` bits of the key; an entry
    holds the key's other ``32 - bits`` bits above the text id (``id_bits`` bits), in one
    uint32 when they fit (``bits >= id_bits``, true for a large run of dense ids) and in a
    uint64 otherwise. Entries are sorted by (key, text), so a bucket's entries are sorted
    too. Every change happens in place, chunk by chunk, so a large run never exists twice.
    """

    def __init__(self, chunk: int = CHUNK) -> None:
        self.chunk = chunk
        self.bits = 0
        self.id_bits = 1
        self.entries: Entries = np.empty(0, dtype=np.uint64)
        self.directory: U64 = np.zeros(2, dtype=np.uint64)

    @property
    def size(self) -> int:
        return int(self.entries.size)

    @property
    def nbytes(self) -> int:
        return int(self.entries.nbytes + self.directory.nbytes)

    # -- format -------------------------------------------------------------------------

    @property
    def _low_bits(self) -> int:
        return _KEY_BITS - self.bits

    def _dtype(self, bits: int, id_bits: int) -> type[np.unsignedinteger[Any]]:
        return np.uint32 if _KEY_BITS - bits + id_bits <= _KEY_BITS else np.uint64

    def _encode(self, keys: U32, texts: U32, bits: int, id_bits: int) -> tuple[Entries, I64]:
        """Entries and bucket numbers of sorted keys and texts, in the format (bits, id_bits)."""
        dtype = self._dtype(bits, id_bits)
        k = keys.astype(np.uint64)
        low = _KEY_BITS - bits
        prefix = (k >> np.uint64(low)).astype(np.int64)
        packed = ((k & np.uint64((1 << low) - 1)) << np.uint64(id_bits)) | texts.astype(np.uint64)
        return packed.astype(dtype), prefix

    def _decode(self, first: int, last: int) -> tuple[U32, U32]:
        """Keys and texts of the entries in buckets ``first`` to ``last - 1``."""
        d = self.directory
        start, end = int(d[first]), int(d[last])
        counts = np.diff(d[first : last + 1]).astype(np.int64)
        prefix = np.repeat(np.arange(first, last, dtype=np.uint64), counts)
        e = self.entries[start:end].astype(np.uint64)
        ib = np.uint64(self.id_bits)
        keys = (prefix << np.uint64(self._low_bits)) | (e >> ib)
        texts = e & np.uint64((1 << self.id_bits) - 1)
        return keys.astype(np.uint32), texts.astype(np.uint32)

    def _bucket_ranges(self) -> Iterable[tuple[int, int]]:
        """Bucket ranges of about ``chunk`` entries (fewer buckets if they are large)."""
        buckets = 1 << self.bits
        step = max(1, (buckets * self.chunk) // max(self.size, 1))
        for first in range(0, buckets, step):
            yield first, min(first + step, buckets)

    def decode_all(self) -> tuple[U32, U32]:
        return self._decode(0, 1 << self.bits)

    def _rewrite(self, bits: int, id_bits: int, dead: U32 | None = None) -> None:
        """Re-lay out the entries as (bits, id_bits), dropping texts in ``dead``; in place.

        The (key, text) order does not depend on the format, so each chunk is decoded and
        encoded again at the same place or earlier (when entries are dropped).
        """
        dtype = self._dtype(bits, id_bits)
        out = self.entries if self.entries.dtype == dtype else np.empty(self.size, dtype=dtype)
        counts = np.zeros(1 << bits, dtype=np.uint64)
        grow = bits - self.bits  # >= 0: a bucket splits into 2^grow, never merges
        written = 0
        for first, last in list(self._bucket_ranges()):
            keys, texts = self._decode(first, last)
            if dead is not None and dead.size:
                keep = ~np.isin(texts, dead)
                keys, texts = keys[keep], texts[keep]
            packed, prefix = self._encode(keys, texts, bits, id_bits)
            out[written : written + packed.size] = packed
            written += packed.size
            lo, hi = first << grow, last << grow
            counts[lo:hi] += np.bincount(prefix - lo, minlength=hi - lo).astype(np.uint64)
        if out is self.entries:
            out.resize(written, refcheck=False)
        else:
            out = out[:written].copy()
        self.entries = out
        self.bits, self.id_bits = bits, id_bits
        self.directory = np.zeros((1 << bits) + 1, dtype=np.uint64)
        np.cumsum(counts, out=self.directory[1:])

    def _fit(self, total: int, max_text: int) -> None:
        """Change the format if ``total`` entries or a text id of ``max_text`` need it."""
        id_bits = max(self.id_bits, max_text.bit_length())
        bits = self.bits
        if total > 2 * _BUCKET << bits:
            bits = max(0, (total // _BUCKET).bit_length() - 1)
        if (bits, id_bits) != (self.bits, self.id_bits):
            self._rewrite(bits, id_bits)

    # -- changes --------------------------------------------------------------------------

    def absorb(self, keys: U32, texts: U32) -> None:
        """Add entries (sorted by key, then text), in place."""
        if not keys.size:
            return
        self._fit(self.size + int(keys.size), int(texts.max()))
        packed, prefix = self._encode(keys, texts, self.bits, self.id_bits)
        positions = self._positions(prefix, packed)
        self._insert(positions, packed)
        # directory[i] += the number of new entries in buckets before i, a chunk at a time
        d = self.directory
        for first in range(0, d.size, self.chunk):
            last = min(first + self.chunk, d.size)
            lo = int(np.searchsorted(prefix, first, side="left"))
            hi = int(np.searchsorted(prefix, last, side="left"))
            if lo == hi:
                d[first:last] += np.uint64(lo)
                continue
            local = np.bincount(prefix[lo:hi] - first, minlength=last - first)
            d[first:last] += (lo + np.cumsum(local) - local).astype(np.uint64)

    def _positions(self, prefix: I64, packed: Entries) -> I64:
        """Where each new entry goes: after the entries of its bucket that sort before it."""
        lo = self.directory[prefix].astype(np.int64)
        hi = self.directory[prefix + 1].astype(np.int64)
        entries = self.entries
        if not entries.size:
            return lo
        last = entries.size - 1
        active = lo < hi
        while active.any():
            mid = (lo + hi) >> 1
            before = entries[np.minimum(mid, last)] <= packed
            lo = np.where(active & before, mid + 1, lo)
            hi = np.where(active & ~before, mid, hi)
            active = lo < hi
        return lo

    def _insert(self, positions: I64, values: Entries) -> None:
        """Insert sorted ``values`` before the old entries at ``positions``, in place.

        The array grows by realloc, then old entries move back to their new places chunk
        by chunk from the end, so nothing is overwritten before it was read.
        """
        n, m = self.size, int(values.size)
        self.entries.resize(n + m, refcheck=False)
        entries = self.entries
        end = n
        while end > 0:
            start = max(0, end - self.chunk)
            before = int(np.searchsorted(positions, start, side="left"))
            inside = int(np.searchsorted(positions, end, side="left"))
            if inside == 0:
                break  # nothing is inserted before these: they stay where they are
            shift = np.bincount(positions[before:inside] - start, minlength=end - start)
            np.cumsum(shift, out=shift)
            shift += before
            chunk = entries[start:end].copy()
            entries[np.arange(start, end) + shift] = chunk
            end = start
        entries[positions + np.arange(m)] = values

    def purge(self, dead: U32) -> None:
        """Drop the entries of the texts in ``dead``."""
        if self.size and dead.size:
            self._rewrite(self.bits, self.id_bits, dead)

    # -- queries -------------------------------------------------------------------------

    def query(self, keys: U32) -> U32:
        """Texts of the entries whose key is in ``keys`` (with repeats)."""
        if not self.size:
            return np.empty(0, dtype=np.uint32)
        k = keys.astype(np.uint64)
        low = np.uint64(self._low_bits)
        prefix = (k >> low).astype(np.intp) if self.bits else np.zeros(k.size, dtype=np.intp)
        start = self.directory[prefix].astype(np.int64)
        count = self.directory[prefix + 1].astype(np.int64) - start
        total = int(count.sum())
        if not total:
            return np.empty(0, dtype=np.uint32)
        ends = np.cumsum(count)
        index = np.repeat(start - ends + count, count) + np.arange(total)
        found = self.entries[index].astype(np.uint64)
        wanted = np.repeat(k & np.uint64((1 << self._low_bits) - 1), count)
        hit = (found >> np.uint64(self.id_bits)) == wanted
        texts: U64 = found[hit] & np.uint64((1 << self.id_bits) - 1)
        return texts.astype(np.uint32)


class KeyIndex:
    """An in-memory multimap of 32-bit keys to text ids, in a few bytes an entry.

    The storage of every candidate index here: the LSH bands (:class:`BandIndex`) and the
    story tier's pairs of key terms (:class:`dedup.stories.StoryIndex`). ``buffer``
    entries wait in a dict (fast to add and remove); then they are merged into a middle
    run, which is merged into the main run once it holds ``middle`` entries. Runs are
    rewritten ``chunk`` entries at a time, which bounds the temporary memory.
    """

    def __init__(self, buffer: int = 1 << 17, middle: int = 1 << 22, chunk: int = CHUNK) -> None:
        self._chunk = chunk
        self._buffer_limit = buffer
        self._middle_limit = middle
        self._buckets: dict[int, int | list[int]] = {}
        self._pending: dict[int, U32] = {}  # text -> its keys, while they are in the buffer
        self._buffered = 0
        self._middle = _Run(chunk)
        self._main = _Run(chunk)
        self._dead: set[int] = set()
        self._texts = 0

    def __len__(self) -> int:
        """The number of texts in the index."""
        return self._texts

    @property
    def entries(self) -> int:
        """(key, text) entries held, removed texts' ones included until the next main merge."""
        return self._buffered + self._middle.size + self._main.size

    @property
    def nbytes(self) -> int:
        """Bytes held in the NumPy runs (the buffer dict comes on top: ~100 an entry)."""
        return self._middle.nbytes + self._main.nbytes

    def insert(self, text: int, keys: Iterable[int]) -> None:
        if text in self._dead:
            self._merge_main()  # its old entries must go before it can come back
            self._dead.discard(text)
        unique = set(keys)
        buckets = self._buckets
        for key in unique:
            held = buckets.get(key)
            if held is None:
                buckets[key] = text
            elif isinstance(held, int):
                buckets[key] = [held, text]
            else:
                held.append(text)
        self._pending[text] = np.fromiter(unique, dtype=np.uint32, count=len(unique))
        self._buffered += len(unique)
        self._texts += 1
        if self._buffered >= self._buffer_limit:
            self._flush()

    def insert_many(self, texts: Sequence[int], keys: Sequence[Sequence[int]]) -> None:
        """Insert many texts at once (opening an index): one sort, no dict entry per key."""
        self._merge_main()
        counts = [len(k) for k in keys]
        flat = np.fromiter(chain.from_iterable(keys), dtype=np.uint64, count=sum(counts))
        owners = np.repeat(np.asarray(texts, dtype=np.uint64), counts)
        pairs = np.sort((flat << _S32) | owners)  # by key then text
        if pairs.size > 1:  # drop repeats (np.unique hashes first: 7x slower here)
            keep = np.ones(pairs.size, dtype=np.bool_)
            np.not_equal(pairs[1:], pairs[:-1], out=keep[1:])
            pairs = pairs[keep]
        self._main.absorb(
            (pairs >> _S32).astype(np.uint32), (pairs & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        )
        self._texts += len(texts)

    def remove(self, text: int, keys: Iterable[int]) -> None:
        """Take a text out (``keys`` must be the ones it was inserted with)."""
        pending = self._pending.pop(text, None)
        if pending is None:
            self._dead.add(text)
            self._texts -= 1
            if len(self._dead) > max(1024, self._texts >> 4):
                self._merge_main()
            return
        self._texts -= 1
        self._buffered -= int(pending.size)
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
        """Every text sharing at least one key (and, rarely, one sharing 32 bits of one)."""
        return set(self.query_sorted(list(keys)).tolist())

    def query_sorted(self, keys: Sequence[int]) -> U32:
        """The texts of :meth:`query` as a sorted array without repeats (what callers that
        go on with arrays want: no set and no list of Python ints on the way)."""
        held: list[int] = []
        buckets = self._buckets
        for key in keys:
            entry = buckets.get(key)
            if entry is None:
                continue
            if isinstance(entry, int):
                held.append(entry)
            else:
                held.extend(entry)
        found = [np.array(held, dtype=np.uint32)]
        if self._middle.size or self._main.size:
            wanted = np.array(keys, dtype=np.uint32)
            found += [self._middle.query(wanted), self._main.query(wanted)]
        texts = np.unique(np.concatenate(found))
        if self._dead:
            dead = np.fromiter(self._dead, dtype=np.uint32, count=len(self._dead))
            texts = texts[~np.isin(texts, dead, assume_unique=True)]
        return texts

    def flush(self) -> None:
        """Move the buffered entries into the runs (done by itself when the buffer is full)."""
        self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        texts = np.fromiter(self._pending, dtype=np.uint32, count=len(self._pending))
        arrays = list(self._pending.values())
        keys = np.concatenate(arrays)
        owners = np.repeat(texts, [a.size for a in arrays])
        order = np.argsort((keys.astype(np.uint64) << _S32) | owners, kind="stable")
        self._middle.absorb(keys[order], owners[order])
        self._buckets.clear()
        self._pending.clear()
        self._buffered = 0
        if self._middle.size >= self._middle_limit:
            self._merge_main()

    def _merge_main(self) -> None:
        """Buffer and middle run into the main run; drop removed texts everywhere."""
        self._flush()
        dead = np.fromiter(self._dead, dtype=np.uint32, count=len(self._dead))
        if self._middle.size:
            keys, texts = self._middle.decode_all()
            if dead.size:
                keep = ~np.isin(texts, dead)
                keys, texts = keys[keep], texts[keep]
            self._middle = _Run(self._chunk)
            self._main.absorb(keys, texts)
        self._main.purge(dead)
        self._dead.clear()
