"""dedup: find exact copies, near copies (syndication) and rewrites of one news story.

>>> from dedup import Index, Article
>>> with Index.open() as index:
...     decision = index.add(Article(id="a", text="..."))
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from dedup._version import __version__
from dedup.article import Article
from dedup.decision import Decision, Match, Skipped
from dedup.errors import (
    ArticleError,
    ConfigMismatch,
    DedupError,
    ForeignDatabase,
    IndexBusy,
    StoreError,
    UnknownArticle,
)
from dedup.params import Params

if TYPE_CHECKING:
    from dedup.index import Index


__all__ = [
    "Article",
    "ArticleError",
    "ConfigMismatch",
    "Decision",
    "DedupError",
    "ForeignDatabase",
    "Index",
    "IndexBusy",
    "Match",
    "Params",
    "Skipped",
    "StoreError",
    "UnknownArticle",
    "__version__",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    """``Index`` is imported on first use: it brings NumPy, datasketch and the extractor,
    which commands that only read the store (``dedup stats``, ``--version``) never need."""
    if name == "Index":
        from dedup.index import Index

        globals()["Index"] = Index
        return Index
    raise AttributeError(f"module 'dedup' has no attribute {name!r}")
