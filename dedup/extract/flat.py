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

Lines are first scored as intervals (:mod:`dedup.extract.linebounds`) and scored exactly
only where a decision needs it (:mod:`dedup.extract.scores`): every test below asks the
page's scores. Expressions of :mod:`dedup.extract.attribution` and :mod:`dedup.extract.dates`
run only on the lines or ends of lines where they can match (see "Speed" in
docs/extraction.md); the results are those of the full path, line by line.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime

from dedup.extract import attribution, dates
from dedup.extract.credits import CREDIT_LINE_MAX, CREDIT_OPENERS, credit_line, trailing_credit
from dedup.extract.headline import not_a_headline
from dedup.extract.lines import COMMENT, HEADING, credit_words, looks_like_furniture
from dedup.extract.outlet import find_outlet
from dedup.extract.result import Extracted
from dedup.extract.scorer import LineScorer
from dedup.extract.scores import PageScores, body_run
from dedup.extract.templates import ANONYMOUS, TemplateStore, line_keys
from dedup.extract.urls import SLUG_WORD, http_parts, slug_words
from dedup.extract.urls import host as url_host

KEEP = -1.5  # a line of the run scoring at most this is dropped
TEMPLATE_PENALTY = 4.0

_PUBLISHED = re.compile(r"(?i)\b(?:published|posted|first published|date|publié|publicado|veröffentlicht)\b")
_UPDATED = re.compile(r"(?i)\b(?:updated|modified|last updated|mis à jour|actualizado|aktualisiert)\b")
# "[downloaded on 2 October 2013]", "Retrieved 3 May 2012": when the page was fetched, not
# when the article was written.
_FETCHED = re.compile(r"(?i)\b(?:downloaded|retrieved|accessed|crawled|archived)\b\D{0,12}$")
_WORD_RUN = re.compile(r"[^\W\d_]+")
# Words a date line or a byline holds besides its dates and names ("Posted on ... at ... by",
# "Publié le ... à"); other lower-case words make a sentence that names a date.
_DATE_LINE_WORDS = frozenset(
    {
        "on",
        "at",
        "by",
        "in",
        "of",
        "the",
        "and",
        "to",
        "from",
        "a",
        "am",
        "pm",
        "p",
        "m",
        "et",
        "gmt",
        "utc",
        "est",
        "edt",
        "cst",
        "cdt",
        "pst",
        "pdt",
        "published",
        "posted",
        "updated",
        "modified",
        "last",
        "first",
        "date",
        "time",
        "ago",
        "hour",
        "hours",
        "minutes",
        "days",
        "le",
        "la",
        "de",
        "du",
        "à",
        "um",
        "el",
        "del",
        "às",
    }
)
# A line with this many other lower-case words outside its dates is a sentence ("was killed
# on Oct. 21, 2011 while walking ..."), not a date line or a byline with a date; so is one
# that ends with a full stop after any such word ("Reid checked in on December 9, 2008.").
_PROSE_WORDS = 3
# How far into the body a date line is still the article's own (a standfirst or two can
# stand between the headline and it).
_DATE_LINE_REACH = 3
_DIGIT = re.compile(r"\d")
_SENTENCE_END = frozenset('.!?"\u201d\u2019')
_BYLINE_HINT = re.compile(
    r"(?i)^(?:posted |written |words |text |reporting )?(?:by|por|par|von|di|oleh)\b"
    r"|\b(?:published|posted|updated)\b"
)


def _fold(text: str) -> str:
    return text.casefold()  # lines are already stripped, with white space collapsed


def _collapse(line: str) -> str:
    """``" ".join(line.split())``, without splitting the common single-spaced line.

    Inside a line (splitlines() took the line breaks), ASCII white space other than the
    space is a tab or a unit separator; and str.isprintable() is False for every white
    space character but the ASCII space.
    """
    s = line.strip()
    if "  " in s or ("\t" in s or "\x1f" in s if s.isascii() else not s.isprintable()):
        return " ".join(s.split())
    return s


_YEAR = re.compile(r"(?:19|20)\d\d")


