"""The worker pool: results in input order, chunks handed out ahead of the caller."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest

from dedup import Article, Params
from dedup.errors import ArticleError
from dedup.prepare import Preparer, Sketched
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
    stream = prepare_in_pool(
        Params(),
        StoryParams(),
        _articles(40, read),
        workers=2,
        unchanged=lambda a: a.id == "a3",
        chunk=4,
        ahead=3,
    )
    first = next(stream)
    # Three chunks handed out, then one more before the first chunk's results come back:
    # the workers prepare while the caller applies.
    assert read[0] == 4 * (3 + 1)
    rest = list(stream)
    ids = [item.article.id if isinstance(item, Sketched) else item.id for item in [first, *rest]]
    assert ids == [f"a{k}" for k in range(40)]
    assert isinstance(rest[2], Article)  # a3, unchanged: handed back unprepared
    assert all(isinstance(item, Sketched) for item in [first, *rest[:2], *rest[3:]])


def test_a_batch_prepared_stage_by_stage_is_prepared_as_one_by_one() -> None:
    rng = random.Random(11)
    articles = [Article(id=f"a{k}", text=textgen.article(rng, 60 + 20 * k)) for k in range(6)]
    articles.insert(2, Article(id="empty", text="   \n  "))
    articles.insert(
        4,
        Article(
            id="page",
            html="<html><body><nav>Home</nav><article><h1>Rates "
            "hold</h1><p>" + textgen.article(rng, 90) + "</p></article></body></html>",
        ),
    )
    preparer = Preparer(Params(), StoryParams())
    batch = preparer.prepare_many(articles)
    assert [type(x) for x in batch].count(ArticleError) == 1
    for article, got in zip(articles, batch, strict=True):
        if isinstance(got, ArticleError):
            with pytest.raises(ArticleError, match=re.escape(str(got))):
                preparer.prepare(article)
            continue
        want = preparer.prepare(article)
        assert (got.extracted, got.body_hash, got.words, got.story) == (
            want.extracted,
            want.body_hash,
            want.words,
            want.story,
        )
        for field in ("shingles", "signature", "lead"):
            assert (getattr(got.sketch, field) == getattr(want.sketch, field)).all()
        assert all(s >= 0 for s in got.times.seconds.values())
    # In the pool, the article that can't be prepared is skipped in its place.
    pooled = list(
        prepare_in_pool(
            Params(), StoryParams(), articles, workers=2, unchanged=lambda a: False, chunk=4, ahead=2
        )
    )
    assert [type(x).__name__ for x in pooled] == [
        "Skipped" if isinstance(x, ArticleError) else "Sketched" for x in batch
    ]
