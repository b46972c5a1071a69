"""The store's side of retention: text times, expired texts, closed groups, and pruning.

Expiring never deletes: a text leaves the in-memory index and is marked ``expired`` (with
the clock of that moment); a copy group or story none of whose texts is live any more is
marked ``closed``. Only :meth:`Expiry.prune` deletes, and only when asked for.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dedup.retention import QUORUM, Window

_CHUNK = 500  # ids a statement at most (SQLite's variable limit is far above)


@dataclass(frozen=True)
class Pruned:
    """What :meth:`Expiry.prune` deleted."""

    texts: int
    articles: int
    matches: int
    clusters: int
    stories: int


class Expiry:
    """Mixed into :class:`dedup.store.Store`: the statements of retention."""

    conn: sqlite3.Connection

    def open_window(self, retention_days: float | None) -> float | None:
        """Mark expired the texts the retention window leaves out now (it may have been
        shortened), dating the texts of a store from before retention from now; returns
        the clock (``None`` until it runs)."""
        row = self.conn.execute("SELECT value FROM config WHERE key = 'retention_clock'").fetchone()
        window = Window(retention_days, None if row is None else float(row[0]))
        self.date_undated(time.time())
        if window.clock is None:  # a store written before the clock was kept
            window.observe(self.newest_times(QUORUM))
        horizon = window.horizon
        if horizon is not None:
            self.expire_texts(self.texts_before(horizon), horizon)
        return window.clock

    def max_text_id(self) -> int:
        """The largest text id ever given (live or expired), 0 for none."""
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM texts").fetchone()[0])

    def live_times(self) -> Iterator[tuple[int, float]]:
        """(text, time) of every live text."""
        yield from self.conn.execute("SELECT id, seen FROM texts WHERE expired IS NULL AND seen IS NOT NULL")

    def date_undated(self, now: float) -> int:
        """Give texts stored before retention existed a time: ``now``. Returns how many."""
        return self.conn.execute("UPDATE texts SET seen = ? WHERE seen IS NULL", (now,)).rowcount

    def renew_text(self, text: int, seen: float) -> None:
        """A later time for a text (an exact copy of it arrived)."""
        self.conn.execute("UPDATE texts SET seen = ? WHERE id = ? AND seen < ?", (seen, text, seen))

    def expire_texts(self, texts: Sequence[int], clock: float) -> None:
        """Mark texts expired, and close the copy groups and stories left with no live text."""
        for start in range(0, len(texts), _CHUNK):
            chunk = list(texts[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"UPDATE texts SET expired = ? WHERE id IN ({marks})", (clock, *chunk))
            for table, column in (("clusters", "copy"), ("stories", "story")):
                self.conn.execute(
                    f"UPDATE {table} SET closed = ? WHERE closed IS NULL AND id IN "
                    f"(SELECT DISTINCT {column} FROM articles WHERE text IN ({marks})) "
                    f"AND NOT EXISTS (SELECT 1 FROM articles a JOIN texts t ON t.id = a.text "
                    f"WHERE a.{column} = {table}.id AND t.expired IS NULL)",
                    (clock, *chunk),
                )

    def texts_before(self, horizon: float) -> list[int]:
        """The live texts whose time is before ``horizon``."""
        return [
            int(r[0])
            for r in self.conn.execute(
                "SELECT id FROM texts WHERE expired IS NULL AND seen < ? ORDER BY id", (horizon,)
            )
        ]

    def newest_times(self, count: int) -> list[float]:
        """The ``count`` latest text times stored (for the clock of an index that had none)."""
        return [
            float(r[0])
            for r in self.conn.execute(
                "SELECT seen FROM texts WHERE seen IS NOT NULL ORDER BY seen DESC LIMIT ?", (count,)
            )
        ]

    def prune(self, horizon: float) -> Pruned:
        """Delete the texts whose time is before ``horizon``, their articles and matches, and
        the copy groups and stories left without articles (inside the caller's transaction)."""
        doomed = "SELECT id FROM texts WHERE seen < ?"
        ex = self.conn.execute
        matches = ex(
            f"DELETE FROM matches WHERE a_text IN ({doomed}) OR b_text IN ({doomed})",
            (horizon, horizon),
        ).rowcount
        articles = ex(f"DELETE FROM articles WHERE text IN ({doomed})", (horizon,)).rowcount
        texts = ex("DELETE FROM texts WHERE seen < ?", (horizon,)).rowcount
        clusters = ex("DELETE FROM clusters WHERE id NOT IN (SELECT DISTINCT copy FROM articles)").rowcount
        stories = ex("DELETE FROM stories WHERE id NOT IN (SELECT DISTINCT story FROM articles)").rowcount
        return Pruned(texts, articles, matches, clusters, stories)

    def vacuum(self) -> None:
        self.conn.execute("VACUUM")
