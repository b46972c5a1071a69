"""Article extraction from HTML with trafilatura, plus the page's own metadata.

trafilatura (Barbaresi 2021) scores shingle F1 0.96-0.97 on the article-extraction
benchmark; with ``fast=True`` (no fallback extractors) it loses nothing measurable there
and runs about 1.5 times faster, and comments are left out (``include_comments=False``),
which is worth 0.02 of precision. It also reads the title, the site name, the author and
the publication date (through htmldate, preferring the original publication date; its slow
search of the page text runs only when the metadata has no date). The time of day comes
from the page's ``article:published_time`` or JSON-LD ``datePublished`` when that agrees
with the date found.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from typing import Any

from dedup.extract import attribution
from dedup.extract.result import Extracted

logger = logging.getLogger(__name__)

_TIME_MARKERS = ("article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate")
_TIME_VALUE = re.compile(
    r"(?:content|datetime)\s*=\s*[\"']([^\"']{10,40})[\"']|\"datePublished\"\s*:\s*\"([^\"]{10,40})\""
)
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?$")
# (?<!\s): start where a run of white space starts (same matches, linear time).
_TITLE_SEPARATORS = re.compile(r"(?<!\s)\s+(?:\||-|\u2013|—|::|»|·)\s+")


def _published_time(html: str, day: str | None) -> str | None:
    """A full publication time from the page's metadata, when it agrees with ``day``."""
    for marker in _TIME_MARKERS:
        at = html.find(marker)
        if at < 0:
            continue
        # The value sits in the same tag or JSON pair: search a small window, not the page.
        for m in _TIME_VALUE.finditer(html, max(0, at - 120), at + 200):
            value = (m.group(1) or m.group(2) or "").strip()
            if _ISO_TIME.match(value) and (day is None or value[:10] == day):
                value = re.sub(r"\.\d+", "", value.replace("Z", "+00:00"))
                return re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value)
    return None


def _clean_title(title: str | None, sitename: str | None, host: str | None) -> str | None:
    """The headline without the " | Site Name" a ``<title>`` usually carries."""
    if not title:
        return None
    title = " ".join(title.split())
    names = {n.casefold().replace(" ", "") for n in (sitename, host) if n}
    names |= {n.split(".")[0] for n in names if "." in n}

    def is_site(part: str) -> bool:
        p = part.casefold().replace(" ", "")
        return bool(p) and any(p == n or (len(n) > 3 and n in p) for n in names)

    cuts = list(_TITLE_SEPARATORS.finditer(title))
    while cuts and is_site(title[cuts[-1].end() :]):
        title = title[: cuts.pop().start()]
    while cuts and is_site(title[: cuts[0].start()]):
        title = title[cuts.pop(0).end() :]
    return title.strip() or None


def _trafilatura(html: str, url: str | None, fast: bool) -> Any:
    try:
        import trafilatura  # heavy import, and only this path needs it
    except ImportError as error:  # e.g. lxml >= 5.2 without lxml_html_clean
        logger.error("trafilatura cannot be imported (%s): HTML is read as flat text", error)
        return None
    try:
        return trafilatura.bare_extraction(
            html,
            url=url,
            fast=fast,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception as error:
        logger.warning("trafilatura failed on %s: %s", url or "a page", error)
        return None


def _date_from_text(html: str, url: str | None) -> str | None:
    """htmldate's search of the page text, run only when the metadata gave no date (slow)."""
    from htmldate import find_date

    try:
        found = find_date(html, url=url, original_date=True, extensive_search=True)
    except Exception as error:
        logger.warning("htmldate failed on %s: %s", url or "a page", error)
        return None
    return found if isinstance(found, str) else None


def _credits(paragraphs: list[str]) -> tuple[list[str], str | None, str | None, list[tuple[str, ...]]]:
    """Paragraphs without dateline, byline and credit lines; and those, read."""
    credits: list[tuple[str, ...]] = []
    byline = None
    kept: list[str] = []
    for k, p in enumerate(paragraphs):
        credit = attribution.credit_line(p) if len(p) <= 200 else None
        if credit is not None:
            credits.append(credit)
            continue
        if k < 3 and not kept and len(p) <= 140:
            name = attribution.parse_byline(p)
            if name:
                byline = byline or name
                continue
        kept.append(p)
    dateline = None
    if kept:
        dateline, kept[0], first = attribution.split_dateline(kept[0])
        credits.insert(0, first)
        kept[-1], last = attribution.trailing_credit(kept[-1])
        credits.append(last)
    return [p for p in kept if p], dateline, byline, credits


def extract_html(html: str, url: str | None = None, *, fast: bool = True) -> Extracted | None:
    """Body and metadata of an HTML page; None when trafilatura finds no article text."""
    doc = _trafilatura(html, url, fast)
    if doc is None or not (doc.text or "").strip():
        return None
    paragraphs = [" ".join(p.split()) for p in doc.text.splitlines() if p.strip()]
    host = doc.hostname
    host = host[4:] if host and host.startswith("www.") else host
    title = _clean_title(doc.title, doc.sitename, host)
    if title:  # trafilatura keeps the <h1>: the headline is not body text
        folded = title.casefold()
        while paragraphs and paragraphs[0].casefold() in (folded, (doc.title or "").casefold()):
            paragraphs.pop(0)
    body, dateline, byline, credits = _credits(paragraphs)
    author = " ".join(doc.author.split()) if doc.author else None
    byline = byline or author
    agencies = attribution.merge(
        *credits[:1],
        attribution.byline_credit(byline) if byline else (),
        attribution.byline_credit(author) if author and author != byline else (),
        *credits[1:],
    )
    published = doc.date or _date_from_text(html, url)
    if published:
        published = _published_time(html, published) or published
    return Extracted(
        method="trafilatura",
        body="\n".join(body),
        title=title,
        published=published,
        source=doc.sitename or host,
        attribution=agencies,
        dateline=dateline,
        byline=byline,
    )


class _VisibleText(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "pre",
            "title",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        if tag in self._BLOCK:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The visible text of an HTML page flattened like a crawler does: one block a line."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line and line != "•")
