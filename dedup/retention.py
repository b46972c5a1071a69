"""The retention window: which texts a long-running index still matches new articles against.

A text's *time* is the latest, over its articles, of the publication time and the arrival
time (the article's ``crawled_at``, else the moment it was added). The index's *clock* is
the :data:`QUORUM`-th latest text time seen, so that one article dated years ahead can't
empty the window, and times more than a day past the wall clock count as that bound.
A text whose time is older than the clock less ``retention_days`` *expires*: it leaves the
in-memory index (no new article can match it) and is marked expired in the store, where
it stays with its copy group, story, canonical and matches. An exact copy arriving while
a text is in the window renews it.

Why the later of the two times: in a live ingest an article arrives within hours of its
publication, so the window runs on publication time as the issue of retention asks; an
archive page crawled today about an event of three years ago stays matchable for a window
from now, and a backfill of old pages (all arriving now) expires nothing while it runs.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from datetime import time as day_time

from dedup.article import Article, parse_published

QUORUM = 16
"""Texts that must be at least as recent as the clock: the clock is the QUORUM-th latest time."""

FUTURE_SLACK = 86_400.0
"""How far past the wall clock a time may be (time zones, a page dated tomorrow); beyond it
a time counts as this bound."""

DAY = 86_400.0


def article_time(article: Article, published: str | None, now: float | None = None) -> float:
    """An article's time (epoch seconds): the later of its publication time and its arrival."""
    wall = time.time() if now is None else now
    arrived = _epoch(article.crawled_at)
    times = [t for t in (_epoch(published), arrived if arrived is not None else wall) if t is not None]
    return min(max(times), wall + FUTURE_SLACK)


def _epoch(value: str | None) -> float | None:
    when = parse_published(value)
    if when is None:
        return None
    if when.instant is not None:
        return when.instant.timestamp()
    return datetime.combine(when.day, day_time(12), tzinfo=UTC).timestamp()  # a bare day: its noon


class Window:
    """The live texts by time, the clock, and which texts are due to expire.

    ``days=None`` keeps everything (no text ever expires). The clock persists with the
    index (:attr:`clock`, restored through ``clock=``) so that a reopened index expires
    what it would have expired had it stayed open.
    """

    def __init__(self, days: float | None, clock: float | None = None) -> None:
        self.span = None if days is None else float(days) * DAY
        self._latest: list[float] = []  # min-heap of the QUORUM latest times
        self._restored = clock
        self._queue: list[tuple[float, int]] = []  # (time, text), stale entries skipped
        self.times: dict[int, float] = {}  # live text -> its time

    @property
    def clock(self) -> float | None:
        """The QUORUM-th latest time seen (or the stored clock, whichever is later)."""
        seen = self._latest[0] if len(self._latest) >= QUORUM else None
        known = [t for t in (seen, self._restored) if t is not None]
        return max(known) if known else None

    @property
    def horizon(self) -> float | None:
        """Texts older than this expire (``None``: nothing expires)."""
        clock = self.clock
        return None if clock is None or self.span is None else clock - self.span

    def track(self, text: int, when: float) -> bool:
        """A text's time, or a later one for it (an exact copy arrived): whether it changed."""
        old = self.times.get(text)
        later = old is None or when > old
        if later:
            self.times[text] = when
            if self.span is not None:
                heapq.heappush(self._queue, (when, text))
        self._observe(when)
        return later

    renew = track

    def _observe(self, when: float) -> None:
        latest = self._latest
        if len(latest) < QUORUM:
            heapq.heappush(latest, when)
        elif when > latest[0]:
            heapq.heapreplace(latest, when)

    def load(self, texts: Iterable[tuple[int, float]]) -> None:
        """Restore the live texts of a stored index (their times count for the clock too)."""
        for text, when in texts:
            self.track(text, when)

    def observe(self, times: Iterable[float]) -> None:
        """Times that count for the clock only (of texts not tracked)."""
        for when in times:
            self._observe(when)

    def untrack(self, text: int) -> None:
        """A text removed from the index (not expired)."""
        self.times.pop(text, None)

    def due(self) -> list[int]:
        """The live texts older than the horizon, oldest first; they are forgotten here."""
        horizon = self.horizon
        out: list[int] = []
        if horizon is None:
            return out
        queue, times = self._queue, self.times
        while queue and queue[0][0] < horizon:
            when, text = heapq.heappop(queue)
            if times.get(text) == when:
                del times[text]
                out.append(text)
        return out

    def is_expired(self, when: float) -> bool:
        """Whether a text of this time would expire at once."""
        horizon = self.horizon
        return horizon is not None and when < horizon


def parse_age(value: str) -> float | None:
    """A retention age as days: ``"14d"``, ``"36h"``, ``"2w"``, ``"14"`` (days) or
    ``"none"`` (keep everything: ``None``); ``ValueError`` with the accepted forms otherwise."""
    text = value.strip().lower()
    if text in ("none", "off", "all"):
        return None
    units = {"d": 1.0, "h": 1 / 24, "w": 7.0}
    scale = units.get(text[-1:])
    number = text[:-1] if scale is not None else text
    try:
        days = float(number) * (scale or 1.0)
    except ValueError:
        raise ValueError(
            f"{value!r} is not an age: give days as 14d, hours as 36h, weeks as 2w, or none"
        ) from None
    if not days > 0:
        raise ValueError(f"an age must be more than zero, got {value!r}")
    return days
