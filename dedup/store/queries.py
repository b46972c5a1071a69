"""The reads of the commands that only look: copy groups, stories and their members, one
article with what it matched, counts, and the rows explain, export and the report read.

Each function takes an open :class:`~dedup.store.Store` and returns plain records; the
callers (the CLI, :mod:`dedup.report.explain`, :mod:`dedup.report.export`, :mod:`dedup.report`) hold no
SQL of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dedup.store.store import Store


@dataclass(frozen=True, slots=True)
class Group:
    """A copy group or a story: its id, size, canonical and why (``texts``: distinct texts)."""

    id: int
    size: int
    texts: int
    canonical: str
    reason: str


@dataclass(frozen=True, slots=True)
class Related:
    """A recorded match of an article: the other article and the scores."""

    other: str
    jaccard: float | None
    containment: float | None
    relation: str
    score: float | None


def _largest(store: Store, table: str, min_size: int, limit: int) -> list[Group]:
    sql = f"SELECT id, size, texts, canonical, reason FROM {table} WHERE size >= ? ORDER BY size DESC, id"
    rows = store.execute(sql + (" LIMIT ?" if limit else ""), (min_size, limit) if limit else (min_size,))
    return [Group(*row) for row in rows]


def copy_groups(store: Store, min_size: int, limit: int = 0) -> list[Group]:
    """Copy groups of at least ``min_size`` articles, largest first (``limit`` 0: all)."""
    return _largest(store, "clusters", min_size, limit)


def stories(store: Store, min_size: int, limit: int = 0) -> list[Group]:
    """Stories of at least ``min_size`` articles, largest first (``limit`` 0: all)."""
    return _largest(store, "stories", min_size, limit)


def story(store: Store, story_id: int) -> Group | None:
    row = store.execute(
        "SELECT id, size, texts, canonical, reason FROM stories WHERE id = ?", (story_id,)
    ).fetchone()
    return None if row is None else Group(*row)


def count_stories(store: Store, min_size: int) -> int:
    return int(store.execute("SELECT count(*) FROM stories WHERE size >= ?", (min_size,)).fetchone()[0])


def story_members(store: Store, story_id: int) -> list[tuple[str, str | None, str | None, int]]:
    """(id, source, published, copy group) of each article of a story."""
    return [
        (str(a), s, p, int(c))
        for a, s, p, c in store.execute(
            "SELECT id, source, published, copy FROM articles WHERE story = ?", (story_id,)
        )
    ]


def story_texts(store: Store, story_id: int) -> list[tuple[Any, ...]]:
    """(id, title, source, url, published, copy, text, body) of each article of a story."""
    return list(
        store.execute(
            "SELECT a.id, a.title, a.source, a.url, a.published, a.copy, a.text, t.body "
            "FROM articles a JOIN texts t ON t.id = a.text WHERE a.story = ?",
            (story_id,),
        )
    )


def copy_group(store: Store, group_id: int) -> tuple[Group, list[str]]:
    """A copy group and its members' ids in arrival order."""
    row = store.execute(
        "SELECT id, size, texts, canonical, reason FROM clusters WHERE id = ?", (group_id,)
    ).fetchone()
    members = [
        str(r[0]) for r in store.execute("SELECT id FROM articles WHERE copy = ? ORDER BY rowid", (group_id,))
    ]
    return Group(*row), members


def story_canonical(store: Store, story_id: int) -> str | None:
    row = store.execute("SELECT canonical FROM stories WHERE id = ?", (story_id,)).fetchone()
    return None if row is None else str(row[0])


def related(store: Store, article_id: str) -> list[Related]:
    """The recorded matches of an article, copies first (best Jaccard), then story links."""
    return [
        Related(*row)
        for row in store.execute(
            "SELECT CASE WHEN a = ? THEN b ELSE a END, jaccard, containment, relation, score "
            "FROM matches WHERE a = ? OR b = ? "
            "ORDER BY relation = 'story', jaccard DESC, score DESC",
            (article_id,) * 3,
        )
    ]


def body(store: Store, text: int) -> str | None:
    row = store.execute("SELECT body FROM texts WHERE id = ?", (text,)).fetchone()
    return None if row is None else str(row[0])


def sizes(store: Store, table: str) -> list[tuple[str, int]]:
    """How many copy groups (``clusters``) or ``stories`` have each size, 10 and more as one."""
    if table not in ("clusters", "stories"):
        raise ValueError(f"sizes of clusters or stories, not {table!r}")
    return [
        (str(s), int(n))
        for s, n in store.execute(
            "SELECT CASE WHEN size >= 10 THEN '10+' ELSE CAST(size AS TEXT) END AS s, count(*) "
            f"FROM {table} GROUP BY s ORDER BY min(size)"
        )
    ]


def publication_dates(store: Store) -> Iterator[str]:
    """The publication date of every dated article, as stored."""
    for (published,) in store.execute("SELECT published FROM articles WHERE published IS NOT NULL"):
        yield str(published)


def pair_rows(store: Store, article_id: str) -> tuple[Any, ...] | None:
    """(text, copy, story, body, signature, shingle_set, story_features) of an article."""
    row = store.execute(
        "SELECT a.text, a.copy, a.story, t.body, t.signature, t.shingle_set, t.story_features "
        "FROM articles a JOIN texts t ON t.id = a.text WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    return None if row is None else tuple(row)


def recorded_relation(store: Store, a: str, b: str) -> str | None:
    row = store.execute(
        "SELECT relation FROM matches WHERE (a = ? AND b = ?) OR (a = ? AND b = ?)", (a, b, b, a)
    ).fetchone()
    return None if row is None else str(row[0])


_EXPORT = """
SELECT a.id, a.path, a.title, a.source, a.url, a.published, a.copy, a.story, a.text,
       t.expired IS NOT NULL AS expired,
       s.canonical, s.size, ca.text AS canonical_text, ca.copy AS canonical_copy,
       c.canonical AS copy_canonical, c.size AS copy_size, cc.text AS copy_canonical_text
FROM articles a
JOIN texts t ON t.id = a.text
JOIN stories s ON s.id = a.story
LEFT JOIN articles ca ON ca.id = s.canonical
JOIN clusters c ON c.id = a.copy
LEFT JOIN articles cc ON cc.id = c.canonical
ORDER BY a.story, a.copy, a.rowid
"""


def export_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Every article with its story's and its copy group's canonical, grouped by story then
    copy group (streamed: a cursor of its own)."""
    cursor = store.conn.cursor()
    cursor.execute(_EXPORT)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))
