"""The outlet of a flattened page that has no URL: the name the page gives itself.

Three places name it, tried in this order:

1. the copyright footer: "© 2023 THE WORLD MONITOR" (as the page writes the name
   elsewhere, "The World Monitor", when it does);
2. the publisher in the dateline's parenthesis, after the agencies are set aside:
   "Moscow, (APP - UrduPoint / Pakistan Point News - 13th Sep, 2024)" gives "UrduPoint"
   (APP is the agency the text credits, not the outlet carrying it);
3. the site's own channel links in its furniture: "Al-Ahed Telegram", "Follow The Daily
   Star on Twitter", "Dawn on Facebook".

A page that names itself nowhere (a footer that says "Contact us", a menu of sections) gets
``None``: a wrong outlet is worse than an unknown one, since the canonical policy and the
export show it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dedup.extract import attribution

_COPYRIGHT_NAME = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*(?:[-\u2013]\s*\d{4})?\s*)?"
    r"(?P<name>[A-Za-z][\w .&'\u2019-]{2,60})",
    re.IGNORECASE,
)
# Letters re's case-insensitive matching equates with ASCII ones where str.lower() does not.
_CASE_ODDITIES = ("\u0130", "\u0131", "\u017f", "\u212a")
_NETWORKS = r"(?:Telegram|Facebook|Twitter|YouTube|Instagram|WhatsApp|LinkedIn|TikTok|Threads)"
_NAME = r"(?P<name>[A-Z][\w&'\u2019.-]*(?: [A-Z][\w&'\u2019.-]*){0,3})"
# "Al-Ahed Telegram", "Dawn on Facebook", "Follow The Daily Star on Twitter": a whole line.
# X only after "on": "Malcolm X" alone is a name, not a channel link.
_CHANNEL = re.compile(rf"^(?:Follow |Join )?{_NAME}(?:(?: on| channel on)? {_NETWORKS}| on X)(?: channel)?$")
_NOT_NAMES = frozenset(
    (
        "follow",
        "follow us",
        "join",
        "join us",
        "share",
        "share on",
        "us",
        "like us",
        "subscribe",
        "find us",
        "connect",
        "watch",
        "more",
    )
)
# A match starts where a run of white space starts or at a separator, never inside a run
# (the same splits; without it a long run of spaces cost quadratic time).
_DATELINE_PARTS = re.compile(r"(?:(?<!\s)|(?=\S))\s*(?:/|\s-\s|\s\u2013\s|\|)\s*")
_HAS_DIGIT = re.compile(r"\d")


def _may_name_copyright(line: str) -> bool:
    """Whether :data:`_COPYRIGHT_NAME` can match: it needs "©", "(c)" or "copyright"."""
    low = line.lower()
    return (
        "©" in line
        or "(c)" in low
        or "copyright" in low
        or (not line.isascii() and any(c in line for c in _CASE_ODDITIES))
    )


def copyright_outlet(lines: Sequence[str], end: int) -> str | None:
    """The outlet named in a copyright footer below the body (line ``end`` is its last)."""
    for line in lines[end + 1 :][::-1][:40]:
        m = _COPYRIGHT_NAME.search(line) if _may_name_copyright(line) else None
        if m:
            name = re.split(r"(?i)\s*(?:\.|,|\ball rights\b|\|)", m.group("name"))[0].strip(" -")
            if 2 < len(name) <= 40 and not attribution.agencies_in(name):
                folded = name.casefold()
                for other in lines:  # prefer how the page writes it elsewhere
                    if other.casefold() == folded and other != name:
                        return other
                return name
    return None


def dateline_outlet(dateline: str | None) -> str | None:
    """The publisher a dateline's parenthesis names besides the agencies and the date."""
    if not dateline or "(" not in dateline:
        return None
    inside = dateline[dateline.index("(") + 1 :].rsplit(")", 1)[0]
    for raw in _DATELINE_PARTS.split(inside.strip()):
        part = raw.strip(" ,:;")
        if (
            2 < len(part) <= 40
            and part[:1].isupper()
            and not _HAS_DIGIT.search(part)
            and not attribution.agencies_in(part)
        ):
            return part
    return None


def channel_outlet(lines: Sequence[str], body: range) -> str | None:
    """The name in the site's own channel links ("Al-Ahed Telegram"), outside the body."""
    for k, line in enumerate(lines):
        if k in body or len(line) > 60:
            continue
        m = _CHANNEL.match(line)
        if m and m.group("name").lower() not in _NOT_NAMES and not attribution.agencies_in(line):
            return m.group("name")
    return None


def find_outlet(lines: Sequence[str], start: int, end: int, dateline: str | None) -> str | None:
    """The outlet a page without a URL names, or ``None`` (see the module's text)."""
    return (
        copyright_outlet(lines, end)
        or dateline_outlet(dateline)
        or channel_outlet(lines, range(start, end + 1))
    )
