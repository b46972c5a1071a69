"""Synthetic wire feed with ground truth, deterministic from a seed, streamed to disk.

A wire agency publishes a story; outlets republish it as exact copies, copies with a new
headline, lightly edited copies, truncations, or the same text inside their own page
boilerplate (flattened text or HTML); other agencies write independent rewrites of the
same event (same facts, names and quote, other sentences); many articles are unrelated
singletons. Words follow real English frequencies (``wordfreq``), so shingle statistics
look like news, not like uniform noise. Every article's copy group, story and variant
(with its edit rate or kept fraction) go to a truth file, so quality can be broken down
per variant.

Generation streams: memory stays flat whatever the size (a small shuffle buffer mixes
the articles of neighbouring stories, so copies don't always follow their original).
"""

from __future__ import annotations

import bisect
import gzip
import html
import json
import random
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
import xxhash
from wordfreq import get_frequency_dict, top_n_list

GENERATOR_VERSION = 1
"""Bumped whenever the same seed would give another feed (cached feeds are then rebuilt)."""

DEFAULT_SEED = 20240913

COPY_VARIANTS = ("exact", "headline", "edited", "truncated", "boilerplate")
"""Variants that are copies of a group's first article (they should be found as copies)."""

VARIANTS = ("original", "rewrite", "singleton", *COPY_VARIANTS)

# Share of a copy's variant, for copies of a wire original or of a rewrite.
_COPY_MIX = (
    ("exact", 0.15),
    ("headline", 0.10),
    ("edited", 0.25),
    ("truncated", 0.20),
    ("boilerplate", 0.30),
)
# How many outlets republish a syndicated story (weights), skewed like a real feed.
_COPIES_PER_STORY = ((0, 8), (1, 20), (2, 20), (3, 15), (4, 12), (5, 9), (6, 7), (8, 5), (12, 4))
_START = datetime(2024, 1, 8, 6, 0, tzinfo=UTC)

