"""Recall of near-copy detection by kind and strength of edit, and false merges.

`python -m benchmarks.copies [--pairs N]` indexes, for each variant, N wire texts of 300-900
words (real English word frequencies from wordfreq) each followed by one derived copy, and
reports the share of copies found in the wire text's group; then N unrelated texts, and
the share wrongly grouped. Edit models:

- ``phrase``: runs of one to three consecutive words replaced (how editors change copy);
- ``uniform``: each word replaced independently with the given probability (harshest:
  every edited word breaks five shingles);
- ``truncate``: the first share of the words kept (outlets cutting wire copy).
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable

from wordfreq import top_n_list

from dedup import Article, Index

_VOCAB = top_n_list("en", 20000)
_WEIGHTS = [1.0 / (rank + 1) ** 1.05 for rank in range(len(_VOCAB))]


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(_VOCAB, _WEIGHTS, k=words))


def phrase_edit(rng: random.Random, body: str, rate: float) -> str:
    words = body.split(" ")
    budget = round(len(words) * rate)
    while budget > 0:
        run = min(rng.randint(1, 3), budget)
        start = rng.randrange(0, max(len(words) - run, 1))
        for i in range(start, min(start + run, len(words))):
            words[i] = rng.choice(_VOCAB)
        budget -= run
    return " ".join(words)


def uniform_edit(rng: random.Random, body: str, rate: float) -> str:
    return " ".join(rng.choice(_VOCAB) if rng.random() < rate else w for w in body.split(" "))


def truncate(_: random.Random, body: str, share: float) -> str:
    words = body.split(" ")
    return " ".join(words[: max(1, round(len(words) * share))])


MODELS: dict[str, tuple[Callable[[random.Random, str, float], str], tuple[float, ...]]] = {
    "phrase": (phrase_edit, (0.02, 0.05, 0.08, 0.10)),
    "uniform": (uniform_edit, (0.02, 0.05, 0.06, 0.08, 0.10)),
    "truncate": (truncate, (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)),
}


def recall(model: str, strength: float, pairs: int, seed: int) -> float:
    make, _ = MODELS[model]
    rng = random.Random(seed)
    found = 0
    with Index.open() as index:
        for i in range(pairs):
            body = text(rng, rng.randint(300, 900))
            wire = index.add(Article(id=f"w{i}", text=body))
            copy = index.add(Article(id=f"c{i}", text=make(rng, body, strength)))
            found += copy.cluster == wire.cluster
    return found / pairs


def false_merges(count: int, seed: int) -> float:
    rng = random.Random(seed)
    with Index.open() as index:
        grouped = sum(
            index.add(Article(id=f"u{i}", text=text(rng, rng.randint(300, 900)))).status != "new"
            for i in range(count)
        )
    return grouped / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print("| variant | strength | recall |")
    print("|---|---|---|")
    for model, (_, strengths) in MODELS.items():
        for strength in strengths:
            r = recall(model, strength, args.pairs, args.seed)
            print(f"| {model} | {strength:.2f} | {100 * r:.1f} % |")
    print(
        f"\nunrelated texts wrongly grouped: {100 * false_merges(args.pairs * 4, args.seed):.2f} %"
        f" of {args.pairs * 4}"
    )


if __name__ == "__main__":
    main()