def _may_have_year(line: str) -> bool:
    """Every date :func:`dates.find_dates` reads has a year written 19xx or 20xx."""
    return _YEAR.search(line) is not None


class _Lines:
    """Per-page memo of the line tests the headline and date search repeat."""

    __slots__ = ("_credits", "_dates", "_folded", "_meta", "_sizes", "stripped")

    def __init__(self, stripped: list[str]) -> None:
        self.stripped = stripped
        self._credits: dict[int, tuple[str, ...] | None] = {}
        self._dates: dict[int, list[dates.Found]] = {}
        self._meta: dict[int, bool] = {}
        self._sizes: list[int] = []
        self._folded: list[str] = []

    def size(self, k: int) -> int:
        """Words in line ``k``."""
        if not self._sizes:
            self._sizes = [s.count(" ") + 1 for s in self.stripped]
        return self._sizes[k]

    def sizes(self) -> list[int]:
        self.size(0)
        return self._sizes

    def folded(self) -> list[str]:
        if not self._folded:
            self._folded = [_fold(s) for s in self.stripped]
        return self._folded

    def credit(self, k: int) -> tuple[str, ...] | None:
        """The agencies line ``k`` credits as a standalone credit line, else None."""
        if k in self._credits:
            return self._credits[k]
        found = self._credits[k] = credit_line(self.stripped[k])
        return found

    def dates(self, k: int) -> list[dates.Found]:
        found = self._dates.get(k)
        if found is None:
            s = self.stripped[k]
            found = dates.find_dates(s) if _may_have_year(s) else []
            self._dates[k] = found
        return found

    def is_meta(self, k: int) -> bool:
        """A date, byline or "2 hours ago" line: what follows a headline."""
        meta = self._meta.get(k)
        if meta is None:
            s = self.stripped[k]
            meta = len(s) <= 160 and bool(
                self.dates(k)
                or (_BYLINE_HINT.search(s) and attribution.parse_byline(s))
                or (_DIGIT.search(s) and dates.has_relative(s))
            )
            self._meta[k] = meta
        return meta


def _headline_form(s: str) -> bool:
    """A few words, no full stop, not a list item: the shape a headline can have."""
    if len(s) > 250 or (s[-1] in ".:,;" and not s.endswith("...")) or s[:2] == "• ":
        return False
    words = s.count(" ") + 1
    return 3 <= words <= 30 or (not s.isascii() and len(s) >= 8)


def _headline_shaped(lines: _Lines, page: PageScores, k: int, repeated: bool) -> bool:
    """Could line ``k`` (already of headline form) be a headline: not body text, not furniture, not a date."""
    s = lines.stripped[k]
    if page.flags[k] & HEADING or (not repeated and looks_like_furniture(s)) or not_a_headline(s):
        return False
    if lines.is_meta(k) or attribution.is_media_credit(s) or lines.credit(k):
        return False
    return not page.above(k, 1.5)  # last: it may need the exact score


def _title(
    lines: _Lines,
    page: PageScores,
    start: int,
    end: int,
    hint: str | None,
    slug: frozenset[str],
) -> tuple[int | None, float]:
    """Index of the headline among the lines around the body start, and the evidence for it.

    A candidate's evidence is summed in a fixed order; the part that needs no test of the
    line comes first, so a line that could not win even with a date below it is not tested.
    """
    stripped = lines.stripped
    lo = 0 if len(slug) >= 3 else max(0, start - 30)
    hint_folded = _fold(" ".join(hint.split())) if hint else None
    seen: Counter[str] | None = None
    best, best_score = None, 0.3
    for k in range(lo, min(end + 1, start + 4)):
        if not _headline_form(stripped[k]) or page.low[k] > 1.5 or page.flags[k] & HEADING:
            continue  # (the last two: tests of _headline_shaped that cost nothing)
        if seen is None:  # how often each line of the window is written
            seen = Counter(lines.folded()[max(0, start - 45) : end + 1])
        f = lines.folded()[k]
        words = stripped[k].split()
        score = 10.0 if f == hint_folded else 0.0
        if seen[f] > 1:
            score += 2.0
        if len(slug) >= 3:
            overlap = len(slug.intersection(w.lower() for w in SLUG_WORD.findall(stripped[k]))) / len(slug)
            score += 3.0 * overlap if overlap >= 0.5 else 0.0
        score += 0.5 if 4 <= len(words) <= 20 else 0.0
        score += 0.3 if sum(1 for w in words if w[:1].isupper()) * 2 >= len(words) else 0.0
        distance = 0.05 * min(max(start - k, 0), 40)
        if score + 1.0 - distance <= best_score:
            continue  # not even with the date or byline bonus
        if not _headline_shaped(lines, page, k, seen[f] > 1 or f == hint_folded):
            continue
        if any(lines.is_meta(j) for j in range(k + 1, min(k + 5, len(stripped)))):
            score += 1.0
        score -= distance
        if score > best_score:
            best, best_score = k, score
    return best, best_score


