"""`storyline eval` commands: thin wrappers printing a table or one JSON record."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from storyline.cli.eval import eval_app
from storyline.errors import DataUnavailable
from storyline.evaluate.report import METRIC_KEYS

runner = CliRunner()


@pytest.fixture
def clusters_file(tmp_path, write_jsonl_gz, harbor_articles, harbor_reference):
    record = {
        "id": "harbor",
        "documents": [{"text": t} for t in harbor_articles],
        "summaries": [harbor_reference],
    }
    return write_jsonl_gz(tmp_path / "clusters.jsonl.gz", [record])


def test_cli_eval_json_prints_one_record(clusters_file):
    args = ["summarize", "--data", str(clusters_file), "--systems", "lead,random"]
    result = runner.invoke(eval_app, [*args, "--json", "--quiet", "--seed", "3"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert list(record) == ["task", "data", "n", "settings", "versions", "cores", "rows"]
    assert record["settings"]["seed"] == 3
    assert [row["system"] for row in record["rows"]][:2] == ["lead", "random"]
    assert set(METRIC_KEYS) <= set(record["rows"][0])


def test_cli_eval_table_by_default(clusters_file):
    args = ["summarize", "--data", str(clusters_file), "--systems", "lead", "--quiet"]
    result = runner.invoke(eval_app, args)
    assert result.exit_code == 0, result.output
    assert "lead" in result.stdout
    assert "rouge1" in result.stdout


def test_cli_eval_missing_data_raises_data_unavailable(tmp_path):
    result = runner.invoke(eval_app, ["extract", "--data", str(tmp_path / "none.jsonl.gz")])
    assert isinstance(result.exception, DataUnavailable)


def test_cli_eval_rejects_unknown_dataset():
    result = runner.invoke(eval_app, ["cluster", "--dataset", "duc2004"])
    assert result.exit_code == 2


def test_cli_eval_lists_its_commands():
    result = runner.invoke(eval_app, ["--help"])
    for command in ("summarize", "cluster", "timeline", "extract"):
        assert command in result.stdout


def test_cli_eval_warns_when_no_row_is_a_same_run_baseline(monkeypatch):
    from storyline.cli import eval as eval_cli
    from storyline.evaluate.report import EvalResult, make_row

    seen = []
    monkeypatch.setattr("storyline.cli.common.say", lambda text, label=None: seen.append(text))
    only_storyline = EvalResult(
        task="cluster",
        data="d",
        n=3,
        settings={},
        rows=[make_row("storyline", bcubed_f1=0.9)],
        columns=("bcubed_f1",),
    )
    eval_cli._emit(only_storyline, as_json=True)
    assert len(seen) == 1 and "no same-run baseline" in seen[0]
    with_baseline = EvalResult(
        task="cluster",
        data="d",
        n=3,
        settings={},
        rows=[make_row("storyline", bcubed_f1=0.9), make_row("singletons", bcubed_f1=0.4)],
        columns=("bcubed_f1",),
    )
    eval_cli._emit(with_baseline, as_json=True)
    assert len(seen) == 1


def test_cli_eval_summarize_cv_refuses_options_it_would_ignore(clusters_file):
    from storyline.errors import ConfigError

    result = runner.invoke(eval_app, ["summarize", "--cv", "--data", str(clusters_file)])
    assert isinstance(result.exception, ConfigError)
    assert "--data" in str(result.exception)
