"""Lines that are never a page's headline, however often the page writes them.

The flat extractor picks the headline among the lines above the body by evidence (written
twice, as ``<title>`` and ``<h1>`` are; matching the URL slug; a date below it). Site
furniture and bylines collect that evidence too: "Continue reading the main story" is
written between every two paragraphs, an author's name stands twice (author box and
byline) right above the date. :func:`not_a_headline` turns such lines away before any
evidence counts. Each rule reads the shape of the line alone, never a site's name.
"""

from __future__ import annotations

import re

# Furniture phrases no headline holds (a headline may hold a furniture *word*: "Share
# prices fall", so words alone are left to the line model).
_PHRASES = re.compile(
    r"(?i)\b(?:continue reading|read more|log (?:in|out)|sign (?:in|up|out)|skip to|"
    r"click here|you are here|browse all|share this|external links?|in a new window|"
    r"follow us|all rights reserved)\b"
)
# "Home > News > Markets", "BLOG > Weight Loss > Tips": a breadcrumb trail.
_BREADCRUMB = re.compile(r"\s[>»/|]\s.*\s[>»/|]\s")
# "chevron_left", "arrow_forward": icon-font ligatures left in the text of a button.
_LIGATURE = re.compile(r"\b[a-z]+_[a-z]+\b")
# "6. Skimming device found...", "* 2015 write-up": an item of a list of other stories.
_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[*\-\u2013\u2022])\s")
# Bylines without "By": a few capitalised name words with an initial or a role after them.
_ROLE = frozenset(
    (
        "staff",
        "contributor",
        "writer",
        "correspondent",
        "reporter",
        "editor",
        "columnist",
        "wire",
        "services",
        "today",
        "agencies",
    )
)
_JOINERS = frozenset(("and", "&", "de", "van", "von", "der", "da", "di", "la", "le", "al", "bin"))
_INITIAL = re.compile(r"^[A-Z]\.$")


def byline_shaped(line: str) -> bool:
    """A line of person names (and perhaps their role or outlet) with nothing else:
    "Sarah E. Needleman", "Kevin Johnson and Kevin McCoy USA TODAY", "Editorial Staff"."""
    words = line.split()
    if not 2 <= len(words) <= 8:
        return False
    evidence = False
    for word in words:
        low = word.lower().strip(",")
        if low in _ROLE or _INITIAL.match(word):
            evidence = True
        elif not (low in _JOINERS or word[:1].isupper()):
            return False  # a lower-case word that is not a role: a sentence, a headline
    return evidence


def not_a_headline(line: str) -> bool:
    """Whether the (white-space collapsed) line can be ruled out as the headline."""
    return bool(
        _LIST_ITEM.match(line)
        or _PHRASES.search(line)
        or _BREADCRUMB.search(line)
        or _LIGATURE.search(line)
        or byline_shaped(line)
    )
