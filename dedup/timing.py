"""Where indexing spends its time: seconds per stage, added up through one context manager.

Every stage that is timed is timed as ``with times.timed("verify"): ...``; a run's figures
(``dedup index --json``, the benchmarks' per-stage table) are the sums. Stages don't nest:
a block inside another stage's block is counted in both.
"""

from __future__ import annotations

from time import perf_counter
from types import TracebackType
from typing import Literal, get_args

Stage = Literal["extract", "shingle", "sketch", "story", "lsh", "verify", "cluster", "store"]
"""A timed stage: extraction, shingling and sketching, story features and linking, LSH look-up,
verification of candidates, copy groups and canonicals, and writing the store."""

STAGES: tuple[Stage, ...] = get_args(Stage)


class StageTimes:
    """Seconds spent in each :data:`Stage`, summed over what was timed."""

    __slots__ = ("seconds",)

    def __init__(self) -> None:
        self.seconds: dict[Stage, float] = dict.fromkeys(STAGES, 0.0)

    def timed(self, stage: Stage) -> _Timer:
        """A context manager that adds the time spent in its block to ``stage``."""
        return _Timer(self.seconds, stage)

    def add(self, other: StageTimes) -> None:
        """Add another record's seconds to these (a prepared article's, say)."""
        mine = self.seconds
        for stage, value in other.seconds.items():
            mine[stage] += value

    def as_dict(self) -> dict[str, float]:
        return {str(stage): value for stage, value in self.seconds.items()}

    def __getitem__(self, stage: Stage) -> float:
        return self.seconds[stage]

    def __repr__(self) -> str:
        spent = ", ".join(f"{k}={v:.4f}" for k, v in self.seconds.items() if v)
        return f"StageTimes({spent})"

    def __getstate__(self) -> dict[Stage, float]:
        return self.seconds

    def __setstate__(self, state: dict[Stage, float]) -> None:
        self.seconds = state


class _Timer:
    """One timed block (a class rather than a generator: it runs a few times an article)."""

    __slots__ = ("_seconds", "_stage", "_start")

    def __init__(self, seconds: dict[Stage, float], stage: Stage) -> None:
        self._seconds = seconds
        self._stage = stage
        self._start = 0.0

    def __enter__(self) -> None:
        self._start = perf_counter()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._seconds[self._stage] += perf_counter() - self._start
