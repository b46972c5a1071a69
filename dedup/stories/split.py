"""Cut a group of linked articles where its links thin out: recursive normalised cut.

A pair verdict is local, and chains: two events of one kind (two fires at one supermarket
chain, two title fights of one boxer) share enough that a few of their reports link across,
and union-find then makes one story of both. But each event's reports link densely among
themselves and sparsely across, so the group has a bottleneck. This module finds it with
the normalised cut of Shi and Malik (2000): the bisection (A, B) that minimises
``cut(A, B) / vol(A) + cut(A, B) / vol(B)``, where ``cut`` sums the link scores across and
``vol`` the link scores of a side's members, approximated by the sweep over the
second eigenvector of the normalised link matrix. A group is split when its best cut is
below ``limit`` and the halves are cut again, as the paper recommends for more than two
clusters. A part that falls apart into unlinked pieces is split into them.

The cut reads only the links of the group. Cutting off one article costs at least 1
(all of its links cross), so with ``limit`` <= 1 no single article is ever cut loose: a
split needs two sides of two or more articles that each keep most of their links inside.

Everything is a function of the group as given: the caller orders the nodes canonically
(by content, not arrival), the eigenvector comes from a fixed number of power iterations
from a start vector derived from that order, and ties are broken by position. The same set
of links gives the same parts, bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash

Matrix = npt.NDArray[np.float64]

_SQUARINGS = 8  # the power method's matrix squared 8 times: 256 steps in 8 products
MIN_NODES = 4
"""Fewer nodes can't be cut: one side would be a single node, whose Ncut is at least 1."""
MAX_NODES = 64
"""Nodes a cut reads at most: callers merge the most strongly linked articles first (see
:mod:`dedup.stories.cluster`), so a product of two matrices stays a few microseconds."""
_GOLDEN = 0.6180339887498949
_MEMO_SIZE = 4096  # groups remembered (their parts), process-wide
_memo: dict[tuple[int, float, int], tuple[tuple[int, ...], ...]] = {}


def parts(weights: Matrix, limit: float, connected: bool = False) -> list[list[int]]:
    """Split the nodes ``0..n-1`` of a symmetric, non-negative link matrix (zero diagonal)
    into parts: its connected pieces (the whole, if the caller knows it is ``connected``),
    each cut while its best cut is below ``limit``. Returns lists of node positions, each
    sorted, sorted."""
    if connected:
        return sorted(sorted(p) for p in _cut(weights, limit))
    out: list[list[int]] = []
    for piece in _components(weights):
        nodes = np.array(piece)
        out.extend(nodes[p].tolist() for p in _cut(weights[nodes][:, nodes], limit))
    return sorted(sorted(p) for p in out)


def _cut(weights: Matrix, limit: float) -> list[list[int]]:
    """:func:`parts` of a connected link matrix.

    Remembered by the matrix's bytes: a group that did not change since it was last cut
    (in a stream, the half of a story an article did not join) is not cut again.
    """
    n = weights.shape[0]
    if n < MIN_NODES or limit <= 0.0:
        return [list(range(n))]
    key = (n, limit, xxhash.xxh3_128_intdigest(weights.tobytes()))
    known = _memo.get(key)
    if known is not None:
        return [list(p) for p in known]
    out: list[list[int]] = []
    side = _bisect(weights, limit)
    if side is None:
        out.append(list(range(n)))
    else:
        for half in (np.flatnonzero(side), np.flatnonzero(~side)):
            inner = weights[half][:, half]
            # A half may fall apart into unlinked pieces: each is a part to cut on its own.
            for piece in _components(inner):
                nodes = half[piece]
                out.extend(nodes[p].tolist() for p in _cut(inner[piece][:, piece], limit))
    if len(_memo) >= _MEMO_SIZE:
        _memo.clear()
    _memo[key] = tuple(tuple(p) for p in out)
    return out


def forget_cuts() -> None:
    """Empty the memory of groups already cut (for timing; results never depend on it)."""
    _memo.clear()


