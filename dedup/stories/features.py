"""What identifies the event an article reports, as a small picklable record.

An article's story features are its salient terms (words weighted by a fixed rarity model,
numbers, dates it names), boosted where the article says what happened (title, lead), cut
to the ``max_terms`` heaviest and L2-normalised; the passages it quotes (rewrites keep
quotes); its publication day; and a fingerprint that orders articles the same way in any
run. Everything is computed from the article alone, so features can be built in worker
processes and compared anywhere.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from dataclasses import dataclass
from datetime import date
from itertools import chain
from operator import itemgetter

import xxhash

from dedup.article import When
from dedup.normalise import normalise
from dedup.stories.dates import CALENDAR, dates_in_tokens, first_dates, iso_dates
from dedup.stories.params import StoryParams
from dedup.stories.rarity import term_and_weight

# Numbers keep their decimal point ("6.1" magnitude) and lose an ordinal suffix ("13th");
# words are runs of letters, apostrophes inside (didn't, O'Brien; a possessive 's is
# dropped by the rarity model), so "Kim Jong-un" and "Kim Jong Un" give the same terms.
# ASCII text (most of it) takes the ASCII pattern: twice as fast, the same tokens.
_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*)(?:st|nd|rd|th)?|([^\W\d_]+(?:'[^\W\d_]+)*)")
_ASCII_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*)(?:st|nd|rd|th)?|([a-z]+(?:'[a-z]+)*)")
# A time of day ("14:00", "2: 21 pm") dates the page, not the event: it is no term.
_TIME_OF_DAY = re.compile(r"\b\d{1,2} ?: ?\d{2}(?: ?: ?\d{2})?(?: ?[ap]\.? ?m\b\.?)?")
_WORD = re.compile(r"[^\W_]+")
_PARAGRAPH = "\x00"
_BREAK = f" {_PARAGRAPH} "

_Cache = dict[str, tuple[str, float, bool]]
_caches: dict[tuple[str, float], _Cache] = {}
_CACHE_LIMIT = 1 << 18
_MAX_DATES = 8  # dates named in the text kept as terms (the first ones)


def _weigher(params: StoryParams) -> _Cache:
    """A plain dict word -> (term, weight, is a calendar word) for these parameters."""
    key = (params.language, params.common_zipf)
    cache = _caches.get(key)
    if cache is None or len(cache) > _CACHE_LIMIT:
        cache = _caches[key] = {}
    return cache


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """The story signature of one article (a few hundred bytes; see docs/stories.md).

    ``terms`` are the salient terms, heaviest first, and ``weights`` their L2-normalised
    weights as float32; ``quotes`` the quoted passages kept (normalised, cut to
    ``quote_max_words``) and ``quote_grams`` the sorted 32-bit hashes of their word
    n-grams; ``day`` the publication day as a proleptic ordinal (``None`` when unknown);
    ``fingerprint`` a content hash that breaks ties between equal scores the same way
    whatever order the articles came in.
    """

    terms: tuple[str, ...]
    weights: bytes
    quotes: tuple[str, ...]
    quote_grams: bytes
    day: int | None
    fingerprint: int

    def vector(self) -> dict[str, float]:
        """Term -> normalised weight."""
        return dict(zip(self.terms, memoryview(self.weights).cast("f"), strict=True))

    def grams(self) -> frozenset[int]:
        """The quote n-gram hashes as a set."""
        return frozenset(memoryview(self.quote_grams).cast("I"))

    @property
    def published_day(self) -> date | None:
        return None if self.day is None else date.fromordinal(self.day)


def _tokens(text: str) -> list[tuple[str, str]]:
    """(number, word) tokens of normalised text, times of day left out."""
    if ":" in text:
        text = _TIME_OF_DAY.sub(" ", text)
    return (_ASCII_TOKEN if text.isascii() else _TOKEN).findall(text)


def _add_terms(
    tokens: list[tuple[str, str]],
    boost_until: int,
    boost: float,
    weights: dict[str, float],
    params: StoryParams,
) -> list[int]:
    """Weigh (number, word) tokens; tokens before ``boost_until`` get ``boost``.

    Returns the positions of the calendar words (months, weekdays), where dates may be.
    """
    calendar: list[int] = []
    language, common = params.language, params.common_zipf
    number_weight = params.number_weight
    cache = _weigher(params)
    factor = 1.0 + boost
    get = weights.get
    for position, (number, word) in enumerate(tokens):
        if word:
            known = cache.get(word)
            if known is None:
                known = cache[word] = (*term_and_weight(word, language, common), word in CALENDAR)
            term, weight, is_calendar = known
            if is_calendar:
                calendar.append(position)
        elif number:
            if len(number) < 2:
                continue
            term, weight = number.replace(",", ""), number_weight
        else:
            continue
        if weight <= 0.0:
            continue
        if position < boost_until:
            weight *= factor
        if weight > get(term, 0.0):
            weights[term] = weight
    return calendar


def gram_hashes(passage: str, params: StoryParams) -> list[tuple[int, str]]:
    """(hash, text) of each word n-gram of a quoted passage that holds a non-common word.

    32-bit hashes: with a few dozen n-grams an article, a false match between two articles
    has a chance of about one in a million, and the features stay small.
    """
    words = _WORD.findall(passage)
    cache = _weigher(params)
    salient = []
    for word in words:
        known = cache.get(word)
        if known is None:
            known = cache[word] = (
                *term_and_weight(word, params.language, params.common_zipf),
                word in CALENDAR,
            )
        salient.append(known[1] > 0.0)
    n = params.quote_words
    out = []
    for i in range(len(words) - n + 1):
        if any(salient[i : i + n]):
            text = " ".join(words[i : i + n])
            out.append((xxhash.xxh32_intdigest(text.encode("utf-8", "surrogatepass")), text))
    return out


def _quotes(body: str, params: StoryParams) -> tuple[tuple[str, ...], bytes]:
    """Quoted passages of a normalised body whose paragraphs are separated by ``_PARAGRAPH``."""
    kept: list[str] = []
    hashes: set[int] = set()
    if '"' not in body:
        return (), b""
    # Quotes are read a paragraph at a time, between alternate quote marks, so one
    # unbalanced mark can't shift every later quote.
    for paragraph in body.split(_PARAGRAPH):
        for quoted in paragraph.split('"')[1::2]:
            words = _WORD.findall(quoted)
            if len(words) < params.quote_words:
                continue
            passage = " ".join(words[: params.quote_max_words])
            kept.append(passage)
            hashes.update(h for h, _ in gram_hashes(passage, params))
            if len(kept) >= params.max_quotes:
                return tuple(kept), array("I", sorted(hashes)).tobytes()
    return tuple(kept), array("I", sorted(hashes)).tobytes()


def story_features(
    title: str | None, body: str, published: When | None, params: StoryParams
) -> StoryFeatures:
    """The story features of one article (title and body as extracted, any typography)."""
    title_text = normalise(title) if title else ""
    # Paragraph breaks survive normalisation as a non-space mark (normalise makes one
    # space of any white space), for the quotes; the tokenisers skip it.
    body_text = normalise(body.replace("\n", _BREAK))
    weights: dict[str, float] = {}
    title_tokens = _tokens(title_text) if title_text else []
    body_tokens = _tokens(body_text)
    title_calendar = _add_terms(title_tokens, 1 << 30, params.title_boost, weights, params)
    body_calendar = _add_terms(body_tokens, params.lead_words, params.lead_boost, weights, params)
    day = published.day if published is not None else None
    found = chain(
        iso_dates(title_text),
        iso_dates(body_text),
        dates_in_tokens(title_tokens, title_calendar, day),
        dates_in_tokens(body_tokens, body_calendar, day),
    )
    for named in first_dates(found, _MAX_DATES):
        term = "@" + named.isoformat()
        weights[term] = max(weights.get(term, 0.0), params.date_weight)
    # Heaviest first; equal weights in order of first mention (the sort is stable), so the
    # same article always keeps the same terms.
    top = sorted(weights.items(), key=itemgetter(1), reverse=True)[: params.max_terms]
    norm = math.sqrt(math.fsum(w * w for _, w in top)) or 1.0
    # Interned: one string object per distinct term across all features of a process.
    terms = tuple(sys.intern(t) for t, _ in top)
    packed = array("f", [w / norm for _, w in top]).tobytes()
    quotes, grams = _quotes(body_text, params)
    digest = xxhash.xxh3_64()
    digest.update("\x1f".join(terms).encode("utf-8", "surrogatepass"))
    digest.update(packed)
    digest.update(grams)
    return StoryFeatures(
        terms=terms,
        weights=packed,
        quotes=quotes,
        quote_grams=grams,
        day=None if day is None else day.toordinal(),
        fingerprint=digest.intdigest(),
    )
