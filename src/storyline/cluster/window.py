"""Average-link re-clustering of the active window, mapped back onto stable story ids.

Single-pass assignment decides each article once, against story centroids, in arrival
order: an early article of a second event that joins the first event's story pulls the
centroid towards itself, and its followers then join too. Average-link agglomerative
clustering (Voorhees 1986; the linkage of the TF-IDF baseline in evaluate/baselines.py)
looks at every pair of recent articles instead, so `OnlineClusterer` re-clusters its
recent articles now and then and moves the ones whose group disagrees with their story.

This module holds the two pure steps: grouping a similarity matrix, and giving the groups
story ids with the fewest changes (each group keeps the id of the story most of its
articles are in; groups that get none become new stories, recorded as splits).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform


def average_link_groups(similarity: np.ndarray, threshold: float) -> np.ndarray:
    """Group ids (0..k-1) from average-link clustering, cutting where similarity < threshold.

    >>> average_link_groups(np.array([[1, .9, 0], [.9, 1, 0], [0, 0, 1.]]), 0.5).tolist()
    [0, 0, 1]
    """
    n = similarity.shape[0]
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    distance = np.clip(1.0 - similarity, 0.0, None)
    distance = (distance + distance.T) / 2
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    groups = fcluster(tree, t=1.0 - threshold, criterion="distance")
    _, ids = np.unique(groups, return_inverse=True)
    return ids


def name_groups(groups: np.ndarray, stories: list[int]) -> dict[int, int | None]:
    """Story id for each group: the story holding most of its articles, or None (new story).

    Greedy by decreasing overlap (ties: smaller group id, then older story): each story
    id goes to at most one group, so a story whose articles fall into two groups keeps its
    id for the larger part and the rest splits off.
    """
    overlap = Counter(zip(groups.tolist(), stories, strict=True))
    named: dict[int, int | None] = {}
    used: set[int] = set()
    for (group, story), _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if group not in named and story not in used:
            named[group] = story
            used.add(story)
    for group in set(groups.tolist()) - set(named):
        named[group] = None
    return named
