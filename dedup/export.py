"""Export: one flat record per article, for the aggregator's own tables (JSON lines or CSV).

``relation`` says how an article stands to the canonical of its story: ``canonical`` (it is
the one shown), ``exact`` (same normalised body), ``near`` (in its copy group), ``story``
(another version of the same story), ``unique`` (alone). ``similarity`` is the shingle
Jaccard with the canonical's text (null for the canonical and for unique articles).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.store import Store
from dedup.verify import overlap

FIELDS = (
    "id", "path", "title", "source", "url", "published", "copy", "story",
    "is_canonical", "canonical", "relation", "similarity",
)

_SQL = """
SELECT a.id, a.path, a.title, a.source, a.url, a.published, a.copy, a.story, a.text,
       s.canonical, s.size, ca.text AS canonical_text, ca.copy AS canonical_copy
FROM articles a
JOIN stories s ON s.id = a.story
LEFT JOIN articles ca ON ca.id = s.canonical
ORDER BY a.story, a.copy, a.rowid
"""


def export_records(
    store: Store, shingles: Callable[[int], npt.NDArray[np.uint32]]
) -> Iterator[dict[str, Any]]:
    """Yield the export record of every article, grouped by story then copy group."""
    cursor = store.conn.cursor()
    cursor.execute(_SQL)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        is_canonical = row["id"] == row["canonical"]
        similarity: float | None = None
        if row["size"] == 1:
            relation = "unique"
        elif is_canonical:
            relation = "canonical"
        elif row["text"] == row["canonical_text"]:
            relation, similarity = "exact", 1.0
        else:
            relation = "near" if row["copy"] == row["canonical_copy"] else "story"
            o = overlap(shingles(row["text"]), shingles(row["canonical_text"]))
            similarity = round(o.jaccard, 4)
        yield {
            "id": row["id"], "path": row["path"], "title": row["title"],
            "source": row["source"], "url": row["url"], "published": row["published"],
            "copy": row["copy"], "story": row["story"], "is_canonical": is_canonical,
            "canonical": row["canonical"], "relation": relation, "similarity": similarity,
        }
