"""Shortcuts to :mod:`dedup.extract.attribution`'s credit expressions: credit lines and
sign-offs are short, so the expressions run only where one can stand (the same answers,
pinned by tests/test_extract_speedpaths.py)."""

from __future__ import annotations

from dedup.extract import attribution

# A credit line is a short standalone line ("SOURCE: AA", "- AFP", "(with AFP)": at most 93
# characters in the forms attribution.credit_line reads) or opens with a copyright sign,
# a bracket or dashes; a longer paragraph is not asked (the regular expressions would only
# cost time: tests/test_extract_speedpaths.py pins this against credit_line).
CREDIT_LINE_MAX = 100
CREDIT_OPENERS = frozenset("©([-\u2013\u2014cC")


def credit_line(s: str) -> tuple[str, ...] | None:
    """:func:`attribution.credit_line`, without running it on paragraphs that can't be one."""
    if len(s) > CREDIT_LINE_MAX and (
        s[0] not in CREDIT_OPENERS or (s[0] in "cC" and s[:9].isascii() and s[:9].lower() != "copyright")
    ):
        return None
    return attribution.credit_line(s)


# A sign-off ("- AFP", "(with Reuters)") is at most 59 characters of a collapsed paragraph:
# a dash, at most one space and a capital within its last 46 characters, or a closing
# bracket at its very end (before one full stop).
_TRAILING_WINDOW = 100
_SIGN_OFF_TAIL = 46
_DASHES = ("-", "\u2013", "\u2014")


def may_sign_off(paragraph: str) -> bool:
    """Whether :func:`attribution.trailing_credit` can find a sign-off (see above)."""
    if paragraph.endswith((")", "]", ").", "].")):
        return True
    tail = paragraph[-_SIGN_OFF_TAIL:]
    for dash in _DASHES:
        at = tail.find(dash)
        while at >= 0:
            after = tail[at + 1 : at + 3].lstrip(" ")
            if after[:1].isascii() and after[:1].isupper():
                return True
            at = tail.find(dash, at + 1)
    return False


def trailing_credit(paragraph: str) -> tuple[str, tuple[str, ...]]:
    """:func:`attribution.trailing_credit`, without running its expression where it can't match.

    The sign-off ends the paragraph and is short, so the leftmost match of the whole
    paragraph lies in its last characters; the whole paragraph is read only when its end
    holds one (the expression backtracks at every position: 20 µs a paragraph).
    """
    if not may_sign_off(paragraph):
        return paragraph, ()
    if (
        len(paragraph) > _TRAILING_WINDOW
        and not attribution.trailing_credit(paragraph[-_TRAILING_WINDOW:])[1]
    ):
        return paragraph, ()
    return attribution.trailing_credit(paragraph)
