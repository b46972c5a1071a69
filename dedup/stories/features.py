"""What identifies the event an article reports, as a small picklable record.

An article's story features, read from its title and the opening of its body (the first
``body_words`` words: a report tells the event first), are its salient terms (words
weighted by a fixed rarity model, names told from words by how the body spells them,
numbers, dates it names), boosted where the article says what happened (title, lead), cut
to the ``max_terms`` heaviest and L2-normalised; the passages it quotes (rewrites keep
quotes); its publication day; and a fingerprint that orders articles the same way in any
run. Everything is computed from the article alone, so features can be built in worker
processes and compared anywhere.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import re
import sys
import unicodedata
from array import array
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Any

import xxhash

from dedup._core import mark_ranges
from dedup.article import When
from dedup.stories.dates import CALENDAR, dates_in_tokens, first_dates, iso_dates
from dedup.stories.params import StoryParams
from dedup.stories.rarity import term_and_weight
from dedup.stories.scripts import UNSPACED, fold, han_language, language_of, run_terms

# Numbers keep their decimal point ("6.1" magnitude) and lose an ordinal suffix ("13th");
# words are runs of letters, apostrophes inside (didn't, O'Brien; a possessive 's is
# dropped by the rarity model), so "Kim Jong-un" and "Kim Jong Un" give the same terms.
# Text keeps its case, so the first group marks a token that starts a sentence or a line
# (after . ! ? or a line break): its capital says nothing about it being a name.
# ASCII text (most of it) takes the ASCII pattern: twice as fast, the same tokens.
# Possessive quantifiers (never given back) find the same tokens with less backtracking.
# The sentence-start group stops at the next . ! ? or line break: the same tokens and the same
# start flags as [^\w]*+, without rescanning a long run of punctuation from each of its marks.
# Outside ASCII a word keeps the combining marks that follow its letters (Devanagari and
# Thai vowel signs are marks, not separators), as the core's tokens do.
_MARKS = "".join(
    re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "") for lo, hi in mark_ranges()
)
_LETTERS = rf"(?:[^\W\d_][{_MARKS}]*+)++"
_TOKEN = re.compile(
    rf"([.!?\n][^\w.!?\n]*+)?(?:(\d++(?:[.,]\d++)*+)(?i:st|nd|rd|th)?|({_LETTERS}(?:'{_LETTERS})*+))"
)
_ASCII_TOKEN = re.compile(
    r"([.!?\n][^\w.!?\n]*+)?(?:(\d++(?:[.,]\d++)*+)(?i:st|nd|rd|th)?|([A-Za-z]++(?:'[A-Za-z]++)*+))"
)
# A time of day ("14:00", "2: 21 pm") dates the page, not the event: it is no term.
_TIME_OF_DAY = re.compile(r"\b\d{1,2} ?: ?\d{2}(?: ?: ?\d{2})?(?: ?[ap]\.? ?m\b\.?)?", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
# One form of apostrophe, quote mark and dash, as dedup.copies.normalise makes them (the case
# stays: it tells names from words).
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00ad\u200b\ufeff", None),
    }
)

# What a word's spelling says about its term (bit flags): written in lower case, it is a
# word wherever it stands; capitalised inside a sentence, a name; capitalised at the start
# of a sentence, in ALL CAPS or in a headline, nothing.
_SEEN_LOWER, _SEEN_NAME = 1, 2
# term, rarity weight, calendar word, evidence inside a sentence, evidence at its start
_Known = tuple[str, float, bool, int, int]
_Cache = dict[str, _Known]
_caches: dict[tuple[str, float], _Cache] = {}
_CACHE_LIMIT = 1 << 18
_MAX_DATES = 8  # dates named in the text kept as terms (the first ones)
_MIN_NUMBER = 2  # digits: a one-digit number says nothing about the event


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
    weights as float32; ``quotes`` the quoted passages kept (case-folded, cut to
    ``quote_max_words``) and ``quote_grams`` the sorted 32-bit hashes of their word
    n-grams; ``day`` the publication day as a proleptic ordinal (``None`` when unknown);
    ``fingerprint`` a hash of the content and the day that breaks ties between equal
    scores the same way whatever order the articles came in.
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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Unpickled (features built in a worker process), the terms are interned again:
        # one string object per distinct term in the process that keeps them, not one per
        # article and term (which took ~3 KB an article in the main process).
        return _unpickle, (
            self.terms,
            self.weights,
            self.quotes,
            self.quote_grams,
            self.day,
            self.fingerprint,
        )


def _unpickle(
    terms: tuple[str, ...],
    weights: bytes,
    quotes: tuple[str, ...],
    quote_grams: bytes,
    day: int | None,
    fingerprint: int,
) -> StoryFeatures:
    return StoryFeatures(tuple(map(sys.intern, terms)), weights, quotes, quote_grams, day, fingerprint)


def _prepare(text: str) -> str:
    """Text as the tokenisers read it: NFKC, one form of quote and dash, case kept."""
    if text.isascii():
        return text.replace("`", "'") if "`" in text else text
    return unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)


def _tokens(text: str) -> list[tuple[str, str, str]]:
    """(sentence start, number, word) tokens of prepared text, times of day left out."""
    if ":" in text:
        text = _TIME_OF_DAY.sub(" ", text)
    # A leading line break marks the first token as the start of a sentence.
    return (_ASCII_TOKEN if text.isascii() else _TOKEN).findall("\n" + text)


def _know(word: str, cache: _Cache, params: StoryParams) -> _Known:
    """The term a written word stands for, its rarity weight, whether it is a calendar
    word, and what its spelling says inside a sentence and at its start; per written form."""
    known = cache.get(word)
    if known is None:
        folded = fold(word.casefold())
        if word[0].islower():
            inside = start = _SEEN_LOWER
        else:
            capital = word[0].isupper() and not (len(word) > 1 and word.isupper())
            inside, start = (_SEEN_NAME if capital else 0), 0
        language = language_of(folded, params.language)
        term, weight = term_and_weight(folded, language, params.common_zipf)
        lower = word.casefold()
        if weight >= params.common_zipf and lower != folded:
            # Unlisted once folded (an Arabic list writes its hamzas): as written, it may be.
            weight = min(weight, term_and_weight(lower, language, params.common_zipf)[1])
        known = cache[word] = (sys.intern(term), weight, folded in CALENDAR, inside, start)
    return known


def _add_terms(
    tokens: list[tuple[str, str, str]],
    boost_until: int,
    factor: float,
    seen: dict[str, list[float]],
    params: StoryParams,
    cased: bool,
    han: str,
) -> list[int]:
    """Record each term's rarity weight, its largest position factor (``factor`` before
    token ``boost_until``, 1 after) and, when ``cased`` (body text, not headline case),
    what the article's spelling says about it (``_SEEN_*`` flags). A run of letters of an
    unspaced script gives the terms :func:`dedup.stories.scripts.run_terms` cuts from it
    (Han letters taking the ``han`` language's list).

    Returns the positions of the calendar words (months, weekdays), where dates may be.
    """
    calendar: list[int] = []
    number_weight = params.number_weight
    cache = _weigher(params)
    known_form = cache.get
    for position, (start, number, word) in enumerate(tokens):
        boost = factor if position < boost_until else 1.0
        if word:
            if not word.isascii() and UNSPACED.search(word):
                for piece, rarity, unspaced in run_terms(word, han, params.common_zipf):
                    # A word of a spaced script inside the run is weighed as words are.
                    term, weight = (
                        (piece, rarity)
                        if unspaced
                        else (known_form(piece) or _know(piece, cache, params))[:2]
                    )
                    if weight > 0.0:
                        _record(seen, term, weight, boost, 0)
                continue
            term, weight, is_calendar, inside, at_start = known_form(word) or _know(word, cache, params)
            if is_calendar:
                calendar.append(position)
            if weight <= 0.0:
                continue  # a common word (most tokens)
            evidence = (at_start if start else inside) if cased else 0
        elif len(number) >= _MIN_NUMBER and number_weight > 0.0:
            term, weight, evidence = number.replace(",", ""), number_weight, 0
        else:
            continue
        _record(seen, term, weight, boost, evidence)
    return calendar


def _record(seen: dict[str, list[float]], term: str, weight: float, boost: float, evidence: int) -> None:
    """A term's weight, its largest position factor and the spelling evidence seen so far."""
    entry = seen.get(term)
    if entry is None:
        seen[term] = [weight, boost, evidence]
        return
    if boost != 1.0:  # entries start at a factor of at least 1
        entry[1] = max(entry[1], boost)
    if evidence:
        entry[2] = int(entry[2]) | evidence


def _weights(seen: dict[str, list[float]], params: StoryParams) -> dict[str, float]:
    """Final term weights: a name gains ``name_bonus``, a word written in lower case is
    capped at ``word_cap`` (a term with no evidence either way keeps its rarity), then the
    position factor applies."""
    bonus, cap = params.name_bonus, params.word_cap
    return {
        term: (rarity + bonus if evidence == _SEEN_NAME else (cap if evidence and rarity > cap else rarity))
        * boost
        for term, (rarity, boost, evidence) in seen.items()
    }


def gram_hashes(passage: str, params: StoryParams) -> list[tuple[int, str]]:
    """(hash, text) of each word n-gram of a quoted passage that holds a non-common word.

    32-bit hashes: with a few dozen n-grams an article, a false match between two articles
    has a chance of about one in a million, and the features stay small.
    """
    words = _WORD.findall(passage)
    cache = _weigher(params)
    salient = [_know(word, cache, params)[1] > 0.0 for word in words]
    n = params.quote_words
    out = []
    for i in range(len(words) - n + 1):
        if any(salient[i : i + n]):
            text = " ".join(words[i : i + n])
            out.append((xxhash.xxh32_intdigest(text.encode("utf-8", "surrogatepass")), text))
    return out


def grams_among(passage: str, hashes: frozenset[int], params: StoryParams) -> list[str]:
    """The word n-grams of a quoted passage whose hash is in ``hashes``, in order.

    ``hashes`` come from :func:`gram_hashes`, so only salient n-grams can be in it (a
    common one only by a 32-bit collision): no rarity look-up is needed to find them.
    """
    return [text for h, text in _all_grams(passage, params.quote_words) if h in hashes]


@lru_cache(maxsize=4096)
def _all_grams(passage: str, n: int) -> tuple[tuple[int, str], ...]:
    """(hash, text) of every word n-gram of a passage; remembered, because the passages
    of an article of a big story are read again for each of its links' evidence."""
    words = _WORD.findall(passage)
    grams = (" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return tuple((xxhash.xxh32_intdigest(t.encode("utf-8", "surrogatepass")), t) for t in grams)


def _quotes(body: str, params: StoryParams) -> tuple[tuple[str, ...], bytes]:
    """Quoted passages of a prepared body (case-folded here), read a paragraph at a time."""
    kept: list[str] = []
    hashes: set[int] = set()
    if '"' not in body:
        return (), b""
    # Quotes are read a paragraph at a time, between alternate quote marks, so one
    # unbalanced mark can't shift every later quote.
    for paragraph in body.split("\n"):
        for quoted in paragraph.split('"')[1::2]:
            words = _WORD.findall(quoted.casefold())
            if len(words) < params.quote_words:
                continue
            passage = " ".join(words[: params.quote_max_words])
            kept.append(passage)
            hashes.update(h for h, _ in gram_hashes(passage, params))
            if len(kept) >= params.max_quotes:
                return tuple(kept), array("I", sorted(hashes)).tobytes()
    return tuple(kept), array("I", sorted(hashes)).tobytes()


def opening(body: str, words: int) -> str:
    """The body up to its ``words``-th word (all of it when ``words`` is 0)."""
    # Each word takes at least two characters (itself and a space): shorter text is whole.
    if not words or len(body) < 2 * words:
        return body
    parts = body.split(None, words)
    return body if len(parts) <= words else body[: len(body) - len(parts[words])]


def story_features(
    title: str | None, body: str, published: When | None, params: StoryParams
) -> StoryFeatures:
    """The story features of one article (title and body as extracted, any typography).

    With the story tier off (``params.enabled`` false) only the day and a fingerprint of
    the body: such features share no term, so the article's story is its copy group.
    """
    if not params.enabled:
        return _bare(body, published)
    title_text = _prepare(title) if title else ""
    body_text = _prepare(opening(body, params.body_words))
    seen: dict[str, list[float]] = {}
    title_tokens = _tokens(title_text) if title_text else []
    body_tokens = _tokens(body_text)
    # Headlines capitalise every word: only the body tells names from words.
    han = han_language(title_text + body_text) if not body_text.isascii() else "zh"
    title_calendar = _add_terms(title_tokens, 1 << 30, 1.0 + params.title_boost, seen, params, False, han)
    body_calendar = _add_terms(
        body_tokens, params.lead_words, 1.0 + params.lead_boost, seen, params, True, han
    )
    weights = _weights(seen, params)
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
    _add_day(digest, day)
    return StoryFeatures(
        terms=terms,
        weights=packed,
        quotes=quotes,
        quote_grams=grams,
        day=None if day is None else day.toordinal(),
        fingerprint=digest.intdigest(),
    )


def _add_day(digest: xxhash.xxh3_64, day: date | None) -> None:
    # The day too: the same text published on two days is two articles, which the time
    # rule may put in two stories; their order must not be left to their arrival.
    digest.update(b"" if day is None else day.toordinal().to_bytes(4, "little"))


def _bare(body: str, published: When | None) -> StoryFeatures:
    """Features without terms or quotes: a day, and a fingerprint of the body and the day."""
    day = published.day if published is not None else None
    digest = xxhash.xxh3_64(body.encode("utf-8", "surrogatepass"))
    _add_day(digest, day)
    return StoryFeatures(
        terms=(),
        weights=b"",
        quotes=(),
        quote_grams=b"",
        day=None if day is None else day.toordinal(),
        fingerprint=digest.intdigest(),
    )


def encode_features(feats: StoryFeatures) -> str:
    """Story features as JSON (bytes as base64), for the ``texts`` table."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(feats):
        value = getattr(feats, f.name)
        out[f.name] = {"b64": base64.b64encode(value).decode()} if isinstance(value, bytes) else value
    return json.dumps(out)


def decode_features(raw: str) -> StoryFeatures:
    data = json.loads(raw)
    values = {}
    for f in dataclasses.fields(StoryFeatures):
        value = data.get(f.name)
        if isinstance(value, dict) and "b64" in value:
            value = base64.b64decode(value["b64"])
        elif isinstance(value, list):
            value = tuple(map(sys.intern, value) if f.name == "terms" else value)
        values[f.name] = value
    return StoryFeatures(**values)
