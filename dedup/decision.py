"""What the index answers for one article: the decision and its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Status = Literal["new", "exact", "near", "story", "unchanged", "indexed"]
"""What a decision says an article is (see :class:`Decision`)."""

ADDED: tuple[Status, ...] = ("new", "exact", "near", "story")
"""The statuses of an article that an add put in the index."""

Relation = Literal["exact", "near", "story"]
"""How a :class:`Match` is related to the article decided on."""

RELATIONS: tuple[Relation, ...] = get_args(Relation)


@dataclass(frozen=True, slots=True)
class Match:
    """A verified relation to an indexed article, with the scores that proved it."""

    id: str
    jaccard: float
    containment: float
    relation: Relation
    score: float | None = None  # story links: the salient-term similarity


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one article.

    ``status`` is ``new`` (nothing like it indexed), ``exact`` (same normalised body as an
    indexed article), ``near`` (a verified near copy), ``story`` (no copy, but another
    version of a known story), ``unchanged`` (this id was indexed already with the same
    content), or ``indexed`` (:meth:`dedup.Index.decision`: the standing of an article
    indexed before). ``cluster`` is the copy group, ``canonical`` the member shown for it and
    ``reason`` why; ``story`` is the story (copies nest inside it), ``story_canonical`` and
    ``story_reason`` its canonical and why. ``cluster`` and ``story`` are ``None`` only for
    :meth:`dedup.Index.query` of an article that would start a new one. ``warnings`` says
    what was changed in the article before deciding: what constructing the
    :class:`~dedup.Article` cleaned (its ``notes``) and a text cut at
    ``Params.max_text_chars``.
    """

    id: str
    status: Status
    cluster: int | None
    story: int | None
    canonical: str | None
    reason: str
    matches: tuple[Match, ...] = ()
    story_canonical: str | None = None
    story_reason: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def is_canonical(self) -> bool:
        """Whether this article is the one shown for its story."""
        return self.story_canonical == self.id

    @property
    def is_duplicate(self) -> bool:
        return self.status in ("exact", "near")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An article that could not be indexed (empty body, no text...), and why."""

    id: str
    reason: str
    status: str = "skipped"
