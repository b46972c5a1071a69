"""The fast flat path gives exactly what the full path gives; its shortcuts hold what they claim.

The fast path bounds line scores instead of computing them (dedup/extract/linebounds.py),
certifies the body run from the bounds (dedup/extract/scores.py) and skips expressions
that cannot match (dedup/extract/flat.py). ``LineScorer(fast=False)`` scores every line
exactly: the full path. No timing here; speed is measured by benchmarks/extraction.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.extract import Extracted, attribution, dates
from dedup.extract.credits import credit_line as _credit_line
from dedup.extract.credits import trailing_credit as _trailing_credit
from dedup.extract.flat import (
    KEEP,
    _body,
    _collapse,
    _fold,
    _is_title,
    _Lines,
    _may_have_year,
    _page_lines,
    _signed_off,
    extract_flat,
)
from dedup.extract.lines import (
    _COMMENT_SECTION,
    COMMENT,
    HEADING,
    REGION,
    WEIGHTS,
    _opens_comment_section,
    collapsed_region_flags,
    line_features,
    line_flags,
)
from dedup.extract.scorer import LineScorer
from dedup.extract.scores import PageScores, body_run
from dedup.extract.templates import TemplateStore, line_key, line_keys
from dedup.extract.urls import host_of
from dedup.extract.urls import slug_words as _slug_words

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("0*.txt"))]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words and lines that exercise every signal of the line model and every shortcut.
WORDS = [
    "the",
    "council",
    "said",
    "on",
    "Tuesday",
    "Kim",
    "Jong-un",
    "visit",
    "of",
    "and",
    "in",
    "a",
    "share",
    "photo",
    "cookies",
    "Reuters",
    "AFP",
    "AP",
    "2024",
    "13",
    "September",
    "Sep",
    "comments",
    "follow",
    "us",
    "subscribe",
    "privacy",
    "policy",
    "sign",
    "up",
    "read",
    "more",
    "©",
    "|",
    "/",
    "-",
    "–",
    "(AP)",
    "(with",
    "AFP)",
    "said:",
    "Photo:",
    "Getty",
    "Images",
    "étude",
    "Москва",
    "東京都",
    "ı",
    "Source:",
    "By",
    "Staff,",
    "Agencies",
    "10:30",
    "13/06/2014",
    "“Quote”",
    "»",
    "...",
    "topic",
    "Copyright",
    "(c)",
    "www.example.com",
    "http://example.com/a",
    "Related",
    "READ",
    "MORE:",
]
FURNITURE = [
    "Related Stories",
    "12 Comments",
    "Leave a Reply",
    "alex says:",
    "34 responses to this",
    "SOURCE: AA",
    "- AFP",
    "(with AFP)",
    "By Staff, Agencies",
    "September 13, 2024",
    "2 hours ago",
    "© 2024 The World Monitor. All rights reserved.",
    "/ Photo: Reuters Archive",
    "Home",
    "News",
    "This website uses cookies to improve your experience. Accept",
    "Share on Facebook  Share on X  Email",
    "RelatedNorth Korea's Kim wraps up Russia visit, heads home",
    "Read more: the council budget",
    "Comments are closed.",
    "Most Popular",
    "Tags",
    "Published July 27, 2023 | 10:10 AM",
    "Sumaira FH Published July 27, 2023 | 10:10 AM",
    "Copyright © 2019 Associated Press",
]
DECORATIONS = ["{}", "  {}", "• {}", "  • {}", "- {}", "•\t{}", "{}  ", "\t{}", "* {}", "{}\u00a0"]


# Sentences of ordinary words: the paragraphs the column-wise path scores.
PROSE = [
    "The",
    "council",
    "said",
    "on",
    "Tuesday",
    "that",
    "Kim",
    "Jong-un",
    "would",
    "visit",
    "Russia",
    "in",
    "September",
    "and",
    "meet",
    "President",
    "Vladimir",
    "Putin",
    "at",
    "a",
    "port",
    "city",
    "2024",
    "13",
    "officials",
    "told",
    "reporters",
    "SEOUL",
    "Agencies",
    "Reuters",
    "photo",
    "image",
    "Watch",
    "Also",
    "Read",
    "See",
    "http",
    "www",
    "'quoted'",
    "O'Brien",
    "US$20",
    "mid-2024",
]
NON_ASCII = ["«quoted»", "\u201cquoted\u201d", "étude", "Москва", "東京都", "\u00a9", "\u00bb"]
FIRSTS = [
    "",
    "",
    "",
    "\u201c",
    '"',
    "'",
    "Related ",
    "READ MORE ",
    "Also read ",
    "See also ",
    "Watch ",
    "www.",
    "http://x ",
    "• ",
    "- ",
]
ENDS = ["", ".", ".", ".", ":", '"', "\u2026", "...", "..", "?", ")", " - AFP", " (Reuters).", " |", "»"]


@st.composite
def lines(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        text = draw(st.sampled_from(FURNITURE))
    else:
        count = draw(st.sampled_from([1, 2, 3, 5, 8, 11, 12, 13, 14, 20, 35, 40, 41, 60]))
        vocabulary = WORDS if kind < 4 else PROSE + NON_ASCII if kind < 6 else PROSE
        words = draw(st.lists(st.sampled_from(vocabulary), min_size=count, max_size=count))
        text = draw(st.sampled_from(FIRSTS)) + " ".join(words) + draw(st.sampled_from(ENDS))
        if draw(st.integers(0, 5)) == 0 and len(words) > 3:
            text = text.replace(" ", "  ", 1)
    decoration = draw(st.sampled_from(DECORATIONS)) if draw(st.booleans()) else "{}"
    return decoration.format(text)


pages = st.lists(lines(), min_size=1, max_size=30).map("\n".join)


def both_paths(
    texts: list[str], url: str | None = None, title: str | None = None, learn: bool = True
) -> tuple[list[Extracted], list[Extracted]]:
    """Every page through the fast and the full path, each with its own template memory."""
    results = []
    for fast in (True, False):
        scorer = LineScorer(fast=fast)
        store = TemplateStore() if learn else None
        results.append([extract_flat(t, scorer, store, url=url, title_hint=title) for t in texts])
    return results[0], results[1]


@pytest.mark.parametrize("order", ["forward", "backward"])
@pytest.mark.parametrize(
    "url", [None, "https://www.urdupoint.com/en/world/shoigu-meets-kim-in-pyongyang.html"]
)
def test_fast_path_matches_full_path_on_seeds(order: str, url: str | None) -> None:
    texts = SEED_TEXTS if order == "forward" else SEED_TEXTS[::-1]
    fast, full = both_paths(texts * 2, url=url)
    assert fast == full
    assert all(r.body for r in fast)


def test_fast_path_matches_full_path_on_feed_pages() -> None:
    from benchmarks.feed import FeedGenerator

    records = [r for r, _ in FeedGenerator(size=400, seed=3) if "text" in r]
    assert any("\u2022" in r["text"] for r in records)  # pages with menus, not only bodies
    fast_scorer, full_scorer = LineScorer(), LineScorer(fast=False)
    fast_store, full_store = TemplateStore(), TemplateStore()
    for r in records:
        fast = extract_flat(r["text"], fast_scorer, fast_store, url=r["url"], title_hint=r["title"])
        full = extract_flat(r["text"], full_scorer, full_store, url=r["url"], title_hint=r["title"])
        assert fast == full, r["id"]


@pytest.mark.shared_data
def test_fast_path_matches_full_path_on_development_pages() -> None:
    from benchmarks.extraction import load_pages

    texts = [p["flat"] for p in load_pages()]
    for learn in (True, False):
        fast, full = both_paths(texts, learn=learn)
        assert fast == full


@SETTINGS
@given(
    st.lists(pages, min_size=1, max_size=4),
    st.sampled_from([None, "https://news.example/2024/09/13/kim-visit-russia"]),
    st.sampled_from([None, "Kim visit"]),
)
def test_fast_path_matches_full_path_on_generated_pages(
    texts: list[str], url: str | None, title: str | None
) -> None:
    menu = "\n".join(["Home", "  • World", "  • Sports", "Sign in", "Subscribe"])
    texts = [*texts, *(menu + "\n" + t + "\n" + menu for t in texts)]  # a site's template comes back
    fast, full = both_paths(texts, url=url, title=title)
    assert fast == full


@SETTINGS
@given(lines(), st.booleans(), st.lists(st.floats(-3.0, 3.0), min_size=24, max_size=24))
def test_bounds_hold_the_exact_score(raw: str, repeated: bool, weights: list[float]) -> None:
    for w in (WEIGHTS, tuple(weights)):
        scorer = LineScorer(w)
        exact = sum(map(float.__mul__, w, line_features(raw, repeated)))
        low, high, flags = scorer.bounds(raw, " ".join(raw.split()), repeated)
        assert low <= exact <= high
        assert flags == line_flags(raw) & REGION
        assert scorer.info(raw, repeated) == (exact, line_flags(raw))


@SETTINGS
@given(st.lists(lines(), min_size=1, max_size=25), st.lists(st.floats(-3.0, 3.0), min_size=24, max_size=24))
def test_page_bounds_hold_the_exact_scores(raws: list[str], weights: list[float]) -> None:
    raws = [r for r in raws if r.strip()]
    stripped = [_collapse(r) for r in raws]
    text = "\n".join(raws)
    for w in (WEIGHTS, tuple(weights)):
        found = LineScorer(w).page_bounds(raws, stripped, [False] * len(raws), text)
        for raw, (low, high, flags) in zip(raws, found, strict=True):
            exact = sum(map(float.__mul__, w, line_features(raw, False)))
            assert low <= exact <= high
            assert flags == line_flags(raw) & REGION


def test_long_lines_get_narrow_bounds() -> None:
    # The point of the bounds: a paragraph's interval is narrow enough to decide it, and it
    # is an interval (not the exact score computed anyway).
    text = SEED_TEXTS[1]
    raws = [r for r in text.splitlines() if r.strip()]
    found = LineScorer().page_bounds(raws, [_collapse(r) for r in raws], [False] * len(raws), text)
    long_lines = [
        (low, high) for raw, (low, high, _) in zip(raws, found, strict=True) if len(raw.split()) > 12
    ]
    assert long_lines and all(0.0 < high - low < 1.0 for low, high in long_lines)


# ------------------------------------------------------------------ shortcuts pinned to what they skip
SIGN_OFFS = [
    "",
    " - AFP",
    " -AFP.",
    " \u2013 Reuters",
    " (with AFP)",
    " (AP)",
    " [Reuters].",
    " - staff and agencies",
    " \u2014 Agencies",
    " (Xinhua)",
    " - a Man said",
    "-AP",
    " \u2013 AFP, Reuters",
]
KNOWN = [
    decoration.format(text)
    for text in FURNITURE + SEED_TEXTS[1].splitlines()
    for decoration in DECORATIONS
    if text.strip()
]


@pytest.mark.parametrize("raw", KNOWN)
def test_shortcuts_on_furniture_and_seed_lines(raw: str) -> None:
    stripped = " ".join(raw.split())
    text = stripped[2:] if stripped[:2] == "• " else stripped
    assert _opens_comment_section(text) == (_COMMENT_SECTION.match(text) is not None)
    assert _collapse(raw) == stripped
    assert collapsed_region_flags(stripped) == line_flags(raw) & REGION
    exact = sum(map(float.__mul__, WEIGHTS, line_features(raw, False)))
    low, high, _ = LineScorer().bounds(raw, stripped, False)
    assert low <= exact <= high
    for sign_off in SIGN_OFFS:
        s = " ".join((raw + sign_off).split())
        assert _credit_line(s) == attribution.credit_line(s)
        assert _trailing_credit(s) == attribution.trailing_credit(s)


@SETTINGS
@given(lines())
def test_collapse_and_flags_shortcuts(raw: str) -> None:
    assert _collapse(raw) == " ".join(raw.split())
    assert collapsed_region_flags(" ".join(raw.split())) == line_flags(raw) & REGION
    assert _opens_comment_section(raw.strip()) == (_COMMENT_SECTION.match(raw.strip()) is not None)


@SETTINGS
@given(st.lists(lines(), min_size=1, max_size=20))
def test_line_keys_in_bulk(raws: list[str]) -> None:
    assert line_keys(raws) == [line_key(r) for r in raws]


sign_offs = st.sampled_from(SIGN_OFFS)


@SETTINGS
@given(lines(), sign_offs)
def test_credit_shortcuts_agree_with_attribution(raw: str, sign_off: str) -> None:
    s = " ".join((raw + sign_off).split())
    assert _credit_line(s) == attribution.credit_line(s)
    assert _trailing_credit(s) == attribution.trailing_credit(s)


@SETTINGS
@given(lines())
def test_year_prefilter_misses_no_date(raw: str) -> None:
    s = " ".join(raw.split())
    assert _may_have_year(s) or dates.find_dates(s) == []


urls = st.builds(
    "{}{}{}/{}{}".format,
    st.sampled_from(["https://", "http://", "HTTPS://", "//", "", "ftp://"]),
    st.sampled_from(
        ["www.example.com", "News.Example.org", "user@host.example", "[::1]", "host:8080", "h%20t", ""]
    ),
    st.sampled_from(["", "/2024/09/13", "/en/world"]),
    st.sampled_from(["kim-visits-russia-1234", "a%C3%A9-b-c-d", "index.html", "", "x?y=1#f", "p a t h"]),
    st.sampled_from(["", "?q=1", "#frag", "/more-words-here"]),
)


@SETTINGS
@given(urls)
def test_url_shortcut_reads_urls_as_urlsplit(url: str) -> None:
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        host = None
    if host and host.startswith("www."):
        host = host[4:]
    assert host_of(url) == (host or None)
    try:
        path = unquote(urlsplit(url).path)
    except ValueError:
        assert _slug_words(url) == frozenset()
        return
    parts = [p for p in path.split("/") if p]
    word = re.compile(r"[^\W\d_]{2,}")
    best = max(parts, key=lambda p: len(word.findall(p)), default="")
    assert _slug_words(url) == frozenset(w.lower() for w in word.findall(best))


# ------------------------------------------------------------------ body, dateline, agencies
def reference_body(text: str, title: str | None) -> tuple[list[str], str | None, list[tuple[str, ...]]]:
    """The body loop of the flat extractor visiting every line of the run, as it was written
    before plain paragraphs were kept in bulk (flat._body), on the page's own body run."""
    raw, stripped = _page_lines(text)
    page = PageScores(LineScorer(), raw, stripped, [False] * len(raw), text)
    lines = _Lines(stripped)
    start, end = body_run(page, lines.sizes)
    folded = _fold(title) if title else None
    body: list[str] = []
    credits: list[tuple[str, ...]] = []
    byline = None
    for k in range(start, end + 1):
        s = stripped[k]
        if (
            page.flags[k] & (COMMENT | HEADING)
            or not page.above(k, KEEP)
            or (title is not None and _is_title(s, title, folded))
        ):
            continue
        credit = attribution.credit_line(s) if len(s) <= 100 or s[0] in "©([-\u2013\u2014cC" else None
        if credit is not None:
            credits.append(credit)
            continue
        if len(body) < 2 and len(s) <= 140:
            name = attribution.parse_byline(s)
            if name:
                byline = byline or name
                continue
        body.append(s)
    credits.extend(_signed_off(lines, end, body))
    return body, byline, credits


