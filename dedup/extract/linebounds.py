"""Cheap bounds of the line model's score, for the lines whose exact score no decision needs.

The exact score of a line (:func:`dedup.extract.lines.line_features`) costs 5-20 µs in
CPython: the word-level signals, the furniture vocabulary, the cookie, credit and date
expressions. Most lines of a page are decided long before that precision: a paragraph of
forty words is body text whatever its share of stop words, a two-word menu item is
furniture whatever its vocabulary. So each line first gets an interval [low, high] that is
sure to hold the exact score, from character-level tests only; the page-level code
(:mod:`dedup.extract.scores`) asks for the exact score only where an interval straddles a
threshold. A long line (:data:`~dedup.extract.lines.LONG_WORDS`) has only three word-level
signals, bounded tightly; a short line leaves its vocabulary and expressions open, which
settles menus and buttons but not the lines near the body, which are few.

Every line of a page passes here once, so the code is written for CPython's speed: the
weights folded into closures, logarithms tabled, and the common paragraph of a plain page
handled column-wise (one C-level ``map`` per test over all new lines) in :meth:`Bounds.page`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import repeat
from operator import contains

from dedup.extract.lines import (
    _BULLETS,
    _BYLINE_WORDS,
    _HEADING_STARTS,
    _RELATED_PREFIXES,
    _TERMINAL,
    _WIDE,
    LONG_WORDS,
    _long_credit,
    _may_be_credit,
    _related_prefix,
    _shape,
    collapsed_region_flags,
)
from dedup.extract.vocabulary import FURNITURE_PHRASES

# Upper-case ASCII letters to "A" and digits to "0", to count them in one C-level pass.
_CLASSES = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", b"A" * 26 + b"0" * 10)
_MARGIN = 1e-9  # bounds are summed in another order than the exact score
# What sends a long line to the per-line path: separators, a URL or a "Related" link at
# its start, and the characters of a photo credit (":", "/", "(") when the line also has
# the words every credit form needs (lines._may_be_credit; a dateline's "(Reuters)" or a
# quote's "said:" alone don't).
_RARE_CHARS = ("|", " / ")
_CREDIT_CHARS = (":", "/", "(")
_RARE_STARTS = (("http://", "https://", "www."), _RELATED_PREFIXES)


def _span(weight: float, high: float) -> tuple[float, float]:
    """Least and greatest of ``weight * x`` for x in [0, high]."""
    value = weight * high
    return (value, 0.0) if value < 0.0 else (0.0, value)


# First characters after which a long line needs the URL, quote or "Related" tests.
_FIRST_MARKS = frozenset("hw\"“\u2018'«„RASW")

LongBounds = Callable[[str, str, bool], "tuple[float, float] | None"]


def long_line_bounds(w: tuple[float, ...]) -> LongBounds:  # noqa: PLR0915 - see below
    """For weights ``w``: a function (raw, stripped, repeated) -> bounds of a long line's score.

    The function returns None for a line that is not long (:data:`LONG_WORDS`); ``stripped``
    is ``" ".join(raw.split())``. Every signal of a long line but three is a character-level
    test, computed exactly; the shares of stop words, capitalised words and numbers, which
    need the words, are bounded: stop words and numbers by their range, capitalised words
    by the capital letters. Together they leave about 0.2 of uncertainty on a sentence, so
    the bounds settle nearly every decision (:mod:`dedup.extract.scores`). Constants are
    folded into the closure and logarithms tabled: this runs for every new paragraph.
    """
    base, w_bullet, w_depth = w[0], w[3], w[4]
    chars, words_ = _tables(w)
    last_adds = dict.fromkeys(_TERMINAL, w[5])
    last_adds[":"] = w[6]
    last_adds["…"] += w[18]  # an ellipsis is terminal punctuation too
    stop_low, stop_high = _span(w[7], 1.0)
    w_cap, w_numbers = w[8], w[9]
    long_cap = w_cap * 0.15
    w_sep, w_repeated, w_url, w_ellipsis, w_quote, w_strong, w_credit, w_related = (
        w[14],
        w[15],
        w[17],
        w[18],
        w[19],
        w[20],
        w[21],
        w[22],
    )
    log1p = math.log1p
    classes_table = _CLASSES
    margin = _MARGIN

    # One flat function on purpose: on this path a call costs more than most of the tests.
    def bounds(raw: str, stripped: str, repeated: bool) -> tuple[float, float] | None:  # noqa: PLR0912, PLR0915
        spaces = stripped.count(" ")
        if spaces < 12:
            return None
        s = raw.strip()
        first = s[0]
        score = base
        if first in _BULLETS and s[1:2] == " ":  # a list item: the marker is not a word
            s, bullet, depth = _shape(raw)
            if spaces <= LONG_WORDS or spaces - (stripped[:2] == "• ") < 12:
                return None
            first = s[0]
            score += w_bullet * bullet + w_depth * depth
            n_words = spaces
        elif first == "•" and spaces == 12 and stripped[:2] == "• ":
            return None  # "•<tab>..." : its region flags must be computed
        else:
            n_words = spaces + 1
        size = len(s)
        if s.isascii():
            ascii_ = True
            score += chars[size] if size < _TABLE_CHARS else w[1] * log1p(size)
            score += words_[n_words] if n_words < _TABLE_WORDS else w[2] * log1p(n_words)
        else:
            ascii_ = False
            wide = len(_WIDE.findall(s))
            score += w[1] * log1p(size + wide) + w[2] * log1p(n_words + wide / 2.0)
            if "»" in s:
                score += w_sep
            if "©" in s:
                score += w_strong
        last = s[-1]
        score += last_adds.get(last, 0.0)
        if last == "." and s[-2] == ".":
            score += w_ellipsis
        if "|" in s or "/" in s or ":" in s or "(" in s:
            if ("|" in s or " / " in s) and (ascii_ or "»" not in s):  # ("»" counted above)
                score += w_sep
            if _long_credit(s, s.lower()):
                score += w_credit
        if repeated:
            score += w_repeated
        if first in _FIRST_MARKS:
            if s.startswith(("http://", "https://", "www.")):
                score += w_url
            if first in "\"“\u2018'«„":
                score += w_quote
            if s.startswith(_RELATED_PREFIXES) and _related_prefix(s):
                score += w_related
        low, high = score + stop_low, score + stop_high
        if n_words > 40:
            low += long_cap
            high += long_cap
        elif ascii_:
            cap = w_cap * min(s.encode().translate(classes_table).count(b"A"), n_words) / n_words
            if cap < 0.0:
                low += cap
            else:
                high += cap
        else:
            cap = w_cap * (sum(map(str.istitle, s.split())) / n_words)
            low += cap
            high += cap
        numbers = w_numbers * n_words / (n_words + 1)
        if numbers < 0.0:
            low += numbers
        else:
            high += numbers
        return low - margin, high + margin

    return bounds


ShortBounds = Callable[[str, bool], "tuple[float, float]"]


def short_line_bounds(w: tuple[float, ...]) -> ShortBounds:  # noqa: PLR0915 - see below
    """For weights ``w``: a function (raw, repeated) -> bounds of a short line's score.

    A short line (at most :data:`LONG_WORDS` words) costs its exact score 5-10 µs: the
    furniture vocabulary, the cookie, credit and date expressions. Here only its length,
    punctuation and markers are read, and every other signal is bounded by its range
    (present or not, a share between none and all): menus, buttons and related links score
    so low that the upper bound settles them, and the few lines near the body the page-level
    code scores exactly.
    """
    base, w_chars, w_words, w_bullet, w_depth = w[0], w[1], w[2], w[3], w[4]
    last_adds = dict.fromkeys(_TERMINAL, w[5])
    last_adds[":"] = w[6]
    w_sep, w_repeated, w_tiny, w_url, w_ellipsis, w_quote, w_strong, w_related, w_byline = (
        w[14],
        w[15],
        w[16],
        w[17],
        w[18],
        w[19],
        w[20],
        w[22],
        w[23],
    )
    # Always open: stop words, capitalised words, numbers (all shares in [0, 1]), credit.
    spans = [_span(w[i], 1.0) for i in (7, 8, 9, 21)]
    open_low = sum(a for a, _ in spans) - _MARGIN
    open_high = sum(b for _, b in spans) + _MARGIN
    furniture_low, furniture_high = _span(w[10], 1.0)
    heading_low, heading_high = _span(w[12], 1.0)
    date_low, date_high = _span(w[13], 1.0)
    strong_low, strong_high = _span(w[20], 1.0)
    w_density = w[11]
    phrases = len(FURNITURE_PHRASES)
    log1p = math.log1p

    # One flat function on purpose, as long_line_bounds.
    def bounds(raw: str, repeated: bool) -> tuple[float, float]:  # noqa: PLR0912
        s, bullet, depth = _shape(raw)
        low = s.lower()
        tokens = low.split()
        n_words = len(tokens)
        wide = 0 if s.isascii() else len(_WIDE.findall(s))
        words = n_words + wide / 2.0
        score = (
            base
            + w_chars * log1p(len(s) + wide)
            + w_words * log1p(words)
            + w_bullet * bullet
            + w_depth * depth
        )
        score += last_adds.get(s[-1], 0.0)
        if s.endswith(("...", "…", "..")):
            score += w_ellipsis
        if "|" in s or "»" in s or " / " in s:
            score += w_sep
        if repeated:
            score += w_repeated
        if words <= 3:
            score += w_tiny
        if s[0] in _FIRST_MARKS:
            if s.startswith(("http://", "https://", "www.")):
                score += w_url
            if s[0] in "\"“\u2018'«„":
                score += w_quote
            if s.startswith(_RELATED_PREFIXES) and _related_prefix(s):
                score += w_related
        first = tokens[0]
        if n_words <= 8 and first in _BYLINE_WORDS:
            score += w_byline
        low_, high_ = score + open_low, score + open_high
        if words < 12:
            low_ += furniture_low
            high_ += furniture_high
        else:  # furniture words over words, phrases included
            density = w_density * (n_words + phrases) / (words + 1)
            if density < 0.0:
                low_ += density
            else:
                high_ += density
        if n_words <= 8 and first in _HEADING_STARTS:
            low_ += heading_low
            high_ += heading_high
        if not s.isalpha():
            low_ += date_low
            high_ += date_high
        if "©" in s:
            low_ += w_strong
            high_ += w_strong
        else:
            low_ += strong_low
            high_ += strong_high
        return low_, high_

    return bounds


Bound = tuple[float, float, int]  # (low, high, region flags)


class Bounds:
    """Bounds of the scores of lines for one weight vector (:func:`long_line_bounds`,
    :func:`short_line_bounds`), a line at a time or a page at a time."""

    __slots__ = ("_adds", "_long", "_short", "weights")

    def __init__(self, weights: tuple[float, ...]) -> None:
        self.weights = weights
        self._long = long_line_bounds(weights)
        self._short = short_line_bounds(weights)
        # What a plain long line adds beyond its length and words, by its last or first
        # character; and the spans of its stop words (in [0, 1]).
        quotes = dict.fromkeys("\"“\u2018'«„", weights[19])
        self._adds = (_last_adds(weights), quotes, _span(weights[7], 1.0))

    def line(self, raw: str, stripped: str, repeated: bool) -> Bound:
        """(low, high, region flags) of one line; ``stripped`` is ``" ".join(raw.split())``."""
        found = self._long(raw, stripped, repeated) if stripped.count(" ") >= 12 else None
        if found is not None:
            return found[0], found[1], 0
        low, high = self._short(raw, repeated)
        return low, high, collapsed_region_flags(stripped)

    def page(
        self, raw: Sequence[str], stripped: Sequence[str], spaces: Sequence[int], text: str | None = None
    ) -> list[Bound]:
        """:meth:`line` for lines that are not repeated, column-wise where it can.

        Long ASCII lines without list marker, URL, quote, separator or credit character
        (nearly every paragraph of an article) are scored with one C-level pass per test
        over the page instead of one Python call per line. ``spaces`` are the lines' spaces;
        ``text``, the page the lines come from, lets the tests for characters it lacks be
        skipped.
        """
        plain = _plain_lines(raw, stripped, spaces, text)
        w = self.weights
        base, w_ellipsis, w_cap, w_numbers = w[0], w[18], w[8], w[9]
        long_cap = w_cap * 0.15
        chars, words_ = _tables(w)
        last_adds, quote_adds, (stop_low, stop_high) = self._adds
        table = _CLASSES
        found: list[Bound] = []
        append = found.append
        for k, s in enumerate(stripped):
            if not plain[k]:
                append(self.line(raw[k], s, False))
                continue
            n_words = spaces[k] + 1
            size = len(s)
            score = base + (chars[size] if size < _TABLE_CHARS else w[1] * math.log1p(size))
            score += words_[n_words] if n_words < _TABLE_WORDS else w[2] * math.log1p(n_words)
            last = s[-1]
            score += last_adds.get(last, 0.0) + quote_adds.get(s[0], 0.0)
            if last == "." and s[-2] == ".":
                score += w_ellipsis
            if n_words > 40:
                cap_low = cap_high = long_cap
            else:
                cap = w_cap * min(s.encode().translate(table).count(b"A"), n_words) / n_words
                cap_low, cap_high = (cap, 0.0) if cap < 0.0 else (0.0, cap)
            numbers = w_numbers * n_words / (n_words + 1)
            num_low, num_high = (numbers, 0.0) if numbers < 0.0 else (0.0, numbers)
            append(
                (
                    score + stop_low + cap_low + num_low - _MARGIN,
                    score + stop_high + cap_high + num_high + _MARGIN,
                    0,
                )
            )
        return found


def _plain_lines(
    raw: Sequence[str], stripped: Sequence[str], spaces: Sequence[int], text: str | None
) -> list[bool]:
    """Which lines :meth:`Bounds.page` scores column-wise: long ASCII lines without list
    marker, separator, URL or "Related" start, or credit characters with credit words."""
    plain = [
        sp >= 12 and r is s and s.isascii() and s[0] not in _SPECIAL_FIRST
        for r, s, sp in zip(raw, stripped, spaces, strict=True)
    ]
    for mark in _RARE_CHARS:
        if text is None or mark in text:
            hits = list(map(contains, stripped, repeat(mark)))
            if any(hits):
                plain = [p and not h for p, h in zip(plain, hits, strict=True)]
    for mark in _CREDIT_CHARS:
        if text is None or mark in text:
            hits = list(map(contains, stripped, repeat(mark)))
            if any(hits):
                plain = [
                    p and not (h and _may_be_credit(s, s.lower()))
                    for p, h, s in zip(plain, hits, stripped, strict=True)
                ]
    for prefixes in _RARE_STARTS:
        hits = list(map(str.startswith, stripped, repeat(prefixes)))
        if any(hits):
            plain = [p and not h for p, h in zip(plain, hits, strict=True)]
    return plain


_SPECIAL_FIRST = _BULLETS | {"•"}
_TABLE_CHARS = 4096
_TABLE_WORDS = 512
_TABLES: dict[tuple[float, float], tuple[list[float], list[float]]] = {}


def _tables(w: tuple[float, ...]) -> tuple[list[float], list[float]]:
    """w[1] * log1p(k) and w[2] * log1p(k) for small k, per weight vector."""
    key = (w[1], w[2])
    found = _TABLES.get(key)
    if found is None:
        if len(_TABLES) >= 16:  # (refits build a few; keep it bounded)
            _TABLES.clear()
        found = _TABLES[key] = (
            [w[1] * math.log1p(k) for k in range(_TABLE_CHARS)],
            [w[2] * math.log1p(k) for k in range(_TABLE_WORDS)],
        )
    return found


def _last_adds(w: tuple[float, ...]) -> dict[str, float]:
    """What the last character adds: terminal punctuation, a colon, an ellipsis character."""
    adds = dict.fromkeys(_TERMINAL, w[5])
    adds[":"] = w[6]
    adds["…"] += w[18]
    return adds
