"""A small deterministic generator of news-like texts and of their copies, for tests.

Words are drawn from a Zipf-distributed vocabulary of made-up words, so unrelated texts
share common words (as real news does) but almost no 5-word runs.
"""

from __future__ import annotations

import random
from itertools import product

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "to",
    "vi",
    "de",
    "ba",
    "po",
    "zu",
    "el",
    "an",
    "or",
    "is",
    "ta",
    "gi",
    "fe",
    "mo",
]
VOCABULARY = ["".join(p) for p in product(_SYLLABLES, repeat=2)] + [
    "".join(p) for p in product(_SYLLABLES[:12], repeat=3)
]
_WEIGHTS = [1.0 / (rank + 1) for rank in range(len(VOCABULARY))]


def article(rng: random.Random, words: int = 400) -> str:
    """A text of about ``words`` words in sentences of 8 to 30 words, paragraphs of 3."""
    out: list[str] = []
    sentences: list[str] = []
    while len(out) < words:
        n = rng.randint(8, 30)
        sentence = rng.choices(VOCABULARY, _WEIGHTS, k=n)
        out.extend(sentence)
        sentences.append(" ".join(sentence).capitalize() + ".")
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "\n".join(paragraphs)


def edit(rng: random.Random, text: str, rate: float) -> str:
    """Replace a share ``rate`` of the words, in runs of one to three words (as editors do)."""
    words = text.split(" ")
    budget = round(len(words) * rate)
    while budget > 0:
        run = min(rng.randint(1, 3), budget)
        start = rng.randrange(0, max(len(words) - run, 1))
        for i in range(start, min(start + run, len(words))):
            words[i] = rng.choice(VOCABULARY)
        budget -= run
    return " ".join(words)


def edit_uniform(rng: random.Random, text: str, rate: float) -> str:
    """Replace each word independently with probability ``rate`` (the harshest edit model)."""
    return " ".join(rng.choice(VOCABULARY) if rng.random() < rate else w for w in text.split(" "))


def truncate(text: str, share: float) -> str:
    """Keep the first ``share`` of the words, as outlets that cut wire copy do."""
    words = text.split(" ")
    return " ".join(words[: max(1, round(len(words) * share))])


def boilerplate(rng: random.Random, site: str, lines: int = 25) -> tuple[str, str]:
    """A site's header and footer: menu items, share buttons, related stories, copyright."""
    menu = [
        f"{site} Home",
        "World",
        "Politics",
        "Business",
        "Sports",
        "Opinion",
        "Share",
        "Tweet",
        "Subscribe to our newsletter",
    ]
    related = [" ".join(rng.choices(VOCABULARY[:200], k=rng.randint(4, 9))).title() for _ in range(lines)]
    header = "\n".join(menu)
    footer = "\n".join(["Related Stories", *related, f"Copyright 2024 {site}. All rights reserved."])
    return header, footer
