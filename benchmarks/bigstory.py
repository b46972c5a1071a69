"""What one big story costs: articles/s of ``Index.add_many`` on N articles of one event
against N unrelated articles.

A day's breaking story reaches thousands of articles in an aggregator within hours. The
big-story feed tells one event of the synthetic wire feed (benchmarks/feed.py) again and
again: every article is another agency's or paper's rewrite of the same facts and quote
(300-900 words, in the feed's styles), published within a day, and every tenth is a verbatim
copy of an earlier one. The unrelated feed is the synthetic feed's singletons. Both are
indexed in one process, in memory (no workers), by the same code.

    python -m benchmarks.bigstory                      # 250, 500, 1000, 2000, 5000
    python -m benchmarks.bigstory --sizes 500 5000 --json out.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks.feed import _START, FeedGenerator, _iso
from dedup import Article, Index

SEED = 20240913
SIZES = (250, 500, 1000, 2000, 5000)


def big_story(size: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """``size`` records that all report one event: rewrites, every tenth a copy."""
    gen = FeedGenerator(size, seed)
    r = random.Random(seed)
    story = gen._story(0, _START)
    bodies: list[tuple[str, str]] = []
    outlets = gen.agencies + gen.papers
    for n in range(size):
        when = _START + timedelta(seconds=r.uniform(0, 86400))
        if n % 10 == 9 and bodies:
            title, body = r.choice(bodies)  # a verbatim copy of an earlier version
        else:
            outlet = r.choice(outlets)
            tokens = gen._body(story, outlet, r.randint(300, 900), style=r.randint(0, 1))
            title, body = gen._headline(story, alternative=r.random() < 0.5), gen._join(tokens)
            bodies.append((title, body))
        yield {"id": f"big-{n:06d}", "title": title, "text": body, "published": _iso(when, 0)}


def unrelated(size: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """``size`` records of as many stories (the synthetic feed's singletons)."""
    for n, (record, _) in enumerate(FeedGenerator(size, seed, singleton_share=1.0)):
        yield {
            "id": f"one-{n:06d}",
            "title": record.get("title"),
            "text": record.get("text") or "",
            "published": record.get("published"),
        }


def index_rate(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Index the records in memory; articles/s, the story tier's seconds, the stories."""
    articles = [
        Article(id=r["id"], text=r["text"], title=r["title"], published=r["published"]) for r in records
    ]
    with Index.open(None) as index:
        start = time.perf_counter()
        for _ in index.add_many(articles):
            pass
        seconds = time.perf_counter() - start
        story_seconds = index.timings["story"]
        # The stories as stored once the run settled them (a decision carries the story
        # of its article when it was added, provisional in a large story).
        stories = Counter(row["story"] for row in index.export())
    return {
        "articles": len(records),
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(records) / seconds, 1),
        "story_seconds": round(story_seconds, 2),
        "stories": len(stories),
        "largest_story": max(stories.values()),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.bigstory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--json", type=Path, default=None, help="append the rows as JSON lines")
    args = ap.parse_args(argv)
    print(
        "| articles | one story: articles/s | its story tier s | stories | largest "
        "| unrelated: articles/s | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for size in args.sizes:
        big = index_rate(list(big_story(size)))
        one = index_rate(list(unrelated(size)))
        ratio = round(big["articles_per_s"] / one["articles_per_s"], 2)
        print(
            f"| {size} | {big['articles_per_s']} | {big['story_seconds']} | {big['stories']} | "
            f"{big['largest_story']} | {one['articles_per_s']} | {ratio} |",
            flush=True,
        )
        if args.json:
            with args.json.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"size": size, "big": big, "unrelated": one, "ratio": ratio}) + "\n")


if __name__ == "__main__":
    main()
