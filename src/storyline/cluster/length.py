"""Similarity calibrated to text length, so one threshold serves headlines and articles.

Two headlines of one story share two or three content words, two full articles dozens:
their TF-IDF (and entity-cue) cosines sit on different scales, and a threshold right for
full articles splits a headline stream into ten times too many stories. The shorter text
of a pair bounds what the two can share, so the pair's similarity is scaled up by
`length_factor` of the shorter text's distinct content terms: 1 from `full_terms` terms
up, (full_terms / n) ** power below. Scaling (not a threshold per kind) keeps the shares
the window re-clustering cuts at (coarse topics, contrast) consistent, and a stream that
mixes headlines and articles needs no switch.
"""

from __future__ import annotations

import numpy as np


def length_factor(n_terms, full_terms: float, power: float) -> np.ndarray:
    """Similarity scale for texts of `n_terms` distinct content terms (1 when power is 0).

    >>> length_factor(np.array([5, 20, 80]), 20, 0.5).round(2).tolist()
    [2.0, 1.0, 1.0]
    """
    n = np.maximum(np.asarray(n_terms, dtype=float), 1.0)
    if power <= 0:
        return np.ones_like(n)
    return np.maximum(full_terms / n, 1.0) ** power


def pair_factor(n_terms: np.ndarray, full_terms: float, power: float) -> np.ndarray:
    """Scale of each pair: that of the shorter text (the larger of the two factors)."""
    factor = length_factor(n_terms, full_terms, power)
    return np.maximum.outer(factor, factor)