def flat_body(text: str, title: str | None) -> tuple[list[str], str | None, list[tuple[str, ...]]]:
    raw, stripped = _page_lines(text)
    page = PageScores(LineScorer(), raw, stripped, [False] * len(raw), text)
    lines = _Lines(stripped)
    start, end = body_run(page, lines.sizes)
    return _body(lines, page, start, end, title)


# Long lines (more than 100 characters, so no credit line) that score below KEEP, set
# among paragraphs: the run crosses them, the body drops them.
LONG_FURNITURE = [
    "Share on Facebook | Share on Twitter | Share on WhatsApp | Email this article | Print this page "
    "| Subscribe",
    "Home \u00bb World \u00bb Asia \u00bb Pacific \u00bb Korea \u00bb North Korea \u00bb Pyongyang "
    "\u00bb Politics \u00bb Defence \u00bb Diplomacy \u00bb Russia",
    "https://www.example.com/world/asia/2024/09/13/shoigu-meets-kim-in-pyongyang-for-talks-on-defence-cooperation",
]


@pytest.mark.parametrize("furniture", LONG_FURNITURE)
@pytest.mark.parametrize("at", [1, 2, 3, 5])
def test_body_in_bulk_drops_long_furniture_inside_the_run(furniture: str, at: int) -> None:
    paragraphs = [line for line in SEED_TEXTS[1].splitlines() if len(line.split()) > 20][:6]
    text = "\n".join([*paragraphs[:at], furniture, *paragraphs[at:]])
    for title in (None, paragraphs[0]):
        found = flat_body(text, title)
        assert found == reference_body(text, title)
        assert furniture not in found[0] and paragraphs[-1] in found[0]


