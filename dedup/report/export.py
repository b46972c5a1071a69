"""Export: one flat record per article, for the aggregator's own tables (JSON lines or CSV).

Two questions, two sets of fields:

- *Show one per story* (the event, however many outlets rewrote it): ``canonical``,
  ``relation`` and ``similarity``. ``relation`` says how an article stands to the
  canonical of its story: ``canonical`` (it is the one shown), ``exact`` (same normalised
  body), ``near`` (in the canonical's copy group), ``story`` (another version of the same
  story), ``unique`` (alone in its story). ``similarity`` is the shingle Jaccard with the
  canonical's text (null for the canonical and for unique articles).
- *Show one per copy group* (the same text, syndicated or lightly edited):
  ``copy_canonical``, ``copy_relation`` (``canonical``, ``exact``, ``near``, ``unique``)
  and ``copy_similarity``, the same against the canonical of the article's copy group.

``expired`` says whether the article's text has left the in-memory index (retention: no
new article matches it any more; see docs/how-it-works.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.copies.verify import overlap
from dedup.store import Store, queries

FIELDS = (
    "id",
    "path",
    "title",
    "source",
    "url",
    "published",
    "expired",
    "copy",
    "story",
    "is_canonical",
    "canonical",
    "relation",
    "similarity",
    "copy_canonical",
    "copy_relation",
    "copy_similarity",
)


def export_records(
    store: Store, shingles: Callable[[int], npt.NDArray[np.uint32]]
) -> Iterator[dict[str, Any]]:
    """Yield the export record of every article, grouped by story then copy group."""
    for row in queries.export_rows(store):
        jaccard: dict[int, float] = {}  # by the other text: one overlap however often asked

        def similar(other: int, row: dict[str, Any] = row, jaccard: dict[int, float] = jaccard) -> float:
            if other not in jaccard:
                jaccard[other] = round(overlap(shingles(row["text"]), shingles(other)).jaccard, 4)
            return jaccard[other]

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
            similarity = similar(row["canonical_text"])
        copy_similarity: float | None = None
        if row["copy_size"] == 1:
            copy_relation = "unique"
        elif row["id"] == row["copy_canonical"]:
            copy_relation = "canonical"
        elif row["text"] == row["copy_canonical_text"]:
            copy_relation, copy_similarity = "exact", 1.0
        else:
            copy_relation, copy_similarity = "near", similar(row["copy_canonical_text"])
        yield {
            "id": row["id"],
            "path": row["path"],
            "title": row["title"],
            "source": row["source"],
            "url": row["url"],
            "published": row["published"],
            "expired": bool(row["expired"]),
            "copy": row["copy"],
            "story": row["story"],
            "is_canonical": is_canonical,
            "canonical": row["canonical"],
            "relation": relation,
            "similarity": similarity,
            "copy_canonical": row["copy_canonical"],
            "copy_relation": copy_relation,
            "copy_similarity": copy_similarity,
        }
