"""The line model for flattened pages: how much each line looks like article text.

A flattened page is one text block a line, navigation and footers included. Each line gets
a score, the log-odds that it belongs to the article body, from a logistic model over cheap
line-level signals: length, sentence shape (terminal punctuation, stop-word density, share
of capitalised words), list-item markers and their depth, boilerplate vocabulary (share
buttons, cookie notices, "Related" headings, photo credits), date-only lines, lines
repeated within the page. A line of more than :data:`LONG_WORDS` words (a paragraph) is
read by its characters only. The weights were fitted on the development pages
(``python -m benchmarks.extraction --fit``); the page-level choice of the body (one main
block, section headings that end it, the comment section) is in :mod:`dedup.extract.flat`.

Everything here is a pure function of the line's text, so scores are memoised per line
(bounded): a site's template lines cost one dictionary look-up after their first page.
:class:`LineScorer` also gives cheap bounds of a score (:mod:`dedup.extract.linebounds`),
which settle most lines without their exact score.
"""

from __future__ import annotations

import math
import re

from dedup.extract.attribution import credit_words_absent
from dedup.extract.vocabulary import (
    FURNITURE_PHRASES,
    FURNITURE_WORDS,
    PHRASE_TRIGGERS,
    STOP_WORDS,
    STRONG_TRIGGERS,
)

_STRONG = re.compile(
    r"\b(?:uses? cookies|cookie (?:policy|settings|preferences)|accept (?:all )?cookies"
    r"|(?:our|the) (?:privacy policy|terms of (?:use|service))|all rights? reserved"
    r"|may not be (?:published|reproduced|republished|redistributed)|sign up (?:for|to)"
    r"|subscribe (?:to|now|today)|newsletter|click here|javascript|your browser|ad ?blocker"
    r"|must be logged in|log in to (?:comment|post)|logged in to post"
    r"|comments? (?:are|is) (?:closed|moderated)|affiliate (?:links?|commission|program)"
    r"|(?:may|might) (?:receive|earn) (?:a )?commission|follow us on|download (?:the|our) app"
    r"|terms and conditions|registered trademark|copyright ©)"
)
# Media credits and captions: "/ Photo: Reuters", "(AP Photo/...)", "Getty Images".
_CREDIT_TRIGGERS = frozenset(
    (
        "photo",
        "photos",
        "image",
        "images",
        "picture",
        "photograph",
        "pic",
        "credit",
        "foto",
        "getty",
        "file",
    )
)
_CREDIT = re.compile(
    r"(?:\b(?:Photo|Photos|Image|Images|Picture|Photograph|Pic|Credit|Foto)\s*(?:credit)?\s*:"
    r"|\(\s*(?:AP|AFP|Reuters|EPA|PA)\s+Photo|\bREUTERS/|\bAFP/|\bGetty Images\b"
    r"|\bImage (?:source|credit)\b|\bFile photo\b)",
    re.IGNORECASE,
)
_CREDIT_MARKS = ("REUTERS/", "AFP/", "Photo/")
# A whole line that heads what follows the article: related stories, comments, tags...
_END_HEADING = re.compile(
    r"(?i)^(?:related(?: articles| stories| posts| news| topics| content| coverage| links)?"
    r"|more (?:stories|news|articles|from .{1,40}|in .{1,40})|recent (?:stories|posts|news|articles)"
    r"|(?:most )?(?:popular|read|viewed|shared)(?: news| stories| posts| now| articles)?"
    r"|most (?:read|popular|viewed|shared|recent)|you (?:may|might) (?:also )?like"
    r"|read (?:next|these next|also|more)|recommended(?: for you| stories| articles)?"
    r"|\W*\d* ?comments?\W*|leave a (?:reply|comment)|post a comment|add a comment"
    r"|join the (?:discussion|conversation)|about the author|share this(?: article| story| post)?"
    r"|trending(?: now| stories)?|tags|topics|filed under|more stories from .*|don'?t miss"
    r"|also read|see also|latest (?:news|stories|posts)|top stories|editor'?s picks"
    r"|what to read next|sponsored(?: content| stories)?|around the web|from the web"
    r"|next (?:post|article|story)|previous (?:post|article|story))\W*$"
)
_MONTH_WORDS = frozenset(
    (
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "ago",
    )
)
_NUMERIC_DATE = re.compile(r"\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")
_PUNCT_TO_SPACE = str.maketrans(dict.fromkeys(",.;:!?()[]{}\"'“”\u2018\u2019«»|/\\<>*#@&+=_~^`", " "))
_UPPER_TO_A = str.maketrans(dict.fromkeys("BCDEFGHIJKLMNOPQRSTUVWXYZ", "A"))
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_NO_DIGITS = str.maketrans(dict.fromkeys("0123456789"))
_TERMINAL = frozenset('.!?…"”\u2019»)。\uff01\uff1f」')
_BULLETS = frozenset("•·*\u2013-▪►")
_BYLINE_WORDS = frozenset(("by", "por", "par", "von", "di", "oleh", "door", "av", "af"))
# First words of the end headings, so that the expression runs on few lines.
_HEADING_STARTS = frozenset(
    (
        "related",
        "more",
        "recent",
        "most",
        "popular",
        "read",
        "viewed",
        "shared",
        "you",
        "recommended",
        "comments",
        "comment",
        "leave",
        "post",
        "add",
        "join",
        "about",
        "share",
        "trending",
        "tags",
        "topics",
        "filed",
        "don't",
        "dont",
        "also",
        "see",
        "latest",
        "top",
        "editor's",
        "editors",
        "what",
        "sponsored",
        "around",
        "from",
        "next",
        "previous",
    )
) | frozenset(str(n) for n in range(10))
_RELATED_PREFIXES = (
    "Related",
    "RELATED",
    "Read more",
    "READ MORE",
    "Read also",
    "READ ALSO",
    "Also read",
    "ALSO READ",
    "See also",
    "Recommended",
    "Watch",
    "WATCH",
)