def _in_prose(line: str, found: list[dates.Found]) -> bool:
    """Whether ``line`` is a sentence that names its dates rather than a line about them."""
    words, at = [], 0
    for f in found:
        words += _WORD_RUN.findall(line, at, f.start)
        at = max(at, f.end)
    words += _WORD_RUN.findall(line, at)
    other = sum(1 for w in words if w.islower() and w not in _DATE_LINE_WORDS)
    return other >= _PROSE_WORDS or (other > 0 and line.endswith("."))


def _header_date(
    lines: _Lines, title: int | None, zone: range, start: int, ref: datetime | None
) -> str | None:
    """The best-placed date from just above the headline to the first lines of the body.

    A date line beats a date named inside a sentence; below the body start only date lines
    count (the body's own sentences name the dates of what they tell); a page's fetch date
    never counts.
    """
    best: tuple[float, str] | None = None
    anchor = title if title is not None else zone.stop
    for k in zone:
        line = lines.stripped[k]
        found_all = lines.dates(k)
        if not found_all:
            continue
        prose = _in_prose(line, found_all)
        if prose and k > start:
            continue
        for found in found_all:
            if found.iso[:4] < "1990" or not dates.not_after(found.iso, ref):
                continue
            prefix = line[: found.start]
            if _FETCHED.search(prefix):
                continue
            rank = 3.0 if title is not None and k > title else 1.0
            if _PUBLISHED.search(prefix):
                rank += 3.0
            elif _UPDATED.search(prefix):
                rank -= 1.0
            if prose:
                rank -= 4.0
            rank += (0.1 if found.has_time else 0.0) - 0.01 * abs(k - anchor)
            if best is None or rank > best[0]:
                best = (rank, found.iso)
    return best[1] if best else None


def _published(
    lines: _Lines,
    title: int | None,
    start: int,
    end: int,
    dateline: str | None,
    reference: str | None,
) -> str | None:
    """The article's own date: next to the headline, else in the dateline, else signed below."""
    stripped = lines.stripped
    ref = dates.parse_reference(reference)
    first = max(0, (title - 3) if title is not None else start - 8)
    zone = range(first, min(start + 1, len(stripped)))
    reach = range(first, min(start + 1 + _DATE_LINE_REACH, end + 1, len(stripped)))
    found = _header_date(lines, title, reach, start, ref)
    if found:
        return found
    candidates = [f.iso for f in dates.find_dates(dateline)] if dateline and _may_have_year(dateline) else []
    candidates += [
        f.iso
        for k in range(end + 1, min(end + 4, len(stripped)))
        if _PUBLISHED.search(stripped[k])
        for f in lines.dates(k)
    ]
    for iso in candidates:
        if dates.not_after(iso, ref):
            return iso
    if ref is not None:
        for k in zone:
            relative = dates.find_relative(stripped[k], ref)
            if relative:
                return relative
    return None