_FIRST_NAMES = (
    "James",
    "Maria",
    "Ahmed",
    "Olga",
    "Chen",
    "Fatima",
    "Pedro",
    "Aiko",
    "Samuel",
    "Ingrid",
    "Kwame",
    "Leila",
    "Dmitri",
    "Sofia",
    "Rahul",
    "Amara",
    "Lucas",
    "Yuki",
    "Omar",
    "Elena",
    "Hassan",
    "Grace",
    "Mateo",
    "Anya",
    "Tariq",
    "Helen",
    "Jonas",
    "Priya",
    "Diego",
    "Nadia",
    "Viktor",
    "Chloe",
    "Ibrahim",
    "Marta",
    "Kenji",
    "Zainab",
    "Pablo",
    "Irina",
    "Thomas",
    "Aisha",
    "Felix",
    "Ruth",
    "Arjun",
    "Lena",
    "Moses",
    "Carmen",
    "Sergei",
    "Mei",
    "Daniel",
    "Esther",
    "Malik",
    "Rosa",
    "Stefan",
    "Hana",
    "Yusuf",
    "Clara",
    "Andrei",
    "Ngozi",
    "Paolo",
    "Sara",
    "Emeka",
    "Julia",
    "Mehmet",
    "Alice",
    "Tomas",
    "Noor",
    "Kofi",
    "Beatriz",
    "Hiroshi",
    "Layla",
)
_LAST_NAMES = (
    "Smith",
    "Kovacs",
    "Haddad",
    "Petrov",
    "Wang",
    "Okafor",
    "Silva",
    "Tanaka",
    "Muller",
    "Rossi",
    "Novak",
    "Khan",
    "Garcia",
    "Ivanova",
    "Nguyen",
    "Mensah",
    "Schmidt",
    "Dubois",
    "Cohen",
    "Yilmaz",
    "Kowalski",
    "Costa",
    "Sato",
    "Abdullah",
    "Jensen",
    "Moreno",
    "Popescu",
    "Kim",
    "Fischer",
    "Santos",
    "Ali",
    "Lindqvist",
    "Herrera",
    "Volkov",
    "Park",
    "Bianchi",
    "Adeyemi",
    "Larsen",
    "Nowak",
    "Hussein",
    "Ortiz",
    "Fernandes",
    "Lee",
    "Kuznetsov",
    "Brown",
    "Morales",
    "Suzuki",
    "Osei",
    "Bakr",
    "Weber",
)
_SYLLABLES = (
    "ka",
    "ro",
    "ve",
    "lin",
    "dar",
    "mos",
    "tek",
    "ari",
    "bel",
    "sun",
    "ko",
    "ra",
    "vi",
    "del",
    "mar",
    "tan",
    "os",
    "ul",
    "en",
    "ha",
    "gor",
    "zi",
    "nek",
    "pol",
    "rus",
    "val",
    "min",
    "dor",
    "sha",
    "len",
    "bru",
    "kas",
    "te",
    "no",
    "fi",
)
_PLACES = (
    "Lisbon",
    "Nairobi",
    "Jakarta",
    "Warsaw",
    "Lagos",
    "Manila",
    "Ankara",
    "Bogota",
    "Hanoi",
    "Kyiv",
    "Dhaka",
    "Lima",
    "Accra",
    "Riga",
    "Quito",
    "Tbilisi",
    "Dakar",
    "Oslo",
    "Seoul",
    "Cairo",
    "Madrid",
    "Athens",
    "Karachi",
    "Sydney",
    "Toronto",
    "Chicago",
    "Mumbai",
    "Osaka",
    "Vienna",
    "Prague",
    "Budapest",
    "Helsinki",
    "Dublin",
    "Santiago",
    "Caracas",
    "Amman",
    "Beirut",
    "Doha",
    "Tunis",
    "Algiers",
    "Kampala",
    "Harare",
    "Lusaka",
    "Luanda",
    "Yangon",
    "Colombo",
    "Kathmandu",
    "Tashkent",
    "Almaty",
    "Baku",
    "Minsk",
    "Vilnius",
    "Tallinn",
    "Sofia",
    "Belgrade",
    "Zagreb",
    "Geneva",
    "Brussels",
    "Rotterdam",
    "Hamburg",
    "Munich",
    "Marseille",
    "Naples",
    "Porto",
    "Seville",
    "Montreal",
    "Denver",
    "Houston",
    "Phoenix",
    "Glasgow",
    "Cardiff",
)
_ROLES = (
    "the foreign minister",
    "a government spokesperson",
    "the company's chief executive",
    "the head of the regional council",
    "a senior police official",
    "the city's mayor",
    "the central bank governor",
    "a union leader",
    "the opposition leader",
    "the health minister",
    "a senior economist",
    "the defence minister",
    "an aid agency director",
    "the court's chief judge",
    "a local resident",
)
_ORG_ADJ = (
    "National",
    "Regional",
    "Federal",
    "Central",
    "Independent",
    "Joint",
    "Coastal",
    "Northern",
    "Southern",
    "United",
    "Public",
    "Metropolitan",
)
_ORG_NOUN = (
    "Energy",
    "Transport",
    "Health",
    "Water",
    "Trade",
    "Security",
    "Housing",
    "Election",
    "Farming",
    "Mining",
    "Shipping",
    "Aviation",
)
_ORG_BODY = (
    "Authority",
    "Council",
    "Commission",
    "Agency",
    "Board",
    "Ministry",
    "Union",
    "Institute",
    "Corporation",
    "Tribunal",
)
_HEAD_VERBS = (
    "warns",
    "rejects",
    "backs",
    "unveils",
    "faces",
    "seeks",
    "signs",
    "halts",
    "delays",
    "defends",
    "approves",
    "probes",
    "cuts",
    "launches",
    "denies",
)
_SECTIONS = (
    "Home",
    "World",
    "Politics",
    "Business",
    "Markets",
    "Tech",
    "Science",
    "Health",
    "Sports",
    "Culture",
    "Opinion",
    "Video",
    "Climate",
    "Travel",
    "Local",
    "Weather",
)
_OUTLET_FORMS = (
    "The {p} Times",
    "{p} Daily",
    "{p} Post",
    "The {p} Herald",
    "{p} Observer",
    "{p} Tribune",
    "{p} Today",
    "{p} Chronicle",
    "{p} News",
    "The {p} Journal",
    "{p} Gazette",
    "{p} Express",
)
_AGENCIES = (
    ("World Press Agency", "WPA"),
    ("Continental News Service", "CNS"),
    ("Global Wire", "GW"),
    ("Pacific Press International", "PPI"),
    ("Atlantic News Agency", "ANA"),
    ("Eastern Telegraph", "ET"),
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec")


class _Words:
    """Words drawn from real English frequencies, sampled in large NumPy blocks."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        frequency = get_frequency_dict("en")  # what word_frequency reads, all at once
        words = [w for w in top_n_list("en", size) if not any(c.isdigit() for c in w)]
        weights = np.array([frequency[w] for w in words], dtype=np.float64)
        self.words = ["I" if w == "i" else w for w in words]
        cdf = np.cumsum(weights)
        self._cdf = cdf / cdf[-1]
        self._rng = rng
        self._block: list[int] = []
        self._pos = 0
        # Content words for substitutions: outside the 300 most frequent (articles, pronouns).
        self.content = self.words[300:]

    def take(self, n: int) -> list[str]:
        if self._pos + n > len(self._block):
            draw = self._rng.random(max(1 << 18, n))
            self._block = np.searchsorted(self._cdf, draw, side="right").tolist()
            self._pos = 0
        idx = self._block[self._pos : self._pos + n]
        self._pos += n
        words = self.words
        return [words[i] for i in idx]


@dataclass(frozen=True)
class Outlet:
    """A publisher: its name, domain and page furniture (menus, share line, footer)."""

    name: str
    domain: str
    menu: tuple[str, ...]
    related_heading: str
    share: str
    footer: tuple[str, ...]
    html_share: float  # share of its pages published as HTML rather than flattened text
    offset_hours: int  # local UTC offset it prints published times in


@dataclass
class _Story:
    """The facts of one event, which every text about it (copy or rewrite) draws on."""

    index: int
    people: list[tuple[str, str, str]]  # first, last, role
    places: list[str]
    numbers: list[str]
    org: str
    quote: list[str]
    headline_words: list[str]
    when: datetime


@dataclass
class Truth:
    """What an article really is: its copy group, story and variant."""

    id: str
    group: int
    story: int
    variant: str
    source: str
    edit_rate: float | None = None
    fraction: float | None = None
    html: bool | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "group": self.group,
            "story": self.story,
            "variant": self.variant,
            "source": self.source,
        }
        for name in ("edit_rate", "fraction", "html"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@dataclass
class FeedStats:
    """Counts and timing of one generation."""

    articles: int = 0
    stories: int = 0
    groups: int = 0
    words: int = 0
    seconds: float = 0.0
    variants: dict[str, int] = field(default_factory=dict)

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def _iso(moment: datetime, offset_hours: int) -> str:
    if offset_hours == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.astimezone(timezone(timedelta(hours=offset_hours))).isoformat("T", "seconds")


class FeedGenerator:
    """Yields ``(record, truth)`` pairs: the article as a crawler would store it, and truth.

    Deterministic: the same ``seed`` and ``size`` give the same feed, byte for byte.
    """

    def __init__(
        self,
        size: int,
        seed: int = DEFAULT_SEED,
        *,
        id_prefix: str = "",
        singleton_share: float = 0.80,
        articles_per_day: int = 8000,
        vocab_size: int = 30000,
        shuffle_window: int = 64,
        steady: bool = False,
    ) -> None:
        """``steady``: stories start at steadily advancing times (each within a story gap
        of its place), as a feed of weeks needs (the soak benchmark). Without it a story's
        start is its place times a random factor of 0.5-1.5, so the feed's times spread as
        it goes on: harmless over the few days of the throughput feeds, which keep it so
        that their history stays comparable."""
        if size < 1:
            raise ValueError(f"feed size must be at least 1, got {size!r}")
        self.size = size
        self.seed = seed
        self.id_prefix = id_prefix
        self.singleton_share = singleton_share
        self.shuffle_window = shuffle_window
        self.steady = steady
        self.rand = random.Random(seed)
        self.words = _Words(np.random.default_rng(seed), vocab_size)
        self.outlets = self._outlets()
        self.agencies = [a for a in self.outlets if a.name.endswith(")")]
        self.papers = [a for a in self.outlets if not a.name.endswith(")")]
        # A story every ~ (average articles a story) / articles_per_day days.
        self._story_gap = 86400.0 * 2.2 / articles_per_day
        self._recent: deque[str] = deque(maxlen=40)
        self._copy_kinds = [k for k, _ in _COPY_MIX]
        self._copy_cum = list(accumulate(w for _, w in _COPY_MIX))
        self._count_vals = [k for k, _ in _COPIES_PER_STORY]
        self._count_cum = list(accumulate(w for _, w in _COPIES_PER_STORY))
        self.stats = FeedStats()

    # ---------------------------------------------------------------- the world
    def _outlets(self) -> list[Outlet]:
        r = self.rand
        out: list[Outlet] = []
        for name, short in _AGENCIES:
            out.append(
                Outlet(
                    f"{name} ({short})",
                    f"{short.lower()}wire.example",
                    ("Home", "Wire", "Photos"),
                    "Latest",
                    "Share",
                    (f"(c) 2024 {name}. All rights reserved.",),
                    0.0,
                    0,
                )
            )
        places = r.sample(_PLACES, 60)
        for i, place in enumerate(places):
            form = _OUTLET_FORMS[i % len(_OUTLET_FORMS)]
            name = form.format(p=place)
            domain = name.lower().replace("the ", "").replace(" ", "") + ".example"
            menu = tuple(r.sample(_SECTIONS, r.randint(6, 12)))
            footer = (
                f"Copyright (c) 2024 {name}. All rights reserved.",
                r.choice(
                    (
                        "About us | Contact | Advertise | Privacy policy | Terms of use",
                        "Contact us  Careers  Cookie settings  Privacy",
                        "About | Newsletters | RSS | Terms and conditions",
                    )
                ),
                f"{r.randint(1, 400)} {r.choice(_LAST_NAMES)} Street, {place}",
            )
            out.append(
                Outlet(
                    name,
                    domain,
                    menu,
                    r.choice(
                        (
                            "Recent Stories",
                            "Related",
                            "More from World",
                            "Trending now",
                            "Most read",
                            "You may also like",
                        )
                    ),
                    r.choice(
                        (
                            "Share on Facebook  Share on X  Email",
                            "Share  Tweet  WhatsApp",
                            "Share this article",
                            "Facebook Twitter LinkedIn Email",
                        )
                    ),
                    footer,
                    r.choice((0.0, 0.3, 0.5, 0.8, 1.0)),
                    r.choice((0, 0, 0, 1, 2, -5, 3, 8)),
                )
            )
        return out

    def _surname(self) -> str:
        r = self.rand
        if r.random() < 0.5:
            return r.choice(_LAST_NAMES)
        # Rare made-up surnames give stories the distinctive names real events have.
        return "".join(r.choice(_SYLLABLES) for _ in range(r.randint(2, 3))).capitalize()

    def _number(self) -> str:
        r = self.rand
        kind = r.random()
        if kind < 0.3:
            return str(r.randint(2, 99))
        if kind < 0.5:
            return f"{r.randint(1, 99)},{r.randint(0, 999):03d}"
        if kind < 0.7:
            return f"{r.randint(2, 95)} percent"
        if kind < 0.85:
            return f"${r.randint(1, 99)}.{r.randint(1, 9)} {r.choice(('million', 'billion'))}"
        return str(r.randint(1990, 2024))

    def _story(self, index: int, when: datetime) -> _Story:
        r = self.rand
        people = [(r.choice(_FIRST_NAMES), self._surname(), r.choice(_ROLES)) for _ in range(r.randint(1, 3))]
        places = r.sample(_PLACES, r.randint(1, 2))
        org = f"the {r.choice(_ORG_ADJ)} {r.choice(_ORG_NOUN)} {r.choice(_ORG_BODY)}"
        quote = self.words.take(r.randint(12, 26))
        quote[0] = quote[0].capitalize()
        head = [people[0][1], r.choice(_HEAD_VERBS), *self.words.take(r.randint(2, 5))]
        if r.random() < 0.6:
            head += ["in", places[0]]
        return _Story(
            index, people, places, [self._number() for _ in range(r.randint(2, 5))], org, quote, head, when
        )

    # ---------------------------------------------------------------- texts
    def _sentence(self, story: _Story, toks: list[str], mention: list[bool]) -> list[str]:
        """``toks`` made a sentence (punctuation glued to words), facts sprinkled in."""
        r = self.rand
        n = len(toks)
        roll = r.random()
        if roll < 0.22:
            first, last, role = story.people[int(roll * 100) % len(story.people)]
            if mention[0]:
                name = [last]
            else:
                mention[0] = True
                name = [first, last + ",", *role.split()]
                name[-1] += ","
            pos = int(r.random() * (n // 2))
            toks[pos:pos] = name
        elif roll < 0.56:
            pos = int(r.random() * n)
            if roll < 0.36:
                toks[pos:pos] = ["in", story.places[int(roll * 1000) % len(story.places)]]
            elif roll < 0.50:
                toks[pos:pos] = story.numbers[int(roll * 1000) % len(story.numbers)].split()
            else:
                toks[pos:pos] = story.org.split()
        roll = r.random()
        if roll < 0.35 and len(toks) > 8:
            toks[3 + int(roll * 1000) % (len(toks) - 5)] += ","
        elif roll > 0.88:
            toks += ["on", _WEEKDAYS[int(roll * 1000) % 7]]
        first_word = toks[0]
        toks[0] = first_word[:1].upper() + first_word[1:]
        toks[-1] += "."
        return toks

    def _quote(self, story: _Story, style: int) -> list[str]:
        first, last, role = story.people[0]
        q = list(story.quote)
        if style == 0:
            q[0] = '"' + q[0]
            q[-1] += ',"'
            return [*q, "said", first, last + ",", *role.split()[:-1], role.split()[-1] + "."]
        q[0] = '"' + q[0]
        q[-1] += '."'
        return [last, "said:", *q]

    def _body(self, story: _Story, agency: Outlet, words: int, style: int) -> list[str]:
        """Body tokens, paragraphs separated by ``"\\n\\n"`` tokens; starts with a dateline."""
        r = self.rand
        short = agency.name[agency.name.rfind("(") + 1 : -1]
        when = story.when
        toks = [f"{story.places[0].upper()},", f"{_MONTHS[when.month - 1]}", f"{when.day}", f"({short})", "-"]
        mention = [False]
        count = 0
        quote_at = r.randint(2, 5)
        paragraph = 0
        pool = self.words.take(words + 200)
        used = 0
        while count < words:
            if paragraph == quote_at:
                para = self._quote(story, style)
            else:
                para = []
                for _ in range(r.choice((1, 2, 2, 3))):
                    n = max(4, int(r.gauss(19, 7)))
                    if used + n > len(pool):
                        pool, used = self.words.take(words + 200), 0
                    para += self._sentence(story, pool[used : used + n], mention)
                    used += n
            if paragraph:
                toks.append("\n\n")
            toks += para
            count += len(para)
            paragraph += 1
        return toks

    @staticmethod
    def _join(tokens: list[str]) -> str:
        return " ".join(tokens).replace(" \n\n ", "\n\n")

    def _edit(self, tokens: list[str], rate: float) -> list[str]:
        """Edits about ``rate`` of the words: substitutions, phrase rewrites, ins/deletions."""
        r = self.rand
        out = list(tokens)
        budget = max(1, round(rate * len(tokens)))
        while budget > 0:
            pos = r.randrange(5, len(out)) if len(out) > 6 else 0
            if out[pos] == "\n\n":
                continue
            kind = r.random()
            if kind < 0.5:  # one word replaced by another of the same kind
                out[pos] = r.choice(self.words.content)
                budget -= 1
            elif kind < 0.75:  # a phrase rewritten
                span = r.randint(2, 4)
                end = pos + span
                while end > pos and "\n\n" in out[pos:end]:
                    end -= 1
                out[pos:end] = self.words.take(r.randint(2, 4))
                budget -= span
            elif kind < 0.875:  # words inserted
                k = r.randint(1, 3)
                out[pos:pos] = self.words.take(k)
                budget -= k
            else:  # words deleted
                k = min(r.randint(1, 3), len(out) - pos)
                if "\n\n" not in out[pos : pos + k]:
                    del out[pos : pos + k]
                    budget -= k
        return out

    def _truncate(self, tokens: list[str], fraction: float) -> tuple[list[str], float]:
        """Cut at the sentence end nearest to ``fraction`` of the words; the kept fraction."""
        target = int(len(tokens) * fraction)
        best = None
        for i in range(max(6, target - 40), min(len(tokens) - 1, target + 40)):
            tok = tokens[i]
            if tok.endswith((".", '."')) and (best is None or abs(i - target) < abs(best - target)):
                best = i
        cut = (best if best is not None else target) + 1
        kept = tokens[:cut]
        while kept and kept[-1] == "\n\n":
            kept.pop()
        return kept, round(len(kept) / len(tokens), 3)

    def _headline(self, story: _Story, alternative: bool) -> str:
        words = list(story.headline_words)
        if alternative:
            r = self.rand
            first, last, _ = story.people[0]
            words = [
                *self.words.take(r.randint(2, 4)),
                "as",
                first,
                last,
                *words[1:3],
                *self.words.take(r.randint(1, 3)),
            ]
        text = " ".join(words)
        return text[:1].upper() + text[1:]

    def _page_text(self, outlet: Outlet, title: str, body: str, published: str) -> str:
        """A flattened page: menu, title, date, share line, body, related list, footer."""
        related = [f"  \u2022 {h}" for h in self.rand.sample(list(self._recent), min(5, len(self._recent)))]
        lines = [
            outlet.name,
            *(f"  \u2022 {m}" for m in outlet.menu),
            title,
            published[:10],
            outlet.share,
            body,
            outlet.related_heading,
            *related,
            *outlet.footer,
        ]
        return "\n".join(lines)

    def _page_html(self, outlet: Outlet, title: str, body: str, published: str) -> str:
        """An HTML page with the outlet's navigation, related list and footer."""
        e = html.escape
        related = self.rand.sample(list(self._recent), min(5, len(self._recent)))
        menu = "".join(f'<li><a href="/{m.lower()}">{e(m)}</a></li>' for m in outlet.menu)
        paras = "".join(f"<p>{e(p)}</p>" for p in body.split("\n\n"))
        rel = "".join(f'<li><a href="/r/{i}">{e(h)}</a></li>' for i, h in enumerate(related))
        foot = "".join(f"<p>{e(f)}</p>" for f in outlet.footer)
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{e(title)} | {e(outlet.name)}</title>"
            f'<meta property="article:published_time" content="{published}">'
            f"<style>nav li{{display:inline}}</style></head><body>"
            f'<header><div class="logo">{e(outlet.name)}</div><nav><ul>{menu}</ul></nav></header>'
            f'<main><article><h1>{e(title)}</h1><time datetime="{published}">{published[:10]}'
            f'</time><div class="share">{e(outlet.share)}</div>'
            f'<div class="article-body">{paras}</div></article>'
            f"<aside><h2>{e(outlet.related_heading)}</h2><ul>{rel}</ul></aside></main>"
            f"<footer>{foot}</footer>"
            f'<script>window.analytics = {{"page": "{outlet.domain}"}};</script></body></html>'
        )

    # ---------------------------------------------------------------- articles
    def _id(self, seq: int) -> str:
        return self.id_prefix + xxhash.xxh64_hexdigest(f"{self.seed}:{seq}".encode())[:14]

    def _record(
        self, seq: int, outlet: Outlet, *, title: str, when: datetime, body: str, page: str | None
    ) -> dict[str, Any]:
        aid = self._id(seq)
        published = _iso(when, outlet.offset_hours)
        slug = "-".join(w.strip(",.:\"'$").lower() for w in title.split()[:6])
        record: dict[str, Any] = {
            "id": aid,
            "title": title,
            "source": outlet.name,
            "url": f"https://www.{outlet.domain}/{when:%Y/%m/%d}/{slug}-{aid[-6:]}",
            "published": published,
        }
        if page == "html":
            record["html"] = self._page_html(outlet, title, body, published)
        elif page == "text":
            record["text"] = self._page_text(outlet, title, body, published)
        else:
            record["text"] = body
        return record

    def _copies(
        self,
        story: _Story,
        tokens: list[str],
        *,
        title: str,
        when: datetime,
        group: int,
        n: int,
        seq: list[int],
    ) -> Iterator[tuple[dict[str, Any], Truth]]:
        r = self.rand
        body = self._join(tokens)
        for outlet in r.sample(self.papers, n):
            kind = self._copy_kinds[bisect.bisect(self._copy_cum, r.random() * self._copy_cum[-1])]
            delay = min(12 * 3600.0, max(120.0, r.expovariate(1 / 5400.0)))
            at = when + timedelta(seconds=delay)
            seq[0] += 1
            truth = Truth(self._id(seq[0]), group, story.index, kind, outlet.name)
            text, head, page = body, title, None
            if kind == "headline":
                head = self._headline(story, alternative=True)
            elif kind == "edited":
                rate = round(r.uniform(0.02, 0.10), 3)
                text = self._join(self._edit(tokens, rate))
                truth.edit_rate = rate
            elif kind == "truncated":
                kept, truth.fraction = self._truncate(tokens, r.uniform(0.4, 0.9))
                text = self._join(kept)
            elif kind == "boilerplate":
                page = "html" if r.random() < max(0.2, min(0.8, outlet.html_share)) else "text"
                truth.html = page == "html"
            yield self._record(seq[0], outlet, title=head, when=at, body=text, page=page), truth

    def _story_articles(
        self,
        index: int,
        seq: list[int],
        group: list[int],
    ) -> Iterator[tuple[dict[str, Any], Truth]]:
        r = self.rand
        place = index + r.uniform(-0.5, 0.5) if self.steady else index * r.uniform(0.5, 1.5)
        when = _START + timedelta(seconds=place * self._story_gap)
        story = self._story(index, when)
        agency = r.choice(self.agencies)
        words = r.randint(300, 900)
        tokens = self._body(story, agency, words, style=0)
        title = self._headline(story, alternative=False)
        self.stats.words += len(tokens)
        group[0] += 1
        seq[0] += 1
        singleton = r.random() < self.singleton_share
        if singleton:
            outlet = r.choice(self.papers) if r.random() < 0.7 else agency
            truth = Truth(self._id(seq[0]), group[0], index, "singleton", outlet.name)
            yield (
                self._record(seq[0], outlet, title=title, when=when, body=self._join(tokens), page=None),
                truth,
            )
            self._recent.append(title)
            return
        truth = Truth(self._id(seq[0]), group[0], index, "original", agency.name)
        yield self._record(seq[0], agency, title=title, when=when, body=self._join(tokens), page=None), truth
        n = self._count_vals[bisect.bisect(self._count_cum, r.random() * self._count_cum[-1])]
        yield from self._copies(story, tokens, title=title, when=when, group=group[0], n=n, seq=seq)
        if r.random() < 0.35:
            others = [a for a in self.agencies if a is not agency]
            for rewriter in r.sample(others, r.randint(1, min(3, len(others)))):
                at = when + timedelta(seconds=r.uniform(1800, 36 * 3600))
                rw_tokens = self._body(story, rewriter, r.randint(300, 900), style=1)
                self.stats.words += len(rw_tokens)
                rw_story = _Story(**{**story.__dict__, "when": at})
                rw_title = self._headline(story, alternative=True)
                group[0] += 1
                seq[0] += 1
                truth = Truth(self._id(seq[0]), group[0], index, "rewrite", rewriter.name)
                yield (
                    self._record(
                        seq[0], rewriter, title=rw_title, when=at, body=self._join(rw_tokens), page=None
                    ),
                    truth,
                )
                if r.random() < 0.3:
                    yield from self._copies(
                        rw_story,
                        rw_tokens,
                        title=rw_title,
                        when=at,
                        group=group[0],
                        n=r.randint(1, 2),
                        seq=seq,
                    )
        self._recent.append(title)

    def __iter__(self) -> Iterator[tuple[dict[str, Any], Truth]]:
        start = time.perf_counter()
        stats = self.stats
        buffer: list[tuple[dict[str, Any], Truth]] = []
        seq, group = [0], [0]
        index = 0
        produced = 0
        r = self.rand
        while produced < self.size:
            for item in self._story_articles(index, seq, group):
                if produced >= self.size:
                    break
                produced += 1
                buffer.append(item)
                if len(buffer) >= self.shuffle_window:
                    yield buffer.pop(r.randrange(len(buffer)))
            index += 1
        stats.stories, stats.groups = index, group[0]
        r.shuffle(buffer)
        yield from buffer
        stats.seconds = time.perf_counter() - start


