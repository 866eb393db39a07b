"""The posting index against dense arithmetic: built entries, deltas, and slots past the
ones asked for."""

import numpy as np

from storyline.cluster.index import PostingIndex, term_major

N_FEATURES = 50


def _random_entries(rng, n_slots, count):
    terms = rng.integers(0, N_FEATURES, count)
    slots = rng.integers(0, n_slots, count)
    return terms, slots, rng.random(count)


def test_term_major_rows_list_each_terms_slots_in_entry_order():
    rng = np.random.default_rng(3)
    terms, slots, weights = _random_entries(rng, 9, 400)
    matrix = term_major(terms, slots, weights, N_FEATURES, 9)
    order = np.argsort(terms, kind="stable")
    np.testing.assert_array_equal(matrix.indices, slots[order])
    np.testing.assert_array_equal(matrix.data, weights[order])
    dense = np.zeros((N_FEATURES, 9))
    np.add.at(dense, (terms, slots), weights)
    np.testing.assert_allclose(matrix.toarray(), dense)


def test_dots_cover_built_entries_and_deltas_exactly():
    rng = np.random.default_rng(5)
    for _ in range(50):
        n_slots = int(rng.integers(1, 12))
        index = PostingIndex(N_FEATURES)
        dense = np.zeros((N_FEATURES, n_slots + 3))
        terms, slots, weights = _random_entries(rng, n_slots, int(rng.integers(0, 200)))
        index.build(terms, slots, weights, n_slots)
        np.add.at(dense, (terms, slots), weights)
        for slot in range(n_slots + 3):  # deltas, some for slots opened after the build
            grown = np.unique(rng.integers(0, N_FEATURES, rng.integers(0, 8)))
            added = rng.random(grown.size)
            index.add(slot, grown, added)
            dense[grown, slot] += added
        query = np.unique(rng.integers(0, N_FEATURES, rng.integers(0, 15)))
        query_weights = rng.random(query.size)
        scratch = np.zeros(N_FEATURES)
        # slots past the ones asked for are left out, not written past the result
        dots = index.dots(query, query_weights, n_slots + 1, scratch)
        np.testing.assert_allclose(dots, query_weights @ dense[query, : n_slots + 1])
        assert not scratch.any()
