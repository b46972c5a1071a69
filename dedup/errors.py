"""Exceptions raised by dedup. Every one derives from :class:`DedupError`."""

from __future__ import annotations


class DedupError(Exception):
    """Base class of every error dedup raises on purpose."""


class ConfigMismatch(DedupError, ValueError):
    """An index was opened with parameters that differ from the ones it was built with."""


class StoreError(DedupError, OSError):
    """The SQLite store cannot be opened, read or written."""


class IndexBusy(StoreError):
    """The database is being written by another index (another process, or another
    :class:`~dedup.Index` open in this one): one writer at a time."""


class ForeignDatabase(StoreError):
    """The file is another application's SQLite database; dedup leaves it untouched."""


class ArticleError(DedupError, ValueError):
    """One article cannot be indexed (no id, no text, empty body...); the run goes on."""


class CoreError(ArticleError):
    """dedup's compiled core (``dedup._core``) failed on an article: a panic in the core, so
    a bug in dedup. The message names the article and the place in the core's source;
    please report it with the article. The article is skipped; the run goes on."""


class SourceError(DedupError, OSError):
    """A source (file, folder, stream) cannot be read at all."""


class UnknownArticle(DedupError, KeyError):
    """An article id was asked for that the index does not hold."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else "unknown article"