def _count(stats: FeedStats, truth: Truth) -> None:
    stats.articles += 1
    key = truth.variant
    if truth.variant == "boilerplate":
        key = "boilerplate_html" if truth.html else "boilerplate_text"
    stats.variants[key] = stats.variants.get(key, 0) + 1


@dataclass(frozen=True)
class FeedFiles:
    """Where a generated feed lies: the articles, the truth, and the generation figures."""

    folder: Path
    articles: Path
    truth: Path
    meta: Path

    @classmethod
    def at(cls, folder: Path, layout: str = "jsonl") -> FeedFiles:
        articles = folder / ("articles.jsonl.gz" if layout == "jsonl" else "articles")
        return cls(folder, articles, folder / "truth.jsonl.gz", folder / "meta.json")

    def read_meta(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.meta.read_text())
        return data


def write_feed(
    folder: Path, size: int, seed: int = DEFAULT_SEED, *, layout: str = "jsonl", id_prefix: str = ""
) -> tuple[FeedFiles, FeedStats]:
    """Generate a feed of ``size`` articles into ``folder``, streaming.

    ``layout="jsonl"`` writes one gzipped JSON-lines file; ``layout="dir"`` writes one
    ``.json`` file an article in folders of 1,000. The truth (one JSON line an article)
    and ``meta.json`` (seed, counts, generation rate) go beside it.
    """
    if layout not in ("jsonl", "dir"):
        raise ValueError(f"layout must be 'jsonl' or 'dir', got {layout!r}")
    folder.mkdir(parents=True, exist_ok=True)
    files = FeedFiles.at(folder, layout)
    gen = FeedGenerator(size, seed, id_prefix=id_prefix)
    stats = gen.stats
    start = time.perf_counter()
    with gzip.open(files.truth, "wt", encoding="utf-8", compresslevel=1) as truth_out:
        if layout == "jsonl":
            with gzip.open(files.articles, "wt", encoding="utf-8", compresslevel=1) as out:
                for record, truth in gen:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                    truth_out.write(json.dumps(truth.to_json()) + "\n")
                    _count(stats, truth)
        else:
            for i, (record, truth) in enumerate(gen):
                shard = files.articles / f"{i // 1000:04d}"
                if i % 1000 == 0:
                    shard.mkdir(parents=True, exist_ok=True)
                (shard / f"{record['id']}.json").write_text(
                    json.dumps(record, ensure_ascii=False), encoding="utf-8"
                )
                truth_out.write(json.dumps(truth.to_json()) + "\n")
                _count(stats, truth)
    stats.seconds = time.perf_counter() - start
    meta = {
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "layout": layout,
        "articles": stats.articles,
        "stories": stats.stories,
        "groups": stats.groups,
        "words": stats.words,
        "seconds": round(stats.seconds, 3),
        "articles_per_s": round(stats.articles_per_s, 1),
        "variants": stats.variants,
        "bytes": files.articles.stat().st_size if layout == "jsonl" else None,
    }
    files.meta.write_text(json.dumps(meta, indent=2) + "\n")
    return files, stats


def read_articles(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a feed written by :func:`write_feed` (either layout), in order."""
    if path.is_dir():
        for shard in sorted(p for p in path.iterdir() if p.is_dir()):
            for file in sorted(shard.glob("*.json")):
                yield json.loads(file.read_text(encoding="utf-8"))
        return
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def read_truth(path: Path) -> dict[str, Truth]:
    """The truth file as ``{id: Truth}``."""
    out: dict[str, Truth] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            out[row["id"]] = Truth(**row)
    return out
