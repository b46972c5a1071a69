"""Wire attribution, datelines and bylines: who an article credits, read from where credits stand.

An agency counts only where a page credits it: the dateline that opens the text
(``Moscow, (APP - ...)``, ``WASHINGTON (Reuters) -``), a byline (``By Staff, Agencies``,
``By Tom Krisher, AP Auto Writer``), a source line (``SOURCE: AA``), a sign-off after the
text (``- AFP``, ``(with AFP)``, ``© 2019 The Associated Press``). An agency the text only
quotes ("KCNA said", "told Reuters") or a photo credit ("/ Photo: Reuters Archive") is not
an attribution, so running text and captions are never searched.
"""

from __future__ import annotations

import re

# Canonical short name -> how pages write it. Acronyms match case-sensitively (so "ap" in
# running text or "Ap" as a name is not AP); full names match in any case.
AGENCIES: dict[str, tuple[str, ...]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse"),
    "AP": ("AP", "Associated Press"),
    "Reuters": ("Reuters", "REUTERS", "Thomson Reuters"),
    "AA": ("AA", "Anadolu Agency", "Anadolu Ajans\u0131", "Anadolu"),
    "APP": ("APP", "Associated Press of Pakistan"),
    "PA": ("PA", "PA Media", "PA Wire", "Press Association"),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "EFE": ("EFE", "Agencia EFE"),
    "ANSA": ("ANSA",),
    "Xinhua": ("Xinhua", "XINHUA"),
    "PTI": ("PTI", "Press Trust of India"),
    "IANS": ("IANS", "Indo-Asian News Service"),
    "ANI": ("ANI", "Asian News International"),
    "UNI": ("UNI", "United News of India"),
    "Bernama": ("Bernama", "BERNAMA"),
    "Yonhap": ("Yonhap", "YONHAP"),
    "Kyodo": ("Kyodo", "KYODO"),
    "TASS": ("TASS", "ITAR-TASS", "Tass"),
    "RIA": ("RIA", "RIA Novosti"),
    "Interfax": ("Interfax",),
    "Sputnik": ("Sputnik",),
    "UPI": ("UPI", "United Press International"),
    "AAP": ("AAP", "Australian Associated Press"),
    "CP": ("The Canadian Press", "Canadian Press"),
    "Bloomberg": ("Bloomberg",),
    "KCNA": ("KCNA", "Korean Central News Agency"),
    "WAM": ("WAM", "Emirates News Agency"),
    "KUNA": ("KUNA", "Kuwait News Agency"),
    "QNA": ("QNA", "Qatar News Agency"),
    "SPA": ("SPA", "Saudi Press Agency"),
    "IRNA": ("IRNA",),
    "MENA": ("MENA", "Middle East News Agency"),
    "Petra": ("Petra",),
    "BSS": ("BSS",),
    "Lusa": ("Lusa", "LUSA"),
    "ANP": ("ANP",),
    "Belga": ("Belga",),
    "APA": ("APA",),
    "NTB": ("NTB",),
    "TT": ("TT",),
    "PAP": ("PAP",),
    "Ukrinform": ("Ukrinform",),
}
GENERIC = "agencies"
_GENERIC_WORDS = re.compile(r"(?i)\b(?:agencies|agency reports|wire services|wires|news agencies)\b")

_ACRONYM = re.compile(r"^[A-Z]{2,5}$")


def _alternation() -> re.Pattern[str]:
    parts: list[str] = []
    for canonical, names in AGENCIES.items():
        for name in names:
            escaped = re.escape(name)
            flag = "" if _ACRONYM.match(name) or name in ("dpa", "Tass") else "(?i:" + escaped + ")"
            parts.append(f"(?P<a{len(parts)}_{canonical}>{flag or escaped})")
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")


