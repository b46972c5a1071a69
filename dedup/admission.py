"""What the index takes in, and how a failure is reported: the article, bounded, and its name
on every error."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from dedup.article import Article
from dedup.errors import ArticleError, DedupError


def admit(article: object, max_text_chars: int) -> Article:
    """The article as the index takes it: an :class:`Article`, its text and html cut at
    ``max_text_chars`` (noted), so that no article's cost is unbounded."""
    if not isinstance(article, Article):
        raise ArticleError(f"the index takes dedup.Article records, got {type(article).__name__}")
    cut = {
        name: value[:max_text_chars]
        for name in ("text", "html")
        if (value := getattr(article, name)) is not None and len(value) > max_text_chars
    }
    if not cut:
        return article
    notes = tuple(
        f"{name} cut from {len(getattr(article, name)):,} to {max_text_chars:,} characters (max_text_chars)"
        for name in cut
    )
    return dataclasses.replace(article, **cut, notes=article.notes + notes)


@contextmanager
def article_errors(aid: str, what: str, after: str = "") -> Iterator[None]:
    """Any failure but a :class:`DedupError` as an :class:`ArticleError` naming the article."""
    try:
        yield
    except DedupError:
        raise
    except Exception as e:
        raise ArticleError(f"article {aid!r} could not be {what} ({type(e).__name__}: {e}){after}") from e