FEATURES = (
    "bias",
    "log_chars",
    "log_words",
    "bullet",
    "depth",
    "terminal",
    "colon",
    "stop_words",
    "capitalised",
    "numbers",
    "furniture_short",
    "furniture_density",
    "end_heading",
    "date_like",
    "separators",
    "repeated",
    "tiny",
    "url",
    "ellipsis",
    "quote",
    "strong_furniture",
    "credit",
    "related_prefix",
    "byline",
)
# Fitted by ``python -m benchmarks.extraction --fit`` (logistic regression, weights by
# sqrt(tokens) so long lines count more, as they do in the shingle metric), before long
# lines lost their word-level furniture signals (LONG_WORDS). Refitted since, the weights
# score F1 0.915 instead of 0.916 on the development pages and drop two end lines of a
# few synthetic feed bodies; these were kept (cross-validated F1 is 0.914 either way).
WEIGHTS = (
    -1.92,
    -0.36,
    1.04,
    -0.12,
    -1.2,
    1.51,
    0.61,
    0.17,
    -1.29,
    -0.05,
    -1.01,
    -0.31,
    -0.17,
    -0.52,
    -0.79,
    -0.9,
    -0.37,
    0.85,
    -1.72,
    0.79,
    -1.44,
    -2.0,
    -2.0,
    -0.09,
)

# A line of more than LONG_WORDS words is read by character-level signals only: length,
# punctuation, capitals and digits, "©", credit marks. The word-level furniture signals
# (furniture density, cookie and legal phrases) need a pass over every word of every
# paragraph, 3-20 µs a line; on the development pages they were worth 0.003 of F1 (0.919
# with them, 0.916 without, 0.914 cross-validated). A photo credit still counts when the
# line has the ":", "/" or "(" every credit form but "Getty Images" needs. See
# docs/extraction.md, "Speed".
LONG_WORDS = 12
_CACHE_LIMIT = 50_000

# Structural flags of a line, memoised with its score (what the page-level code tests).
HEADING = 1  # heads what follows the article: "Related", "Comments", "Recent Stories"
COMMENT = 2  # a reader comment's header: "alex says:", "34 responses to ..."
SECTION = 4  # opens the comment section: "Leave a Reply", "12 Comments"
CREDIT_WORDS = 8  # short enough and names an agency or "Source": maybe a credit line
REGION = HEADING | COMMENT | SECTION  # the flags the choice of the body run needs
_COMMENT = re.compile(
    r"(?i)^(?:\d+\.\s*)?\S.{0,60}\s(?:says|said|wrote|dice|dit|sagt|disse):?$"
    r"|^\W*\d+\s+(?:thoughts|responses|comments|replies|reactions)\b"
)
# \W*+ is possessive: \W covers \s, so the same matches, in linear time on long runs.
_COMMENT_SECTION = re.compile(
    r"(?i)^\W*+(?:\d+\s+(?:thoughts|responses|comments|replies|reactions)\b"
    r"|(?:leave a (?:reply|comment)|post a comment|add a comment|comments are closed"
    r"|join the (?:discussion|conversation))\b|\d*\s*comments?\W*$)"
)
# After its leading non-word characters, a comment-section line starts with a digit or with
# one of these letters (any case): the expression runs only then.
_SECTION_STARTS = frozenset("lpacjLPACJ")
_COMMENT_ENDS = (":", "says", "said", "wrote", "dice", "dit", "sagt", "disse")
_LINK_MARKS = frozenset(":-|\u2013\u2014")
# The forms of _CREDIT followed by a colon start with these or "photo", "image" (lower-cased); in text
# with letters that re's case-insensitive matching equates with ASCII ones but str.lower()
# does not (capital I with dot, dotless i, long s), the pre-test is skipped.
_CREDIT_WORDS_COLON = ("pic", "credit", "foto")
_CASE_ODDITIES = ("\u0130", "\u0131", "\u017f")


