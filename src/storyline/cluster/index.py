"""Weighted inverted indexes for scoring one article against many stories at once.

Cosine similarity of an article to a story centroid needs, per story, the dot product over
the terms they share. `PostingIndex` stores, for every hashed term, the slots of the
stories holding it and their IDF-weighted values (a term-major CSR matrix), so the dot
products of one query with every story cost the length of the query terms' posting lists,
not the stories' total size. A compiled loop sums them: the numpy version's gathered copies
were a third of clustering time at 150k articles. Stories that grow between builds append
their new entries to a delta buffer that every query also reads; a build folds the deltas
in (the clusterer decides when, trading the per-query delta cost against the build cost).

`ArchiveIndex` holds small signatures of dormant stories in a few `PostingIndex` chunks
whose sizes roughly double (a log-structured merge), so archiving a story costs amortised
O(log n) and a query touches O(log n) chunks.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numba import njit


class PostingIndex:
    """Term -> (slot, weight) postings built in one go, plus entries appended since."""

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        self.matrix = sp.csr_matrix((n_features, 0))
        self._delta_terms = np.zeros(1024, dtype=np.int64)
        self._delta_slots = np.zeros(1024, dtype=np.int64)
        self._delta_weights = np.zeros(1024)
        self.delta_size = 0
        # delta entries read by queries since the build (the clusterer's rebuild rule)
        self.delta_read = 0

    @property
    def size(self) -> int:
        """Entries in the built part."""
        return int(self.matrix.nnz)

    def build(self, terms: np.ndarray, slots: np.ndarray, weights: np.ndarray, n_slots: int):
        """Index the entries (term, slot, weight) of slots 0..n_slots-1; drop the deltas."""
        self.matrix = term_major(terms, slots, weights, self.n_features, n_slots)
        self.delta_size = 0
        self.delta_read = 0

    def add(self, slot: int, terms: np.ndarray, weights: np.ndarray) -> None:
        """Add `weights` at `terms` to slot `slot` (a new story or a grown one)."""
        end = self.delta_size + terms.size
        if end > self._delta_terms.size:
            grow = max(end, 2 * self._delta_terms.size)
            self._delta_terms = np.resize(self._delta_terms, grow)
            self._delta_slots = np.resize(self._delta_slots, grow)
            self._delta_weights = np.resize(self._delta_weights, grow)
        self._delta_terms[self.delta_size : end] = terms
        self._delta_slots[self.delta_size : end] = slot
        self._delta_weights[self.delta_size : end] = weights
        self.delta_size = end

    def dots(
        self, terms: np.ndarray, weights: np.ndarray, n_slots: int, scratch: np.ndarray
    ) -> np.ndarray:
        """Dot products of a query (a weight per term of `terms`) with every slot below
        `n_slots`.

        `scratch` is a zeroed array of `n_features` floats, returned zeroed.
        """
        out = np.zeros(n_slots)
        if not terms.size:
            return out
        count = self.delta_size
        self.delta_read += count
        matrix = self.matrix
        _add_dots(matrix.indptr, matrix.indices, matrix.data, terms, weights, out)
        if count:
            _add_delta_dots(
                terms,
                weights,
                self._delta_terms[:count],
                self._delta_slots[:count],
                self._delta_weights[:count],
                scratch,
                out,
            )
        return out


@njit(cache=True)
def _add_dots(indptr, slots, values, terms, weights, out):
    """Add to `out` the dot products of a query (`weights` at `terms`) with the slots of
    a term-major matrix, walking the query terms' rows (slots past `out` are left out)."""
    for i in range(terms.size):
        weight = weights[i]
        for p in range(indptr[terms[i]], indptr[terms[i] + 1]):
            if slots[p] < out.size:
                out[slots[p]] += values[p] * weight


@njit(cache=True)
def _add_delta_dots(terms, weights, delta_terms, delta_slots, delta_weights, scratch, out):
    """Add to `out` the query's dot products with the delta entries, whose terms are looked
    up in `scratch` (set to the query weights, then zeroed again)."""
    for i in range(terms.size):
        scratch[terms[i]] = weights[i]
    for p in range(delta_terms.size):
        weight = scratch[delta_terms[p]]
        if weight != 0.0 and delta_slots[p] < out.size:
            out[delta_slots[p]] += weight * delta_weights[p]
    for i in range(terms.size):
        scratch[terms[i]] = 0.0


class ArchiveIndex:
    """Signatures of dormant stories, searchable by shared terms (module doc)."""

    def __init__(self, n_features: int) -> None:
        self.n_features = n_features
        # oldest first: (term-major matrix, the archive entry number of each of its slots)
        self.chunks: list[tuple[sp.csr_matrix, np.ndarray]] = []

    @property
    def entries(self) -> int:
        return sum(ids.size for _, ids in self.chunks)

    def add(self, entry_ids: list[int], rows: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Archive `rows` under `entry_ids`; chunks of similar size are merged."""
        if not rows:
            return
        lengths = [terms.size for terms, _ in rows]
        matrix = term_major(
            np.concatenate([terms for terms, _ in rows]),
            np.repeat(np.arange(len(rows)), lengths),
            np.concatenate([weights for _, weights in rows]),
            self.n_features,
            len(rows),
        )
        ids = np.asarray(entry_ids, dtype=np.int64)
        while self.chunks and self.chunks[-1][1].size <= 2 * ids.size:
            older, older_ids = self.chunks.pop()
            matrix, ids = sp.hstack([older, matrix], format="csr"), np.concatenate([older_ids, ids])
        self.chunks.append((matrix, ids))

    def drop_oldest(self) -> int:
        """Forget the oldest (largest) chunk; returns how many entries went."""
        return int(self.chunks.pop(0)[1].size) if self.chunks else 0

    def search(self, terms: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entry ids sharing a term with the query, and their dot products with it."""
        found_ids, found_dots = [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
        for matrix, ids in self.chunks:
            dots = np.zeros(ids.size)
            _add_dots(matrix.indptr, matrix.indices, matrix.data, terms, weights, dots)
            hit = np.flatnonzero(dots)
            found_ids.append(ids[hit])
            found_dots.append(dots[hit])
        return np.concatenate(found_ids), np.concatenate(found_dots)


def term_major(
    terms: np.ndarray, slots: np.ndarray, weights: np.ndarray, n_features: int, n_slots: int
) -> sp.csr_matrix:
    """CSR matrix whose row t lists the slots holding term t, with their weights."""
    indptr = np.zeros(n_features + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=n_features), out=indptr[1:])
    order = _counting_order(terms, indptr)
    return sp.csr_matrix((weights[order], slots[order], indptr), shape=(n_features, n_slots))


@njit(cache=True)
def _counting_order(terms, indptr):
    """The stable order that sorts `terms`, given each term's start in the sorted array: a
    counting sort, linear where argsort is n log n (builds run every few hundred articles)."""
    order = np.empty(terms.size, dtype=np.int64)
    place = indptr[:-1].copy()
    for position in range(terms.size):
        order[place[terms[position]]] = position
        place[terms[position]] += 1
    return order
