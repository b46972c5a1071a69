"""Extraction: from a raw article (flattened page text or HTML) to its body and metadata.

This is the stage the rest of the pipeline calls; everything downstream sees only an
:class:`Extracted`. The first version takes plain text as given and HTML as its visible
text; the extraction issue replaces the inside of :class:`Extractor`, not its interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from dedup.article import Article


@dataclass(frozen=True, slots=True)
class Extracted:
    """What extraction makes of one article. ``published`` is ISO 8601 or ``None``."""

    body: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    attribution: tuple[str, ...] = ()
    dateline: str | None = None
    byline: str | None = None
    method: str = "as-given"


class _VisibleText(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
    _BLOCK = frozenset(
        {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
         "article", "header", "footer", "blockquote", "pre", "title"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skip += 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page, one block a line, and its ``<title>``."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    title = " ".join("".join(parser.title).split()) or None
    return "\n".join(line for line in lines if line), title


class Extractor:
    """Turns raw articles into bodies and metadata. One per process; cheap to create."""

    def extract(self, article: Article) -> Extracted:
        if article.html is not None and article.text is None:
            body, title = visible_text(article.html)
            method = "html-visible-text"
        else:
            body, title, method = article.text or "", None, "as-given"
        return Extracted(
            body=body,
            title=article.title or title,
            published=article.published,
            source=article.source,
            method=method,
        )