def _is_comment_marker(s: str) -> bool:
    """ "alex says:", "12. joe said:", "34 responses to ...": where readers' comments start."""
    if not (s.endswith(_COMMENT_ENDS) or s[:1].isdigit()):
        return False
    if len(s) > 160 or _COMMENT.match(s) is None:
        return False
    if any(map(str.isdigit, s)):
        return True  # a numbered comment, or "Alex on May 3, 2018 at 4:47 pm said:"
    # Without a number or a date it could be a quote's introduction in the article
    # ("Pensioner Bayram-aga, a voter in Ashgabat, said:"): a commenter's handle has no
    # comma, and a commenter "says" (a report's past tense "said" needs the date above).
    return "," not in s and not s.endswith(("said", "said:"))


def _opens_comment_section(s: str) -> bool:
    """ "Leave a Reply", "12 Comments", "Comments are closed"."""
    first = s[:1]
    if (first.isalnum() or first == "_") and not (first.isdecimal() or first in _SECTION_STARTS):
        return False  # the expression needs a digit or one of its first letters there
    return _COMMENT_SECTION.match(s) is not None


def _related_prefix(s: str) -> bool:
    """ "RelatedNorth Korea's Kim...", "READ MORE: ...", "Related - ...": a link to another story."""
    if not s.startswith(_RELATED_PREFIXES):
        return False
    for prefix in _RELATED_PREFIXES:
        if s.startswith(prefix):
            rest = s[len(prefix) :].lstrip()
            glued = s[len(prefix) : len(prefix) + 1].isupper()  # "RelatedNorth Korea's..."
            return glued or rest[:1] in _LINK_MARKS
    return False


def _credit(s: str, tokens: list[str] | set[str]) -> bool:
    """A media credit or caption ("/ Photo: Reuters", "(AP Photo/...)", "Getty Images")."""
    return (not _CREDIT_TRIGGERS.isdisjoint(tokens) or any(m in s for m in _CREDIT_MARKS)) and (
        _CREDIT.search(s) is not None
    )


def _long_credit(s: str, low: str) -> bool:
    """The credit signal of a long line: only with ":", "/" or "(" (see LONG_WORDS)."""
    if not (":" in s or "/" in s or "(" in s):
        return False
    if (s.isascii() or not any(c in s for c in _CASE_ODDITIES)) and not _may_be_credit(s, low):
        return False
    return _credit(s, low.split())


def _may_be_credit(s: str, low: str) -> bool:
    """Whether :data:`_CREDIT` can match: every form holds "photo" or "image" (lower-cased),
    or a colon after "pic", "credit" or "foto", or "reuters/" or "afp/"."""
    if "photo" in low or "image" in low:
        return True
    if ":" in s and any(n in low for n in _CREDIT_WORDS_COLON):
        return True
    return "/" in s and ("reuters/" in low or "afp/" in low)


