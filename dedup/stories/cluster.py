"""Stories from verified pairs: components, split by time and where their links thin out.

Accepted pairs are links; their connected components are where stories can be. Plain
union-find over the links chains, in two ways, and a component is split for each:

* **Time.** An undated article that mixes in background (seed 004 recalls a visit of July
  2023 in a report of September 2024) links to the old event and to the new one. So the
  links of a component are taken from the strongest to the weakest, Kruskal-style, and a
  link joins two groups only if the joined group would still hold no two dated articles
  more than ``window_days`` apart.
* **Content.** Two events of one kind (two fires at one supermarket chain, two title
  fights of one boxer) share enough that some of their reports link across. Each event's
  reports link densely among themselves and sparsely across, so each time group is cut
  at its bottleneck while the normalised cut there is below ``split_ncut``
  (:mod:`dedup.stories.split`). Links of score 1 or more (near copies, which the index
  links at 2) are never cut: copies nest inside stories.

Why this does not depend on the arrival order: the links are a function of the set of
articles (the verdict depends on the two articles only, the candidate index is
symmetric), the components of those links are too, and inside a component the links are
taken in a fixed total order (score, then the two articles' content fingerprints) and the
cut reads the articles in the order of their fingerprints, so the stories are a function of
the set of articles alone. Only the component an article touches is recomputed. (Two
byte-identical articles tie on everything; they are exact copies, settled by the tier above
this one.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from dedup.errors import UnknownArticle
from dedup.stories.features import StoryFeatures
from dedup.stories.params import StoryParams
from dedup.stories.split import MAX_NODES, MIN_NODES, link_matrix, parts

COPY_SCORE = 1.0
"""Links scoring this or more are never cut (cosines are at most 1; copies are linked above)."""


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
        # root -> {(a, b) with a < b: the strongest score the pair was linked with}
        self._edges: dict[int, dict[tuple[int, int], float]] = {}
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
        self._edges[key] = {}
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
        if ra != rb:
            root = groups.union(ra, rb)
            child = rb if root == ra else ra
            kept, moved = self._edges[root], self._edges.pop(child)
            if len(moved) > len(kept):  # merge the smaller into the larger
                kept, moved = moved, kept
                self._edges[root] = kept
            for pair, known in moved.items():
                if known > kept.get(pair, -1.0):
                    kept[pair] = known
            self._members[root].extend(self._members.pop(child))
            ra = root
        edges = self._edges[ra]
        pair = (a, b) if a < b else (b, a)
        if score > edges.get(pair, -1.0):
            edges[pair] = score
        self._dirty.add(groups.find(a))

    def _order(self, link: tuple[tuple[int, int], float]) -> tuple[float, int, int]:
        """Links strongest first, ties in the order of the articles' content."""
        (a, b), score = link
        pa, pb = self._prints[a], self._prints[b]
        return (-score, min(pa, pb), max(pa, pb))

    def _time_groups(self, root: int) -> list[list[int]]:
        """The component's members in groups that span at most the window (Kruskal)."""
        members = self._members[root]
        window = self.params.window_days
        if self._components.span_if_joined(root, root) <= window:
            return [members]
        split = _Groups()
        for key in members:
            split.make(key, self._days[key])
        for (a, b), _ in sorted(self._edges[root].items(), key=self._order):
            ra, rb = split.find(a), split.find(b)
            if ra != rb and split.span_if_joined(ra, rb) <= window:
                split.union(ra, rb)
        groups: dict[int, list[int]] = {}
        for key in members:
            groups.setdefault(split.find(key), []).append(key)
        return list(groups.values())

    def _content_parts(self, members: list[int], edges: dict[tuple[int, int], float]) -> list[list[int]]:
        """A time group cut where its links thin out; copies stay together."""
        limit = self.params.split_ncut
        if len(members) < MIN_NODES or limit <= 0.0:
            return [members]
        strongest = edges
        if len(members) < len(self._members[self._components.find(members[0])]):
            inside = set(members)
            strongest = {p: s for p, s in edges.items() if p[0] in inside and p[1] in inside}
        # Nodes of the cut: copies joined, then (for a large group) the most strongly linked
        # articles joined until at most MAX_NODES remain, as multilevel partitioners coarsen
        # a graph; links taken in a fixed order, so the nodes are a function of the set.
        nodes = _Groups()
        for key in members:
            nodes.make(key, None)
        count = len(members)
        if count > MAX_NODES or any(s >= COPY_SCORE for s in strongest.values()):
            for (a, b), score in sorted(strongest.items(), key=self._order):
                if score < COPY_SCORE and count <= MAX_NODES:
                    break
                ra, rb = nodes.find(a), nodes.find(b)
                if ra != rb:
                    nodes.union(ra, rb)
                    count -= 1
        held: dict[int, list[int]] = {}
        for key in members:
            held.setdefault(nodes.find(key), []).append(key)
        # Nodes in the order of their content, not of their arrival.
        prints = self._prints
        order = sorted(held, key=lambda r: min((prints[k], k) for k in held[r]))
        position = {key: i for i, r in enumerate(order) for key in held[r]}
        cap = self.params.cut_cap
        links = [(position[a], position[b], min(score, cap)) for (a, b), score in strongest.items()]
        # A time group is connected: its articles were joined along its links.
        cut = parts(link_matrix(len(order), links), limit, connected=True)
        return [[key for i in part for key in held[order[i]]] for part in cut]

    def _settle(self, root: int) -> None:
        edges = self._edges[root]
        for group in self._time_groups(root):
            for part in self._content_parts(group, edges):
                label = min(part)
                for key in part:
                    self._labels[key] = label

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

    def component(self, key: int) -> list[int]:
        """The articles linked to ``key``, directly or through others (its story and the
        stories cut from the same linked group), in no particular order."""
        if key not in self._days:
            raise UnknownArticle(f"no story holds article {key!r}")
        return self._members[self._components.find(key)]

    def links(self) -> Iterator[tuple[int, int, float]]:
        """Every link (a, b, strongest score), a < b, component by component."""
        for edges in self._edges.values():
            for (a, b), score in edges.items():
                yield a, b, score

    def without(self, key: int, feats: Mapping[int, StoryFeatures]) -> StoryClusters:
        """The same articles and links less ``key`` and its links, as new clusters (links
        are replayed: linear in the links, for the rare removal)."""
        out = StoryClusters(self.params)
        for k, f in feats.items():
            if k != key and k in self._days:
                out.add(k, f)
        for a, b, score in self.links():
            if key not in (a, b):
                out.link(a, b, score)
        return out

    def members(self, keys: Iterable[int]) -> dict[int, list[int]]:
        """Story label -> sorted member keys, for the given articles' stories."""
        labels = self.stories()
        wanted = {labels[k] for k in keys}
        out: dict[int, list[int]] = {}
        for key, label in labels.items():
            if label in wanted:
                out.setdefault(label, []).append(key)
        return {label: sorted(v) for label, v in out.items()}
