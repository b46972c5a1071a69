"""Extraction and sketching in worker processes, results back in input order.

Only the pure stage (:class:`dedup.pipeline.Preparer`) runs in the workers; matching and
storing stay in the calling process, so there is one writer and no shared state.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator

from dedup.article import Article
from dedup.decision import Skipped
from dedup.errors import ArticleError
from dedup.params import Params
from dedup.pipeline import Prepared, Preparer

_preparer: Preparer | None = None


def _init(params: Params) -> None:
    global _preparer  # noqa: PLW0603 - one Preparer per worker process, built once
    _preparer = Preparer(params)


def _prepare(item: Article | None) -> Prepared | Skipped | None:
    if item is None:
        return None
    assert _preparer is not None
    try:
        return _preparer.prepare(item)
    except ArticleError as e:
        return Skipped(item.id, str(e))


def prepare_in_pool(
    params: Params,
    articles: Iterable[Article],
    workers: int,
    unchanged: Callable[[Article], bool],
    chunksize: int = 16,
) -> Iterator[Prepared | Skipped | Article]:
    """Prepare ``articles`` in ``workers`` processes; unchanged ones pass through unprepared."""
    ctx = multiprocessing.get_context("fork")
    kept: list[Article] = []

    def feed() -> Iterator[Article | None]:
        for article in articles:
            if unchanged(article):
                kept.append(article)
                yield None
            else:
                yield article

    with ctx.Pool(workers, initializer=_init, initargs=(params,)) as pool:
        pending = iter(kept)
        for result in pool.imap(_prepare, feed(), chunksize):
            # None marks an unchanged article: hand it back as is, in its place.
            yield next(pending) if result is None else result
