"""Coreference scores MUC, B-cubed and CEAF-e, and their mean (CoNLL F1).

Written here rather than taken from a scorer package so the definitions are in view:
MUC (Vilain et al. 1995) counts links, B-cubed (Bagga & Baldwin 1998) averages over
mentions, CEAF-e (Luo 2005) aligns key and response entities one-to-one with the entity
similarity phi4 = 2|K & R| / (|K| + |R|). Clusters are sets of hashable mention ids; a
mention in one side only counts as a singleton on the other (as the reference scorer does
with gold mentions, where both sides hold the same mentions).

Example:
    >>> key = [{1, 2, 3}, {4, 5}]
    >>> round(muc(key, [{1, 2}, {3, 4, 5}]).f1, 3)
    0.667
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from storyline.evaluate.metrics import PRF, f_score

Clusters = Sequence[frozenset[Hashable] | set[Hashable]]


def _index(clusters: Clusters) -> dict[Hashable, int]:
    return {m: i for i, cluster in enumerate(clusters) for m in cluster}


def _muc_recall(key: Clusters, response: Clusters) -> tuple[float, float]:
    where = _index(response)
    numerator = denominator = 0.0
    for cluster in key:
        if len(cluster) < 2:
            continue
        parts = {where.get(m, ("alone", m)) for m in cluster}
        numerator += len(cluster) - len(parts)
        denominator += len(cluster) - 1
    return numerator, denominator


def _prf(num_p: float, den_p: float, num_r: float, den_r: float) -> PRF:
    precision = num_p / den_p if den_p else 0.0
    recall = num_r / den_r if den_r else 0.0
    return PRF(precision, recall, f_score(precision, recall))


def muc(key: Clusters, response: Clusters) -> PRF:
    """MUC link-based P/R/F1 (singletons carry no links, so they do not count)."""
    num_r, den_r = _muc_recall(key, response)
    num_p, den_p = _muc_recall(response, key)
    return _prf(num_p, den_p, num_r, den_r)


def _b3_side(key: Clusters, response: Clusters) -> tuple[float, float]:
    where = _index(response)
    total = 0.0
    count = 0
    for cluster in key:
        for mention in cluster:
            i = where.get(mention)
            overlap = len(cluster & set(response[i])) if i is not None else 1
            total += overlap / len(cluster)
            count += 1
    return total, count


def b_cubed(key: Clusters, response: Clusters) -> PRF:
    """B-cubed: per mention, the share of its key (recall) or response (precision) entity
    the other side agrees with, averaged over mentions."""
    key = [set(c) for c in key]
    response = [set(c) for c in response]
    num_r, den_r = _b3_side(key, response)
    num_p, den_p = _b3_side(response, key)
    return _prf(num_p, den_p, num_r, den_r)


def ceaf_e(key: Clusters, response: Clusters) -> PRF:
    """Entity-based CEAF with phi4 and the best one-to-one alignment (Hungarian)."""
    key = [set(c) for c in key if c]
    response = [set(c) for c in response if c]
    if not key or not response:
        return PRF(0.0, 0.0, 0.0)
    where = _index(response)
    scores = np.zeros((len(key), len(response)))
    for i, cluster in enumerate(key):
        for j in {where[m] for m in cluster if m in where}:
            shared = len(cluster & response[j])
            scores[i, j] = 2 * shared / (len(cluster) + len(response[j]))
    rows, cols = linear_sum_assignment(-scores)
    total = float(scores[rows, cols].sum())
    return _prf(total, len(response), total, len(key))


def conll(key: Clusters, response: Clusters) -> dict[str, PRF | float]:
    """MUC, B-cubed, CEAF-e and CoNLL F1 (the mean of the three F1s)."""
    scores: dict[str, PRF | float] = {
        "muc": muc(key, response),
        "b3": b_cubed(key, response),
        "ceafe": ceaf_e(key, response),
    }
    scores["conll_f1"] = (scores["muc"].f1 + scores["b3"].f1 + scores["ceafe"].f1) / 3
    return scores


def clusters_from_labels(labels: Iterable[tuple[Hashable, Hashable]]) -> list[frozenset]:
    """Group (mention id, entity label) pairs into clusters of mention ids."""
    groups: dict[Hashable, set] = {}
    for mention, label in labels:
        groups.setdefault(label, set()).add(mention)
    return [frozenset(g) for g in groups.values()]
