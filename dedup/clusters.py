"""Clusters as union-find over verified pairs, with stable ids.

Union by size: a merge moves the members of the smaller side into the larger one's list,
so a node moves O(log n) times at most. The id that survives is the older one (the smaller
number), whichever side was larger: a node points to the list it sits in (its *root*, named
by the id the list was created with), and each root carries the cluster id it shows.
Membership is the connected components of the verified pairs, so it does not depend on
the order in which pairs arrive. Removing a node may split a cluster: the caller gives the
remaining edges, and the component holding the oldest node keeps the id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

MergeKind = Literal["merge", "split"]
"""How a copy group's history records a change: two groups merged, or one split by a removal."""


@dataclass(frozen=True, slots=True)
class Merge:
    kept: int
    absorbed: int


class Clusters:
    """Cluster id of every node (text), and the members of every cluster."""

    def __init__(self, next_id: int = 1) -> None:
        self._root: dict[int, int] = {}  # node -> root
        self._nodes: dict[int, list[int]] = {}  # root -> nodes
        self._label: dict[int, int] = {}  # root -> cluster id
        self._by_id: dict[int, int] = {}  # cluster id -> root
        self.next_id = next_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, cluster: object) -> bool:
        return cluster in self._by_id

    def __iter__(self) -> Iterator[int]:
        return iter(self._by_id)

    def cluster(self, node: int) -> int:
        return self._label[self._root[node]]

    def members(self, cluster: int) -> list[int]:
        return self._nodes[self._by_id[cluster]]

    def _create(self, cluster: int, nodes: list[int]) -> None:
        # A root is named by the id the cluster had when its list was made.
        self._nodes[cluster] = nodes
        self._label[cluster] = cluster
        self._by_id[cluster] = cluster
        for n in nodes:
            self._root[n] = cluster

    def load(self, node: int, cluster: int) -> None:
        """Restore a stored assignment."""
        if cluster in self._by_id:
            self.attach(node, cluster)
        else:
            self._create(cluster, [node])
        self.next_id = max(self.next_id, cluster + 1)

    def new(self, node: int) -> int:
        cluster = self.next_id
        self.next_id += 1
        self._create(cluster, [node])
        return cluster

    def attach(self, node: int, cluster: int) -> None:
        """Put a new node in an existing cluster."""
        root = self._by_id[cluster]
        self._root[node] = root
        self._nodes[root].append(node)

    def union(self, clusters: Iterable[int]) -> tuple[int, list[Merge]]:
        """Merge the given clusters; the oldest id survives. Returns it and the merges done."""
        ids = sorted(set(clusters))
        kept = ids[0]
        merges = []
        for other in ids[1:]:
            a, b = self._by_id.pop(kept), self._by_id.pop(other)
            if len(self._nodes[a]) < len(self._nodes[b]):
                a, b = b, a
            moved = self._nodes.pop(b)
            for n in moved:
                self._root[n] = a
            self._nodes[a].extend(moved)
            del self._label[b]
            self._label[a] = kept
            self._by_id[kept] = a
            merges.append(Merge(kept, other))
        return kept, merges

    def drop(self, cluster: int) -> None:
        """Forget a cluster and all its nodes."""
        root = self._by_id.pop(cluster)
        for n in self._nodes.pop(root):
            del self._root[n]
        del self._label[root]

    def forget(self, node: int) -> bool:
        """Drop ``node`` and keep its cluster as it is (retention: the node expired, the
        cluster's id and other members stay). Returns whether the cluster closed (it was
        the last node)."""
        root = self._root.pop(node)
        nodes = self._nodes[root]
        nodes.remove(node)
        if nodes:
            return False
        del self._nodes[root], self._by_id[self._label.pop(root)]
        return True

    def remove(self, node: int, neighbours: Callable[[int], Iterable[int]]) -> list[int]:
        """Take ``node`` out; split what it held together. Returns the ids of new clusters.

        ``neighbours(n)`` gives the nodes verified against ``n`` (any cluster; only members
        of this one are followed).
        """
        cluster = self.cluster(node)
        root = self._root.pop(node)
        rest = [n for n in self._nodes[root] if n != node]
        if not rest:
            del self._nodes[root], self._label[root], self._by_id[cluster]
            return []
        left = set(rest)
        components: list[list[int]] = []
        for start in sorted(rest):
            if start not in left:
                continue
            left.discard(start)
            component, stack = [start], [start]
            while stack:
                for other in neighbours(stack.pop()):
                    if other in left:
                        left.discard(other)
                        component.append(other)
                        stack.append(other)
            components.append(component)
        # Components come in order of their oldest member: the first keeps the id.
        self._nodes[root] = components[0]
        created = []
        for component in components[1:]:
            new_id = self.next_id
            self.next_id += 1
            self._create(new_id, component)
            created.append(new_id)
        return created
