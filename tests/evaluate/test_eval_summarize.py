"""`evaluate_summarize` on a small made-up file and, when present, the shared benchmarks."""

from __future__ import annotations

import pytest

from storyline.errors import ConfigError
from storyline.evaluate.summarize import WORD_BUDGETS, evaluate_summarize

BASELINES = ["lead", "textrank", "lexrank", "random", "oracle"]


@pytest.fixture
def harbor_file(tmp_path, write_jsonl_gz, harbor_articles, harbor_reference):
    records = [
        {
            "id": "harbor-1",
            "documents": [{"text": t} for t in harbor_articles],
            "summaries": [harbor_reference],
        },
        {
            "id": "harbor-2",
            "documents": [{"text": t} for t in reversed(harbor_articles)],
            "summaries": [harbor_reference],
        },
    ]
    return write_jsonl_gz(tmp_path / "clusters.jsonl.gz", records)


def test_summarize_scores_every_baseline_on_a_file(harbor_file):
    result = evaluate_summarize(data_path=harbor_file, systems=BASELINES, max_words=40)
    assert [row["system"] for row in result.rows][:5] == BASELINES
    assert result.n == 2
    for system in BASELINES:
        assert 0 < result.row(system)["rouge1"] <= 100
        assert result.row(system)["seconds_per_item"] >= 0


def test_summarize_oracle_is_at_least_lead_on_a_file(harbor_file):
    result = evaluate_summarize(data_path=harbor_file, systems=["lead", "oracle"], max_words=40)
    oracle, lead = result.row("oracle"), result.row("lead")
    assert oracle["rouge1"] + oracle["rouge2"] >= lead["rouge1"] + lead["rouge2"]


def test_summarize_budget_defaults_to_dataset_mean_reference_length(harbor_file):
    result = evaluate_summarize(data_path=harbor_file, dataset="neus", systems=["lead"])
    assert result.settings["max_words"] == WORD_BUDGETS["neus"]
    assert any("mean reference length" in note for note in result.notes)


def test_summarize_unknown_system_raises_config_error(harbor_file):
    with pytest.raises(ConfigError, match="valid: storyline, lead"):
        evaluate_summarize(data_path=harbor_file, systems=["pegasus"])


def test_summarize_multinews_baselines_on_shared_data(require_data):
    require_data("multinews")
    result = evaluate_summarize(dataset="multinews", limit=2, systems=BASELINES)
    assert result.n == 2
    assert result.row("oracle")["rouge1"] >= result.row("random")["rouge1"]
    assert any(row["system"].startswith("published:") for row in result.rows)


def test_summarize_neus_baselines_on_shared_data(require_data):
    require_data("neus")
    result = evaluate_summarize(dataset="neus", limit=3, systems=BASELINES)
    assert result.n == 3
    assert result.settings["max_words"] == 66


def test_summarize_storyline_row_on_shared_data(require_data, require_attribute):
    require_data("neus")
    require_attribute("storyline.summarize", "summarize_texts")
    result = evaluate_summarize(dataset="neus", limit=2, systems=["storyline", "lead"])
    assert 0 < result.row("storyline")["rouge1"] <= 100
