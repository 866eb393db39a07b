"""Metric code on small examples whose answers are worked out by hand in the comments."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.evaluate.metrics import (
    alignment_rouge,
    bcubed,
    date_f1,
    exact_match,
    ngram_f1,
    pairwise,
    shingle_counts,
    shingle_scores,
    snippet_counts,
    snippet_scores,
    summary_rouge,
    timeline_tokens,
)

# Five articles: gold stories A = {1, 2, 3}, B = {4, 5}; predicted C1 = {1, 2}, C2 = {3, 4, 5}.
GOLD = ["A", "A", "A", "B", "B"]
PREDICTED = [1, 1, 2, 2, 2]


def test_metrics_bcubed_hand_example():
    # item  C(i)     L(i)     |C&L|  P_i   R_i
    # 1     {1,2}    {1,2,3}  2      2/2   2/3
    # 2     {1,2}    {1,2,3}  2      2/2   2/3
    # 3     {3,4,5}  {1,2,3}  1      1/3   1/3
    # 4     {3,4,5}  {4,5}    2      2/3   2/2
    # 5     {3,4,5}  {4,5}    2      2/3   2/2
    # P = (1 + 1 + 1/3 + 2/3 + 2/3) / 5 = (11/3) / 5 = 11/15
    # R = (2/3 + 2/3 + 1/3 + 1 + 1) / 5 = (11/3) / 5 = 11/15;  F1 = 11/15
    scores = bcubed(PREDICTED, GOLD)
    assert scores.precision == pytest.approx(11 / 15)
    assert scores.recall == pytest.approx(11 / 15)
    assert scores.f1 == pytest.approx(11 / 15)


def test_metrics_pairwise_hand_example():
    # predicted pairs: C1 {1-2}; C2 {3-4, 3-5, 4-5}            -> 4
    # gold pairs:      A {1-2, 1-3, 2-3}; B {4-5}              -> 4
    # in both: 1-2 and 4-5                                     -> 2
    # P = 2/4 = 0.5, R = 2/4 = 0.5, F1 = 0.5
    scores = pairwise(PREDICTED, GOLD)
    assert (scores.precision, scores.recall, scores.f1) == pytest.approx((0.5, 0.5, 0.5))


def test_metrics_pairwise_singletons_are_vacuously_precise():
    # no predicted pairs: P = 1 (nothing wrong claimed); gold pairs 4, found 0: R = 0; F1 = 0
    scores = pairwise([1, 2, 3, 4, 5], GOLD)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 0.0, 0.0)


def test_metrics_bcubed_singletons_recall_is_mean_inverse_gold_size():
    # every P_i = 1; R_i = 1/|L(i)|: 1/3, 1/3, 1/3, 1/2, 1/2 -> R = (1 + 1) / 5 = 0.4
    scores = bcubed([1, 2, 3, 4, 5], GOLD)
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(0.4)


def test_metrics_bcubed_rejects_length_mismatch():
    with pytest.raises(ValueError, match="4 predicted labels for 5 gold"):
        bcubed([1, 1, 2, 2], GOLD)


def test_metrics_date_f1_hand_example():
    # predicted {Jan 1, 2, 3}, gold {Jan 2, 3, 4, 5}: shared {2, 3}
    # P = 2/3, R = 2/4; F1 = 2 * (2/3 * 1/2) / (2/3 + 1/2) = (2/3) / (7/6) = 4/7
    predicted = [date(2011, 1, d) for d in (1, 2, 3)]
    gold = [date(2011, 1, d) for d in (2, 3, 4, 5)]
    scores = date_f1(predicted, gold)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(1 / 2)
    assert scores.f1 == pytest.approx(4 / 7)


def test_metrics_date_f1_empty_prediction_scores_zero():
    assert date_f1([], [date(2011, 1, 2)]).f1 == 0.0


def test_metrics_timeline_tokens_stem_and_drop_stopwords():
    # "the" and "of" are stopwords; Porter: rebels -> rebel, seize -> seiz
    assert timeline_tokens("The rebels seize the town of Zawiya") == (
        "rebel",
        "seiz",
        "town",
        "zawiya",
    )


def test_metrics_alignment_rouge_hand_example():
    # gold:      Jan 10 "rebels seize town"   Jan 20 "army retakes town"
    # predicted: Jan 10 "rebels seize town"   Jan 12 "army retakes city"
    #
    # raw unigram F1 (content) and date weight w = 1/(|days|+1); cost = (1 - w)(1 - F1):
    #   P10-G10: F1 1,   w 1,    cost 0
    #   P10-G20: F1 1/3, w 1/11, cost (10/11)(2/3) = 0.606
    #   P12-G10: F1 0,   w 1/3,  cost (2/3)(1)     = 0.667
    #   P12-G20: F1 2/3, w 1/9,  cost (8/9)(1/3)   = 0.296
    # precision alignment: P10 -> G10, P12 -> G20; recall alignment: G10 -> P10, G20 -> P12
    #
    # ROUGE-1 (tokens rebel seiz town / armi retak citi / armi retak town):
    #   hits P10-G10 = 3 (weight 1), P12-G20 = 2 (armi, retak; weight 1/9)
    #   P = (3 + 2/9) / (3 + 3) = 29/54;  R = (3 + 2/9) / (3 + 3) = 29/54;  F1 = 29/54
    # ROUGE-2: bigrams per day = 2; hits P10-G10 = 2, P12-G20 = 1 (armi retak) x 1/9
    #   P = R = (2 + 1/9) / (2 + 2) = 19/36
    gold = {date(2011, 3, 10): ["rebels seize town"], date(2011, 3, 20): ["army retakes town"]}
    predicted = {date(2011, 3, 10): ["rebels seize town"], date(2011, 3, 12): ["army retakes city"]}
    scores = alignment_rouge(predicted, gold)
    assert scores[1].precision == pytest.approx(29 / 54)
    assert scores[1].recall == pytest.approx(29 / 54)
    assert scores[1].f1 == pytest.approx(29 / 54)
    assert scores[2].f1 == pytest.approx(19 / 36)


def test_metrics_alignment_rouge_many_to_one_and_earliest_tie():
    # gold: Jan 10 "rebels seize town"; predicted: the same sentence on Jan 10 and Jan 11.
    # precision: both predicted dates align to G10 (the only gold date):
    #   hits 3 x w(0 days) = 3 and 3 x w(1 day) = 3/2 -> P = 4.5 / 6 = 0.75
    # recall: G10 costs 0 with P10 (same day) and 0 with P11 (identical content, F1 = 1);
    #   the tie goes to the earliest date, P10 -> R = 3 / 3 = 1
    # F1 = 2 * 0.75 * 1 / 1.75 = 6/7
    gold = {date(2011, 3, 10): ["rebels seize town"]}
    predicted = {date(2011, 3, 10): ["rebels seize town"], date(2011, 3, 11): ["rebels seize town"]}
    scores = alignment_rouge(predicted, gold, orders=(1,))
    assert scores[1].precision == pytest.approx(0.75)
    assert scores[1].recall == pytest.approx(1.0)
    assert scores[1].f1 == pytest.approx(6 / 7)


def test_metrics_alignment_rouge_empty_prediction_scores_zero():
    scores = alignment_rouge({}, {date(2011, 3, 10): ["rebels seize town"]})
    assert scores[1].f1 == scores[2].f1 == 0.0


def test_metrics_ngram_f1_hand_example():
    # "police close bridge" vs "police close road": unigrams 2 of 3 match -> P = R = F1 = 2/3
    # bigrams: (police, close) matches 1 of 2 -> F1 = 1/2
    predicted, reference = ["police", "close", "bridge"], ["police", "close", "road"]
    assert ngram_f1(predicted, reference, 1) == pytest.approx(2 / 3)
    assert ngram_f1(predicted, reference, 2) == pytest.approx(1 / 2)


def test_metrics_summary_rouge_hand_example():
    # rouge-score tokens: police close bridge / police close road (as in the n-gram test)
    # R-1 = 66.67, R-2 = 50; one sentence each, so R-Lsum = LCS 2 / 3 -> 66.67
    scores = summary_rouge(["Police close bridge."], "Police close road.")
    assert scores["rouge1"] == pytest.approx(200 / 3)
    assert scores["rouge2"] == pytest.approx(50.0)
    assert scores["rougeLsum"] == pytest.approx(200 / 3)


def test_metrics_shingle_counts_hand_example():
    # gold "The storm hit the coast":  shingles (The storm hit the), (storm hit the coast)
    # pred "The storm hit the town":   shingles (The storm hit the), (storm hit the town)
    # tp = 1, fp = 1, fn = 1; normalised by 3 -> (1/3, 1/3, 1/3)
    counts = shingle_counts("The storm hit the coast", "The storm hit the town")
    assert counts == pytest.approx((1 / 3, 1 / 3, 1 / 3))


def test_metrics_shingle_counts_short_text_is_one_shingle():
    # fewer than 4 words: one shingle of all of them, so an exact copy is tp = 1 -> (1, 0, 0)
    assert shingle_counts("Breaking news", "Breaking news") == (1.0, 0.0, 0.0)


def test_metrics_shingle_scores_follow_upstream_averaging():
    # page 1: (1/3, 1/3, 1/3)   -> precision 1/2, recall 1/2, tokens differ -> match 0
    # page 2: nothing extracted  -> (0, 0, 1): skipped for precision (tp + fp = 0), recall 0
    # page 3: exact copy         -> (1, 0, 0): precision 1, recall 1, match 1
    # P = mean(1/2, 1) = 3/4;  R = mean(1/2, 0, 1) = 1/2;  F1 = 2 (3/4)(1/2) / (5/4) = 3/5
    # accuracy = mean(0, 0, 1) = 1/3
    gold = ["The storm hit the coast", "Schools closed on Friday", "Power returned late Sunday"]
    predicted = ["The storm hit the town", "", "Power returned late Sunday"]
    counts = [shingle_counts(g, p) for g, p in zip(gold, predicted, strict=True)]
    matches = [exact_match(g, p) for g, p in zip(gold, predicted, strict=True)]
    scores = shingle_scores(counts, matches)
    assert scores["precision"] == pytest.approx(3 / 4)
    assert scores["recall"] == pytest.approx(1 / 2)
    assert scores["f1"] == pytest.approx(3 / 5)
    assert scores["accuracy"] == pytest.approx(1 / 3)


def test_metrics_exact_match_ignores_punctuation_and_spacing():
    # upstream compares \w+ token lists, so punctuation and line breaks do not matter
    assert exact_match("Storm hits coast.\n\nMore soon!", "Storm hits coast More soon") == 1.0


def test_metrics_snippet_counts_normalise_whitespace():
    # with:    "Storm hits coast." found; "Officials urged residents   to leave." found after
    #          whitespace normalisation -> tp 2, fn 0
    # without: "Share this article" found -> fp 1; "Advertisement" absent -> tn 1
    text = "Storm hits coast.\nOfficials urged residents to\nleave.\nShare this article"
    counts = snippet_counts(
        text,
        ["Storm hits coast.", "Officials urged residents   to leave."],
        ["Share this article", "Advertisement"],
    )
    assert counts == (2, 1, 0, 1)


def test_metrics_snippet_counts_are_case_sensitive():
    assert snippet_counts("storm hits coast", ["Storm hits coast"], []) == (0, 0, 1, 0)


def test_metrics_snippet_counts_treat_none_as_nothing_found():
    assert snippet_counts(None, ["a b", "c d"], ["e f"]) == (0, 0, 2, 1)


def test_metrics_snippet_scores_hand_example():
    # pages (tp, fp, fn, tn): (2, 1, 0, 1) and (0, 0, 2, 1) -> totals tp 2, fp 1, fn 2, tn 2
    # P = 2/3; R = 2/4 = 1/2; F1 = 2*2 / (2*2 + 1 + 2) = 4/7; accuracy = (2 + 2) / 7 = 4/7
    scores = snippet_scores([(2, 1, 0, 1), (0, 0, 2, 1)])
    assert scores["precision"] == pytest.approx(2 / 3)
    assert scores["recall"] == pytest.approx(1 / 2)
    assert scores["f1"] == pytest.approx(4 / 7)
    assert scores["accuracy"] == pytest.approx(4 / 7)