_AGENCY = _alternation()
_CANONICAL = {name: name.split("_", 1)[1] for name in _AGENCY.groupindex}
# Words without which a line can't be a credit line: a cheap test before the expressions.
# (Distinctive words only: "press" or "news" would let every paragraph through.)
_CREDIT_WORDS = frozenset(
    name.lower() for names in AGENCIES.values() for name in names if " " not in name
) | frozenset(
    (
        "associated",
        "agence",
        "anadolu",
        "deutsche",
        "trust",
        "indo-asian",
        "asian",
        "united",
        "australian",
        "canadian",
        "korean",
        "emirates",
        "kuwait",
        "qatar",
        "saudi",
        "source",
        "sources",
        "kaynak",
        "fuente",
        "quelle",
        "fonte",
        "sumber",
        "copyright",
        "agencies",
        "wires",
    )
)
_NOT_WORD = re.compile(r"[^\w-]+")

# Photo and image credits: never an attribution of the text.
_MEDIA = re.compile(
    r"(?i)\b(?:photo|photos|photograph|image|images|picture|pic|video|file|illustration"
    r"|graphic|foto)\b\s*(?:credit)?\s*[:/]|\((?:AP|AFP|Reuters|EPA) Photo|REUTERS/|AFP/|/AFP\b"
    r"|\bGetty\b|\bEPA-EFE\b"
)


# agencies_in of the texts seen last: a dateline's or a credit line's credit comes back
# from article to article ("Reuters", "AP", "PTI"), and the alternation of every agency's
# names costs a few µs even on three letters (it tries each name at each position).
_AGENCIES_MEMO: dict[str, tuple[str, ...]] = {}
_AGENCIES_MEMO_SIZE = 4096


def agencies_in(text: str) -> tuple[str, ...]:
    """The agencies named in a credit (canonical names, in order, without repeats)."""
    found = _AGENCIES_MEMO.get(text)
    if found is None:
        if len(_AGENCIES_MEMO) >= _AGENCIES_MEMO_SIZE:
            _AGENCIES_MEMO.clear()  # a crude bound: memoisation only saves time
        found = _AGENCIES_MEMO[text] = read_agencies(text)
    return found


def read_agencies(text: str) -> tuple[str, ...]:
    """:func:`agencies_in`, read from the text (not memoised)."""
    found: list[str] = []
    for m in _AGENCY.finditer(text):
        name = _CANONICAL[m.lastgroup or ""]
        if name not in found:
            found.append(name)
    if _GENERIC_WORDS.search(text) and GENERIC not in found:
        found.append(GENERIC)
    return tuple(found)


_MEDIA_HINTS = (
    "photo",
    "image",
    "picture",
    "pic",
    "video",
    "file",
    "illustration",
    "graphic",
    "foto",
    "getty",
    "epa",
    "/",
)


def is_media_credit(line: str) -> bool:
    """True for a photo, video or image credit (or a caption that ends with one)."""
    low = line.lower()
    return any(h in low for h in _MEDIA_HINTS) and _MEDIA.search(line) is not None


# "Moscow, (APP - UrduPoint / Pakistan Point News - 13th Sep, 2024)", "WASHINGTON (Reuters) -",
# "ST. JOSEPH, Mich. (AP) —", "New Delhi, Nov 19 (PTI)", "(Reuters) —", "Seoul, (UrduPoint ...) :"
_DATELINE_PAREN = re.compile(
    r"^(?P<dateline>(?:[A-ZÀ-Þ][\w.'\u2019-]*(?:[ -][\w.'\u2019-]+){0,4},?\s*"
    r"(?:[A-Z][a-z]{1,8}\.?\s*\d{0,2},?\s*)?)?\((?P<credit>[^()\n]{1,90})\))"
    r"\s*(?:[-\u2013—:]+\s*|(?=[A-Z\"“\u2018]))"
)
# "WASHINGTON — ", "NEW DELHI: ", "LONDON, Nov 19 — " (an all-capitals place, then a dash or colon)
_DATELINE_CAPS = re.compile(
    r"^(?P<dateline>[A-Z][A-Z.'\u2019-]+(?:\s[A-Z][A-Z.'\u2019-]+){0,3}(?:,\s*[A-Z][\w.]+(?:\s[\w.]+)?)?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s*\d{1,2})?)\s*(?:[-\u2013—]{1,2}|:)\s+(?=\S)"
)