def _shape(raw: str) -> tuple[str, float, float]:
    """The line without indentation and list-item marker, the marker, its nesting depth."""
    s = raw.strip()
    if len(s) > 1 and s[0] in _BULLETS and s[1] == " ":
        return s[2:].lstrip(), 1.0, min(3, (len(raw) - len(raw.lstrip())) // 2) / 3
    return s, 0.0, 0.0


def line_features(raw: str, repeated: bool) -> tuple[float, ...]:
    """The signals of one line (as it stands in the page, indentation included).

    Only C-level string operations and set look-ups on the common path, regular
    expressions only on short lines or behind a trigger word: this runs for every line.
    """
    s, bullet, depth = _shape(raw)
    low = s.lower()
    tokens = low.split()
    n_words = len(tokens)
    wide = 0 if s.isascii() else len(_WIDE.findall(s))
    words = n_words + wide / 2.0  # CJK text has no spaces: two characters count as a word
    long = n_words > LONG_WORDS
    short = words < 12
    hits = 0
    if long:
        token_set: set[str] | list[str] = tokens
        strong = "©" in s
        credit = _long_credit(s, low)
    else:
        # Short lines are where furniture words matter: strip punctuation there ("Share:").
        token_set = set(low.translate(_PUNCT_TO_SPACE).split()) if short else set(tokens)
        hits = len(FURNITURE_WORDS.intersection(token_set))
        if not PHRASE_TRIGGERS.isdisjoint(token_set) or "©" in s or "ⓒ" in s:
            hits += sum(1 for phrase in FURNITURE_PHRASES if phrase in low)
        strong = "©" in s or (not STRONG_TRIGGERS.isdisjoint(token_set) and _STRONG.search(low) is not None)
        credit = _credit(s, token_set)
    if n_words:
        stop = sum(map(STOP_WORDS.__contains__, tokens)) / n_words
        numbers = sum(map(str.isdigit, tokens))
        capitalised = sum(map(str.istitle, s.split())) / n_words if n_words <= 40 else 0.15
    else:
        stop = capitalised = 0.0
        numbers = 0
    date_like = 0.0
    if (
        n_words <= 12
        and not s.isalpha()
        and ((numbers and not _MONTH_WORDS.isdisjoint(token_set)) or _NUMERIC_DATE.search(s))
    ):
        date_like = 1.0
    last = s[-1:]
    return (
        1.0,
        math.log1p(len(s) + wide),
        math.log1p(words),
        bullet,
        depth,
        1.0 if last in _TERMINAL else 0.0,
        1.0 if last == ":" else 0.0,
        stop,
        capitalised,
        numbers / (n_words + 1),
        1.0 if hits and short else 0.0,
        0.0 if short or long else hits / (words + 1),
        1.0 if n_words <= 8 and tokens[0] in _HEADING_STARTS and _END_HEADING.match(s) else 0.0,
        date_like,
        1.0 if ("|" in s or "»" in s or " / " in s) else 0.0,
        1.0 if repeated else 0.0,
        1.0 if words <= 3 else 0.0,
        1.0 if s.startswith(("http://", "https://", "www.")) else 0.0,
        1.0 if s.endswith(("...", "…", "..")) else 0.0,
        1.0 if s[:1] in "\"“\u2018'«„" else 0.0,
        1.0 if strong else 0.0,
        1.0 if credit else 0.0,
        1.0 if _related_prefix(s) else 0.0,
        1.0 if n_words <= 8 and tokens[0] in _BYLINE_WORDS else 0.0,
    )


def is_end_heading(line: str) -> bool:
    """True for a line that heads what follows an article ("Related", "Comments"...)."""
    s = line.strip().lstrip("•").strip()
    words = s.lower().split()
    if not words or len(words) > 8:
        return False
    first = words[0].lstrip("[(")
    return (first in _HEADING_STARTS or first[:1].isdigit()) and _END_HEADING.match(s) is not None


def looks_like_furniture(line: str) -> bool:
    """True for a short line made of site-furniture words ("Follow us", "Most Popular Today")."""
    low = line.lower()
    tokens = set(low.translate(_PUNCT_TO_SPACE).split())
    return (
        not FURNITURE_WORDS.isdisjoint(tokens)
        or "©" in line
        or (not PHRASE_TRIGGERS.isdisjoint(tokens) and any(p in low for p in FURNITURE_PHRASES))
    )


def _flag_text(raw: str) -> str:
    s = " ".join(raw.split())
    return s[2:] if s[:2] == "• " else s


def region_flags(raw: str) -> int:
    """The flags the choice of the body run needs (:data:`HEADING`, :data:`COMMENT`, :data:`SECTION`)."""
    return collapsed_region_flags(" ".join(raw.split()))


def collapsed_region_flags(stripped: str) -> int:
    """:func:`region_flags` of a line already stripped with white space collapsed."""
    s = stripped[2:] if stripped[:2] == "• " else stripped
    spaces = s.count(" ")
    if spaces >= 12:
        return 0
    flags = 0
    # is_end_heading(s), without splitting: s is collapsed, so words are spaces + 1
    head = s.lstrip("•").strip() if s[:1] == "•" else s
    if head and (head.count(" ") if head is not s else spaces) <= 7:
        first = head.split(" ", 1)[0].lower().lstrip("[(")
        if (first in _HEADING_STARTS or first[:1].isdigit()) and _END_HEADING.match(head):
            flags |= HEADING
    if _is_comment_marker(s):
        flags |= COMMENT
    if _opens_comment_section(s):
        flags |= SECTION
    return flags


def credit_words(line: str) -> bool:
    """Short enough and names an agency, a source or a copyright: maybe a credit line."""
    s = _flag_text(line)
    return len(s) <= 200 and ("©" in s or not credit_words_absent(s))


def line_flags(raw: str) -> int:
    """The structural flags (:data:`HEADING`, :data:`COMMENT`...) of a line."""
    return region_flags(raw) | (CREDIT_WORDS if credit_words(raw) else 0)
