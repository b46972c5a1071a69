"""Stories from verified pairs: components, split where they would span too long a time.

Plain union-find over the accepted pairs chains: an undated article that mixes in
background (seed 004 recalls a visit of July 2023 in a report of September 2024) links to
the old event and to the new one, and pulls two stories a year apart into one. So a story
is built like Kruskal's algorithm: the accepted pairs of a connected component are taken
from the strongest to the weakest, and a pair joins two groups only if the joined group
would still hold no two dated articles more than ``window_days`` apart.

Why this does not depend on the arrival order: the accepted pairs are a function of the
set of articles (the verdict depends on the two articles only, the candidate index is
symmetric), the components of those pairs are too, and inside a component the pairs are
taken in a fixed total order (score, then the two articles' content fingerprints), so the
result is a function of the set of articles alone. Only the component an article touches
is recomputed, and only when its articles span more than the window; a component that
spans less is one story as it stands. (Two byte-identical articles tie on everything; they
are exact copies, settled by the tier above this one.)
"""

from __future__ import annotations

from collections.abc import Iterable

from dedup.errors import UnknownArticle
from dedup.stories.features import StoryFeatures
from dedup.stories.params import StoryParams


class _Groups:
    """Union-find that tracks each group's first and last dated day."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.first: dict[int, int | None] = {}
        self.last: dict[int, int | None] = {}

    def make(self, key: int, day: int | None) -> None:
        self.parent[key] = key
        self.first[key] = day
        self.last[key] = day

    def find(self, key: int) -> int:
        parent = self.parent
        root = key
        while parent[root] != root:
            root = parent[root]
        while parent[key] != root:
            parent[key], key = root, parent[key]
        return root

    def span_if_joined(self, a: int, b: int) -> int:
        firsts = [d for d in (self.first[a], self.first[b]) if d is not None]
        lasts = [d for d in (self.last[a], self.last[b]) if d is not None]
        return max(lasts) - min(firsts) if firsts else 0

    def union(self, a: int, b: int) -> int:
        """Join the groups of roots ``a`` and ``b``; the smaller key becomes the root."""
        root, child = (a, b) if a < b else (b, a)
        self.parent[child] = root
        firsts = [d for d in (self.first[a], self.first[b]) if d is not None]
        lasts = [d for d in (self.last[a], self.last[b]) if d is not None]
        self.first[root] = min(firsts) if firsts else None
        self.last[root] = max(lasts) if lasts else None
        return root


class StoryClusters:
    """Accepted pairs in, stories out; the partition is independent of arrival order.

    ``add`` each article (its key and features) before ``link``-ing it; ``link`` each pair
    that :func:`~dedup.stories.compare.same_story` accepted. ``stories()`` maps every key
    to its story's label, the smallest key of the story.
    """

    def __init__(self, params: StoryParams) -> None:
        self.params = params
        self._days: dict[int, int | None] = {}
        self._prints: dict[int, int] = {}
        self._components = _Groups()
        self._edges: dict[int, list[tuple[float, int, int]]] = {}
        self._members: dict[int, list[int]] = {}
        self._labels: dict[int, int] = {}
        self._dirty: set[int] = set()

    def __len__(self) -> int:
        return len(self._days)

    def add(self, key: int, feats: StoryFeatures) -> None:
        """Register an article (a story of its own until linked)."""
        if key in self._days:
            return
        self._days[key] = feats.day
        self._prints[key] = feats.fingerprint
        self._components.make(key, feats.day)
        self._members[key] = [key]
        self._edges[key] = []
        self._labels[key] = key

    def link(self, a: int, b: int, score: float) -> None:
        """Record an accepted pair with its score."""
        for key in (a, b):
            if key not in self._days:
                raise UnknownArticle(f"link({a!r}, {b!r}): article {key!r} was never added")
        if a == b:
            return
        groups = self._components
        ra, rb = groups.find(a), groups.find(b)
        edge = (score, a, b)
        if ra == rb:
            self._edges[ra].append(edge)
        else:
            root = groups.union(ra, rb)
            child = rb if root == ra else ra
            self._edges[root].extend(self._edges.pop(child))
            self._edges[root].append(edge)
            self._members[root].extend(self._members.pop(child))
        self._dirty.add(groups.find(a))

    def _order(self, edge: tuple[float, int, int]) -> tuple[float, int, int]:
        score, a, b = edge
        pa, pb = self._prints[a], self._prints[b]
        return (-score, min(pa, pb), max(pa, pb))

    def _settle(self, root: int) -> None:
        members = self._members[root]
        groups = self._components
        window = self.params.window_days
        if groups.span_if_joined(root, root) <= window:
            label = min(members)
            for key in members:
                self._labels[key] = label
            return
        # Kruskal under the time constraint, over this component only.
        split = _Groups()
        for key in members:
            split.make(key, self._days[key])
        for _, a, b in sorted(self._edges[root], key=self._order):
            ra, rb = split.find(a), split.find(b)
            if ra != rb and split.span_if_joined(ra, rb) <= window:
                split.union(ra, rb)
        for key in members:
            self._labels[key] = split.find(key)

    def stories(self) -> dict[int, int]:
        """Every article's story label (the smallest key of its story)."""
        for root in list(self._dirty):
            self._settle(self._components.find(root))
        self._dirty.clear()
        return dict(self._labels)

    def story_of(self, key: int) -> int:
        """The story label of one article."""
        if key not in self._labels:
            raise UnknownArticle(f"no story holds article {key!r}")
        root = self._components.find(key)
        if root in self._dirty:
            self._settle(root)
            self._dirty.discard(root)
        return self._labels[key]

    def members(self, keys: Iterable[int]) -> dict[int, list[int]]:
        """Story label -> sorted member keys, for the given articles' stories."""
        labels = self.stories()
        wanted = {labels[k] for k in keys}
        out: dict[int, list[int]] = {}
        for key, label in labels.items():
            if label in wanted:
                out.setdefault(label, []).append(key)
        return {label: sorted(v) for label, v in out.items()}
