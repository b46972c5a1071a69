"""Article extraction from flattened pages: text with the site's furniture still in it.

No markup is left, so the body is found from the lines themselves:

1. every line gets a score from the line model (:mod:`dedup.extract.lines`), lowered for
   lines the site's template memory (:mod:`dedup.extract.templates`) has seen on earlier
   pages of the same site;
2. the body is the best-scoring run of lines (a maximum-sum segment, Bentley 1984, the way
   BTE finds the densest text region, Finn et al. 2001) where furniture costs a bounded
   amount, a heading such as "Related" or "Comments" costs much more, and a comment line
   ("alex says:") or the comment section after the body cannot be crossed;
3. the headline is the heading-shaped line just before the body, preferably one the page
   repeats (``<title>`` and ``<h1>``), matching the URL slug or the given title; the body
   starts after it;
4. inside the run, lines that still look like furniture are dropped, and so are the
   dateline, byline and credit lines, which become metadata.

The publication date is the one written next to the headline (a "Published" label wins),
never the page's "today" header far above it nor the dates of related stories below.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from dedup.extract import attribution, dates
from dedup.extract.lines import COMMENT, CREDIT_WORDS, HEADING, SECTION, LineScorer, looks_like_furniture
from dedup.extract.templates import TemplateStore, line_key

# Region choice (fitted with the line weights on the development pages, see the module
# docstring of benchmarks/extraction.py): a line below KEEP inside the body is dropped; a
# furniture line costs at most CLIP (times its size) to cross; SHIFT credits every line a
# little so that short body lines between paragraphs don't break the run.
KEEP = -1.5
CLIP = 2.5
SHIFT = 0.5
HEADING_COST = 10.0
TEMPLATE_PENALTY = 4.0
_WALL = -1e9

_PUBLISHED = re.compile(r"(?i)\b(?:published|posted|first published|date|publié|publicado|veröffentlicht)\b")
_UPDATED = re.compile(r"(?i)\b(?:updated|modified|last updated|mis à jour|actualizado|aktualisiert)\b")
_SLUG_WORD = re.compile(r"[^\W\d_]{2,}")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = frozenset(".!?\"\u201d\u2019")
_BYLINE_HINT = re.compile(
    r"(?i)^(?:posted |written |words |text |reporting )?(?:by|por|par|von|di|oleh)\b"
    r"|\b(?:published|posted|updated)\b"
)
_COPYRIGHT_NAME = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*(?:[-\u2013]\s*\d{4})?\s*)?"
    r"(?P<name>[A-Za-z][\w .&'\u2019-]{2,60})",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FlatResult:
    """What the flat extractor found; empty ``body`` when nothing looked like an article."""

    body: str
    title: str | None
    published: str | None
    source: str | None
    attribution: tuple[str, ...]
    dateline: str | None
    byline: str | None


def host_of(url: str | None) -> str | None:
    """The URL's host without "www.", lower case; None without a usable URL."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _slug_words(url: str | None) -> frozenset[str]:
    if not url:
        return frozenset()
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        return frozenset()
    parts = [p for p in path.split("/") if p]
    best = max(parts, key=lambda p: len(_SLUG_WORD.findall(p)), default="")
    return frozenset(w.lower() for w in _SLUG_WORD.findall(best))


def _fold(text: str) -> str:
    return text.casefold()  # lines are already stripped, with white space collapsed


def _best_run(values: list[float]) -> tuple[int, int]:
    """Start and end (inclusive) of the maximum-sum run of ``values`` (Kadane)."""
    best, current, start, best_start, best_end = float("-inf"), 0.0, 0, 0, -1
    for k, v in enumerate(values):
        if current <= 0.0:
            current, start = v, k
        else:
            current += v
        if current > best:
            best, best_start, best_end = current, start, k
    return best_start, best_end


