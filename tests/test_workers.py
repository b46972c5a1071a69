"""The worker pool: results in input order, chunks handed out ahead of the caller."""

from __future__ import annotations

import random
from collections.abc import Iterator

from dedup import Article, Params
from dedup.pipeline import Prepared
from dedup.stories import StoryParams
from dedup.workers import prepare_in_pool
from tests import textgen


def _articles(count: int, read: list[int]) -> Iterator[Article]:
    rng = random.Random(7)
    for k in range(count):
        read[0] = k + 1
        yield Article(id=f"a{k}", text=textgen.article(rng, 80))


def test_the_pool_prepares_chunks_ahead_and_keeps_the_order() -> None:
    read = [0]
    stream = prepare_in_pool(Params(), StoryParams(), _articles(40, read), workers=2,
                             unchanged=lambda a: a.id == "a3", chunk=4, ahead=3)
    first = next(stream)
    # Three chunks handed out, then one more before the first chunk's results come back:
    # the workers prepare while the caller applies.
    assert read[0] == 4 * (3 + 1)
    rest = list(stream)
    ids = [item.article.id if isinstance(item, Prepared) else item.id for item in [first, *rest]]
    assert ids == [f"a{k}" for k in range(40)]
    assert isinstance(rest[2], Article)  # a3, unchanged: handed back unprepared
    assert all(isinstance(item, Prepared) for item in [first, *rest[:2], *rest[3:]])
