"""The story tier inside the index: which texts report the same event, with stable ids.

Wraps :mod:`dedup.stories` (features, candidate index, verdict, time-windowed clustering)
for the index: texts are the keys, near copies are linked first (copies nest inside
stories), and a story's id is the id of its oldest text, so when stories merge the older id
survives and the same input always gives the same ids. After each change it reports which
texts changed story, so the store can be updated for those only.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
from collections.abc import Iterable, Mapping

import numpy as np

from dedup.errors import UnknownArticle
from dedup.stories import (
    StoryClusters,
    StoryEvidence,
    StoryFeatures,
    StoryIndex,
    StoryParams,
    compare,
)
from dedup.stories.cluster import COPY_SCORE
from dedup.stories.compare import verdict
from dedup.stories.screen import TermScreen

Changes = dict[int, tuple[int | None, int]]  # text -> (story id before, story id now)

COPY_LINK = 2.0
"""Score of a near-copy link: above any story score, so copies are joined first."""

EXPIRY_QUORUM = 16
"""Dated texts that must be at least as recent as a day before the candidate index forgets
the texts more than ``window_days`` older than it."""


class StoryTier:
    """Story state of an index: features, candidate index, links and story labels.

    The links live in one graph, :class:`~dedup.stories.StoryClusters`: it holds the
    linked groups (components), their links and the stories cut from them.
    """

    def __init__(self, params: StoryParams) -> None:
        self.params = params
        self.features: dict[int, StoryFeatures] = {}
        self._index = StoryIndex(params)
        self._screen = TermScreen(params.max_terms)
        self._latest: list[int] = []  # the EXPIRY_QUORUM latest publication days seen
        self._horizon: int | None = None
        self._clusters = StoryClusters(params)
        self.label: dict[int, int] = {}  # text -> story id (its oldest text)
        self._texts: dict[int, set[int]] = {}  # story id -> its texts
        # Retention (dedup.retention): expired texts stay nodes of the link graph, without
        # features, until their whole linked group has expired, so that the stories of the
        # others are cut as before; they get no label and no new link.
        self._forgotten: set[int] = set()
        self._alias: dict[int, int] = {}  # story as computed -> its stored id (see settle)

    def __len__(self) -> int:
        return len(self._texts)

    def members(self, story: int) -> list[int]:
        return sorted(self._texts.get(story, ()))

    def size(self, story: int) -> int:
        """Texts in a story."""
        return len(self._texts.get(story, ()))

    def _assign(self, text: int, story: int | None) -> None:
        old = self.label.get(text)
        if old is not None:
            held = self._texts[old]
            held.discard(text)
            if not held:
                del self._texts[old]
        if story is None:
            self.label.pop(text, None)
        else:
            self.label[text] = story
            self._texts.setdefault(story, set()).add(text)

    # -- building --------------------------------------------------------------------------

    def load(self, text: int, feats: StoryFeatures) -> None:
        """Restore a stored text (links come after, with :meth:`load_link`)."""
        self._register(text, feats)

    def load_link(self, a: int, b: int, score: float) -> None:
        if a in self.features and b in self.features:
            self._clusters.link(a, b, score)

    def settle(self, stored: Mapping[int, int] | None = None) -> dict[int, int]:
        """Labels of every text after loading; returns them.

        ``stored`` gives each text's story id as the store has it. A story whose oldest
        text expired is computed here under its oldest live text; when all of its texts
        have one stored id, that id stays its name (an alias), so that ids don't change
        when an index is opened again.
        """
        computed = self._clusters.stories()
        self._alias = {}
        if stored:
            names: dict[int, set[int]] = {}
            for text, raw in computed.items():
                names.setdefault(raw, set()).add(stored.get(text, raw))
            for raw, ids in names.items():
                name = next(iter(ids)) if len(ids) == 1 else raw
                if name != raw:
                    self._alias[raw] = name
        self.label, self._texts = {}, {}
        for text, raw in computed.items():
            self._assign(text, self._alias.get(raw, raw))
        self._clusters.take_changes()
        self._update_bars()
        return self.label

    def _register(self, text: int, feats: StoryFeatures) -> None:
        if feats.day is not None:
            self._advance(feats.day)
        self.features[text] = feats
        self._clusters.add(text, feats)
        self._index.add(text, feats)
        self._screen.add(text, feats)
        if text not in self.label:
            self._assign(text, text)

    def _advance(self, day: int) -> None:
        """Move to the candidate index's archive the dated texts no new article dated
        inside the window can join.

        The horizon is the EXPIRY_QUORUM-th latest publication day seen, less
        ``window_days``: one article with a wrong date years ahead can't empty the index.
        Expired texts keep their stories, and stay candidates of the articles that may
        still be their story (undated ones, and those dated before the horizon plus the
        window): so expiry bounds the cost of a stream that arrives in order, and the
        stories do not depend on the order.
        """
        latest = self._latest
        if len(latest) < EXPIRY_QUORUM:
            heapq.heappush(latest, day)
            if len(latest) < EXPIRY_QUORUM:
                return
        elif day > latest[0]:
            heapq.heapreplace(latest, day)
        else:
            return
        horizon = latest[0] - self.params.window_days
        if self._horizon is None or horizon > self._horizon:
            self._horizon = horizon
            self._index.expire(horizon)

    def _late(self, feats: StoryFeatures) -> bool:
        """Whether ``feats`` may be the story of an expired text (so asks the archive)."""
        if self._horizon is None:
            return False
        return feats.day is None or feats.day < self._horizon + self.params.window_days

    def find(self, feats: StoryFeatures) -> list[tuple[int, StoryEvidence]]:
        """:meth:`accepted` with the evidence of each pair."""
        return [
            (other, compare(feats, self.features[other], self.params)) for other, _ in self.accepted(feats)
        ]

    def accepted(self, feats: StoryFeatures) -> list[tuple[int, float]]:
        """The indexed texts that tell the same story as ``feats`` and may become its
        links, with their scores.

        A pair is a link when it is among the ``max_links`` strongest of either text
        (:class:`~dedup.stories.StoryClusters`), so only those pairs are verified: the
        candidates in the order of the screen's bound on their cosine, until
        ``max_links`` are accepted and the next bound is below the weakest of them, and
        any other candidate whose bound reaches its own bar (the weakest of its links,
        once it has ``max_links``). In a story of thousands that is a few dozen pairs
        an article, not thousands; the links, and so the stories, are those that
        verifying every candidate would give.
        """
        params, va, grams = self.params, feats.vector(), feats.grams()
        candidates = self._index.candidate_array(feats, archive=self._late(feats))
        bound, bars, quoted = self._screen.scores(feats, candidates)
        floor = np.where(quoted, min(params.threshold, params.quote_threshold), params.threshold)
        if not feats.quote_grams:
            floor[:] = params.threshold
        possible = np.flatnonzero(bound >= floor)
        order = possible[np.argsort(-bound[possible], kind="stable")]
        limit = params.max_links
        mine: list[float] = []  # exact scores accepted, strongest first (at most max_links)
        links: list[tuple[int, float]] = []
        others = candidates[order].tolist()
        bounds = bound[order]
        for j, other in enumerate(others):
            ub = bounds[j]
            if len(mine) >= limit and ub < mine[-1]:
                # No later candidate can be one of this article's links (their bounds are
                # lower still): only those that may be one of their own remain.
                rest = np.flatnonzero(bounds[j:] >= bars[order[j:]]) + j
                for i in rest.tolist():
                    self._verify(feats, others[i], bounds[i], va, grams, links, mine)
                break
            self._verify(feats, other, ub, va, grams, links, mine)
        return links

    def _verify(
        self,
        feats: StoryFeatures,
        other: int,
        bound: float,
        va: dict[str, float],
        grams: frozenset[int],
        links: list[tuple[int, float]],
        mine: list[float],
    ) -> None:
        """The verdict on one candidate; an accepted pair joins ``links`` and its score
        ``mine`` (the strongest ``max_links`` of the article, copy links, which
        :class:`~dedup.stories.StoryClusters` keeps apart from them, left out)."""
        params, theirs = self.params, self.features[other]
        # Below the threshold only shared quotes can link a pair: count them first.
        if bound < params.threshold and len(grams & theirs.grams()) < params.quote_min_shared:
            return
        score = verdict(feats, theirs, params, va)
        if score is not None:
            links.append((other, score))
            if score < COPY_SCORE:  # a copy link is a link whatever else: it takes no place
                bisect.insort(mine, score, key=lambda x: -x)
                del mine[params.max_links :]

    def add(
        self, text: int, feats: StoryFeatures, copies: Iterable[int]
    ) -> tuple[list[tuple[int, StoryEvidence]], Changes]:
        """Add a new text; link its near copies and the texts that tell the same story.

        Returns the story links made (other text, evidence: the accepted pairs that are
        among the strongest of either text) and the texts whose story id changed (text ->
        (old id or None, new id)), the new text included.
        """
        accepted = self.accepted(feats)
        self._register(text, feats)
        self._assign(text, None)
        for other in copies:
            self._clusters.link(text, other, COPY_LINK)
        links = []
        for other, score in accepted:
            if self._clusters.link(text, other, score):  # a link now: its evidence is kept
                links.append((other, compare(feats, self.features[other], self.params)))
        self._clusters.story_of(text)
        return links, self._take_changes()

    def flush(self) -> Changes:
        """Cut the stories that wait for their cut (large ones between two cuts; see
        :class:`~dedup.stories.StoryClusters`); returns the changed labels."""
        self._clusters.flush()
        return self._take_changes()

    def forget(self, text: int) -> bool:
        """A text expired (retention): no new article can link to it, and it leaves the
        stories held here; the others keep their labels. Returns whether its story closed
        (it was the story's last live text)."""
        if self.features.pop(text, None) is None:
            return False
        with contextlib.suppress(UnknownArticle):  # live or archived, or neither
            self._index.remove(text)
        self._screen.remove(text)
        story = self.label.get(text)
        self._assign(text, None)
        self._forgotten.add(text)
        group = self._clusters.component(text)
        if all(t in self._forgotten for t in group):  # the whole linked group expired
            self._forgotten.difference_update(group)
            self._clusters.drop(text)
        return story is not None and story not in self._texts

    def remove(self, text: int) -> Changes:
        """Take a text out; rebuild the stories without it. Returns the changed labels.

        The clustering keeps no undo, so the links of the remaining texts are replayed
        (linear in the index, and only run when a file changed or an article was
        removed), and the texts that were linked to it look for their links again (they
        may take a pair they had dropped for it).
        """
        near = self._clusters.neighbours(text) if text in self.features else []
        self.features.pop(text, None)
        if text in self._index:
            self._index.remove(text)
        self._screen.remove(text)
        self._assign(text, None)
        self._clusters = self._clusters.without(text, self.features)  # expired texts go too
        self._forgotten.clear()
        for other in near:
            for found, score in self.accepted(self.features[other]):
                if found != other:
                    self._clusters.link(other, found, score)
        self._clusters.flush()
        self._clusters.take_changes()
        self._update_bars()
        return self._relabel(list(self.features))

    def _update_bars(self) -> None:
        for key in self._clusters.take_bars():
            self._screen.set_bar(key, self._clusters.bar(key))

    def _take_changes(self) -> Changes:
        self._update_bars()
        changed = {}
        for t, raw in self._clusters.take_changes().items():
            if t in self._forgotten:
                continue
            new = self._alias.get(raw, raw)
            old = self.label.get(t)
            if old != new:
                self._assign(t, new)
                changed[t] = (old, new)
        return changed

    def _relabel(self, texts: Iterable[int]) -> Changes:
        changed = {}
        for t in texts:
            raw = self._clusters.story_of(t)
            new = self._alias.get(raw, raw)
            old = self.label.get(t)
            if old != new:
                self._assign(t, new)
                changed[t] = (old, new)
        return changed
