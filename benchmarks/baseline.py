"""The plain datasketch way, as a user would write it: the baseline every run is compared to.

Word 5-shingles of the article text (HTML pages with their tags stripped by a regex),
``MinHash.update_batch`` with an xxh32 hash function, an in-memory ``MinHashLSH`` at
threshold 0.5; every article is queried, then inserted. Copy groups are the connected
components of the query hits. Run it in its own process (``python -m benchmarks baseline``)
so that its peak memory is its own.
"""

from __future__ import annotations

import html
import json
import re
import resource
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import xxhash
from datasketch import MinHash, MinHashLSH

from benchmarks.feed import read_articles

NUM_PERM = 128
SHINGLE = 5
THRESHOLD = 0.5

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")


def _text(record: dict[str, Any]) -> str:
    text = record.get("text")
    if text is None:
        text = html.unescape(_TAG.sub(" ", record.get("html") or ""))
    return str(text)


def _shingles(text: str) -> list[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return [" ".join(words).encode("utf-8")]
    return [" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)]


class _Components:
    """Union-find over article ids: the copy groups the LSH hits imply."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def add(self, x: str, links: Iterable[str]) -> None:
        self.parent[x] = x
        for y in links:
            rx, ry = self.find(x), self.find(y)
            if rx != ry:
                self.parent[rx] = ry


def run(feed: Path, limit: int | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Index ``feed`` the datasketch way; figures and ``{id: copy group}``."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    groups = _Components()
    stages = dict.fromkeys(("read", "shingle", "minhash", "lsh"), 0.0)
    count = 0
    start = time.perf_counter()
    records = iter(read_articles(feed))
    while limit is None or count < limit:
        t0 = time.perf_counter()
        record = next(records, None)
        if record is None:
            break
        text = _text(record)
        t1 = time.perf_counter()
        shingles = _shingles(text)
        t2 = time.perf_counter()
        m = MinHash(num_perm=NUM_PERM, hashfunc=xxhash.xxh32_intdigest)
        m.update_batch(shingles)
        t3 = time.perf_counter()
        hits = lsh.query(m)
        lsh.insert(record["id"], m)
        t4 = time.perf_counter()
        groups.add(record["id"], hits)
        stages["read"] += t1 - t0
        stages["shingle"] += t2 - t1
        stages["minhash"] += t3 - t2
        stages["lsh"] += t4 - t3
        count += 1
    seconds = time.perf_counter() - start
    # ru_maxrss is in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    figures = {
        "method": f"datasketch MinHash.update_batch (xxh32, {NUM_PERM} perm) over word "
        f"{SHINGLE}-shingles + in-memory MinHashLSH(threshold={THRESHOLD})",
        "articles": count,
        "seconds": round(seconds, 3),
        "articles_per_s": round(count / seconds, 1) if seconds else 0.0,
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "peak_rss_self_mb": round(peak / 2**20, 1),
    }
    clusters = {aid: groups.find(aid) for aid in groups.parent}
    return figures, clusters


def main(feed: Path, out: Path, limit: int | None = None) -> None:
    """Run the baseline and write its figures and clusters as one JSON object to ``out``."""
    figures, clusters = run(feed, limit)
    out.write_text(json.dumps({**figures, "clusters": clusters}))