def _templates(
    store: TemplateStore, host: str | None, lines: _Lines, page: PageScores
) -> tuple[str, list[int]]:
    """Lower the scores of the lines the site's earlier pages had; the site and line keys."""
    keys = line_keys(lines.stripped)
    furniture = (
        [] if host else [key for k, key in enumerate(keys) if lines.size(k) >= 2 and page.below(k, 0.0)]
    )
    site = store.site_for(host, furniture)
    # Without a host, the site is a guess from shared lines, which copies of one wire story
    # share too: there a repeated line is template only if it does not read as text.
    anonymous = site.startswith(ANONYMOUS)
    found = store.seen(site, keys)
    if found is not None and max(found[0]) >= min(found[1], found[2]):
        counts, need_short, need_long = found
        least = min(need_short, need_long)
        most = max(need_short, need_long)
        for k, seen in enumerate(counts):
            if seen < least:
                continue
            if seen < most:  # template or not depends on whether the line reads as text
                long = page.above(k, 0.0) if anonymous else lines.size(k) >= 12 and page.above(k, 1.0)
                if seen < (need_long if long else need_short):
                    continue
            page.penalise(k, TEMPLATE_PENALTY)
    return site, keys


def _first_writing(lines: _Lines, at: int) -> int:
    """The page's first writing of a repeated headline (``<title>`` before ``<h1>``)."""
    folded = lines.folded()
    return next(k for k in range(max(0, at - 45), at + 1) if folded[k] == folded[at])


def _is_title(s: str, title: str | None, title_folded: str | None) -> bool:
    if title is None or (s.isascii() and title.isascii() and len(s) != len(title)):
        return False  # casefold keeps the length of ASCII text
    return _fold(s) == title_folded


def _body(
    lines: _Lines, page: PageScores, start: int, end: int, title: str | None
) -> tuple[list[str], str | None, list[tuple[str, ...]]]:
    """The kept lines of the run, the byline met at its start, the credit lines met in it."""
    stripped = lines.stripped
    title_folded = _fold(title) if title else None
    body: list[str] = []
    credits: list[tuple[str, ...]] = []
    byline = None
    k = start
    while k <= end and len(body) < 2:  # a byline is looked for before two lines are kept
        byline = _keep(lines, page, k, title, title_folded, body, credits, byline)
        k += 1
    # From here on most lines are paragraphs kept as they are: only the others are visited.
    kept = k
    for j in _unplain(lines, page, k, end, title):
        body.extend(stripped[kept:j])
        _keep(lines, page, j, title, title_folded, body, credits, byline)
        kept = j + 1
    body.extend(stripped[kept : end + 1])
    credits.extend(_signed_off(lines, end, body))
    return body, byline, credits


def _keep(
    lines: _Lines,
    page: PageScores,
    k: int,
    title: str | None,
    title_folded: str | None,
    body: list[str],
    credits: list[tuple[str, ...]],
    byline: str | None,
) -> str | None:
    """Line ``k`` of the run goes to the body, to the credits or to the byline, or is
    dropped; returns the byline (one is looked for while the body has fewer than two lines)."""
    if page.flags[k] & (COMMENT | HEADING) or not page.above(k, KEEP):
        return byline
    s = lines.stripped[k]
    if title is not None and _is_title(s, title, title_folded):
        return byline
    if len(s) <= CREDIT_LINE_MAX or s[0] in CREDIT_OPENERS:
        credit = lines.credit(k)
        if credit is not None:
            credits.append(credit)
            return byline
    if len(body) < 2 and len(s) <= 140:
        name = attribution.parse_byline(s)
        if name:
            return byline or name
    body.append(s)
    return byline


def _unplain(lines: _Lines, page: PageScores, first: int, end: int, title: str | None) -> list[int]:
    """The lines ``first..end`` that :func:`_keep` would not simply keep once the body has
    two lines: flagged, scoring at most KEEP, short enough for a credit line or opening
    like one, or possibly the headline."""
    stripped, flags, low = lines.stripped, page.flags, page.low
    if title is None:
        return [
            j
            for j in range(first, end + 1)
            if flags[j]
            or low[j] <= KEEP
            or len(stripped[j]) <= CREDIT_LINE_MAX
            or stripped[j][0] in CREDIT_OPENERS
        ]
    size = len(title) if title.isascii() else -1  # (-1: any line may equal it)
    return [
        j
        for j in range(first, end + 1)
        if flags[j]
        or low[j] <= KEEP
        or len(stripped[j]) <= CREDIT_LINE_MAX
        or stripped[j][0] in CREDIT_OPENERS
        or size < 0
        or len(stripped[j]) == size
        or not stripped[j].isascii()
    ]