_CAPS_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CAPS_SECOND = _CAPS_FIRST | frozenset(".'\u2019-")


def _may_open_caps_dateline(paragraph: str) -> bool:
    """Whether :data:`_DATELINE_CAPS` can match: it opens with an ASCII capital, then a
    capital, a full stop, an apostrophe or a hyphen."""
    return paragraph[:1] in _CAPS_FIRST and paragraph[1:2] in _CAPS_SECOND


def split_dateline(paragraph: str) -> tuple[str | None, str, tuple[str, ...]]:
    """(dateline, the paragraph without it, agencies the dateline credits).

    The parenthesised part of a dateline credits an agency only if it names one: UrduPoint's
    ``(UrduPoint / Pakistan Point News - 27th Jul, 2023)`` names the outlet, not a wire.
    """
    # The dateline part ends with the bracketed credit and is at most 110 characters, so
    # the bracket opens within them; the capitals form opens with two capitals.
    m = _DATELINE_PAREN.match(paragraph) if "(" in paragraph[:110] else None
    if m and len(m.group("dateline")) <= 110:
        rest = paragraph[m.end() :].lstrip(" :-\u2013—")
        if rest:
            return m.group("dateline").strip(), rest, agencies_in(m.group("credit"))
    m = _DATELINE_CAPS.match(paragraph) if _may_open_caps_dateline(paragraph) else None
    if m and len(m.group("dateline")) >= 3 and len(paragraph) > m.end() + 20:
        return m.group("dateline").strip(), paragraph[m.end() :], ()
    return None, paragraph, ()


# A line that is only a credit: "SOURCE:AA", "Source: Reuters, AFP", "- AFP", "(with AFP)",
# "AFP", "Agencies", "© 2019 The Associated Press. All rights reserved. ..."
_SOURCE_LINE = re.compile(
    r"(?i)^\W{0,3}(?:source|sources|kaynak|fuente|quelle|fonte|sumber)\s*[:\uff1a]\s*(?P<who>.{1,80})$"
)
_WITH_LINE = re.compile(r"^[(\[]?\s*(?:[-\u2013—]\s*)?(?:with|With|WITH)\s+(?P<who>[^()]{2,60})[)\]]?\.?$")
_BARE_LINE = re.compile(r"^[(\[]?\s*(?:[-\u2013—]+\s*)?(?P<who>[^()\[\]]{2,60}?)\s*[)\]]?\.?$")
_COPYRIGHT = re.compile(r"(?i)^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}\s*)?(?P<who>.{2,120})")
_TRAILING = re.compile(
    # (?<!\s): a match starts where a run of white space starts, never inside one (the same
    # matches; without it a long run of spaces cost quadratic time).
    r"(?<!\s)(?:\s*[-\u2013—]\s*(?P<dash>[A-Z][\w .,&/-]{1,40})"
    r"|\s*[(\[](?:with|With)\s+(?P<with>[^()]{2,50})[)\]]"
    r"|\s+[(\[](?P<paren>[A-Z][\w .,&/-]{1,40})[)\]])\.?\s*$"
)


def credit_words_absent(line: str) -> bool:
    """True when the line names no agency and no source: it can't be a credit line."""
    return _CREDIT_WORDS.isdisjoint(_NOT_WORD.split(line.lower()))


