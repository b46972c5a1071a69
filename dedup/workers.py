"""Extraction and sketching in worker processes, results back in input order.

Only the pure stage (:class:`dedup.pipeline.Preparer`) runs in the workers; matching and
storing stay in the calling process, so there is one writer and no shared state.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from multiprocessing.pool import MapResult

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
    ahead: int = 4,
) -> Iterator[Prepared | Skipped | Article]:
    """Prepare ``articles`` in ``workers`` processes; unchanged ones pass through unprepared.

    The input is read in this thread (sources may hold a database connection) a chunk at a
    time. Up to ``ahead`` chunks are handed out before the results of the first are
    yielded, so the workers prepare the next ones while the caller applies these (without
    that, the workers waited on the caller and the caller on the workers). ``unchanged``
    is asked when a chunk is handed out, before the caller has applied the chunks in
    front of it: it is a shortcut, and the caller checks again.
    """
    ctx = multiprocessing.get_context("fork")
    source = iter(articles)
    per_task = max(1, chunk // (4 * workers))

    with ctx.Pool(workers, initializer=_init, initargs=(params, story_params)) as pool:
        def hand_out() -> bool:
            batch = list(islice(source, chunk))
            if batch:
                todo = [None if unchanged(a) else a for a in batch]
                pending.append((batch, pool.map_async(_prepare, todo, chunksize=per_task)))
            return bool(batch)

        pending: deque[tuple[list[Article], MapResult[Prepared | Skipped | None]]] = deque()
        while len(pending) < ahead and hand_out():
            pass
        while pending:
            batch, running = pending.popleft()
            hand_out()
            for article, result in zip(batch, running.get(), strict=True):
                # None marks an unchanged article: hand it back as is, in its place.
                yield article if result is None else result
