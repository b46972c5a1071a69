"""A description of the store's tables and columns for Datasette (``metadata.json``).

``datasette dedup.db --metadata metadata.json`` (``dedup datasette-metadata -o
metadata.json`` writes the file) shows each table and column with what it holds; the
foreign keys the store declares link an article to its text, copy group, story and run.
"""

from __future__ import annotations

from typing import Any

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "articles": (
        "One row per article: where it came from, what extraction found, its copy group and story.",
        {
            "id": "the article's id (a page's path relative to the folder indexed)",
            "text": "its normalised body (texts.id); exact copies share one",
            "copy": "its copy group (clusters.id)",
            "story": "its story (stories.id): copies and rewrites of one event",
            "status": "how it arrived: new, exact, near, story (its relation now is in `dedup export`)",
            "attribution": "the wire agencies it credits (JSON list)",
            "method": "the extractor that found the body: trafilatura, flat, ...",
            "encoding": "how the file's bytes were read (utf-8, cp1252, ...)",
            "file": "the source file (files.key); empty for standard input",
            "content_hash": "hash of everything that decides 'unchanged'",
        },
    ),
    "texts": (
        "One row per distinct normalised body, with its sketches as blobs.",
        {
            "hash": "xxh3-128 of the normalised body",
            "shingles": "number of distinct 5-word shingles",
            "signature": "MinHash signature (128 x uint32, datasketch's affine32 scheme)",
            "lead": "MinHash signature of the first shingles (finds truncated copies)",
            "story_features": "the story tier's salient terms, dates and quotes (JSON)",
        },
    ),
    "clusters": (
        "Copy groups: the same text, syndicated or lightly edited.",
        {
            "canonical": "the article shown for the group (articles.id)",
            "reason": "why it is the canonical (docs/canonical.md)",
            "texts": "distinct texts in the group",
        },
    ),
    "stories": (
        "Stories: every version of one event, copy groups included.",
        {
            "canonical": "the article shown for the story (articles.id)",
            "reason": "why it is the canonical",
        },
    ),
    "matches": (
        "Verified pairs, with the scores that proved them.",
        {
            "relation": "exact, near (a copy) or story (a rewrite)",
            "jaccard": "shingle Jaccard (copies)",
            "containment": "share of the shorter text's shingles in the longer (copies)",
            "score": "salient-term score (story links)",
            "evidence": "shared terms, quotes and date gap of a story link (JSON)",
        },
    ),
    "merges": ("Which copy group absorbed (or split from) which, in which run.", {}),
    "runs": ("One row per `dedup index` run, with its counts and parameters.", {}),
    "problems": ("Files and records a run could not index fully, and why.", {}),
    "files": ("Files read, to index only what changed on the next run.", {}),
    "config": ("The index's parameters and schema version.", {}),
}


def metadata(database: str = "dedup") -> dict[str, Any]:
    """Datasette metadata for a dedup database served under the name ``database``."""
    return {
        "title": "dedup index",
        "description": "Exact copies, near copies and rewrites of news stories, grouped by "
        "dedup (MinHash/LSH over shingles, and a story tier).",
        "databases": {
            database: {
                "tables": {
                    name: {"description": description, "columns": columns}
                    for name, (description, columns) in TABLES.items()
                },
            },
        },
    }
