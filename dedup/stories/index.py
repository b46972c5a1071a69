"""In-memory candidate index for the story tier: which indexed articles are worth verifying.

Each article is filed under one key per pair of its ``key_terms`` heaviest salient terms
(66 keys for the default 12). Two articles are candidates when they share a key, that is
when two terms are among the heaviest of both, which is exactly the condition the verifier
puts first (:data:`~dedup.stories.compare.MIN_KEY_TERMS`): the index misses no pair the
verifier could accept, where MinHash/LSH over the term sets, with as many keys, found 86%
of them on ECB+. It is a deterministic, weighted form of prefix filtering.
Collision is symmetric and depends on the two articles alone, so the candidate pairs, and
with them the clusters, do not depend on the order in which articles arrive. A pair key
is far more specific than a single term ("trump" alone would gather a large share of all
news), so buckets stay small; what still grows with the index is the bucket of a pair that
many stories share (an agency's name and a headline verb). A stream keeps the cost of an
article constant by expiring what fell out of the time window (:meth:`StoryIndex.expire`):
a dated article can't be the same story as one published more than ``window_days`` apart.
Expired articles move to an archive that only the articles that may still be their story
ask (undated ones, and those dated within the window of the expired days), so expiry
bounds the cost of an in-order stream without making the candidates depend on the order.
"""

from __future__ import annotations

from array import array
from itertools import combinations

import numpy as np
import numpy.typing as npt
import xxhash

from dedup.errors import UnknownArticle
from dedup.keyindex import KeyIndex
from dedup.stories.features import StoryFeatures
from dedup.stories.params import StoryParams

_SEP = "\x1f"


def index_keys(feats: StoryFeatures, params: StoryParams) -> list[int]:
    """The 32-bit keys an article is filed under (pairs of its heaviest terms)."""
    top = sorted(feats.terms[: params.key_terms])
    if len(top) < 2:
        return [xxhash.xxh3_64_intdigest(t.encode("utf-8", "surrogatepass")) >> 32 for t in top]
    return [
        xxhash.xxh3_64_intdigest(f"{x}{_SEP}{y}".encode("utf-8", "surrogatepass")) >> 32
        for x, y in combinations(top, 2)
    ]


class StoryIndex:
    """Keys -> articles in a :class:`~dedup.keyindex.KeyIndex` (a few bytes a key), with the keys
    of each article kept packed for removal and the publication days for expiry."""

    def __init__(self, params: StoryParams) -> None:
        self.params = params
        self._table = KeyIndex()
        self._archive = KeyIndex()  # expired articles: asked by undated and late ones only
        self._keys: dict[int, bytes] = {}
        self._days: dict[int, int] = {}  # live dated articles
        self._archived: set[int] = set()
        self._last: tuple[StoryFeatures, list[int]] | None = None

    def _keys_of(self, feats: StoryFeatures) -> list[int]:
        # An article is usually asked for its candidates, then added: hash its keys once.
        if self._last is None or self._last[0] is not feats:
            self._last = (feats, index_keys(feats, self.params))
        return self._last[1]

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def is_live(self, key: int) -> bool:
        """Held and not expired (a candidate for every article, not only late ones)."""
        return key in self._keys and key not in self._archived

    def candidates(self, feats: StoryFeatures) -> list[int]:
        """Keys of the indexed articles that share an index key with ``feats``, sorted.

        Keys are 32 bits, so now and then an article sharing only 32 bits of a key comes
        too; the verdict, which counts shared key terms, turns it away.
        """
        found: list[int] = self.candidate_array(feats).tolist()
        return found

    def candidate_array(self, feats: StoryFeatures, archive: bool = True) -> npt.NDArray[np.uint32]:
        """:meth:`candidates` as a sorted array (for callers that go on with arrays); with
        ``archive`` false, the expired articles are left out (a caller that knows none of
        them can be the story of ``feats``: a dated article within the window of no
        expired day)."""
        keys = self._keys_of(feats)
        live = self._table.query_sorted(keys)
        if not archive or not self._archived:
            return live
        return np.union1d(live, self._archive.query_sorted(keys)).astype(np.uint32)

    def add(self, key: int, feats: StoryFeatures) -> None:
        """File an article; adding a key already held replaces its entry."""
        if key in self._keys:
            self.remove(key)
        keys = self._keys_of(feats)
        self._table.insert(key, keys)
        self._keys[key] = array("I", keys).tobytes()
        if feats.day is not None:
            self._days[key] = feats.day

    def expire(self, before_day: int) -> list[int]:
        """Remove the dated articles published before ``before_day`` (a proleptic ordinal,
        e.g. the newest day seen minus ``window_days``); returns their keys.

        No article dated on or after ``before_day + window_days`` can be the same story as
        these: such articles leave them out (``candidate_array(..., archive=False)``).
        They move to the archive, which undated articles and articles dated earlier still
        ask, so the candidates of every pair, and with them the stories, stay a function
        of the set of articles, whatever the order they came in. Undated articles stay live.
        """
        gone = sorted(k for k, day in self._days.items() if day < before_day)
        for key in gone:
            keys = memoryview(self._keys[key]).cast("I").tolist()
            self._table.remove(key, keys)
            self._archive.insert(key, keys)
            self._archived.add(key)
            del self._days[key]
        return gone

    def remove(self, key: int) -> None:
        """Forget an article (e.g. one that fell out of the time window)."""
        packed = self._keys.pop(key, None)
        if packed is None:
            raise UnknownArticle(f"story index holds no article with key {key!r}")
        self._days.pop(key, None)
        if key in self._archived:
            self._archived.discard(key)
            self._archive.remove(key, memoryview(packed).cast("I").tolist())
        else:
            self._table.remove(key, memoryview(packed).cast("I").tolist())
