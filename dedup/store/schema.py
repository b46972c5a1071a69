"""The store's schema: its tables and columns, the keys it declares, its indexes and version.

The one description of the database's layout; :class:`dedup.store.Store` creates what is
missing from it, and the SQL of :mod:`dedup.store` is written against it.
"""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 1
APPLICATION_ID = 0x64647570  # "ddup" in the SQLite header: this file is a dedup index

TABLES: dict[str, tuple[dict[str, Any], str | tuple[str, ...]]] = {
    "texts": (
        {
            "id": int,
            "hash": str,
            "words": int,
            "shingles": int,
            "body": str,
            "signature": bytes,
            "lead": bytes,
            "shingle_set": bytes,
            "story_features": str,
            "seen": float,  # the text's time, epoch seconds (dedup.retention): NULL before retention
            "expired": float,  # when it left the in-memory index (the clock then); NULL: live
        },
        "id",
    ),
    "articles": (
        {
            "id": str,
            "path": str,
            "title": str,
            "source": str,
            "url": str,
            "published": str,
            "attribution": str,
            "dateline": str,
            "byline": str,
            "method": str,
            "text": int,
            "body_hash": str,
            "words": int,
            "copy": int,
            "story": int,
            "status": str,
            "content_hash": str,
            "file": str,
            "run": int,
            "encoding": str,
        },
        "id",
    ),
    "clusters": (
        {
            "id": int,
            "canonical": str,
            "reason": str,
            "size": int,
            "texts": int,
            "created_run": int,
            "updated_run": int,
            "closed": float,  # when its last live text expired (the clock then); NULL: open
        },
        "id",
    ),
    "stories": (
        {
            "id": int,
            "canonical": str,
            "reason": str,
            "size": int,
            "texts": int,
            "updated_run": int,
            "closed": float,  # as for clusters
        },
        "id",
    ),
    "matches": (
        {
            "a": str,
            "b": str,
            "a_text": int,
            "b_text": int,
            "jaccard": float,
            "containment": float,
            "relation": str,
            "score": float,
            "evidence": str,
            "run": int,
        },
        ("a", "b"),
    ),
    "merges": ({"run": int, "kept": int, "absorbed": int, "kind": str}, ()),
    "runs": (
        {
            "id": int,
            "started": str,
            "finished": str,
            "status": str,
            "version": str,
            "params": str,
            "sources": str,
            "read": int,
            "skipped": int,
            "new": int,
            "exact": int,
            "near": int,
            "story": int,
            "unchanged": int,
            "removed": int,
            "clusters": int,
            "stories": int,
            "seconds": float,
        },
        "id",
    ),
    "problems": ({"run": int, "source": str, "line": int, "reason": str}, ()),
    "files": (
        {"key": str, "display": str, "size": int, "mtime_ns": int, "hash": str, "articles": int, "run": int},
        "key",
    ),
    "config": ({"key": str, "value": str}, "key"),
}

# Declared for the tools that browse the file (Datasette links a row to the rows it names);
# not enforced (PRAGMA foreign_keys=OFF): the index writes related rows in its own order.
# A table is created after the ones it names; a canonical's link back to its article
# would make a cycle and is left out. Databases made before the keys have none.
FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {
    "articles": [
        ("text", "texts", "id"),
        ("copy", "clusters", "id"),
        ("story", "stories", "id"),
        ("run", "runs", "id"),
        ("file", "files", "key"),
    ],
    "matches": [
        ("a", "articles", "id"),
        ("b", "articles", "id"),
        ("a_text", "texts", "id"),
        ("b_text", "texts", "id"),
        ("run", "runs", "id"),
    ],
    "merges": [("run", "runs", "id")],
    "problems": [("run", "runs", "id")],
    "clusters": [("created_run", "runs", "id"), ("updated_run", "runs", "id")],
    "stories": [("updated_run", "runs", "id")],
    "files": [("run", "runs", "id")],
}
CREATE_ORDER = (
    "config",
    "runs",
    "files",
    "texts",
    "clusters",
    "stories",
    "articles",
    "matches",
    "merges",
    "problems",
)

INDEXES = [
    ("articles", ["text"]),
    ("articles", ["copy"]),
    ("articles", ["story"]),
    ("articles", ["file"]),
    ("matches", ["relation"]),
    ("texts", ["hash"]),
    ("texts", ["expired"]),
    ("texts", ["seen"]),
    ("matches", ["a_text"]),
    ("matches", ["b_text"]),
    ("matches", ["b"]),
]
