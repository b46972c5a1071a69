"""Per-stage cost of the hot path, against the first implementation measured in the same run.

``python -m benchmarks.micro`` times each stage from body to LSH on realistic bodies
(the synthetic wire feed of :mod:`benchmarks.feed`, extracted once, untimed), and the
band index's memory and insert/query cost at 100k and 1M texts (random band keys: every
candidate a query finds is then a false one, which counts the 32-bit truncation's cost).

The baseline (``v0``) is the code this replaced, kept here in short: ``re`` normalisation,
``re`` tokens, a ``str`` -> int cache, ``np.unique``, a broadcast MinHash per part, xxh3
band keys and a dict of buckets. Timings are CPU time (``time.process_time``), the best
of several rounds, so other processes on a shared machine disturb them little.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash
from datasketch import MinHash

from benchmarks.feed import FeedGenerator
from dedup.article import Article
from dedup.copies.lsh import BandIndex
from dedup.copies.normalise import normalise, words
from dedup.copies.shingles import shingle_set, shingle_text, text_shingles
from dedup.copies.sketch import Sketcher
from dedup.extract import Extractor

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

# -- v0: the first implementation, for ratios --------------------------------------------

_V0_WORD = re.compile(r"\w+")
_V0_SPACE = re.compile(r"\s+")
_V0_QUOTES = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00ad\u200b\ufeff", None),
    }
)
_v0_cache: dict[str, int] = {}


def v0_normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(_V0_QUOTES)
    return _V0_SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def v0_words(normalised: str) -> list[str]:
    return _V0_WORD.findall(normalised)


def v0_shingle_hashes(tokens: list[str], size: int) -> U32:
    get = _v0_cache.get
    values = [get(t) for t in tokens]
    if None in values:
        for i, (v, t) in enumerate(zip(values, tokens, strict=True)):
            if v is None:
                values[i] = _v0_cache[t] = xxhash.xxh3_64_intdigest(t.encode("utf-8", "surrogatepass"))
    w = np.array(values, dtype=np.uint64)
    n = max(len(tokens) - size + 1, 1)
    width = min(size, len(tokens))
    with np.errstate(over="ignore"):
        h = w[:n].copy()
        for j in range(1, width):
            h *= np.uint64(0x9E3779B185EBCA87)
            h += w[j : j + n]
        h += np.uint64(width)
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xFF51AFD7ED558CCD)
        h = h ^ (h >> np.uint64(33))
        h = h * np.uint64(0xC4CEB9FE1A85EC53)
        h = h ^ (h >> np.uint64(33))
        return (h >> np.uint64(32)).astype(np.uint32)


class V0Sketcher:
    def __init__(self, num_perm: int = 128, seed: int = 1, lead: int = 64) -> None:
        a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        self.a = np.asarray(a, dtype=np.uint32)[:, None]
        self.b = np.asarray(b, dtype=np.uint32)[:, None]
        self.lead = lead

    def _minhash(self, hashes: U32) -> U32:
        h = hashes
        h = h ^ (h >> np.uint32(16))
        h = h * np.uint32(0x85EBCA6B)
        h = h ^ (h >> np.uint32(13))
        h = h * np.uint32(0xC2B2AE35)
        h = h ^ (h >> np.uint32(16))
        return np.asarray((self.a * h[None, :] + self.b).min(axis=1), dtype=np.uint32)

    def sketch(self, hashes: U32) -> tuple[U32, U32]:
        lead = self._minhash(hashes[: self.lead])
        rest = hashes[self.lead :]
        return (lead, lead) if not rest.size else (np.minimum(lead, self._minhash(rest)), lead)


class V0BandIndex:
    def __init__(self, bands: int = 42, rows: int = 3) -> None:
        self.bands, self.rows = bands, rows
        self.buckets: dict[int, int | list[int]] = {}

    def keys(self, full: U32, lead: U32) -> list[int]:
        width = self.rows * 4
        fb = full.tobytes()
        keys = [xxhash.xxh3_64_intdigest(fb[i * width : (i + 1) * width], i) for i in range(self.bands)]
        if not np.array_equal(full, lead):
            lb = lead.tobytes()
            keys += [
                xxhash.xxh3_64_intdigest(lb[i * width : (i + 1) * width], self.bands + i)
                for i in range(self.bands)
            ]
        return keys

    def insert(self, text: int, keys: Iterable[int]) -> None:
        for key in set(keys):
            held = self.buckets.get(key)
            if held is None:
                self.buckets[key] = text
            elif isinstance(held, int):
                self.buckets[key] = [held, text]
            else:
                held.append(text)

    def query(self, keys: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for key in keys:
            held = self.buckets.get(key)
            if held is None:
                continue
            if isinstance(held, int):
                found.add(held)
            else:
                found.update(held)
        return found


# -- measuring ---------------------------------------------------------------------------


def bodies(count: int, seed: int) -> list[str]:
    """Extracted bodies of the first ``count`` articles of the synthetic feed."""
    extractor = Extractor()
    out = []
    for record, _ in FeedGenerator(count, seed):
        article = Article(id=record["id"], text=record.get("text"), html=record.get("html"))
        out.append(extractor.extract(article).body)
    return out


def per_item(fn: Callable[[Any], object], items: Sequence[Any], rounds: int) -> float:
    """CPU microseconds an item: the best of ``rounds`` passes over all items."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for item in items:
            fn(item)
        best = min(best, time.process_time() - start)
    return best / len(items) * 1e6


