"""The article record that enters the index, and parsing of its publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import xxhash


@dataclass(frozen=True, slots=True)
class Article:
    """One article as a source gives it: raw ``text`` (plain or flattened page) or ``html``.

    ``published`` is ISO 8601 as given (a date, or a date and time, with or without offset).
    ``crawled_at`` is the reference time for relative dates ("2 months ago") on the page.
    ``origin`` and ``extra`` don't count in :attr:`content_hash`.
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
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def content_hash(self) -> str:
        """128-bit xxhash of everything that can change what the index makes of the article."""
        h = xxhash.xxh3_128()
        for part in (self.text, self.html, self.title, self.url, self.source, self.published,
                     self.crawled_at):
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


def parse_published(value: str | None) -> When | None:
    """Parse an ISO 8601 date or date-time; ``None`` when absent or not a valid date.

    Naive times are taken as UTC. A bare date keeps only its day: two articles of the same
    day, one without a time, can't be ordered by publication.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        if _ISO_DATE.match(text):
            return When(date.fromisoformat(text))
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return When(moment.date(), moment)
