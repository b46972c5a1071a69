"""The story tier inside the index: which texts report the same event, with stable ids.

Wraps :mod:`dedup.stories` (features, candidate index, verdict, time-windowed clustering)
for the index: texts are the keys, near copies are linked first (copies nest inside
stories), and a story's id is the id of its oldest text, so when stories merge the older id
survives and the same input always gives the same ids. After each change it reports which
texts changed story, so the store can be updated for those only.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from dedup.stories import (
    StoryClusters,
    StoryEvidence,
    StoryFeatures,
    StoryIndex,
    StoryParams,
    link,
)
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

    def __len__(self) -> int:
        return len(set(self.label.values()))

    def members(self, story: int) -> list[int]:
        return sorted(t for t in self._clusters.component(story) if self.label.get(t) == story)

    # -- building --------------------------------------------------------------------------

    def load(self, text: int, feats: StoryFeatures) -> None:
        """Restore a stored text (links come after, with :meth:`load_link`)."""
        self._register(text, feats)

    def load_link(self, a: int, b: int, score: float) -> None:
        if a in self.features and b in self.features:
            self._clusters.link(a, b, score)

    def settle(self) -> dict[int, int]:
        """Labels of every text after loading; returns them."""
        self.label = {t: self._clusters.story_of(t) for t in self.features}
        return self.label

    def _register(self, text: int, feats: StoryFeatures) -> None:
        if feats.day is not None:
            self._advance(feats.day)
        self.features[text] = feats
        self._clusters.add(text, feats)
        self._index.add(text, feats)
        self._screen.add(text, feats)
        self.label.setdefault(text, text)

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
        """The indexed texts that tell the same story as ``feats``, with the evidence."""
        links = []
        params, va, grams = self.params, feats.vector(), feats.grams()
        floor = min(params.threshold, params.quote_threshold)
        candidates = self._index.candidate_array(feats, archive=self._late(feats))
        for other, below in self._screen.screen(feats, candidates, params.threshold, floor):
            theirs = self.features[other]
            # Below the threshold only shared quotes can link a pair: count them first.
            if below and len(grams & theirs.grams()) < params.quote_min_shared:
                continue
            evidence = link(feats, theirs, params, va)
            if evidence is not None:
                links.append((other, evidence))
        return links

    def add(
        self, text: int, feats: StoryFeatures, copies: Iterable[int]
    ) -> tuple[list[tuple[int, StoryEvidence]], Changes]:
        """Add a new text; link its near copies and the texts that tell the same story.

        Returns the story links found (other text, evidence) and the texts whose story id
        changed (text -> (old id or None, new id)), the new text included.
        """
        links = self.find(feats)
        self._register(text, feats)
        self.label.pop(text)
        for other in copies:
            self._clusters.link(text, other, COPY_LINK)
        for other, evidence in links:
            self._clusters.link(text, other, evidence.score)
        return links, self._relabel(self._clusters.component(text))

    def remove(self, text: int) -> Changes:
        """Take a text out; rebuild the stories without it. Returns the changed labels.

        The clustering keeps no undo, so the links of the remaining texts are replayed:
        linear in the index, and only run when a file changed or an article was removed.
        """
        self.features.pop(text, None)
        if text in self._index:
            self._index.remove(text)
        self._screen.remove(text)
        self.label.pop(text, None)
        self._clusters = self._clusters.without(text, self.features)
        return self._relabel(list(self.features))

    def _relabel(self, texts: Iterable[int]) -> Changes:
        changed = {}
        for t in texts:
            new = self._clusters.story_of(t)
            old = self.label.get(t)
            if old != new:
                self.label[t] = new
                changed[t] = (old, new)
        return changed
