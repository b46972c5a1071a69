"""Super-linear regular expressions: every compiled pattern of the package, on long runs.

Applies each module-level pattern of ``dedup`` (search, match, fullmatch) to runs of one
short unit ("9", " ", ".", "a ", ...) at two lengths, and lists the patterns whose time grows
much faster than the input (a pattern that rescans a run from each of its positions is
quadratic: a 100,000-character line of spaces then costs minutes). Not a timed test: run it
after changing a pattern, ``python -m benchmarks.regexes``; it exits 1 when it finds one.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import time

import dedup

UNITS = [
    "9",
    " ",
    ".",
    "1.",
    "a ",
    "- ",
    "9 ",
    "9.",
    "a.",
    "A",
    '"',
    "'",
    ":",
    "(",
    "Aa ",
    "1/",
    "1-",
    ", ",
    "\n",
    "\t",
]
SMALL, LARGE = 2_000, 20_000  # 10 times longer: a linear pattern takes about 10 times longer


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for info in pkgutil.walk_packages(dedup.__path__, "dedup."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{info.name}.{name}", value))
    return found


def _cost(pattern: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    pattern.match(text)
    pattern.fullmatch(text)
    return time.perf_counter() - start


def super_linear(growth: float = 30.0) -> list[tuple[str, str, float, float]]:
    """(pattern, unit, ms at SMALL, ms at LARGE) where LARGE costs over ``growth`` x SMALL."""
    slow = []
    for name, pattern in patterns():
        for unit in UNITS:
            small = _cost(pattern, unit * (SMALL // len(unit)))
            large = _cost(pattern, unit * (LARGE // len(unit)))
            if large > 0.002 and large > growth * max(small, 1e-6):
                slow.append((name, unit, small * 1e3, large * 1e3))
    return slow


def main() -> int:
    slow = super_linear()
    print(f"{len(patterns())} patterns, {len(UNITS)} kinds of run, {SMALL:,} and {LARGE:,} characters")
    for name, unit, small, large in slow:
        print(f"super-linear: {name} on runs of {unit!r}: {small:.2f} ms -> {large:.2f} ms")
    print("none super-linear" if not slow else f"{len(slow)} super-linear")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