def _run_lines(text: str) -> list[str]:
    return [s for s in _page_lines(text)[1] if len(s) > 40]


@pytest.mark.parametrize("text", SEED_TEXTS)
def test_body_in_bulk_matches_the_line_by_line_body_on_seeds(text: str) -> None:
    for title in [None, *_run_lines(text)[:3]]:
        assert flat_body(text, title) == reference_body(text, title)


def test_body_in_bulk_matches_the_line_by_line_body_on_feed_pages() -> None:
    from benchmarks.feed import FeedGenerator

    records = [r for r, _ in FeedGenerator(size=300, seed=5) if "text" in r]
    for r in records:
        for title in (None, r["title"], _run_lines(r["text"])[-1]):
            assert flat_body(r["text"], title) == reference_body(r["text"], title), r["id"]


@SETTINGS
@given(pages, st.sampled_from([None, "Kim visit", "The council said on Tuesday that Kim would visit"]))
def test_body_in_bulk_matches_the_line_by_line_body_on_generated_pages(text: str, title: str | None) -> None:
    if text.strip():
        assert flat_body(text, title) == reference_body(text, title)


DATELINES = [
    "WASHINGTON (Reuters) - ",
    "ST. JOSEPH, Mich. (AP) \u2014 ",
    "New Delhi, Nov 19 (PTI) ",
    "Moscow, (APP - UrduPoint / Pakistan Point News - 13th Sep, 2024) ",
    "(Reuters) \u2014 ",
    "WASHINGTON \u2014 ",
    "NEW DELHI: ",
    "LONDON, Nov 19 \u2014 ",
    "O'HARE - ",
    "U.S. - ",
    "A-B: ",
    "Seoul, (UrduPoint / Pakistan Point News - 27th Jul, 2023 ) : ",
    "\u00c9VIAN (AFP) - ",
    "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch Upper Town, Sept 13 (Reuters) - ",
    "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch-Llanfairpwllgwyngyllgogerychwyrndrobwll"
    "llantysiliogogogoch (Reuters) - ",
]