def _region(flags: list[int], scores: list[float], sizes: list[int]) -> tuple[int, int]:
    values = []
    strong = 0
    section = len(flags)
    for k, (f, z, n) in enumerate(zip(flags, scores, sizes, strict=True)):
        if f:
            if strong >= 2 and f & SECTION:
                section = k  # the comment section after the article: nothing past it is body
                break
            if f & COMMENT:
                values.append(_WALL)
                continue
            if f & HEADING:
                values.append(-HEADING_COST)
                continue
        if z > 1.0:
            strong += 1
        values.append((max(z, -CLIP) + SHIFT) * (n + 1) ** 0.5)
    values.extend([_WALL] * (len(flags) - section))
    return _best_run(values)


class _Lines:
    """Per-page memo of the line tests the headline and date search repeat."""

    __slots__ = ("_dates", "_meta", "stripped")

    def __init__(self, stripped: list[str]) -> None:
        self.stripped = stripped
        self._dates: dict[int, list[dates.Found]] = {}
        self._meta: dict[int, bool] = {}

    def dates(self, k: int) -> list[dates.Found]:
        found = self._dates.get(k)
        if found is None:
            s = self.stripped[k]
            found = dates.find_dates(s) if _DIGIT.search(s) else []
            self._dates[k] = found
        return found

    def is_meta(self, k: int) -> bool:
        """A date, byline or "2 hours ago" line: what follows a headline."""
        meta = self._meta.get(k)
        if meta is None:
            s = self.stripped[k]
            meta = len(s) <= 160 and bool(
                self.dates(k) or (_BYLINE_HINT.search(s) and attribution.parse_byline(s))
                or (_DIGIT.search(s) and dates.has_relative(s)))
            self._meta[k] = meta
        return meta


def _headline_shaped(page: _Lines, k: int, score: float, flags: int, repeated: bool) -> bool:
    """Could line ``k`` be a headline: a few words, no full stop, not furniture, not a date."""
    s = page.stripped[k]
    if len(s) > 250 or score > 1.5 or (s[-1] in ".:,;" and not s.endswith("...")) or s[:2] == "• ":
        return False
    words = s.count(" ") + 1
    if not (3 <= words <= 30 or (not s.isascii() and len(s) >= 8)):
        return False
    if flags & HEADING or (not repeated and looks_like_furniture(s)):
        return False
    return not (page.is_meta(k) or attribution.is_media_credit(s)
                or (flags & CREDIT_WORDS and attribution.credit_line(s)))


def _title(
    page: _Lines, scores: list[float], flags: list[int], start: int, end: int, hint: str | None,
    slug: frozenset[str],
) -> tuple[int | None, float]:
    """Index of the headline among the lines around the body start, and the evidence for it."""
    stripped = page.stripped
    lo = 0 if len(slug) >= 3 else max(0, start - 30)
    seen = Counter(_fold(s) for s in stripped[max(0, start - 45): end + 1])
    hint_folded = _fold(" ".join(hint.split())) if hint else None
    best, best_score = None, 0.3
    for k in range(lo, min(end + 1, start + 4)):
        f = _fold(stripped[k])
        if not _headline_shaped(page, k, scores[k], flags[k], seen[f] > 1 or f == hint_folded):
            continue
        words = stripped[k].split()
        score = 10.0 if f == hint_folded else 0.0
        if seen[f] > 1:
            score += 2.0
        if len(slug) >= 3:
            overlap = len(slug.intersection(w.lower() for w in _SLUG_WORD.findall(stripped[k]))) / len(slug)
            score += 3.0 * overlap if overlap >= 0.5 else 0.0
        score += 0.5 if 4 <= len(words) <= 20 else 0.0
        score += 0.3 if sum(1 for w in words if w[:1].isupper()) * 2 >= len(words) else 0.0
        if any(page.is_meta(j) for j in range(k + 1, min(k + 5, len(stripped)))):
            score += 1.0
        score -= 0.05 * min(max(start - k, 0), 40)
        if score > best_score:
            best, best_score = k, score
    return best, best_score


