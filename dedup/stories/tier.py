"""The story tier inside the index: which texts report the same event, with stable ids.

Wraps :mod:`dedup.stories` (features, candidate index, verdict, time-windowed clustering)
for the index: texts are the keys, near copies are linked first (copies nest inside
stories), and a story's id is the id of its oldest text, so when stories merge the older id
survives and the same input always gives the same ids. After each change it reports which
texts changed story, so the store can be updated for those only.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

from dedup.clusters import Clusters
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
    """Story state of an index: features, candidate index, links and story labels."""

    def __init__(self, params: StoryParams) -> None:
        self.params = params
        self.features: dict[int, StoryFeatures] = {}
        self._index = StoryIndex(params)
        self._screen = TermScreen(params.max_terms)
        self._latest: list[int] = []  # the EXPIRY_QUORUM latest publication days seen
        self._horizon: int | None = None
        self._edges: list[tuple[int, int, float]] = []
        self._rebuild_clusters()
        self.label: dict[int, int] = {}  # text -> story id (its oldest text)
        self._forgotten: set[int] = set()  # expired texts, nodes of the link graph still
        self._dropped: set[int] = set()  # expired texts whose component went; edges to filter
        self._alias: dict[int, int] = {}  # story as computed -> its stored id (see settle)
        self._named: dict[int, int] = {}  # and back

    def _rebuild_clusters(self) -> None:
        self._clusters = StoryClusters(self.params)
        # Connected components of all links: a new link can reshape the stories of its
        # whole component (the time window splits components into stories).
        self._components = Clusters()

    def __len__(self) -> int:
        return len(set(self.label.values()))

    def members(self, story: int) -> list[int]:
        """The live texts of a story (none when the story is gone)."""
        try:
            component = self._components.members(self._components.cluster(self._named.get(story, story)))
        except KeyError:  # the text that named the story was removed
            return []
        return sorted(t for t in component if self.label.get(t) == story)

    # -- building --------------------------------------------------------------------------

    def load(self, text: int, feats: StoryFeatures) -> None:
        """Restore a stored text (links come after, with :meth:`load_link`)."""
        self._register(text, feats)

    def load_link(self, a: int, b: int, score: float) -> None:
        if a in self.features and b in self.features:
            self._link(a, b, score)

    def settle(self, stored: Mapping[int, int] | None = None) -> dict[int, int]:
        """Labels of every text after loading; returns them.

        ``stored`` gives each text's story id as the store has it. A story whose oldest
        text expired is named here by its oldest live text; when all of its texts have one
        stored id, that id stays its name (an alias), so that ids don't change on reopening.
        """
        computed = {t: self._clusters.story_of(t) for t in self.features}
        self._alias, self._named = {}, {}
        if stored:
            names: dict[int, set[int]] = {}
            for t, raw in computed.items():
                names.setdefault(raw, set()).add(stored.get(t, raw))
            for raw, ids in names.items():
                (name,) = ids if len(ids) == 1 else (raw,)
                if name != raw:
                    self._alias[raw], self._named[name] = name, raw
        self.label = {t: self._alias.get(raw, raw) for t, raw in computed.items()}
        return self.label

    def _register(self, text: int, feats: StoryFeatures) -> None:
        if feats.day is not None:
            self._advance(feats.day)
        self.features[text] = feats
        self._clusters.add(text, feats)
        self._components.load(text, text)
        self._index.add(text, feats)
        self._screen.add(text, feats)
        self.label.setdefault(text, text)

    def _advance(self, day: int) -> None:
        """Expire from the candidate index the dated texts no new article can join.

        The horizon is the EXPIRY_QUORUM-th latest publication day seen, less
        ``window_days``: one article with a wrong date years ahead can't empty the index.
        Expired texts keep their stories; they are no longer candidates.
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
            for text in self._index.expire(horizon):
                self._screen.remove(text)

    def _link(self, a: int, b: int, score: float) -> None:
        self._edges.append((a, b, score))
        self._clusters.link(a, b, score)
        self._components.union([self._components.cluster(a), self._components.cluster(b)])

    def find(self, feats: StoryFeatures) -> list[tuple[int, StoryEvidence]]:
        """The indexed texts that tell the same story as ``feats``, with the evidence."""
        links = []
        params, va, grams = self.params, feats.vector(), feats.grams()
        floor = min(params.threshold, params.quote_threshold)
        candidates = self._index.candidate_array(feats)
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
            self._link(text, other, COPY_LINK)
        for other, evidence in links:
            self._link(text, other, evidence.score)
        return links, self._relabel(self._components.members(self._components.cluster(text)))

    def forget(self, text: int) -> bool:
        """A text expired: no new article can link to it, and it leaves the stories held
        here; the labels of the others stay. Returns whether its story closed (it was the
        story's last live text).

        (The link graph keeps the text as a node without features, so that the stories of
        the others are cut as before: that part of the memory is bounded only when the
        whole component has expired.)"""
        feats = self.features.pop(text, None)
        if feats is None:
            return False
        if text in self._index:  # not when the candidate index expired it already
            self._index.remove(text)
        self._screen.remove(text)
        story = self.label.pop(text)
        self._forgotten.add(text)
        component = self._components.cluster(text)
        nodes = self._components.members(component)
        if all(t in self._forgotten for t in nodes):  # the whole component expired: drop it
            self._clusters.drop(text)
            self._components.drop(component)
            self._forgotten.difference_update(nodes)
            self._dropped.update(nodes)
            if len(self._dropped) > max(1024, len(self._edges) >> 2):
                self._edges = [
                    e for e in self._edges if e[0] not in self._dropped and e[1] not in self._dropped
                ]
                self._dropped.clear()
        return not self.members(story)

    def remove(self, text: int) -> Changes:
        """Take a text out; rebuild the stories without it. Returns the changed labels.

        The clustering keeps no undo, so the links of the remaining texts are replayed:
        linear in the index, and only run when a file changed or an article was removed.
        """
        self.features.pop(text, None)
        if text in self._index:  # not when expired
            self._index.remove(text)
        self._screen.remove(text)
        self.label.pop(text, None)
        gone = self._forgotten | self._dropped | {text}
        self._forgotten, self._dropped = set(), set()  # the replay leaves expired texts out
        self._edges = [e for e in self._edges if e[0] not in gone and e[1] not in gone]
        edges = self._edges
        self._rebuild_clusters()
        self._edges = []
        for t, feats in self.features.items():
            self._clusters.add(t, feats)
            self._components.load(t, t)
        for a, b, score in edges:
            self._link(a, b, score)
        return self._relabel(list(self.features))

    def _relabel(self, texts: Iterable[int]) -> Changes:
        changed = {}
        for t in texts:
            if t in self._forgotten:
                continue
            raw = self._clusters.story_of(t)
            new = self._alias.get(raw, raw)
            old = self.label.get(t)
            if old != new:
                self.label[t] = new
                changed[t] = (old, new)
        return changed
