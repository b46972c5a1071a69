"""Text normalisation and word tokens: the same text in any typography gives the same tokens.

Unicode NFKC (full-width and compatibility forms), case folding, one form of quote and
dash, one space for any run of white space. Tokens are the word-character runs of the
normalised text, so punctuation never splits or joins shingles differently between copies.
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        "\u00ad": None,  # soft hyphen: invisible, must not split words
        "\u200b": None,  # zero-width space
        "\ufeff": None,  # byte-order mark
    }
)
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """NFKC, case-folded, quotes and dashes unified, white space collapsed and stripped.

    Idempotent: ``normalise(normalise(t)) == normalise(t)``.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    # Case folding can produce characters NFKC would compose again (e.g. U+0130).
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub(" ", text).strip()


def words(normalised: str) -> list[str]:
    """The word tokens of a normalised text, in order."""
    return _WORD.findall(normalised)
