"""Text normalisation and word tokens: the same text in any typography gives the same tokens.

Unicode NFKC (full-width and compatibility forms), case folding, one form of quote and
dash, one space for any run of white space, stripped. Tokens are the word-character runs
of the normalised text (``re``'s ``\\w+``: ``str.isalnum()`` or ``_``), so punctuation never
splits or joins shingles differently between copies.

The kernels are in the compiled core (``rust/src/text.rs``): character for character what
CPython 3.11 gives for ``re.sub(r"\\s+", " ", NFKC(NFKC(text).casefold().translate(
typography))).strip()``, with Unicode 14.0.0 (CPython 3.11's) whatever Python runs it, so
stored texts keep their hashes. Text must be valid Unicode: lone surrogates (which
:class:`dedup.Article` replaces with U+FFFD) raise ``UnicodeEncodeError``.
"""

from __future__ import annotations

from dedup._core import normalise, words

__all__ = ["normalise", "words"]
