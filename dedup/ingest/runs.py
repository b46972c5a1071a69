"""Indexing runs over files, folders and streams: what `dedup index` does.

Reads sources (:mod:`dedup.ingest.sources`), skips files unchanged since the last run (same size
and modification time; a file that was only touched is parsed, and its articles, unchanged
by content hash, are not sketched again), feeds the articles of the others through
:meth:`dedup.index.Index.add_many`, and records each file once all of its articles are
committed. A file that changed replaces its old version: its articles that are gone are
removed. Problems with single files or records are collected, never fatal.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from dedup.article import Article
from dedup.decision import ADDED, Decision, Skipped, Status
from dedup.errors import SourceError
from dedup.index import Index
from dedup.ingest.scan import Problem, SourceFile, scan
from dedup.ingest.sources import open_stream, parse_stream, problem_from_error

log = logging.getLogger(__name__)

COUNTED: tuple[Status, ...] = (*ADDED, "unchanged")
"""The statuses a run counts."""


@dataclass
class RunSummary:
    """The counts of one run, as `dedup index` prints them and the runs table keeps them."""

    run: int = 0
    files: int = 0
    unchanged_files: int = 0
    read: int = 0
    skipped: int = 0
    statuses: Counter[Status] = field(default_factory=Counter)  # the decisions, by status
    removed: int = 0
    missing_files: int = 0  # files of earlier runs gone now, whose articles were pruned
    clusters: int = 0
    stories: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def new(self) -> int:
        return self.statuses["new"]

    @property
    def exact(self) -> int:
        return self.statuses["exact"]

    @property
    def near(self) -> int:
        return self.statuses["near"]

    @property
    def story(self) -> int:
        return self.statuses["story"]

    @property
    def unchanged(self) -> int:
        return self.statuses["unchanged"]

    def counts(self) -> dict[str, float]:
        """Every count by name (the statuses of :data:`COUNTED` among them, zeros included)."""
        plain = {k: v for k, v in dataclasses.asdict(self).items() if isinstance(v, int | float)}
        return plain | {status: self.statuses[status] for status in COUNTED}


@dataclass
class _Pending:
    """A file whose articles are in flight; recorded once the last one is committed."""

    source: SourceFile
    digest: str
    ids: set[str]
    last: int  # position in the article stream of the file's last article


def index_sources(
    index: Index,
    paths: Iterable[str],
    *,
    workers: int = 1,
    stdin: BinaryIO | None = None,
    batch_size: int = 500,
    on_problem: Callable[[Problem], None] | None = None,
    on_decision: Callable[[Decision | Skipped], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
    prune_missing: bool = False,
) -> RunSummary:
    """Index every article under ``paths`` ("-" reads JSON lines from ``stdin``).

    With ``prune_missing``, the articles of files read by an earlier run that are gone from
    under ``paths`` now (deleted, moved away) are removed too, counted in ``removed``.

    ``on_bytes(n)`` is told of every ``n`` bytes of the files read (an unchanged file's
    size at once), so that a progress bar over :func:`source_bytes` reaches its end.
    """
    run = _Run(index, list(paths), stdin, on_problem, on_bytes)
    return run.execute(workers, batch_size, on_decision, prune_missing)


def source_bytes(paths: Iterable[str]) -> int | None:
    """The bytes of all files under ``paths`` (a scan without reading them); None with
    standard input, whose size is not known in advance."""
    total = 0
    for item in scan(paths):
        if isinstance(item, SourceFile):
            if item.key == "-":
                return None
            total += item.size
    return total


class _Run:
    def __init__(
        self,
        index: Index,
        paths: list[str],
        stdin: BinaryIO | None,
        on_problem: Callable[[Problem], None] | None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> None:
        self.index = index
        self.paths = paths
        self.stdin = stdin
        self.on_problem = on_problem
        self.on_bytes = on_bytes or (lambda n: None)
        self.summary = RunSummary(run=index.begin_run(paths))
        self.pending: list[_Pending] = []
        self.seen: dict[str, str] = {}  # article id -> the file it was first read from
        self.read_seconds = 0.0
        self.position = 0  # articles read so far, in stream order
        # (position, bytes): bytes read up to the article at that position, told to on_bytes
        # once its decision is out, so that progress follows what is done, not what is read.
        self.marks: deque[tuple[int, int]] = deque()

    def problem(self, p: Problem) -> None:
        self.summary.problems.append(p)
        self.summary.skipped += p.skipped
        if self.on_problem is not None:
            self.on_problem(p)

    def about(self, aid: str, reason: str, skipped: bool) -> Problem:
        """A problem with one article, named by its file (and by its id in a feed)."""
        source = self.seen.get(aid, aid)
        if source.endswith(aid):  # a page: its file is the article, and names it already
            reason = reason.removeprefix(f"article {aid!r}: ")
        elif not reason.startswith(f"article {aid!r}"):
            reason = f"article {aid!r}: {reason}"
        return Problem(source, f"{reason}, skipped" if skipped else reason, skipped=skipped)

    def count(self, decision: Decision | Skipped) -> None:
        """A decision in the summary: its status counted, its warnings as problems."""
        if isinstance(decision, Skipped):
            self.problem(self.about(decision.id, decision.reason, skipped=True))
            return
        for warning in decision.warnings:
            self.problem(self.about(decision.id, warning, skipped=False))
        if decision.status in COUNTED:
            self.summary.statuses[decision.status] += 1

    def execute(
        self,
        workers: int,
        batch_size: int,
        on_decision: Callable[[Decision | Skipped], None] | None,
        prune_missing: bool = False,
    ) -> RunSummary:
        started = time.perf_counter()
        summary, index = self.summary, self.index
        status = "interrupted"
        done = 0
        ready: list[_Pending] = []
        try:
            for decision in index.add_many(self.articles(), batch_size=batch_size, workers=workers):
                done += 1
                self.count(decision)
                if on_decision is not None:
                    on_decision(decision)
                while self.marks and self.marks[0][0] <= done:
                    self.on_bytes(self.marks.popleft()[1])
                while self.pending and self.pending[0].last <= done:
                    ready.append(self.pending.pop(0))
                if len(ready) >= batch_size:
                    summary.removed += _finish_files(index, ready)
                    ready = []
            # The rest, and files whose records were all problems.
            summary.removed += _finish_files(index, ready + self.pending)
            while self.marks:
                self.on_bytes(self.marks.popleft()[1])
            if prune_missing:
                summary.removed += self.prune()
            status = "completed"
        finally:
            if status != "completed":  # read ahead of what was committed: count what was
                summary.read = done
            summary.seconds = round(time.perf_counter() - started, 3)
            summary.clusters = len(index.clusters)
            summary.stories = len(index.stories)
            summary.timings = {"read": self.read_seconds, **index.timings}
            index.store.record_problems(summary.run, [(p.source, p.line, p.reason) for p in summary.problems])
            index.end_run(summary.counts(), status)
        return summary

    def articles(self) -> Iterator[Article]:
        """Every article of every changed file, in order; files are queued as pending.

        Files are streamed, never loaded whole, and hashed as they are read.
        """
        for item in scan(self.paths):
            if isinstance(item, Problem):
                self.problem(item)
            elif self.unchanged(item):
                self.on_bytes(item.size)
            else:
                yield from self._file(item)

    def _file(self, item: SourceFile) -> Iterator[Article]:
        """The articles of one file; queued as pending once read to its end."""
        try:
            stream = open_stream(item, self.stdin)
        except SourceError as e:
            self.problem(problem_from_error(item, e))
            self.on_bytes(item.size)
            return
        ids: set[str] = set()
        reported = 0  # bytes of this file told to on_bytes
        broken = False  # not recorded as read, so the next run reads it again
        with stream:
            records = parse_stream(item, stream)
            while True:
                t0 = time.perf_counter()
                try:
                    record = next(records, None)
                except Exception as e:  # a bug in reading: this file only, never the run
                    log.exception("%s: reading failed", item.display)
                    self.problem(
                        Problem(
                            item.display,
                            f"could not be read ({type(e).__name__}: "
                            f"{e}); the rest of it skipped, to be read again",
                        )
                    )
                    broken = True
                    break
                finally:
                    self.read_seconds += time.perf_counter() - t0
                if record is None:
                    break
                if isinstance(record, Problem):
                    self.problem(record)
                    continue
                first = self.seen.setdefault(record.id, item.display)
                if record.id in ids or first != item.display:
                    where = "" if first == item.display else f" (first read from {first})"
                    self.problem(
                        Problem(
                            item.display,
                            f"duplicate id {record.id!r}{where}: the later record replaces the earlier one",
                            line=None,
                            skipped=False,
                        )
                    )
                ids.add(record.id)
                self.summary.read += 1
                self.position += 1
                self.marks.append((self.position, stream.bytes_read - reported))
                reported = stream.bytes_read
                # Its notes are problems reported by the source already (with the line).
                yield dataclasses.replace(record, origin=None if item.key == "-" else item.key, notes=())
            digest = stream.hexdigest()
            self.marks.append((self.position, max(stream.bytes_read, item.size) - reported))
        self.summary.files += 1
        if item.key != "-" and not broken:
            self.pending.append(_Pending(item, digest, ids, self.position))

    def prune(self) -> int:
        """Remove the articles of recorded files under the run's paths that are gone now."""
        roots = [os.path.realpath(p) for p in self.paths if p != "-"]
        store = self.index.store
        gone = [
            key
            for key in store.file_keys()
            if any(key == root or key.startswith(root.rstrip(os.sep) + os.sep) for root in roots)
            and not os.path.lexists(key)
        ]
        removed = 0
        for key in gone:
            ids = store.articles_of_file(key)
            for aid in ids:
                self.index.remove(aid)
            store.forget_file(key)
            removed += len(ids)
            self.summary.missing_files += 1
        return removed

    def unchanged(self, item: SourceFile) -> bool:
        """Whether the file has the size and modification time recorded when it was read."""
        if item.key == "-":
            return False
        if self.index.store.file_stamp(item.key) == (item.size, item.mtime_ns):
            self.summary.unchanged_files += 1
            return True
        return False


def _finish_files(index: Index, files: list[_Pending]) -> int:
    """Record files as read, in one transaction; remove articles their new versions lack."""
    removed = 0
    for p in files:
        gone = [aid for aid in index.store.articles_of_file(p.source.key) if aid not in p.ids]
        for aid in gone:
            index.remove(aid)
        removed += len(gone)
    index.store.record_files(
        [
            (p.source.key, p.source.display, p.source.size, p.source.mtime_ns, p.digest, len(p.ids))
            for p in files
        ],
        index.current_run,
    )
    return removed
