"""Text normalisation and word tokens: the same text in any typography gives the same tokens.

Unicode NFKC (full-width and compatibility forms), case folding, one form of quote and
dash, one space for any run of white space. Tokens are the word-character runs of the
normalised text, so punctuation never splits or joins shingles differently between copies.

:func:`normalise_reference` is the definition; :func:`normalise` gives the same string
(a property test checks it) faster. Most bodies are ASCII, where NFKC is the identity,
case folding is ``lower`` and the quote table only touches the backtick, so one lookup
table over the bytes does all of it; the white-space pass runs in NumPy, not in ``re``
(whose ``\\s+`` substitution stops at every single space, ~65 us an article).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import numpy as np
import numpy.typing as npt

_TYPOGRAPHY = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    "\u00ad": "",  # soft hyphen: invisible, must not split words
    "\u200b": "",  # zero-width space
    "\ufeff": "",  # byte-order mark
}
_QUOTES = str.maketrans({k: (v or None) for k, v in _TYPOGRAPHY.items()})
U32 = npt.NDArray[np.uint32]
_BMP_LAST = 0xFFFF
_DELETED = np.uint32(0xFFFFFFFF)
_LAST_SPACE = 0x3000  # the highest code point str.isspace() accepts (IDEOGRAPHIC SPACE)
_SPACE_POINT = np.uint32(ord(" "))
_UNDERSCORE = ord("_")
_SPACE = re.compile(r"\s+")

# ASCII byte -> a space for every character str.isspace() accepts (as re's \s does,
# including the separators 0x1c-0x1f), itself otherwise: for text already case-folded.
_SPACE_MAP = np.array([ord(" ") if chr(c).isspace() else c for c in range(256)], dtype=np.uint8)
# ... and also lower case and the backtick as an apostrophe: the whole of normalise on ASCII.
_ASCII_MAP = _SPACE_MAP.copy()
_ASCII_MAP[ord("A") : ord("Z") + 1] += 32
_ASCII_MAP[ord("`")] = ord("'")
_SPACE_BYTE = np.uint8(ord(" "))
# ASCII bytes that are not word characters (re's \w: letters, digits, underscore) -> space.
_ASCII_SEPARATORS = bytes(
    c if (chr(c).isalnum() or chr(c) == "_") and c < 128 else ord(" ") for c in range(256)
)


def normalise_reference(text: str) -> str:
    """The definition of :func:`normalise`, kept for tests and for the record: slower."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    # Case folding can produce characters NFKC would compose again (e.g. U+0130).
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub(" ", text).strip()


def normalise(text: str) -> str:
    """NFKC, case-folded, quotes and dashes unified, white space collapsed and stripped.

    Idempotent: ``normalise(normalise(t)) == normalise(t)``; equal to
    :func:`normalise_reference` on every string.
    """
    if text.isascii():
        return _normalise_ascii(text.encode("ascii"), _ASCII_MAP)
    text = unicodedata.normalize("NFKC", text).casefold()
    points = _code_points(text)
    mapped = _typography_map()[np.minimum(points, _BMP_LAST)]
    changed = (mapped != points) & (points <= _BMP_LAST)
    if changed.any():
        points = np.where(changed, mapped, points)
        if (mapped == _DELETED).any():
            points = points[points != _DELETED]
        text = _text(points)
    # Case folding can produce characters NFKC would compose again (e.g. U+0130).
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return _normalise_ascii(text.encode("ascii"), _SPACE_MAP)
    points = _code_points(text)
    space = _unicode_space()[np.minimum(points, _LAST_SPACE + 1)]
    drop = space.copy()
    drop[1:] &= space[:-1]
    points = np.where(space, _SPACE_POINT, points)[~drop]
    end = points.size
    if end and points[end - 1] == _SPACE_POINT:
        end -= 1
    return _text(points[:end])


def _code_points(text: str) -> U32:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(points: U32) -> str:
    return points.tobytes().decode("utf-32-le", "surrogatepass")


@cache
def _typography_map() -> U32:
    """Basic-plane code point -> its typography replacement (itself for most)."""
    table = np.arange(_BMP_LAST + 1, dtype=np.uint32)
    for char, replacement in _TYPOGRAPHY.items():
        table[ord(char)] = ord(replacement) if replacement else _DELETED
    return table


@cache
def _unicode_space() -> npt.NDArray[np.bool_]:
    """Code point -> str.isspace() (re's \\s) for points up to the last space; False beyond."""
    return np.array([chr(c).isspace() for c in range(_LAST_SPACE + 2)], dtype=np.bool_)


@cache
def _basic_word() -> npt.NDArray[np.bool_]:
    """Basic-plane code point -> whether re's \\w matches it (alphanumeric or underscore)."""
    return np.array([chr(c).isalnum() or c == _UNDERSCORE for c in range(_BMP_LAST + 1)], dtype=np.bool_)


def _normalise_ascii(raw: bytes, table: npt.NDArray[np.uint8]) -> str:
    """The ASCII case in one pass of NumPy: map bytes, drop the spaces that follow a space."""
    if not raw:
        return ""
    chars: npt.NDArray[np.uint8] = table[np.frombuffer(raw, dtype=np.uint8)]
    space = chars == _SPACE_BYTE
    # Keep a character unless it is a space after a space (or a leading space).
    drop = space.copy()
    drop[1:] &= space[:-1]
    kept: npt.NDArray[np.uint8] = chars[~drop]
    end = kept.size
    if end and kept[end - 1] == _SPACE_BYTE:
        end -= 1
    return kept[:end].tobytes().decode("ascii")


def _separated(normalised: str) -> str:
    """A non-ASCII text with every non-word character replaced by a space."""
    points = _code_points(normalised)
    word = _basic_word()[np.minimum(points, _BMP_LAST)]
    astral = points > _BMP_LAST
    if astral.any():
        for point in set(points[astral].tolist()):
            char = chr(point)
            word[points == point] = char.isalnum() or char == "_"
    return _text(np.where(word, points, _SPACE_POINT))


def words(normalised: str) -> list[str]:
    """The word tokens of a normalised text, in order (re's ``\\w+`` runs)."""
    if normalised.isascii():
        return normalised.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii").split()
    # Only word characters and spaces are left, and no word character is a space.
    return _separated(normalised).split()


def word_bytes(normalised: str) -> list[bytes]:
    """The word tokens of a normalised text as UTF-8 bytes (what the word hash reads)."""
    return separated_bytes(normalised).split()


def separated_bytes(normalised: str) -> bytes:
    """The UTF-8 of a normalised text with a space for every non-word character.

    Its words are then the runs of bytes other than the space: UTF-8 never uses bytes
    below 0x80 inside a multi-byte character.
    """
    if normalised.isascii():
        return normalised.encode("ascii").translate(_ASCII_SEPARATORS)
    return _separated(normalised).encode("utf-8", "surrogatepass")
