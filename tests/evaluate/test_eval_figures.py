"""`evaluate_figures`: matching rules on made-up values, and the NewsQuant run when present."""

from __future__ import annotations

from storyline.evaluate.figures import (
    GoldQuantity,
    Predicted,
    baseline_regex,
    evaluate_figures,
    match,
)


def test_eval_figures_match_needs_value_and_unit_and_each_gold_once():
    gold = [GoldQuantity((6.0,), "dollar", frozenset({"tickets"}))]
    assert match([Predicted(6.0, "dollar", "")], gold, True, False) == 1
    assert match([Predicted(6.0, "percentage", "")], gold, True, False) == 0
    twice = [Predicted(6.0, "dollar", ""), Predicted(6.0, "dollar", "")]
    assert match(twice, gold, True, False) == 1
    assert match([Predicted(6.0, "dollar", "cheap tickets")], gold, False, True) == 1


def test_eval_figures_range_matches_either_end():
    gold = [GoldQuantity((10.0, 25.0), "percentage", frozenset())]
    assert match([Predicted(25.0, "percentage", "")], gold, True, False) == 1


def test_eval_figures_regex_baseline_reads_signs_and_scales():
    found = baseline_regex("It paid $4.5 billion and 12 workers, up 3%.")
    assert (4.5e9, "dollar") in [(p.value, p.unit) for p in found]
    assert (3.0, "percentage") in [(p.value, p.unit) for p in found]


def test_eval_figures_on_newsquant_dev(require_data):
    result = evaluate_figures(data_path=require_data("newsquant"), limit=80)
    ours, baseline = result.row("storyline"), result.row("baseline-regex")
    assert ours["f1"] > baseline["f1"] + 0.15
    assert ours["concept_overlap"] is not None
