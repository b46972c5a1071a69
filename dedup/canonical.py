"""Which member of a cluster to show, and why: the canonical policy.

Members are narrowed tier by tier; the first tier that leaves one member decides, and
every tier that narrowed the field is named in the reason:

1. **dated**: a member with a publication date beats an undated one.
2. **wire-attributed**: a member crediting a news agency (AFP, AA, Reuters...) beats one
   crediting none or only generic "agencies": the original wire version beats derivatives.
3. **earliest published**: the earliest day; on that day the earliest known time. A
   member with only a date can't be ordered against a timed one of the same day: both stay.
4. **most complete**: the member whose text contains the most other members' texts
   (containment at the near-copy threshold): a full wire text over its truncations.
5. **longest** text in words.
6. **smallest id**: a deterministic last resort.

Together these read: never an undated derivative when a dated original exists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dedup.article import When

GENERIC_ATTRIBUTION = "agencies"


@dataclass(frozen=True, slots=True)
class Member:
    """What the policy needs to know of one article."""

    id: str
    text: int
    words: int
    published: When | None = None
    attribution: tuple[str, ...] = ()

    @property
    def wire(self) -> tuple[str, ...]:
        return tuple(a for a in self.attribution if a.lower() != GENERIC_ATTRIBUTION)


@dataclass(frozen=True, slots=True)
class Choice:
    canonical: str
    reason: str


def choose(
    members: Sequence[Member],
    contains: Callable[[int, int], bool],
    max_compared: int = 32,
) -> Choice:
    """Apply the policy. ``contains(outer, inner)``: text ``inner`` lies within text ``outer``.

    At most ``max_compared`` candidate texts are compared for completeness (the longest),
    against at most ``max_compared`` others, to bound the cost on very large clusters.
    """
    if not members:
        raise ValueError("a cluster has at least one member")
    if len(members) == 1:
        return Choice(members[0].id, "only member")
    field = list(members)
    reasons: list[str] = []

    dated = [m for m in field if m.published is not None]
    if dated and len(dated) < len(field):
        reasons.append(f"dated ({len(dated)} of {len(field)})")
        field = dated

    if len(field) > 1:
        wired = [m for m in field if m.wire]
        if wired and len(wired) < len(field):
            agencies = sorted({a for m in wired for a in m.wire})
            reasons.append(f"wire-attributed ({', '.join(agencies)})")
            field = wired

    if len(field) > 1 and field[0].published is not None:
        field, said = _earliest(field)
        if said:
            reasons.append(said)

    if len(field) > 1:
        texts = sorted({m.text for m in field}, key=lambda t: -_words_of(field, t))[:max_compared]
        others = sorted({m.text for m in members})[: max_compared * 4]
        counts = {t: sum(1 for o in others if o != t and contains(t, o)) for t in texts}
        best = max(counts.values())
        if best > 0 and sum(1 for c in counts.values() if c == best) < len(counts):
            field = [m for m in field if counts.get(m.text, -1) == best]
            reasons.append(f"most complete (contains {best} other version{'s' * (best > 1)})")

    if len(field) > 1:
        longest = max(m.words for m in field)
        if any(m.words < longest for m in field):
            field = [m for m in field if m.words == longest]
            reasons.append(f"longest ({longest} words)")

    winner = min(field, key=lambda m: m.id)
    if len(field) > 1:
        reasons.append("smallest id among equals")
    return Choice(winner.id, "; ".join(reasons) or "only member")


def _words_of(field: Sequence[Member], text: int) -> int:
    return max(m.words for m in field if m.text == text)


def _earliest(field: list[Member]) -> tuple[list[Member], str]:
    """Members that nobody was published strictly before, and the reason if it narrowed."""
    first_day = min(m.published.day for m in field if m.published)
    same_day = [m for m in field if m.published and m.published.day == first_day]
    timed = [m.published.instant for m in same_day if m.published and m.published.instant]
    first_instant = min(timed) if timed else None
    keep = [
        m
        for m in same_day
        if m.published and (m.published.instant is None or m.published.instant == first_instant)
    ]
    if len(keep) == len(field):
        return field, ""
    label = first_instant.strftime("%Y-%m-%dT%H:%MZ") if first_instant else first_day.isoformat()
    return keep, f"earliest published ({label})"
