"""Clustering quality measures against a ground truth, all from one contingency table.

Every function takes two mappings item -> label (truth, prediction) over the same items;
items missing from the prediction count as singletons. Pairwise and ARI follow Hubert and
Arabie (1985); B-cubed follows Bagga and Baldwin (1998), as Amigo et al. (2009) define it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, precision: float, recall: float) -> PRF:
        f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        return cls(precision, recall, f1)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _tables(
    truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]
) -> tuple[Counter[tuple[Hashable, Hashable]], Counter[Hashable], Counter[Hashable]]:
    joint: Counter[tuple[Hashable, Hashable]] = Counter()
    for item, label in truth.items():
        # An item the prediction does not hold is its own cluster.
        joint[(label, predicted.get(item, ("missing", item)))] += 1
    true_sizes: Counter[Hashable] = Counter()
    pred_sizes: Counter[Hashable] = Counter()
    for (t, p), n in joint.items():
        true_sizes[t] += n
        pred_sizes[p] += n
    return joint, true_sizes, pred_sizes


def pairwise(truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> PRF:
    """Precision and recall over the pairs of items put in one cluster."""
    joint, true_sizes, pred_sizes = _tables(truth, predicted)
    together = sum(_pairs(n) for n in joint.values())
    predicted_pairs = sum(_pairs(n) for n in pred_sizes.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    return PRF.of(precision, recall)


def adjusted_rand_index(truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> float:
    """ARI: 1 for identical partitions, about 0 for a random one."""
    joint, true_sizes, pred_sizes = _tables(truth, predicted)
    n = sum(true_sizes.values())
    if n < 2:
        return 1.0
    index = sum(_pairs(c) for c in joint.values())
    sum_true = sum(_pairs(c) for c in true_sizes.values())
    sum_pred = sum(_pairs(c) for c in pred_sizes.values())
    expected = sum_true * sum_pred / _pairs(n)
    maximum = (sum_true + sum_pred) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def bcubed(truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> PRF:
    """B-cubed precision and recall, averaged over items."""
    joint, true_sizes, pred_sizes = _tables(truth, predicted)
    n = sum(true_sizes.values())
    if n == 0:
        return PRF.of(1.0, 1.0)
    precision = sum(c * c / pred_sizes[p] for (_, p), c in joint.items()) / n
    recall = sum(c * c / true_sizes[t] for (t, _), c in joint.items()) / n
    return PRF.of(precision, recall)
