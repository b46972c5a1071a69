"""Title accuracy on the extraction benchmark's pages, beside body F1.

The benchmark gives no titles, but each page's HTML names its headline: ``og:title``,
``twitter:title``, the ``<h1>`` and the ``<title>`` (also without the site's name after a
separator, "Headline | Site"). An extracted title is *right* when its word tokens match
one of these with F1 >= 0.8 (case and punctuation aside), *none* when extraction gave no
title, *wrong* otherwise: a menu line, a byline, another story's headline.

Flattened pages are scored twice: with the page's URL (its slug is evidence for the
headline) and without, as ``dedup index DIR`` reads a folder of ``.txt`` files.

    python -m benchmarks.titles            # the three rows; --wrong lists the misses
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import html as lxml_html

from dedup.article import Article
from dedup.extract import Extractor

_TOKEN = re.compile(r"\w+")
_SEPARATORS = (" | ", " - ", " \u2014 ", " \u2013 ", " :: ", " \u00bb ")
RIGHT_F1 = 0.8


def references(page_html: str) -> list[str]:
    """The headlines a page's HTML names for itself."""
    doc = lxml_html.fromstring(page_html)
    out: list[str] = []
    for path in (
        "//meta[@property='og:title']/@content",
        "//meta[@name='twitter:title']/@content",
        "//h1",
        "//title",
    ):
        for value in doc.xpath(path):
            text = " ".join((value if isinstance(value, str) else value.text_content()).split())
            if text:
                out.append(text)
                out += [text.split(sep)[0] for sep in _SEPARATORS if sep in text]
    return out


def token_f1(a: str, b: str) -> float:
    ta, tb = _TOKEN.findall(a.casefold()), _TOKEN.findall(b.casefold())
    common = sum((Counter(ta) & Counter(tb)).values())
    if not common:
        return 0.0
    precision, recall = common / len(ta), common / len(tb)
    return 2 * precision * recall / (precision + recall)


@dataclass
class TitleScore:
    right: int = 0
    none: int = 0
    wrong: int = 0
    misses: list[tuple[str, str | None, str]] = field(default_factory=list)  # id, got, expected

    def add(self, page_id: str, title: str | None, refs: list[str]) -> None:
        if title and any(token_f1(title, r) >= RIGHT_F1 for r in refs):
            self.right += 1
            return
        if title:
            self.wrong += 1
        else:
            self.none += 1
        self.misses.append((page_id, title, refs[0] if refs else ""))

    @property
    def pages(self) -> int:
        return self.right + self.none + self.wrong

    def as_dict(self) -> dict[str, float]:
        return {
            "right": self.right,
            "none": self.none,
            "wrong": self.wrong,
            "share_right": round(self.right / self.pages, 4) if self.pages else 0.0,
        }


def run_titles(pages: list[dict[str, str]]) -> dict[str, TitleScore]:
    """Scores of HTML extraction and of flat extraction with and without the URL. Each
    flat run goes through one extractor in page order (template memory on), as indexing does."""
    scores = {"html": TitleScore(), "flat_url": TitleScore(), "flat_no_url": TitleScore()}
    flat_url, flat_bare, html = Extractor(), Extractor(), Extractor()
    for p in pages:
        refs = references(p["html"])
        scores["html"].add(
            p["id"], html.extract(Article(id=p["id"], html=p["html"], url=p["url"])).title, refs
        )
        scores["flat_url"].add(
            p["id"], flat_url.extract(Article(id=p["id"], text=p["flat"], url=p["url"])).title, refs
        )
        scores["flat_no_url"].add(p["id"], flat_bare.extract(Article(id=p["id"], text=p["flat"])).title, refs)
    return scores


def main(argv: list[str] | None = None) -> None:
    from benchmarks.extraction import DATA, load_pages

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.titles", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--wrong", action="store_true", help="list the pages whose title is missed")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        parser.exit(1, f"no development data at {DATA} (see ../shared/data/README.md)\n")
    for name, score in run_titles(load_pages()).items():
        print(f"{name}: {score.right}/{score.pages} right, {score.none} none, {score.wrong} wrong")
        if args.wrong:
            for page_id, got, expected in score.misses:
                print(f"  {page_id[:8]}: {got!r} (headline {expected!r})")


if __name__ == "__main__":
    main()