def reference_split_dateline(paragraph: str) -> tuple[str | None, str, tuple[str, ...]]:
    """attribution.split_dateline running both expressions on every paragraph."""
    m = attribution._DATELINE_PAREN.match(paragraph)
    if m and len(m.group("dateline")) <= 110:
        rest = paragraph[m.end() :].lstrip(" :-\u2013\u2014")
        if rest:
            return m.group("dateline").strip(), rest, attribution.read_agencies(m.group("credit"))
    m = attribution._DATELINE_CAPS.match(paragraph)
    if m and len(m.group("dateline")) >= 3 and len(paragraph) > m.end() + 20:
        return m.group("dateline").strip(), paragraph[m.end() :], ()
    return None, paragraph, ()


@SETTINGS
@given(st.sampled_from(["", *DATELINES]), lines())
def test_dateline_prefilters_miss_no_dateline(dateline: str, raw: str) -> None:
    p = " ".join((dateline + raw).split())
    assert attribution.split_dateline(p) == reference_split_dateline(p)


@pytest.mark.parametrize("dateline", DATELINES)
def test_dateline_prefilters_on_known_datelines(dateline: str) -> None:
    p = dateline + "the council said on Tuesday that Kim would visit Russia."
    assert attribution.split_dateline(p) == reference_split_dateline(p)


