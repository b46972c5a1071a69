"""The rarity model a word takes by its script, and the terms of text written without spaces.

One rule that depends on the characters, never a flag to set: a word in Cyrillic takes
wordfreq's Russian model, Arabic script the Arabic one, Devanagari Hindi, Hangul Korean,
Greek, Hebrew, Bengali and Tamil theirs; Latin script (and any script without a model)
takes :attr:`StoryParams.language`. Han letters take the Japanese model in an article that
holds kana and the Chinese one otherwise.

Where words are not spaced (Han, kana, Thai, Lao, Khmer, Myanmar), a run of letters is cut
into the words of the language's list by their most probable cut (words of up to four
letters, a unigram model over the list's frequencies, as jieba cuts Chinese), each word
weighed as a spaced word is. Letters the cut leaves alone in a row (a name the list doesn't
hold, most often) are read as letter bigrams weighed by their commoner letter; the letters
of a script wordfreq has no list for (Thai, Lao, Khmer, Myanmar) as bigrams of weight
``UNLISTED_WEIGHT``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

from dedup._core import words as letters
from dedup.stories.rarity import available, frequencies

_LANGUAGES = (
    (0x0370, 0x03FF, "el"),
    (0x0400, 0x052F, "ru"),
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0750, 0x077F, "ar"),
    (0x0900, 0x097F, "hi"),
    (0x0980, 0x09FF, "bn"),
    (0x0B80, 0x0BFF, "ta"),
    (0x1100, 0x11FF, "ko"),
    (0x3130, 0x318F, "ko"),
    (0xAC00, 0xD7A3, "ko"),
)
UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]"
)
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff]")
_HAN = re.compile("[\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
_LONGEST = 4  # letters in the longest word tried
_UNSEEN = 1e-9  # the frequency of a letter the list lacks (wordfreq lists go down to 1e-8)
UNLISTED_WEIGHT = 1.0  # a bigram of a script wordfreq has no list for
Term = tuple[str, float, bool]  # term, weight, whether it was cut from unspaced letters


def language_of(word: str, default: str) -> str:
    """The rarity model of a (spaced) word: by the script of its first letter."""
    c = ord(word[0])
    if c < 0x370:
        return default
    for lo, hi, language in _LANGUAGES:
        if lo <= c <= hi:
            return language if language in available() else default
    return default


def fold(word: str) -> str:
    """A case-folded word with the marks its script writes or leaves out at will taken
    off: accents in Latin and Greek (Vendôme, Vendome), vowel marks and hamza seats in
    Arabic, points in Hebrew; Cyrillic yo as ye. Other scripts keep their marks (a
    Devanagari vowel sign or the breve of the Cyrillic short i is part of the spelling)."""
    if word.isascii():
        return word
    c = ord(word[0])
    if c < 0x250 or 0x370 <= c <= 0x3FF or 0x1E00 <= c <= 0x1FFF or 0x590 <= c <= 0x6FF:
        return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))
    return word.replace("\u0451", "\u0435") if 0x400 <= c <= 0x52F else word


def han_language(text: str) -> str:
    """Which list Han letters take in ``text``: Japanese when it holds kana."""
    return "ja" if _KANA.search(text) else "zh"


def _unspaced_language(letter: str, han: str) -> str | None:
    c = ord(letter[0])
    if _HAN.match(letter) or 0x3040 <= c <= 0x31FF:
        return han
    return None  # Thai, Lao, Khmer, Myanmar: no wordfreq list


def run_terms(run: str, han: str, common_zipf: float) -> list[Term]:
    """(term, weight, unspaced) of a written run holding letters of an unspaced script, in
    order; ``unspaced`` false for a word of another script inside the run (to be weighed as
    words are)."""
    out: list[Term] = []
    group: list[str] = []
    language: str | None = None
    for piece in letters(run):
        if UNSPACED.match(piece):
            lang = _unspaced_language(piece, han)
            if group and lang != language:
                out += _segment(tuple(group), language, common_zipf)
                group = []
            group.append(piece)
            language = lang
            continue
        if group:
            out += _segment(tuple(group), language, common_zipf)
            group = []
        out.append((piece, 0.0, False))
    if group:
        out += _segment(tuple(group), language, common_zipf)
    return out


def _segment(group: tuple[str, ...], language: str | None, common_zipf: float) -> list[Term]:
    """The terms of one run of letters of one unspaced script."""
    if language is None or language not in available():
        return [(a + b, UNLISTED_WEIGHT, True) for a, b in pairwise(group)]
    table = frequencies(language)
    out: list[Term] = []
    singles: list[str] = []
    for word, size in _cut(group, _logs(language)):
        if size == 1:
            singles.append(word)
            continue
        out += _bigrams(singles, table, common_zipf)
        singles = []
        out.append((word, _weight(table.get(word), common_zipf), True))
    return out + _bigrams(singles, table, common_zipf)


def _cut(group: tuple[str, ...], logs: dict[str, float]) -> list[tuple[str, int]]:
    """The most probable cut of a run into listed words (a unigram model over the list's
    frequencies, ``logs``: their logarithms, by dynamic programming over the words of up to
    ``_LONGEST`` letters that end at each place); a letter the list lacks is a word of the
    least frequency. Returns (word, letters in it)."""
    n = len(group)
    text = "".join(group)

    def span(a: int, b: int) -> str:
        # One character a letter (Han and kana, nearly always): a slice of the run.
        return text[a:b] if len(text) == n else "".join(group[a:b])

    unseen = math.log(_UNSEEN)
    best = [0.0] + [-math.inf] * n
    back = [0] * (n + 1)
    for end in range(1, n + 1):
        top, size_of_top = -math.inf, 1
        for size in range(1, min(_LONGEST, end) + 1):
            log = logs.get(span(end - size, end))
            if log is None:
                if size > 1:
                    continue
                log = unseen
            score = best[end - size] + log
            if score > top:
                top, size_of_top = score, size
        best[end], back[end] = top, size_of_top
    words: list[tuple[str, int]] = []
    end = n
    while end:
        words.append((span(end - back[end], end), back[end]))
        end -= back[end]
    return words[::-1]


@lru_cache(maxsize=16)
def _logs(language: str) -> dict[str, float]:
    """The natural log of each frequency of a language's list, computed once a process."""
    return {word: math.log(freq) for word, freq in frequencies(language).items()}


def _weight(freq: float | None, common_zipf: float) -> float:
    return common_zipf if not freq else max(0.0, common_zipf - (math.log10(freq) + 9.0))


def _bigrams(singles: list[str], table: dict[str, float], common_zipf: float) -> list[Term]:
    """Letters the cut leaves alone: one is its own term, two or more in a row (a name the
    list lacks, most often) their bigrams, each weighed by its commoner letter (so a
    bigram with a function letter in it weighs nothing)."""
    if len(singles) == 1:
        return [(singles[0], _weight(table.get(singles[0]), common_zipf), True)]
    return [
        (a + b, min(_weight(table.get(a), common_zipf), _weight(table.get(b), common_zipf)), True)
        for a, b in pairwise(singles)
    ]