def _signed_off(lines: _Lines, end: int, body: list[str]) -> list[tuple[str, ...]]:
    """Credit lines just after the run; a last paragraph signed "- AFP" goes back to the body."""
    stripped = lines.stripped
    credits = []
    for k in range(end + 1, min(end + 5, len(stripped))):
        credit = lines.credit(k)  # (None without credit words: credit_line tests them first)
        if credit:
            credits.append(credit)
        elif k == end + 1 and body and credit_words(stripped[k]):
            # The last paragraph signed off by an agency ("... said. - AFP") reads as a
            # fragment to the line model: take it back when the rest is a sentence.
            rest, signed = trailing_credit(stripped[k])
            if signed and rest[-1:] in _SENTENCE_END and rest.count(" ") >= 7:
                body.append(stripped[k])
    return credits


def _header(lines: _Lines, begin: int, start: int) -> tuple[str | None, list[tuple[str, ...]]]:
    """Byline and credit lines between the headline and the body."""
    byline = None
    credits = []
    for k in range(begin, start):
        s = lines.stripped[k]
        if byline is None and len(s) <= 140:
            byline = attribution.parse_byline(s)
        credit = lines.credit(k)
        if credit:
            credits.append(credit)
    return byline, credits


def _page_lines(text: str) -> tuple[list[str], list[str]]:
    """The page's non-blank lines as written, and stripped with white space collapsed."""
    raw = list(filter(None, text.splitlines()))
    if any(map(str.isspace, raw)):
        raw = [line for line in raw if not line.isspace()]
    if text.isascii() and "\t" not in text and "\x1f" not in text and "  " not in text:
        return raw, list(map(str.strip, raw))  # single spaces only: nothing to collapse
    return raw, list(map(_collapse, raw))


def extract_flat(
    text: str,
    scorer: LineScorer,
    store: TemplateStore | None = None,
    *,
    url: str | None = None,
    title_hint: str | None = None,
    crawled_at: str | None = None,
) -> Extracted:
    """Body and metadata of a flattened page (or of plain article text)."""
    parts = http_parts(url) if url else None
    host = url_host(url, parts[0] if parts is not None else None) if url else None
    raw, stripped = _page_lines(text)
    if not raw:
        return Extracted("", source=host, method="flat")
    if len(set(stripped)) == len(stripped):
        repeated = [False] * len(stripped)
    else:
        counts = Counter(stripped)
        repeated = [counts[s] > 1 for s in stripped]
    page = PageScores(scorer, raw, stripped, repeated, text)
    lines = _Lines(stripped)
    site, keys = _templates(store, host, lines, page) if store is not None else (None, [])

    start, end = body_run(page, lines.sizes)
    slug = slug_words(url, parts[1] if parts is not None else None)
    title_at, evidence = _title(lines, page, start, end, title_hint, slug)
    if title_at is not None and title_at >= start and evidence >= 2.0:
        start = title_at + 1
    first_title = _first_writing(lines, title_at) if title_at is not None else None
    title = stripped[first_title] if first_title is not None else None

    body, byline, credits = _body(lines, page, start, end, title)
    header_from = max(0, (first_title + 1) if first_title is not None else start - 6)
    header_byline, header_credits = _header(lines, header_from, start)
    byline = header_byline or byline
    dateline = None
    dateline_credit: tuple[str, ...] = ()
    trailing: tuple[str, ...] = ()
    if body:
        dateline, body[0], dateline_credit = attribution.split_dateline(body[0])
        body[-1], trailing = trailing_credit(body[-1])
        body = [b for b in body if b]
    byline_credit = attribution.byline_credit(byline) if byline else ()

    if store is not None and site is not None:
        store.learn(site, keys)
    return Extracted(
        method="flat",
        body="\n".join(body),
        title=title,
        published=_published(lines, first_title, start, end, dateline, crawled_at),
        source=host or find_outlet(stripped, start, end, dateline),
        attribution=attribution.merge(dateline_credit, byline_credit, *header_credits, *credits, trailing),
        dateline=dateline,
        byline=byline,
    )
