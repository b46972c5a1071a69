"""Extraction and sketching in worker processes, results back in input order.

Only the pure stage (:class:`dedup.prepare.Preparer`) runs in the workers; matching and
storing stay in the calling process, so there is one writer and no shared state.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from multiprocessing.pool import MapResult

from dedup.article import Article
from dedup.decision import Skipped
from dedup.errors import ArticleError
from dedup.params import Params
from dedup.prepare import Preparer, Sketched
from dedup.stories import StoryParams

_preparer: Preparer | None = None


def _init(params: Params, story_params: StoryParams) -> None:
    global _preparer  # noqa: PLW0603 - one Preparer per worker process, built once
    _preparer = Preparer(params, story_params)


def _prepare_batch(items: list[Article | None]) -> list[Sketched | Skipped | None]:
    """Prepare a batch stage by stage (:meth:`Preparer.prepare_many`); None stays None."""
    assert _preparer is not None
    done = iter(_preparer.prepare_many([a for a in items if a is not None]))
    out: list[Sketched | Skipped | None] = []
    for item in items:
        if item is None:
            out.append(None)
            continue
        result = next(done)
        out.append(Skipped(item.id, str(result)) if isinstance(result, ArticleError) else result)
    return out


def prepare_in_pool(
    params: Params,
    story_params: StoryParams,
    articles: Iterable[Article | Skipped],
    workers: int,
    unchanged: Callable[[Article], bool],
    chunk: int = 512,
    ahead: int = 4,
) -> Iterator[Sketched | Skipped | Article]:
    """Prepare ``articles`` in ``workers`` processes; unchanged ones pass through unprepared,
    and so do the :class:`Skipped` already refused.

    The input is read in this thread (sources may hold a database connection) a chunk at a
    time. Up to ``ahead`` chunks are handed out before the results of the first are
    yielded, so the workers prepare the next ones while the caller applies these (without
    that, the workers waited on the caller and the caller on the workers). ``unchanged``
    is asked when a chunk is handed out, before the caller has applied the chunks in
    front of it: it is a shortcut, and the caller checks again.
    """
    ctx = multiprocessing.get_context("fork")
    source = iter(articles)
    # Each task is a batch prepared stage by stage; two a worker per chunk keep both busy.
    per_task = max(1, chunk // (2 * workers))

    with ctx.Pool(workers, initializer=_init, initargs=(params, story_params)) as pool:

        def hand_out() -> bool:
            batch = list(islice(source, chunk))
            if batch:
                todo = [None if isinstance(a, Skipped) or unchanged(a) else a for a in batch]
                tasks = [todo[i : i + per_task] for i in range(0, len(todo), per_task)]
                pending.append((batch, pool.map_async(_prepare_batch, tasks, chunksize=1)))
            return bool(batch)

        pending: deque[tuple[list[Article | Skipped], MapResult[list[Sketched | Skipped | None]]]] = deque()
        while len(pending) < ahead and hand_out():
            pass
        while pending:
            batch, running = pending.popleft()
            hand_out()
            results = chain.from_iterable(running.get())
            for article, result in zip(batch, results, strict=True):
                # None marks an unchanged or refused article: hand it back as is, in its place.
                yield article if result is None else result