def _components(weights: Matrix) -> list[list[int]]:
    """Connected components of a link matrix (positions, each sorted, in order of their
    first position)."""
    n = weights.shape[0]
    if n == 0:
        return []
    linked = weights > 0.0
    seen = linked[0].copy()
    seen[0] = True
    frontier = seen
    while True:  # the piece of node 0, by breadth-first steps
        grown = seen | linked[frontier].any(axis=0)
        if grown.sum() == seen.sum():
            break
        frontier = grown & ~seen
        seen = grown
    if seen.all():
        return [list(range(n))]
    rest = np.flatnonzero(~seen)
    return [
        np.flatnonzero(seen).tolist(),
        *(rest[piece].tolist() for piece in _components(weights[rest][:, rest])),
    ]


def _bisect(weights: Matrix, limit: float) -> npt.NDArray[np.bool_] | None:
    """The side of the best sweep cut of a connected group, if its Ncut is below ``limit``."""
    degree = weights.sum(axis=1)
    order = np.argsort(fiedler(weights, degree), kind="stable")
    volume = np.cumsum(degree[order])[:-1]
    inside = np.cumsum(np.tril(weights[order][:, order], -1).sum(axis=1))[:-1]
    cut = volume - 2.0 * inside
    ncut = cut / volume + cut / (degree.sum() - volume)
    best = int(np.argmin(ncut))
    if not ncut[best] < limit:
        return None
    side = np.zeros(weights.shape[0], dtype=bool)
    side[order[: best + 1]] = True
    return side


def fiedler(weights: Matrix, degree: Matrix | None = None) -> Matrix:
    """The second generalised eigenvector of ``(D - W) y = lambda D y`` for a connected
    link matrix ``W`` with degrees ``D``: the relaxed normalised cut of Shi and Malik.

    The power method on ``(I + D^-1/2 W D^-1/2) / 2 - u u^T`` (``u`` the top eigenvector,
    ``D^1/2 1`` normalised, taken out; the other eigenvalues lie in [0, 1], so no sign
    flips), run as repeated squaring of the matrix: 256 steps in 8 products, cheap for
    the at most :data:`MAX_NODES` nodes a cut reads. A vector that has not converged can
    only miss a cut, never make one: the sweep measures the real Ncut of what it cuts.
    """
    if degree is None:
        degree = weights.sum(axis=1)
    n = weights.shape[0]
    scale = 1.0 / np.sqrt(degree)
    top = np.sqrt(degree / degree.sum())
    step = weights * np.outer(scale, 0.5 * scale)
    step.flat[:: n + 1] += 0.5
    step -= np.outer(top, top)
    # A fixed, irregular start (Weyl sequence), so no structure of the order is favoured.
    x = np.modf(np.arange(1, n + 1) * _GOLDEN)[0] - 0.5
    for done in range(1, _SQUARINGS + 1):
        step = step @ step
        # Eigenvalues stay in [0, 1], so nothing overflows; rescale now and then so that
        # nothing underflows (the trace of a square is positive unless it is all zeros).
        if done % 4 == 0:
            size = step.trace()
            if size <= 0.0:
                break
            step *= 1.0 / size
    x = step @ x
    result: Matrix = x * scale
    return result


def link_matrix(size: int, links: Sequence[tuple[int, int, float]]) -> Matrix:
    """A symmetric link matrix from (position, position, score) triples; the links between
    two positions add up (a node may stand for several articles), self-links are dropped.
    Sums are taken in sorted order, so the matrix does not depend on the triples' order."""
    weights = np.zeros((size, size))
    if not links:
        return weights
    rows, cols, scores = (np.array(column) for column in zip(*links, strict=True))
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    kept = low != high
    cell = low[kept] * size + high[kept]
    order = np.lexsort((scores[kept], cell))
    cell, scores = cell[order], scores[kept][order]
    np.add.at(weights.reshape(-1), cell, scores)
    return weights + weights.T