@pytest.mark.parametrize(
    "credit",
    [
        "AP",
        "Reuters",
        "PTI",
        "APP - UrduPoint",
        "Staff, Agencies",
        "",
        "reuters",
        "AFP/Getty",
        "Anadolu Ajans\u0131",
        "with AFP and dpa",
    ],
)
def test_agencies_memo_gives_what_the_expression_reads(credit: str) -> None:
    assert attribution.agencies_in(credit) == attribution.read_agencies(credit)
    assert attribution.agencies_in(credit) == attribution.read_agencies(credit)  # (from the memo)


@pytest.mark.parametrize(
    "mark",
    [
        "(AP)",
        "said:",
        "a/b",
        "Photo: Reuters",
        "(AP Photo/Ann)",
        "photo (x)",
        "credit: AFP",
        "REUTERS/Ann",
        "image/x",
        "pic: a",
        "foto: b",
    ],
)
def test_credit_characters_send_credit_lines_to_the_line_path(mark: str) -> None:
    # A long ASCII line with ":", "/" or "(" is scored column-wise unless it has credit words:
    # either way its bounds hold its exact score.
    raws = [f"The council said on Tuesday {mark} that Kim would visit Russia in September and meet Putin."]
    found = LineScorer().page_bounds(raws, raws, [False], raws[0])
    exact = sum(map(float.__mul__, WEIGHTS, line_features(raws[0], False)))
    assert found[0][0] <= exact <= found[0][1]
