"""MUC, B-cubed and CEAF-e against a small example computed by hand."""

from __future__ import annotations

import pytest

from storyline.evaluate.coref import b_cubed, ceaf_e, clusters_from_labels, conll, muc

KEY = [{"a", "b", "c"}, {"d", "e"}]
RESPONSE = [{"a", "b"}, {"c", "d", "e"}]


def test_coref_muc_counts_links():
    # recall: {a,b,c} is cut in 2 parts -> 1 of 2 links, {d,e} kept -> 1 of 1; 2/3
    # precision: {a,b} 1 of 1, {c,d,e} 2 parts -> 1 of 2; 2/3
    score = muc(KEY, RESPONSE)
    assert score.recall == pytest.approx(2 / 3) and score.precision == pytest.approx(2 / 3)


def test_coref_b_cubed_averages_over_mentions():
    # recall per mention: a 2/3, b 2/3, c 1/3, d 1, e 1 -> 11/15; precision the same
    score = b_cubed(KEY, RESPONSE)
    assert score.recall == pytest.approx(11 / 15) and score.precision == pytest.approx(11 / 15)


def test_coref_ceaf_e_aligns_entities_one_to_one():
    # phi4({a,b,c},{a,b}) = 4/5 and phi4({d,e},{c,d,e}) = 4/5; 1.6 over 2 entities each
    assert ceaf_e(KEY, RESPONSE).f1 == pytest.approx(0.8)


def test_coref_conll_is_the_mean_and_perfect_is_one():
    scores = conll(KEY, RESPONSE)
    assert scores["conll_f1"] == pytest.approx((2 / 3 + 11 / 15 + 0.8) / 3)
    assert conll(KEY, KEY)["conll_f1"] == pytest.approx(1.0)


def test_coref_all_singletons_response_has_no_muc_links():
    singletons = clusters_from_labels((m, m) for m in "abcde")
    assert muc(KEY, singletons).f1 == 0.0
    assert b_cubed(KEY, singletons).precision == pytest.approx(1.0)
