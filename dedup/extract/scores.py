"""The line scores of one page as intervals, made exact only where a decision needs them.

The line model gives each line an interval [low, high] sure to hold its score, for a
fraction of the cost of the score (:mod:`dedup.extract.linebounds`). Every page-level
decision compares a score with a threshold or sums scores over a run of lines; an interval
on one side of the threshold decides it, and only the lines whose interval straddles one
are scored exactly. The decisions are those the exact scores would give: the fast path
never changes a body, it only skips work (``tests/test_extract_speedpaths.py`` checks both
paths against each other).

The body run is a maximum-sum segment of per-line values, each increasing in the line's
score. A candidate run R is the best under the exact values if it is the best when every
line inside R takes its lowest value and every line outside its highest: the exact values
can only raise R's sum relative to any other run. When that fails, the lines whose side
differs between R and the run the pessimistic values prefer are scored exactly, and the
test is made again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dedup.extract.lines import COMMENT, HEADING, SECTION
from dedup.extract.scorer import LineScorer

# Region choice (fitted with the line weights on the development pages, see the module
# docstring of benchmarks/extraction.py): a furniture line costs at most CLIP (times its
# size) to cross; SHIFT credits every line a little so that short body lines between
# paragraphs don't break the run; a heading that ends articles costs HEADING_COST.
CLIP = 2.5
SHIFT = 0.5
HEADING_COST = 10.0
STRONG = 1.0  # a line scoring above this is strong body evidence (for the comment section)
_WALL = -1e9
_ROUNDS = 3  # certificate rounds before every open line is scored exactly


class PageScores:
    """Scores of a page's lines: ``low[k] <= score <= high[k]``, equal once exact.

    ``flags`` are the lines' region flags (:data:`~dedup.extract.lines.HEADING`...),
    always exact. :meth:`penalise` lowers a line's score (template lines), exact or not.
    """

    __slots__ = ("_penalty", "_raw", "_repeated", "_scorer", "flags", "high", "low")

    def __init__(
        self,
        scorer: LineScorer,
        raw: Sequence[str],
        stripped: Sequence[str],
        repeated: Sequence[bool],
        text: str | None = None,
    ) -> None:
        found = scorer.page_bounds(raw, stripped, repeated, text)
        low, high, flags = zip(*found, strict=True) if found else ((), (), ())
        self.low: list[float] = list(low)
        self.high: list[float] = list(high)
        self.flags: list[int] = list(flags)
        self._scorer = scorer
        self._raw = raw
        self._repeated = repeated
        self._penalty = [0.0] * len(found)

    def __len__(self) -> int:
        return len(self.low)

    def exact(self, k: int) -> float:
        """The exact score of line ``k`` (computed now if it was only bounded)."""
        if self.low[k] != self.high[k]:
            z = self._scorer.score(self._raw[k], self._repeated[k]) - self._penalty[k]
            self.low[k] = self.high[k] = z
        return self.low[k]

    def above(self, k: int, threshold: float) -> bool:
        """score > threshold."""
        if self.low[k] > threshold:
            return True
        if self.high[k] <= threshold:
            return False
        return self.exact(k) > threshold

    def below(self, k: int, threshold: float) -> bool:
        """score < threshold."""
        if self.high[k] < threshold:
            return True
        if self.low[k] >= threshold:
            return False
        return self.exact(k) < threshold

    def penalise(self, k: int, amount: float) -> None:
        self._penalty[k] += amount
        self.low[k] -= amount
        self.high[k] -= amount


def best_run(values: Sequence[float]) -> tuple[int, int]:
    """Start and end (inclusive) of the maximum-sum run of ``values`` (Kadane)."""
    best, current, start, best_start, best_end = float("-inf"), 0.0, 0, 0, -1
    for k, v in enumerate(values):
        if current <= 0.0:
            current, start = v, k
        else:
            current += v
        if current > best:
            best, best_start, best_end = current, start, k
    return best_start, best_end


def _value(z: float, root: float) -> float:
    """A line's value in the run: its score, clipped and shifted, times sqrt(words + 1)."""
    return (max(z, -CLIP) + SHIFT) * root


def _section(page: PageScores) -> int:
    """Where the comment section starts: the first "Leave a Reply"-like line after two strong lines."""
    flags, low, high = page.flags, page.low, page.high
    certain = 0
    open_: list[int] = []
    for k, f in enumerate(flags):
        if f:
            if f & SECTION:
                while certain < 2 and len(open_) >= 2 - certain:
                    if page.exact(open_.pop()) > STRONG:
                        certain += 1
                if certain >= 2:
                    return k  # the comment section after the article: nothing past it is body
            if f & (COMMENT | HEADING):
                continue
        if low[k] > STRONG:
            certain += 1
        elif high[k] > STRONG:
            open_.append(k)
    return len(flags)


def body_run(page: PageScores, words: Callable[[], Sequence[int]]) -> tuple[int, int]:
    """The maximum-sum run of line values, as the exact scores give it.

    Each line adds ``(max(score, -CLIP) + SHIFT) * sqrt(words + 1)``; a heading that ends
    articles adds ``-HEADING_COST``; a comment header is a wall; nothing after the comment
    section (once two strong lines were seen) counts.
    """
    n = len(page)
    if n == 0:
        return 0, -1
    flags, low, high = page.flags, page.low, page.high
    fixed: list[float | None] = [None] * n
    if any(flags):
        section = _section(page) if any(f & SECTION for f in flags) else n
        for k, f in enumerate(flags):
            if k >= section or f & COMMENT:
                fixed[k] = _WALL
            elif f & HEADING:
                fixed[k] = -HEADING_COST
    elif min(low) > -SHIFT:
        return 0, n - 1  # every value positive: the whole page, whatever the exact scores
    roots = [float((size + 1) ** 0.5) for size in words()]
    whole = (0, n - 1)
    if not any(flags) and best_run([_value(z, r) for z, r in zip(low, roots, strict=True)]) == whole:
        return whole  # the whole page even if every line takes its lowest score
    for _ in range(_ROUNDS):
        low_values = [
            (max(z, -CLIP) + SHIFT) * r if v is None else v for z, r, v in zip(low, roots, fixed, strict=True)
        ]
        high_values = [
            (max(z, -CLIP) + SHIFT) * r if v is None else v
            for z, r, v in zip(high, roots, fixed, strict=True)
        ]
        guess = best_run([(a + b) * 0.5 for a, b in zip(low_values, high_values, strict=True)])
        first, last = guess
        worst = [*high_values[:first], *low_values[first : last + 1], *high_values[last + 1 :]]
        other = best_run(worst)
        if other == guess:
            return guess
        a, b = other
        doubtful = [
            k
            for k in range(min(first, a), max(last, b) + 1)
            if (first <= k <= last) != (a <= k <= b) and low[k] != high[k]
        ]
        if not doubtful:
            break
        for k in doubtful:
            page.exact(k)
    return best_run(
        [
            _value(page.exact(k), r) if v is None else v
            for k, (r, v) in enumerate(zip(roots, fixed, strict=True))
        ]
    )
