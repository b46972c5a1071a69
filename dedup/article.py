"""The article record that enters the index, and parsing of its publication date.

:class:`Article` is the one boundary every article crosses, from a file or from a caller:
constructing one checks each field's type and cleans what can be cleaned (see its
docstring), so nothing past it has to defend against odd values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import xxhash

from dedup.errors import ArticleError

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
"""Publication and crawl dates outside these days are taken as unknown (a warning says so)."""

_STR_FIELDS = ("text", "html", "title", "url", "source", "path", "origin", "encoding")
_DATE_FIELDS = ("published", "crawled_at")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Article:
    """One article as a source gives it: raw ``text`` (plain or flattened page) or ``html``.

    ``published`` is ISO 8601 as given (a date, or a date and time, with or without offset).
    ``crawled_at`` is the reference time for relative dates ("2 months ago") on the page.
    ``origin``, ``encoding``, ``extra`` and ``notes`` don't count in :attr:`content_hash`.

    Construction validates: ``id`` must be a non-blank string or an integer (integers
    become their decimal string, so ``12345`` and ``"12345"`` are one id); every other field
    a string or ``None`` (``published`` and ``crawled_at`` may also be a ``date`` or
    ``datetime``, taken as ISO 8601); anything else raises :class:`ArticleError` naming the
    field. What can be cleaned is cleaned, each change a line in ``notes``: lone UTF-16
    surrogates become U+FFFD, and a date that is not ISO 8601 or falls outside
    1900-2100 becomes ``None`` (unknown).
    """

    id: str
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    path: str | None = None
    crawled_at: str | None = None
    origin: str | None = None  # key of the source file it came from, for re-indexing changes
    # How the source's bytes were read ("utf-8", "cp1252"...): about the file, not the article.
    encoding: str | None = field(default=None, compare=False)
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    notes: tuple[str, ...] = field(default=(), compare=False, hash=False)

    def __post_init__(self) -> None:
        notes = list(self.notes)
        set_ = object.__setattr__
        aid = self.id
        if isinstance(aid, int) and not isinstance(aid, bool):
            aid = str(aid)
        elif not isinstance(aid, str):
            raise ArticleError(f"article id must be a string or an integer, got {_kind(aid)} {aid!r:.60}")
        if not aid.strip():
            raise ArticleError("article id is blank; give every article a unique id")
        aid = _clean_surrogates(aid, "id", notes)
        set_(self, "id", aid)
        for name in _STR_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise ArticleError(f"article {aid!r}: {name} must be a string or None, got {_kind(value)}")
            set_(self, name, _clean_surrogates(value, name, notes))
        for name in _DATE_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, date):  # datetime is a date too
                value = value.isoformat()
            if not isinstance(value, str):
                raise ArticleError(
                    f"article {aid!r}: {name} must be an ISO 8601 string, a date or None, got {_kind(value)}"
                )
            value = _clean_surrogates(value, name, notes)
            if value.strip() and parse_published(value) is None:
                notes.append(
                    f"{name} not an ISO 8601 date in {EARLIEST.year}-{LATEST.year} "
                    f"({value[:40]!r}), taken as unknown"
                )
                value = None
            set_(self, name, value or None)
        if not isinstance(self.extra, dict):
            raise ArticleError(f"article {aid!r}: extra must be a dict, got {_kind(self.extra)}")
        set_(self, "notes", tuple(notes))

    @property
    def content_hash(self) -> str:
        """128-bit xxhash of everything that can change what the index makes of the article."""
        h = xxhash.xxh3_128()
        for part in (
            self.text,
            self.html,
            self.title,
            self.url,
            self.source,
            self.published,
            self.crawled_at,
        ):
            h.update(b"\x00" if part is None else b"\x01" + part.encode("utf-8", "surrogatepass"))
            h.update(b"\x1f")
        return h.hexdigest()


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True, order=True)
class When:
    """A publication time: a UTC day, and the UTC instant when the time of day is known."""

    day: date
    instant: datetime | None = None

    def iso(self) -> str:
        if self.instant is None:
            return self.day.isoformat()
        return self.instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def _kind(value: object) -> str:
    return "None" if value is None else type(value).__name__


def _clean_surrogates(value: str, name: str, notes: list[str]) -> str:
    """``value`` with lone surrogates (which UTF-8 can't hold) replaced by U+FFFD."""
    if value.isascii() or _LONE_SURROGATE.search(value) is None:
        return value
    cleaned, count = _LONE_SURROGATE.subn("\ufffd", value)
    notes.append(f"lone UTF-16 surrogates in {name} replaced with U+FFFD ({count})")
    return cleaned


def parse_instant(value: str | None) -> datetime | None:
    """An ISO 8601 date-time as an aware datetime (naive is UTC); ``None`` when absent, not
    ISO 8601, or outside :data:`EARLIEST`-:data:`LATEST`."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        day = moment.astimezone(UTC).date()
    except (ValueError, OverflowError):
        return None
    return moment if EARLIEST <= day <= LATEST else None


def parse_published(value: Any) -> When | None:
    """Parse an ISO 8601 date or date-time; ``None`` when absent, not a valid date, or
    outside :data:`EARLIEST`-:data:`LATEST` (year 1 or 9999 is a placeholder, not a date).

    Naive times are taken as UTC. A bare date keeps only its day: two articles of the same
    day, one without a time, can't be ordered by publication.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    try:
        if _ISO_DATE.match(text):
            when = When(date.fromisoformat(text))
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
            when = When(moment.date(), moment)
    except (ValueError, OverflowError):
        return None
    return when if EARLIEST <= when.day <= LATEST else None