def _header_date(page: _Lines, title: int | None, zone: range, ref: datetime | None) -> str | None:
    """The best-placed date between just above the headline and the body start."""
    best: tuple[float, str] | None = None
    anchor = title if title is not None else zone.stop
    for k in zone:
        line = page.stripped[k]
        for found in page.dates(k):
            if found.iso[:4] < "1990" or not dates.not_after(found.iso, ref):
                continue
            prefix = line[: found.start]
            rank = 3.0 if title is not None and k > title else 1.0
            if _PUBLISHED.search(prefix):
                rank += 3.0
            elif _UPDATED.search(prefix):
                rank -= 1.0
            rank += (0.1 if found.has_time else 0.0) - 0.01 * abs(k - anchor)
            if best is None or rank > best[0]:
                best = (rank, found.iso)
    return best[1] if best else None


def _published(
    page: _Lines, title: int | None, start: int, end: int, dateline: str | None,
    reference: str | None,
) -> str | None:
    """The article's own date: next to the headline, else in the dateline, else signed below."""
    stripped = page.stripped
    ref = dates.parse_reference(reference)
    zone = range(max(0, (title - 3) if title is not None else start - 8), min(start + 1, len(stripped)))
    found = _header_date(page, title, zone, ref)
    if found:
        return found
    candidates = [f.iso for f in dates.find_dates(dateline)] if dateline else []
    candidates += [f.iso for k in range(end + 1, min(end + 4, len(stripped)))
                   if _PUBLISHED.search(stripped[k]) for f in page.dates(k)]
    for iso in candidates:
        if dates.not_after(iso, ref):
            return iso
    for k in zone:
        relative = dates.find_relative(stripped[k], ref)
        if relative:
            return relative
    return None


def _outlet(stripped: list[str], end: int) -> str | None:
    """The outlet named in a copyright footer ("© 2023 THE WORLD MONITOR"), if any."""
    for line in stripped[end + 1:][::-1][:40]:
        m = _COPYRIGHT_NAME.search(line)
        if m:
            name = re.split(r"(?i)\s*(?:\.|,|\ball rights\b|\|)", m.group("name"))[0].strip(" -")
            if 2 < len(name) <= 40 and not attribution.agencies_in(name):
                folded = _fold(name)
                for other in stripped:  # prefer how the page writes it elsewhere
                    if _fold(other) == folded and other != name:
                        return other
                return name
    return None


def _templates(store: TemplateStore, host: str | None, stripped: list[str], scores: list[float],
               sizes: list[int]) -> tuple[str, list[int]]:
    """Lower the scores of the lines the site's earlier pages had; the site and line keys."""
    keys = [line_key(s) for s in stripped]
    furniture = [k for k, z, n in zip(keys, scores, sizes, strict=True) if z < 0 and n >= 2]
    site = store.site_for(host, furniture)
    long = [z > 1.0 and n >= 12 for z, n in zip(scores, sizes, strict=True)]
    for k, flagged in enumerate(store.template_flags(site, keys, long)):
        if flagged:
            scores[k] -= TEMPLATE_PENALTY
    return site, keys


def _first_writing(stripped: list[str], at: int) -> int:
    """The page's first writing of a repeated headline (``<title>`` before ``<h1>``)."""
    folded = _fold(stripped[at])
    return next(k for k in range(max(0, at - 45), at + 1) if _fold(stripped[k]) == folded)


