"""What the index answers for one article: the decision and its evidence."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Match:
    """A verified relation to an indexed article, with the scores that proved it."""

    id: str
    jaccard: float
    containment: float
    relation: str  # "exact" or "near"


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one article.

    ``status`` is ``new`` (nothing like it indexed), ``exact`` (same normalised body as an
    indexed article), ``near`` (a verified near copy), or ``unchanged`` (this id was
    indexed already with the same content). ``cluster`` is the copy group, ``story`` the
    story (equal to the copy group until the story tier groups rewrites), ``canonical``
    the member shown for the group and ``reason`` why it was chosen. ``cluster`` is
    ``None`` only for :meth:`dedup.Index.query` of an article that would start a new group.
    """

    id: str
    status: str
    cluster: int | None
    story: int | None
    canonical: str | None
    reason: str
    matches: tuple[Match, ...] = ()

    @property
    def is_canonical(self) -> bool:
        return self.canonical == self.id

    @property
    def is_duplicate(self) -> bool:
        return self.status in ("exact", "near")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An article that could not be indexed (empty body, no text...), and why."""

    id: str
    reason: str
    status: str = "skipped"