def credit_line(line: str) -> tuple[str, ...] | None:
    """Agencies a standalone credit line names; None when the line is not a credit line."""
    if len(line) > 200 or (_CREDIT_WORDS.isdisjoint(_NOT_WORD.split(line.lower())) and "©" not in line):
        return None
    s = " ".join(line.split())
    if not s or is_media_credit(s):
        return None
    for pattern in (_SOURCE_LINE, _WITH_LINE):
        m = pattern.match(s)
        if m:
            found = agencies_in(m.group("who"))
            return found or None
    m = _COPYRIGHT.match(s)
    if m:
        head = re.split(r"[.;|]", m.group("who"), maxsplit=1)[0]
        found = agencies_in(head)
        return tuple(a for a in found if a != GENERIC) or None
    m = _BARE_LINE.match(s)
    if m:
        who = m.group("who")
        found = agencies_in(who)
        # Only the credit itself: "AFP", "Reuters/AP", "Agencies", not a sentence naming AFP.
        leftover = _AGENCY.sub("", _GENERIC_WORDS.sub("", who))
        if found and not re.search(r"[^\W\d_]{2,}", re.sub(r"(?i)\b(?:and|with|staff|the)\b", "", leftover)):
            return found
    return None


def trailing_credit(paragraph: str) -> tuple[str, tuple[str, ...]]:
    """The last paragraph without a sign-off such as "- AFP" or "(with Reuters)", and its agencies."""
    m = _TRAILING.search(paragraph)
    if not m:
        return paragraph, ()
    who = m.group("dash") or m.group("with") or m.group("paren") or ""
    found = agencies_in(who)
    leftover = _AGENCY.sub("", _GENERIC_WORDS.sub("", who))
    if not found or re.search(r"[^\W\d_]{3,}", re.sub(r"(?i)\b(?:and|with|staff)\b", "", leftover)):
        return paragraph, ()
    return paragraph[: m.start()].rstrip(), found


# Bylines: "By Staff, Agencies", "by Regan September 15, 2014", "Posted by X on DATE",
# "Sumaira FH Published July 27, 2023 | 10:10 AM", "Tom Krisher, Ap Auto Writer".
_BYLINE = re.compile(
    r"^(?:(?:posted|written|words|text|reporting)\s+)?(?:by|By|BY|por|par|von|di|oleh)\s*[:]?\s+"
    r"(?P<name>[^|\n]{2,80}?)(?=\s+(?:on|at|-|\u2013|—|\|)\s|\s*\||\s+(?:Published|Updated|Posted)\b"
    r"|\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})|$)",
    re.IGNORECASE,
)
_NAME_BEFORE_PUBLISHED = re.compile(
    r"^(?P<name>[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3})\s+(?:Published|Posted|Updated)\b"
)
_WRITER = re.compile(r"(?i)^(?:AP|AFP|Reuters)\b(?:\s+\w+)?\s+(?:writer|correspondent|reporter)$")


def parse_byline(line: str) -> str | None:
    """The name(s) of a byline line, or None when the line is not a byline."""
    s = " ".join(line.split())
    if len(s) > 140:
        return None
    m = _BYLINE.match(s)
    if m:
        name = m.group("name").strip(" ,;:-")
        if name and not name[0].islower() and len(name.split()) <= 12:
            return name
        return None
    m = _NAME_BEFORE_PUBLISHED.match(s)
    if m:
        return m.group("name")
    return None


def byline_credit(name: str) -> tuple[str, ...]:
    """Agencies a byline credits: "Staff, Agencies" -> agencies; "X, AP Auto Writer" -> AP."""
    found = list(agencies_in(name))
    for part in re.split(r"\s*[,;]\s*|\s+and\s+", name):
        if _WRITER.match(part):
            for a in agencies_in(part.split()[0].upper() if part[:2].lower() == "ap" else part):
                if a not in found:
                    found.append(a)
    return tuple(found)


def merge(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """Agencies from several places, first mention first, named agencies before "agencies"."""
    out: list[str] = []
    for group in groups:
        for a in group:
            if a not in out:
                out.append(a)
    if GENERIC in out and len(out) > 1:
        out.remove(GENERIC)
        out.append(GENERIC)
    return tuple(out)
