"""Near-copy recall by script, for edits of the same share of tokens.

`python -m benchmarks.languages [--pairs N]` indexes, for each script, N texts each followed
by one copy with a share of its *tokens* edited, and reports the share of copies found in
their original's group; then 4N unrelated texts of each script and the share wrongly
put in a copy group (a false near copy); then the time the core takes to normalise and
shingle a text of each script, per character and per token. A token is a word where words
are spaced (English, Russian, Arabic, Hindi, Korean) and a character where they are not
(Chinese, Japanese, Thai), so a 5 % edit of a Chinese text changes 5 % of its characters,
as a 5 % edit of an English text changes 5 % of its words: the issue's comparison, one row
per script.

Texts: the words of wordfreq's lists for each language, drawn by frequency (Chinese and
Japanese words run together without spaces, as they are written); Thai, for which wordfreq
has no list, from a character-bigram model of the Thai texts in ``fixtures/languages``.
Edit models as in :mod:`benchmarks.copies`: ``phrase`` (runs of one to three tokens
replaced) and ``uniform`` (each token replaced independently). The story tier is off:
copy groups don't depend on it. ``--scripts Chinese,Thai`` runs some rows only.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, pairwise
from pathlib import Path

from wordfreq import top_n_list

from dedup import Article, Index
from dedup.copies.normalise import normalise, words
from dedup.copies.shingles import shingle_text
from dedup.stories import StoryParams

_FIXTURES = Path(__file__).parents[1] / "fixtures" / "languages" / "articles.jsonl"
RATES = (0.02, 0.05, 0.08, 0.10)
# Copy groups don't depend on the story tier; off, the runs take a fraction of the time.
_COPIES_ONLY = StoryParams(enabled=False)


@dataclass
class Script:
    """How to write a text of ``n`` tokens in one script, and what one token is."""

    name: str
    tokens: Callable[[random.Random, int], list[str]]
    joiner: str

    def text(self, rng: random.Random, n: int) -> list[str]:
        return self.tokens(rng, n)

    def join(self, tokens: list[str]) -> str:
        return self.joiner.join(tokens)


def _by_frequency(lang: str) -> tuple[list[str], list[float]]:
    vocab = top_n_list(lang, 20000)
    return vocab, [1.0 / (rank + 1) ** 1.05 for rank in range(len(vocab))]


def _spaced(lang: str) -> Callable[[random.Random, int], list[str]]:
    vocab, weights = _by_frequency(lang)
    return lambda rng, n: rng.choices(vocab, weights, k=n)


def _unspaced(lang: str) -> Callable[[random.Random, int], list[str]]:
    vocab, weights = _by_frequency(lang)

    cumulative = list(accumulate(weights))

    def make(rng: random.Random, n: int) -> list[str]:
        # n words hold at least n letters: their letters, cut to n.
        return words(normalise("".join(rng.choices(vocab, cum_weights=cumulative, k=n))))[:n]

    return make


def _thai() -> Callable[[random.Random, int], list[str]]:
    """Letters (with their marks) from a bigram model of the Thai fixture texts."""
    records = [json.loads(line) for line in _FIXTURES.read_text("utf-8").splitlines()]
    follows: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if r["lang"] == "th" and "copy_of" not in r:
            letters = [t for t in words(normalise(r["text"])) if not t.isascii()]
            for a, b in pairwise(letters):
                follows[a].append(b)
    starts = sorted(follows)

    def make(rng: random.Random, n: int) -> list[str]:
        out = [rng.choice(starts)]
        while len(out) < n:
            nxt = follows.get(out[-1])
            out.append(rng.choice(nxt) if nxt else rng.choice(starts))
        return out

    return make


def scripts() -> list[Script]:
    return [
        Script("English (words)", _spaced("en"), " "),
        Script("Russian (words)", _spaced("ru"), " "),
        Script("Arabic (words)", _spaced("ar"), " "),
        Script("Hindi (words)", _spaced("hi"), " "),
        Script("Korean (words)", _spaced("ko"), " "),
        Script("Chinese (characters)", _unspaced("zh"), ""),
        Script("Japanese (characters)", _unspaced("ja"), ""),
        Script("Thai (characters)", _thai(), ""),
    ]


def _edit(model: str, rng: random.Random, tokens: list[str], rate: float, script: Script) -> list[str]:
    out = list(tokens)
    if model == "uniform":
        fresh = script.text(rng, len(out))
        return [fresh[i] if rng.random() < rate else t for i, t in enumerate(out)]
    budget = round(len(out) * rate)
    while budget > 0:
        run = min(rng.randint(1, 3), budget)
        start = rng.randrange(0, max(len(out) - run, 1))
        fresh = script.text(rng, run)
        out[start : start + run] = fresh
        budget -= run
    return out


def recall(script: Script, model: str, rate: float, pairs: int, seed: int) -> float:
    rng = random.Random(seed)
    found = 0
    with Index.open(story_params=_COPIES_ONLY) as index:
        for i in range(pairs):
            tokens = script.text(rng, rng.randint(300, 900))
            wire = index.add(Article(id=f"w{i}", text=script.join(tokens)))
            copy = index.add(Article(id=f"c{i}", text=script.join(_edit(model, rng, tokens, rate, script))))
            found += copy.cluster == wire.cluster
    return found / pairs


def false_merges(script: Script, count: int, seed: int) -> float:
    rng = random.Random(seed + 1)
    with Index.open(story_params=_COPIES_ONLY) as index:
        grouped = sum(
            index.add(Article(id=f"u{i}", text=script.join(script.text(rng, rng.randint(300, 900))))).status
            in ("exact", "near")
            for i in range(count)
        )
    return grouped / count


def speed(script: Script, seed: int, texts: int = 200) -> tuple[float, float]:
    """The core's time to normalise, hash and shingle a text (``shingle_text``, the
    kernel of indexing before the sketch), in ns per character and per token of it."""
    rng = random.Random(seed)
    bodies = [script.join(script.text(rng, 600)) for _ in range(texts)]
    chars = sum(map(len, bodies))
    best = float("inf")
    for _ in range(7):
        started = time.perf_counter()
        for body in bodies:
            shingle_text(body, 5)
        best = min(best, time.perf_counter() - started)
    return 1e9 * best / chars, 1e9 * best / (600 * texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scripts", help="only the scripts whose names start so, comma-separated")
    args = parser.parse_args()
    wanted = args.scripts.split(",") if args.scripts else None
    rows = [s for s in scripts() if wanted is None or s.name.startswith(tuple(wanted))]
    rates = " | ".join(f"{100 * r:.0f} %" for r in RATES)
    print(f"| script | edit | {rates} | unrelated grouped | ns/char | ns/token |")
    print("|---|---|" + "---:|" * (len(RATES) + 3))
    for script in rows:
        per_char, per_token = speed(script, args.seed)
        wrong = false_merges(script, args.pairs * 4, args.seed)
        for model in ("phrase", "uniform"):
            cells = [f"{100 * recall(script, model, r, args.pairs, args.seed):.1f} %" for r in RATES]
            tail = f"{100 * wrong:.2f} % | {per_char:.0f} | {per_token:.0f}" if model == "phrase" else " | |"
            print(f"| {script.name} | {model} | " + " | ".join(cells) + f" | {tail} |", flush=True)


if __name__ == "__main__":
    main()
