"""Extraction: from a raw article (HTML or a flattened page) to its body and metadata.

This is the stage the rest of the pipeline calls; everything downstream sees only an
:class:`Extracted`. HTML goes through trafilatura (:mod:`dedup.extract.html`); text, which
crawlers often flatten with the site's menus and footers kept, goes through the line model
and the per-site template memory (:mod:`dedup.extract.flat`). Both shapes give the title,
the publication date, the outlet and the wire agencies credited; the dateline and byline
are taken out of the body and kept apart. See docs/extraction.md.
"""

from __future__ import annotations

import dataclasses

from dedup.article import Article, parse_published
from dedup.extract.flat import extract_flat
from dedup.extract.html import extract_html, visible_text
from dedup.extract.result import Extracted, Method
from dedup.extract.scorer import LineScorer
from dedup.extract.templates import TemplateStore
from dedup.extract.urls import host_of

__all__ = ["Extracted", "Extractor", "Method", "TemplateStore"]


class Extractor:
    """Turns raw articles into bodies and metadata. One per process; picklable.

    It keeps a bounded per-site memory of template lines (:class:`TemplateStore`), which
    flattened pages of a site teach as they arrive; ``templates=None`` in the constructor
    gives a fresh store, ``learn=False`` disables it (every page read on its own).
    Fields the article record gives (title, published, source) win over extracted ones.
    """

    def __init__(
        self, *, templates: TemplateStore | None = None, learn: bool = True, fast_html: bool = True
    ) -> None:
        self.scorer = LineScorer()
        self.templates = (templates if templates is not None else TemplateStore()) if learn else None
        self.fast_html = fast_html

    def extract(self, article: Article) -> Extracted:
        """Body and metadata of one article (never raises on odd input; the body may be empty)."""
        if article.html is not None and article.html.strip():
            found = extract_html(article.html, article.url, fast=self.fast_html)
            if found is not None:
                return self._merge(article, found)
            if article.text and article.text.strip():  # the source gave a text version too
                return self._flat(article, article.text, "flat")
            return self._flat(article, visible_text(article.html), "html-text+flat")
        if article.text is not None and article.text.strip():
            return self._flat(article, article.text, "flat")
        return self._merge(article, Extracted("", source=host_of(article.url)))

    def _flat(self, article: Article, text: str, method: Method) -> Extracted:
        found = extract_flat(
            text,
            self.scorer,
            self.templates,
            url=article.url,
            title_hint=article.title,
            crawled_at=article.crawled_at,
        )
        if not found.body:  # nothing looked like an article: keep the text rather than lose it
            body = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
            return self._merge(article, dataclasses.replace(found, body=body, method="as-given"))
        return self._merge(article, dataclasses.replace(found, method=method))

    @staticmethod
    def _merge(article: Article, found: Extracted) -> Extracted:
        """What the extractor found, with the fields the article record gives winning."""
        return dataclasses.replace(
            found,
            title=article.title or found.title,
            # A date the text gives that isn't a real publication day (year 9999) is dropped.
            published=article.published or (found.published if parse_published(found.published) else None),
            source=article.source or found.source or host_of(article.url),
        )
