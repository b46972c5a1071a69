"""dedup: find exact copies, near copies (syndication) and rewrites of one news story.

>>> from dedup import Index, Article
>>> with Index.open() as index:
...     decision = index.add(Article(id="a", text="..."))
"""

from __future__ import annotations

import logging

from dedup.article import Article
from dedup.decision import Decision, Match, Skipped
from dedup.errors import (
    ArticleError,
    ConfigMismatch,
    DedupError,
    IndexBusy,
    StoreError,
    UnknownArticle,
)
from dedup.index import Index
from dedup.params import Params

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleError",
    "ConfigMismatch",
    "Decision",
    "DedupError",
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
