"""Tests for the degraded-text repair benchmark (storyline.evaluate.repair)."""

from __future__ import annotations

import gzip
import json

import pytest

from storyline.errors import ConfigError, MalformedRecord
from storyline.evaluate import repair as ev


def _write_iwslt(path, records):
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record) + "\n")


def test_eval_repair_gold_labels_from_punctuation():
    words, labels = ev.gold_labels(
        "Mr. Smith met U.S. officials, then left. Did he win?\nHeadline here"
    )
    assert words[:2] == ["Mr", "Smith"]
    assert dict(zip(words, labels, strict=True)) == {
        "Mr": "O",
        "Smith": "O",
        "met": "O",
        "U": "O",
        "S": "O",
        "officials": "COMMA",
        "then": "O",
        "left": "PERIOD",
        "Did": "O",
        "he": "O",
        "win": "QUESTION",
        "Headline": "O",
        "here": "PERIOD",
    }


def test_eval_repair_iwslt_tokens_are_degraded_and_labels_kept(tmp_path):
    path = tmp_path / "tiny.jsonl.gz"
    _write_iwslt(
        path,
        [
            {
                "id": "a",
                "tokens": ["we", "'re", "here", "--", "ok"],
                "labels": ["O", "COMMA", "O", "O", "PERIOD"],
            }
        ],
    )
    (item,) = ev.iwslt_items(path, None, held_out=False)
    assert item.words == ("we", "re", "here", "ok")
    assert item.labels == ("O", "COMMA", "O", "PERIOD")


def test_eval_repair_iwslt_bad_label_is_refused(tmp_path):
    path = tmp_path / "bad.jsonl.gz"
    _write_iwslt(path, [{"id": "a", "tokens": ["x"], "labels": ["EXCLAIM"]}])
    with pytest.raises(MalformedRecord):
        ev.iwslt_items(path, None, held_out=False)


def test_eval_repair_tally_counts_classes_and_boundaries():
    item = ev.RepairItem(
        "x", ("a", "b", "c", "d", "e"), ("COMMA", "O", "PERIOD", "QUESTION", "PERIOD")
    )
    tally = ev.Tally()
    # COMMA right; PERIOD predicted as QUESTION (class miss, boundary hit); QUESTION missed.
    tally.add(item, ev.Prediction([",", "", "?", "", "."]))
    row = tally.row("s")
    assert row["comma_f1"] == 1.0
    assert row["period_f1"] == 0.0
    assert row["overall_p"] == 0.5 and row["overall_r"] == pytest.approx(1 / 3, abs=1e-4)
    assert row["boundary_p"] == 1.0 and row["boundary_r"] == 0.5


def test_eval_repair_truecase_scores_proper_nouns_separately():
    item = ev.RepairItem(
        "x", ("he", "met", "liu", "he"), ("O", "O", "O", "PERIOD"), ("He", "met", "Liu", "He")
    )
    tally = ev.Tally()
    tally.add(item, ev.Prediction(["", "", "", "."], ["He", "met", "Liu", "he"]))
    row = tally.row("s")
    assert row["truecase_accuracy"] == 0.75
    assert row["proper_truecase_accuracy"] == 0.5


def test_eval_repair_runs_on_a_file_with_baselines(tmp_path):
    path = tmp_path / "tiny.jsonl.gz"
    tokens = ("so what did you see there i saw a horse and it was big " * 3).split()
    labels = ["O"] * len(tokens)
    labels[-1] = "PERIOD"
    _write_iwslt(path, [{"id": "a", "tokens": tokens, "labels": labels}])
    result = ev.evaluate_repair(data_path=path, dataset="iwslt", systems=["every-n-words"])
    row = result.row("every-n-words")
    for key in ("overall_f1", "comma_f1", "period_f1", "question_f1", "boundary_f1"):
        assert key in row
    assert result.n == 1


def test_eval_repair_unknown_dataset_or_system():
    with pytest.raises(ConfigError):
        ev.evaluate_repair(dataset="nope")
    with pytest.raises(ConfigError):
        ev.evaluate_repair(dataset="iwslt", systems=["gpt"])