def _body(page: _Lines, scores: list[float], flags: list[int], start: int, end: int,
          title: str | None) -> tuple[list[str], str | None, list[tuple[str, ...]]]:
    """The kept lines of the run, the byline met at its start, the credit lines met in it."""
    stripped = page.stripped
    title_folded = _fold(title) if title else None
    body: list[str] = []
    credits: list[tuple[str, ...]] = []
    byline = None
    for k in range(start, end + 1):
        s = stripped[k]
        if scores[k] <= KEEP or flags[k] & (COMMENT | HEADING) or _fold(s) == title_folded:
            continue
        credit = attribution.credit_line(s) if flags[k] & CREDIT_WORDS else None
        if credit is not None:
            credits.append(credit)
            continue
        name = attribution.parse_byline(s) if len(body) < 2 and len(s) <= 140 else None
        if name:
            byline = byline or name
            continue
        body.append(s)
    for k in range(end + 1, min(end + 5, len(stripped))):
        if not flags[k] & CREDIT_WORDS:
            continue
        credit = attribution.credit_line(stripped[k])
        if credit:
            credits.append(credit)
        elif k == end + 1 and body:
            # The last paragraph signed off by an agency ("... said. - AFP") reads as a
            # fragment to the line model: take it back when the rest is a sentence.
            rest, signed = attribution.trailing_credit(stripped[k])
            if signed and rest[-1:] in _SENTENCE_END and rest.count(" ") >= 7:
                body.append(stripped[k])
    return body, byline, credits


def _header(page: _Lines, flags: list[int], begin: int, start: int
            ) -> tuple[str | None, list[tuple[str, ...]]]:
    """Byline and credit lines between the headline and the body."""
    byline = None
    credits = []
    for k in range(begin, start):
        s = page.stripped[k]
        if byline is None and len(s) <= 140:
            byline = attribution.parse_byline(s)
        credit = attribution.credit_line(s) if flags[k] & CREDIT_WORDS else None
        if credit:
            credits.append(credit)
    return byline, credits


def extract_flat(
    text: str,
    scorer: LineScorer,
    store: TemplateStore | None = None,
    *,
    url: str | None = None,
    title_hint: str | None = None,
    crawled_at: str | None = None,
) -> FlatResult:
    """Body and metadata of a flattened page (or of plain article text)."""
    raw = [line for line in text.splitlines() if line.strip()]
    if not raw:
        return FlatResult("", None, None, host_of(url), (), None, None)
    stripped = [" ".join(line.split()) for line in raw]
    counts = Counter(stripped)
    infos = [scorer.info(r, counts[s] > 1) for r, s in zip(raw, stripped, strict=True)]
    scores = [i[0] for i in infos]
    flags = [i[1] for i in infos]
    sizes = [s.count(" ") + 1 for s in stripped]
    host = host_of(url)
    site, keys = _templates(store, host, stripped, scores, sizes) if store is not None else (None, [])

    start, end = _region(flags, scores, sizes)
    page = _Lines(stripped)
    title_at, evidence = _title(page, scores, flags, start, end, title_hint, _slug_words(url))
    if title_at is not None and title_at >= start and evidence >= 2.0:
        start = title_at + 1
    first_title = _first_writing(stripped, title_at) if title_at is not None else None
    title = stripped[first_title] if first_title is not None else None

    body, byline, credits = _body(page, scores, flags, start, end, title)
    header_from = max(0, (first_title + 1) if first_title is not None else start - 6)
    header_byline, header_credits = _header(page, flags, header_from, start)
    byline = header_byline or byline
    dateline = None
    dateline_credit: tuple[str, ...] = ()
    trailing: tuple[str, ...] = ()
    if body:
        dateline, body[0], dateline_credit = attribution.split_dateline(body[0])
        body[-1], trailing = attribution.trailing_credit(body[-1])
        body = [b for b in body if b]
    byline_credit = attribution.byline_credit(byline) if byline else ()

    if store is not None and site is not None:
        store.learn(site, keys)
    return FlatResult(
        body="\n".join(body),
        title=title,
        published=_published(page, first_title, start, end, dateline, crawled_at),
        source=host or _outlet(stripped, end),
        attribution=attribution.merge(dateline_credit, byline_credit, *header_credits, *credits, trailing),
        dateline=dateline,
        byline=byline,
    )
