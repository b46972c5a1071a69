"""Extraction and sketching in worker processes, results back in input order.

Only the pure stage (:class:`dedup.pipeline.Preparer`) runs in the workers; matching and
storing stay in the calling process, so there is one writer and no shared state.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from dedup.article import Article
from dedup.decision import Skipped
from dedup.errors import ArticleError
from dedup.params import Params
from dedup.pipeline import Prepared, Preparer
from dedup.stories import StoryParams

_preparer: Preparer | None = None


def _init(params: Params, story_params: StoryParams) -> None:
    global _preparer  # noqa: PLW0603 - one Preparer per worker process, built once
    _preparer = Preparer(params, story_params)


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
    story_params: StoryParams,
    articles: Iterable[Article],
    workers: int,
    unchanged: Callable[[Article], bool],
    chunk: int = 256,
) -> Iterator[Prepared | Skipped | Article]:
    """Prepare ``articles`` in ``workers`` processes; unchanged ones pass through unprepared.

    The input is read in this thread (sources may hold a database connection) a chunk at a
    time; the next chunk is read and handed out while the workers finish the current one.
    """
    ctx = multiprocessing.get_context("fork")
    source = iter(articles)

    def next_chunk() -> list[Article]:
        return list(islice(source, chunk))

    with ctx.Pool(workers, initializer=_init, initargs=(params, story_params)) as pool:
        current = next_chunk()
        while current:
            todo = [None if unchanged(a) else a for a in current]
            running = pool.map_async(_prepare, todo, chunksize=max(1, chunk // (4 * workers)))
            following = next_chunk()
            for article, result in zip(current, running.get(), strict=True):
                # None marks an unchanged article: hand it back as is, in its place.
                yield article if result is None else result
            current = following