def stages(texts: list[str], rounds: int) -> list[dict[str, Any]]:
    """Before/after per stage, each timed on the same inputs."""
    size = 5
    norm = [normalise(t) for t in texts]
    tokens = [v0_words(n) for n in norm]
    for t in tokens:
        v0_shingle_hashes(t, size)  # warm both word caches alike
    for n in norm:
        text_shingles(n, size)
    ordered = [v0_shingle_hashes(t, size) for t in tokens]
    new_sk, old_sk = Sketcher(128, 1, 64), V0Sketcher()
    sigs = [new_sk.sketch(h) for h in ordered]
    new_bi, old_bi = BandIndex(42, 3), V0BandIndex()
    rows: list[tuple[str, Callable[[Any], object], Callable[[Any], object], Sequence[Any]]] = [
        ("normalise", v0_normalise, normalise, texts),
        ("words", v0_words, words, norm),
        (
            "text -> shingle hashes (words + hashes)",
            lambda n: v0_shingle_hashes(v0_words(n), size),
            lambda n: text_shingles(n, size),
            norm,
        ),
        ("shingle_set", np.unique, shingle_set, ordered),
        ("sketch (full + lead)", old_sk.sketch, new_sk.sketch, ordered),
        ("band keys", lambda s: old_bi.keys(*s), lambda s: new_bi.keys(*s), sigs),
    ]

    def worker_old(text: str) -> None:
        n = v0_normalise(text)
        h = v0_shingle_hashes(v0_words(n), size)
        np.unique(h)
        old_sk.sketch(h)

    def worker_new(text: str) -> None:
        _, _, h, _ = shingle_text(text, size)  # normalise, hash, shingles and their set
        new_sk.sketch(h)

    rows.append(("worker side: normalise .. sketch", worker_old, worker_new, texts))
    out = []
    for name, old, new, items in rows:
        gc.collect()
        before, after = per_item(old, items, rounds), per_item(new, items, rounds)
        out.append(
            {
                "stage": name,
                "before_us": round(before, 1),
                "after_us": round(after, 1),
                "ratio": round(before / after, 2) if after else None,
            }
        )
    return out


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def lsh(texts: int, seed: int, dict_index: bool = False) -> dict[str, Any]:
    """Insert ``texts`` texts of 84 random keys, querying each first; memory and CPU time."""
    rng = np.random.default_rng(seed)
    index: BandIndex | V0BandIndex = V0BandIndex() if dict_index else BandIndex(42, 3)
    gc.collect()
    rss0 = _rss()
    query_s = insert_s = 0.0
    candidates = 0
    clock = time.process_time
    block = 20_000
    for first in range(0, texts, block):
        keys = rng.integers(0, 2**32, (min(block, texts - first), 84), dtype=np.uint64).tolist()
        for i, row in enumerate(keys):
            t0 = clock()
            found = index.query(row)
            t1 = clock()
            index.insert(first + i + 1, row)
            insert_s += clock() - t1
            query_s += t1 - t0
            candidates += len(found)
        del keys
    gc.collect()
    out = {
        "index": "dict (v0)" if dict_index else "BandIndex",
        "texts": texts,
        "query_us": round(query_s / texts * 1e6, 1),
        "insert_us": round(insert_s / texts * 1e6, 1),
        "false_candidates_per_query": round(candidates / texts, 3),
        "rss_bytes_per_text": round((_rss() - rss0) / texts),
    }
    if isinstance(index, BandIndex):
        out["run_bytes_per_text"] = round(index.nbytes / texts)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.micro", description=__doc__)
    parser.add_argument("--articles", type=int, default=2000, help="bodies for the stage timings")
    parser.add_argument("--rounds", type=int, default=5, help="passes per stage; the best counts")
    parser.add_argument(
        "--lsh",
        default="100000,1000000",
        help="index sizes (texts) for the LSH figures, comma-separated; '' or 0 skips",
    )
    parser.add_argument(
        "--dict-lsh", type=int, default=100_000, help="texts for the v0 dict index's figures (0 skips)"
    )
    parser.add_argument("--seed", type=int, default=20240913)
    parser.add_argument("--out", type=Path, help="append the results as JSON lines here")
    args = parser.parse_args(argv)

    records: list[dict[str, Any]] = []
    texts = bodies(args.articles, args.seed)
    words_per = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{len(texts)} bodies, {words_per:.0f} words on average; CPU us an article, best of {args.rounds}")
    print(f"{'stage':42} {'before':>8} {'after':>8} {'ratio':>6}")
    for row in stages(texts, args.rounds):
        print(f"{row['stage']:42} {row['before_us']:8.1f} {row['after_us']:8.1f} {row['ratio']:6.2f}")
        records.append({"kind": "stage", "articles": len(texts), "words": round(words_per), **row})
    sizes = [n for n in (int(s) for s in args.lsh.split(",") if s.strip()) if n > 0]
    runs = [(n, False) for n in sizes] + ([(args.dict_lsh, True)] if args.dict_lsh else [])
    for n, as_dict in runs:
        row = lsh(n, args.seed, as_dict)
        print(json.dumps(row))
        records.append({"kind": "lsh", **row})
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
