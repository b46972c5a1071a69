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

import bisect
from collections.abc import Iterable, Iterator, Mapping

from dedup.errors import UnknownArticle
from dedup.stories.features import StoryFeatures
from dedup.stories.params import StoryParams
from dedup.stories.split import MAX_NODES, MIN_NODES, link_matrix, parts

COPY_SCORE = 1.0
"""Links scoring this or more are never cut (cosines are at most 1; copies are linked above)."""
SETTLE_ALWAYS = MAX_NODES
"""Linked groups of at most this many articles are cut again at every change; larger ones
when they have doubled since their last cut, and at :meth:`StoryClusters.flush`."""


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

    **A bounded link graph.** Of the pairs it is given, the graph keeps a pair as a link
    when it is among the ``max_links`` strongest of either article (the union of the
    articles' nearest neighbours: a function of the set of pairs, whatever their order),
    and every copy link (score 1 or more). An article of a big story is accepted with
    thousands of others; its few strongest say what its story is, and the rest only cost
    (every link is read again by each cut). A pair that an article's later, stronger
    neighbours push out of both lists is unlinked again.

    **Amortised cuts.** A linked group of at most :data:`SETTLE_ALWAYS` articles is cut
    again each time it changes. A larger one only when it has doubled since its last cut
    (so its cuts cost amortised O(log N) an article); between two cuts a new article is
    put in the story of its strongest link (:meth:`pending` says which groups wait).
    :meth:`stories` and :meth:`flush` cut every waiting group: the partition they give is
    the function of the set of articles and links, as if each group were cut afresh.
    """

    def __init__(self, params: StoryParams) -> None:
        self.params = params
        self._days: dict[int, int | None] = {}
        self._prints: dict[int, int] = {}
        self._components = _Groups()
        # key -> {other: score}: the links (the graph kept, see above), both ways
        self._adj: dict[int, dict[int, float]] = {}
        # key -> its max_links strongest accepted pairs, as (-score, other's fingerprint, other)
        self._best: dict[int, list[tuple[float, int, int]]] = {}
        self._members: dict[int, list[int]] = {}
        self._labels: dict[int, int] = {}
        self._dirty: set[int] = set()  # roots to cut again
        self._broken: set[int] = set()  # roots that lost a link: may fall apart
        self._cut_size: dict[int, int] = {}  # root -> its size when last cut
        self._changed: set[int] = set()  # keys whose label changed since take_changes()
        self._bars: set[int] = set()  # keys whose bar() changed since take_bars()

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
        self._adj[key] = {}
        self._best[key] = []
        self._labels[key] = key
        self._changed.add(key)

    def bar(self, key: int) -> float:
        """The score a new pair of ``key`` must reach to become one of its links: its
        ``max_links``-th strongest so far (0 while it has fewer)."""
        best = self._best[key]
        return -best[-1][0] if len(best) >= self.params.max_links else 0.0

    def link(self, a: int, b: int, score: float) -> bool:
        """Record an accepted pair with its score; whether it is a link now (among the
        strongest pairs of either article, or a copy link)."""
        for key in (a, b):
            if key not in self._days:
                raise UnknownArticle(f"link({a!r}, {b!r}): article {key!r} was never added")
        if a == b:
            return False
        if score >= COPY_SCORE:
            self._join(a, b, score)
            return True
        entered = self._offer(a, b, score) | self._offer(b, a, score)
        if entered and score > self._adj[a].get(b, -1.0):
            self._join(a, b, score)
        return entered

    def _offer(self, key: int, other: int, score: float) -> bool:
        """Put a pair in ``key``'s list of strongest pairs if it is strong enough; a pair
        pushed out of the list is unlinked unless the other article's list keeps it."""
        best = self._best[key]
        entry = (-score, self._prints[other], other)
        for i, (s, _, o) in enumerate(best):
            if o == other:
                if -s >= score:
                    return True  # known, as strong or stronger
                del best[i]
                break
        limit = self.params.max_links
        if len(best) >= limit and entry >= best[-1]:
            return False
        bisect.insort(best, entry)
        self._bars.add(key)
        if len(best) > limit:
            _, _, out = best.pop()
            if not any(o == key for _, _, o in self._best[out]) and self._adj[key].get(out, 0.0) < COPY_SCORE:
                self._unlink(key, out)
        return True

    def _join(self, a: int, b: int, score: float) -> None:
        groups = self._components
        ra, rb = groups.find(a), groups.find(b)
        if ra != rb:
            root = groups.union(ra, rb)
            child = rb if root == ra else ra
            self._members[root].extend(self._members.pop(child))
            self._cut_size[root] = self._cut_size.pop(root, 0) + self._cut_size.pop(child, 0)
            for marks in (self._dirty, self._broken):
                if child in marks:
                    marks.discard(child)
                    marks.add(root)
            ra = root
        if score > self._adj[a].get(b, -1.0):
            self._adj[a][b] = self._adj[b][a] = score
        self._dirty.add(ra)

    def _unlink(self, a: int, b: int) -> None:
        self._adj[a].pop(b, None)
        self._adj[b].pop(a, None)
        root = self._components.find(a)
        self._broken.add(root)
        self._dirty.add(root)

    def drop(self, key: int) -> None:
        """Forget the whole linked group of ``key`` (every article of it expired)."""
        groups = self._components
        root = groups.find(key)
        members = self._members.pop(root)
        for member in members:
            del self._days[member], self._prints[member], self._labels[member]
            del self._adj[member], self._best[member]
            del groups.parent[member], groups.first[member], groups.last[member]
        self._changed.difference_update(members)
        self._bars.difference_update(members)
        self._cut_size.pop(root, None)
        self._dirty.discard(root)
        self._broken.discard(root)

    def _order(self, link: tuple[tuple[int, int], float]) -> tuple[float, int, int]:
        """Links strongest first, ties in the order of the articles' content."""
        (a, b), score = link
        pa, pb = self._prints[a], self._prints[b]
        return (-score, min(pa, pb), max(pa, pb))

    def _time_groups(
        self, root: int, members: list[int], edges: dict[tuple[int, int], float]
    ) -> list[list[int]]:
        """The component's members in groups that span at most the window (Kruskal)."""
        window = self.params.window_days
        if self._components.span_if_joined(root, root) <= window:
            return [members]
        split = _Groups()
        for key in members:
            split.make(key, self._days[key])
        for (a, b), _ in sorted(edges.items(), key=self._order):
            ra, rb = split.find(a), split.find(b)
            if ra != rb and split.span_if_joined(ra, rb) <= window:
                split.union(ra, rb)
        groups: dict[int, list[int]] = {}
        for key in members:
            groups.setdefault(split.find(key), []).append(key)
        return list(groups.values())

    def _content_parts(
        self, members: list[int], component: list[int], edges: dict[tuple[int, int], float]
    ) -> list[list[int]]:
        """A time group cut where its links thin out; copies stay together."""
        limit = self.params.split_ncut
        if len(members) < MIN_NODES or limit <= 0.0:
            return [members]
        strongest = edges
        if len(members) < len(component):
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

    def _edges_of(self, members: list[int]) -> dict[tuple[int, int], float]:
        adj = self._adj
        return {(a, b): score for a in members for b, score in adj[a].items() if a < b}

    def _pieces(self, root: int) -> list[int]:
        """A group that lost links, split into its connected pieces; their roots."""
        members = self._members.pop(root)
        size = self._cut_size.pop(root, 0)
        groups = self._components
        for key in members:
            groups.make(key, self._days[key])
        for a in members:
            for b in self._adj[a]:
                ra, rb = groups.find(a), groups.find(b)
                if ra != rb:
                    groups.union(ra, rb)
        pieces: dict[int, list[int]] = {}
        for key in members:
            pieces.setdefault(groups.find(key), []).append(key)
        self._members.update(pieces)
        for r, piece in pieces.items():  # a piece of a group cut at its size counts as cut at that size
            self._cut_size[r] = min(size, len(piece))
        return list(pieces)

    def _settle(self, root: int) -> None:
        roots = self._pieces(root) if root in self._broken else [root]
        self._broken.discard(root)
        for r in roots:
            members = self._members[r]
            edges = self._edges_of(members)
            for group in self._time_groups(r, members, edges):
                for part in self._content_parts(group, members, edges):
                    label = min(part)
                    for key in part:
                        if self._labels[key] != label:
                            self._labels[key] = label
                            self._changed.add(key)
            self._cut_size[r] = len(members)

    def _due(self, root: int) -> bool:
        size = len(self._members[root])
        return size <= SETTLE_ALWAYS or size >= 2 * self._cut_size.get(root, 0)

    def _provisional(self, key: int) -> None:
        """Between two cuts of a large group: an article in no story of its own yet joins
        the story of its strongest link."""
        labels, near = self._labels, self._adj[key]
        if labels[key] == key and near:
            other = min(near.items(), key=lambda kv: (-kv[1], self._prints[kv[0]]))[0]
            if labels[other] != key:
                labels[key] = labels[other]
                self._changed.add(key)

    def refresh(self) -> None:
        """Cut the changed groups that are due (see the class); the others wait."""
        for root in sorted(self._dirty):
            if root in self._members and self._due(root):
                self._settle(root)
                self._dirty.discard(root)
            elif root not in self._members:
                self._dirty.discard(root)

    def pending(self) -> bool:
        """Whether some group waits for its cut (its stories are provisional)."""
        return bool(self._dirty)

    def flush(self) -> None:
        """Cut every changed group: the stories are then the function of the set."""
        for root in sorted(self._dirty):
            if root in self._members:
                self._settle(root)
        self._dirty.clear()

    def take_changes(self) -> dict[int, int]:
        """Keys whose label changed since the last call, with their labels now."""
        out = {key: self._labels[key] for key in self._changed}
        self._changed.clear()
        return out

    def take_bars(self) -> list[int]:
        """Keys whose :meth:`bar` changed since the last call."""
        out = sorted(self._bars)
        self._bars.clear()
        return out

    def stories(self) -> dict[int, int]:
        """Every article's story label (the smallest key of its story)."""
        self.flush()
        return dict(self._labels)

    def story_of(self, key: int) -> int:
        """The story label of one article (provisional while its large group waits)."""
        if key not in self._labels:
            raise UnknownArticle(f"no story holds article {key!r}")
        self.refresh()
        if self._components.find(key) in self._dirty:
            self._provisional(key)
        return self._labels[key]

    def component(self, key: int) -> list[int]:
        """The articles linked to ``key``, directly or through others (its story and the
        stories cut from the same linked group), in no particular order."""
        if key not in self._days:
            raise UnknownArticle(f"no story holds article {key!r}")
        return self._members[self._components.find(key)]

    def links(self) -> Iterator[tuple[int, int, float]]:
        """Every link kept (a, b, score), a < b."""
        for a, near in self._adj.items():
            for b, score in near.items():
                if a < b:
                    yield a, b, score

    def neighbours(self, key: int) -> list[int]:
        """The articles linked to ``key``."""
        return sorted(self._adj[key])

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
