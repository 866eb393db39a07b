"""The clusterer's records: a story's running sums, a window article, a query, and the
small sparse-vector helpers they share (used by online.py and its parts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import scipy.sparse as sp

_EMPTY_INDICES = np.zeros(0, dtype=np.int64)
_EMPTY_VALUES = np.zeros(0)
# Stories keep their first articles' headlines to label them (see cluster/label.py).
LABEL_POOL = 5


@dataclass(slots=True)
class _StoryState:
    story_id: int
    # Sum of members' unit term vectors as sorted hashed indices and their values.
    term_indices: np.ndarray
    term_values: np.ndarray
    vector: np.ndarray | None
    size: int
    first_at: datetime | None
    last_at: datetime | None
    article_ids: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    # Lead sentences of the first articles (label.lead_text), to label by without headlines.
    leads: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    merged_into: int | None = None
    label: str | None = None
    # Sum of members' unit entity-cue vectors (features.py), as the terms.
    cue_indices: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cue_values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # Dormant: out of the posting indexes, sums cut to a signature (see _archive).
    archived: bool = False


@dataclass(slots=True)
class _WindowRow:
    """One recent article's unit vectors, kept for re-clustering the window."""

    position: int  # index into labels_ / article_ids_ / assignments_
    term_indices: np.ndarray
    term_values: np.ndarray
    cue_indices: np.ndarray
    cue_values: np.ndarray
    vector: np.ndarray | None
    at: datetime | None
    headline: str | None = None
    outlet: str | None = None
    lead: str | None = None  # label.lead_text of the article


def _utc(when: datetime | None) -> datetime | None:
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


@dataclass(slots=True)
class _Side:
    """The terms (or cues) of a query, weighted for the posting indexes.

    The indexes hold story sums weighted with the IDF of their last build. `built` weighs
    the query the same way (for the deltas and running norms); `probe` is weighted with
    the current IDF squared over the built one, so its dot product with an index row is
    the dot product under the current IDF: the numerator of the cosine stays exact as
    document frequencies move, and only story norms wait for the next build.
    """

    indices: np.ndarray
    built: np.ndarray
    probe: np.ndarray
    unit: np.ndarray  # unit vector under the current IDF (for archived signatures)
    built_norm: float
    norm: float

    @classmethod
    def of(cls, indices, values, built_idf: np.ndarray, current_idf: np.ndarray) -> _Side:
        built = values * built_idf[indices]
        current = values * current_idf
        norm = _norm(current)
        return cls(
            indices=indices,
            built=built,
            probe=current * current_idf / built_idf[indices],
            unit=current / (norm or 1.0),
            built_norm=_norm(built),
            norm=norm,
        )


@dataclass(slots=True)
class _Query:
    """An article or a story as a query: its terms, its cues, its embedder vector."""

    terms: _Side
    cues: _Side
    vector: np.ndarray | None
    # similarity scale for the query's length (cluster/length.py); 1 for story queries
    scale: float = 1.0


def _row(matrix: sp.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of one CSR row with sorted indices (without scipy's row
    slicing)."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:end].astype(np.int64), matrix.data[start:end]


def _add_member(story: _StoryState, row: _WindowRow) -> None:
    """Count one more article in a story's size, dates, label pool and outlets."""
    story.size += 1
    if row.at is not None:
        story.first_at = row.at if story.first_at is None else min(story.first_at, row.at)
        story.last_at = row.at if story.last_at is None else max(story.last_at, row.at)
    if row.headline and len(story.headlines) < LABEL_POOL:
        story.headlines.append(row.headline)
    if row.lead and len(story.leads) < LABEL_POOL:
        story.leads.append(row.lead)
    if row.outlet and row.outlet not in story.outlets:
        story.outlets.append(row.outlet)


def _dot(a_indices, a_values, b_indices, b_values) -> float:
    """Dot product of two sparse vectors given as sorted unique indices and values.

    A binary search per entry of b: a join costs the article's length times log of the
    story's, not a pass over the story (stories reach thousands of terms)."""
    at = np.searchsorted(a_indices, b_indices)
    found = at < a_indices.size
    found[found] = a_indices[at[found]] == b_indices[found]
    return float(a_values[at[found]] @ b_values[found])


def _norm(weights: np.ndarray) -> float:
    return float(np.sqrt(weights @ weights))


def _top(indices, values, idf, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The `k` entries with the largest IDF-weighted values, in index order."""
    if indices.size <= k:
        return indices, values
    keep = np.sort(np.argpartition(-(values * idf[indices]), k)[:k])
    return indices[keep], values[keep]


def _unit(indices, values, idf) -> tuple[np.ndarray, np.ndarray]:
    weights = values * idf[indices]
    return indices, weights / (_norm(weights) or 1.0)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
