"""The EvalResult record: one JSON shape for every task, and its table."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

import storyline.evaluate
from storyline.evaluate.report import METRIC_KEYS, EvalResult, make_row, published_row


def _result() -> EvalResult:
    return EvalResult(
        task="summarize",
        data="clusters.jsonl.gz",
        n=2,
        settings={"seed": 0, "data_sha256": "abc"},
        rows=[
            make_row("lead", rouge1=40.0, rouge2=12.5, rougeLsum=36.0, seconds_per_item=0.01),
            published_row("First-3", "full test set", rouge1=39.41),
        ],
        columns=("rouge1", "rouge2", "rougeLsum", "seconds_per_item"),
        notes=("word budget 225",),
        versions={"python": "3.11"},
        cores=2,
    )


def test_report_make_row_has_every_metric_key():
    row = make_row("lead", rouge1=40.0)
    assert list(row) == ["system", *METRIC_KEYS]
    assert row["rouge2"] is None


def test_report_make_row_rejects_unknown_metric():
    with pytest.raises(KeyError, match="rouge3"):
        make_row("lead", rouge3=1.0)


def test_report_published_row_is_prefixed_and_noted():
    row = published_row("trafilatura 2.0.0", "upstream README", f1=0.958)
    assert row["system"] == "published:trafilatura 2.0.0"
    assert row["note"] == "upstream README"


def test_report_to_json_has_the_shared_shape():
    record = json.loads(_result().to_json())
    assert list(record) == ["task", "data", "n", "settings", "versions", "cores", "rows"]
    assert record["settings"]["notes"] == ["word budget 225"]
    assert all(set(METRIC_KEYS) <= set(row) for row in record["rows"])


def test_report_row_lookup_names_the_rows_present():
    with pytest.raises(KeyError, match="lead"):
        _result().row("oracle")


def test_report_print_shows_rows_and_footnotes():
    buffer = io.StringIO()
    _result().print(Console(file=buffer, width=160))
    text = buffer.getvalue()
    assert "published:First-3" in text
    assert "[1] full test set" in text
    assert "40.00" in text


def test_report_evaluate_package_all_is_complete_and_sorted():
    public = {
        name
        for name in vars(storyline.evaluate)
        if not name.startswith("_")
        and name not in {"annotations"}
        and not isinstance(getattr(storyline.evaluate, name), type(storyline))
    }
    assert public == set(storyline.evaluate.__all__)
    assert storyline.evaluate.__all__ == sorted(storyline.evaluate.__all__)


def test_report_baseline_rows_are_the_same_run_non_storyline_rows():
    from storyline.evaluate.report import baseline_rows

    result = EvalResult(
        task="speed",
        data="d",
        n=1,
        settings={},
        rows=[
            make_row("storyline:clean", articles_per_s=10.0),
            make_row("storyline-default", articles_per_s=9.0),
            published_row("paper", "quoted", articles_per_s=5.0),
            make_row("spacy-en_core_web_sm", articles_per_s=7.0),
        ],
        columns=("articles_per_s",),
    )
    assert [row["system"] for row in baseline_rows(result)] == ["spacy-en_core_web_sm"]
