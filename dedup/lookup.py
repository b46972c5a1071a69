"""Decisions that change nothing: where an indexed article stands, and what a new one would be.

:meth:`dedup.index.Index.decision` and :meth:`dedup.index.Index.query` answer from the
in-memory :class:`~dedup.state.State` alone; nothing here writes.
"""

from __future__ import annotations

from dedup.copies.verify import Overlap
from dedup.decision import Decision, Match, Status
from dedup.errors import UnknownArticle
from dedup.state import State
from dedup.stories import StoryFeatures

MAX_MATCHES = 10
"""Matches reported in a decision, best first."""


def near_matches(state: State, verified: list[tuple[int, Overlap]]) -> tuple[Match, ...]:
    """The verified near copies as matches, best first (at most :data:`MAX_MATCHES`)."""
    matches = sorted(
        (Match(state.rep(c), round(o.jaccard, 4), round(o.containment, 4), "near") for c, o in verified),
        key=lambda m: (-m.jaccard, -m.containment, m.id),
    )
    return tuple(matches[:MAX_MATCHES])


def standing(state: State, aid: str, status: Status, warnings: tuple[str, ...] = ()) -> Decision:
    """The current standing of an indexed article, under ``status``."""
    info = state.articles.get(aid)
    if info is None:
        raise UnknownArticle(f"no article {aid!r} in the index")
    return _joining(state, aid, status, info.text, (), warnings)


def would_be(
    state: State,
    aid: str,
    exact: int | None,
    verified: list[tuple[int, Overlap]],
    story: StoryFeatures | None,
) -> Decision:
    """What adding an article would decide: an exact copy of text ``exact``, a near copy
    of the ``verified`` texts, another version of a story (``story``: its features,
    computed unless it is an exact copy), or new."""
    if exact is not None:
        return _joining(state, aid, "exact", exact, (Match(state.rep(exact), 1.0, 1.0, "exact"),))
    if verified:
        oldest = min(verified, key=lambda v: state.clusters.cluster(v[0]))[0]
        return _joining(state, aid, "near", oldest, near_matches(state, verified))
    assert story is not None
    links = state.stories.find(story)
    if not links:
        return Decision(aid, "new", None, None, None, "nothing like it indexed")
    links.sort(key=lambda link: (-link[1].score, link[0]))
    related = tuple(Match(state.rep(t), 0.0, 0.0, "story", round(e.score, 4)) for t, e in links[:MAX_MATCHES])
    sid = min(state.stories.label[t] for t, _ in links)
    choice = state.story_canonical[sid]
    return Decision(
        aid, "story", None, sid, None, "no copy indexed", related, choice.canonical, choice.reason
    )


def _joining(
    state: State,
    aid: str,
    status: Status,
    text: int,
    matches: tuple[Match, ...],
    warnings: tuple[str, ...] = (),
) -> Decision:
    """A decision that puts ``aid`` in the copy group and story of ``text``."""
    cluster = state.clusters.cluster(text)
    story = state.stories.label[text]
    choice, story_choice = state.canonical[cluster], state.story_canonical[story]
    return Decision(
        aid,
        status,
        cluster,
        story,
        choice.canonical,
        choice.reason,
        matches,
        story_choice.canonical,
        story_choice.reason,
        warnings,
    )
