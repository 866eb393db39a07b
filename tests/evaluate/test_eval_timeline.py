"""`evaluate_timeline` on a small made-up file and, when present, the shared benchmarks."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.evaluate.datasets import GoldTimeline, TimelineTopic
from storyline.evaluate.timeline import (
    evaluate_timeline,
    gold_targets,
    pool_in_span,
    score_timeline,
)

GOLD = GoldTimeline(
    "wire",
    (
        (date(2011, 2, 15), ("Protests erupt in Benghazi after an activist is arrested .",)),
        (
            date(2011, 2, 17),
            (
                "Security forces fire on protesters in Benghazi .",
                "Dozens are killed in Benghazi .",
            ),
        ),
        (date(2011, 2, 20), ("Rebels take control of Benghazi .", "Troops withdraw .")),
    ),
)


def test_timeline_gold_targets_round_mean_sentences():
    # 3 dates; sentences 1 + 2 + 2 = 5, mean 5/3 = 1.67 -> 2 a date
    assert gold_targets(GOLD) == (3, 2)


def test_timeline_pool_is_cut_to_gold_span_inclusive():
    pool = tuple((date(2011, 2, d), (f"day {d}",)) for d in (14, 15, 20, 21))
    topic = TimelineTopic("libya", "tl17", (GOLD,), pool)
    assert [day.day for day, _ in pool_in_span(topic, GOLD)] == [15, 20]


def test_timeline_copy_of_gold_scores_one():
    scores = score_timeline(list(GOLD.entries), GOLD)
    assert scores["date"].f1 == 1.0
    assert scores["ar1"].f1 == pytest.approx(1.0)
    assert scores["ar2"].f1 == pytest.approx(1.0)


def test_timeline_baseline_on_a_file(tmp_path, write_jsonl_gz):
    record = {
        "id": "tl17-libya",
        "dataset": "tl17",
        "timelines": [
            {
                "name": "wire",
                "entries": [{"date": d.isoformat(), "sentences": list(s)} for d, s in GOLD.entries],
            }
        ],
        "candidate_dated_sentences": [
            {"date": "2011-02-15", "sentences": ["Protests erupt in Benghazi ."]},
            {"date": "2011-02-17", "sentences": ["Forces fire on protesters .", "Many killed ."]},
            {"date": "2011-02-18", "sentences": ["Oil rises .", "Oil rises again .", "Oil ."]},
            {"date": "2011-02-20", "sentences": ["Rebels take control of Benghazi ."]},
        ],
    }
    path = write_jsonl_gz(tmp_path / "topics.jsonl.gz", [record])
    result = evaluate_timeline(data_path=path, systems=["baseline-mention-count"])
    row = result.row("baseline-mention-count")
    # picks Feb 18 (3), Feb 17 (2), then Feb 15 (1, earlier than Feb 20): 2 of 3 dates right
    assert row["date_f1"] == pytest.approx(2 / 3)
    assert 0 < row["ar1"] <= 1


def test_timeline_prints_published_anchors(tmp_path, write_jsonl_gz):
    record = {
        "id": "t",
        "dataset": "tl17",
        "timelines": [{"name": "w", "entries": [{"date": "2011-02-15", "sentences": ["a b"]}]}],
        "candidate_dated_sentences": [{"date": "2011-02-15", "sentences": ["a b"]}],
    }
    path = write_jsonl_gz(tmp_path / "topics.jsonl.gz", [record])
    result = evaluate_timeline(data_path=path, systems=["baseline-mention-count"])
    datewise = result.row("published:DATEWISE (T17)")
    assert (datewise["ar1"], datewise["ar2"], datewise["date_f1"]) == (0.120, 0.035, 0.544)
    assert "published (full articles, tilse)" in datewise["note"]
    assert result.row("published:oracle (T17)")["ar1"] == 0.312


def test_timeline_baseline_on_shared_data(require_data):
    require_data("timeline17-crisis")
    result = evaluate_timeline(subset="t17", limit=1, systems=["baseline-mention-count"])
    assert result.n == 1
    assert 0 < result.row("baseline-mention-count")["date_f1"] <= 1


def test_timeline_storyline_row_on_shared_data(require_data, require_attribute):
    require_data("timeline17-crisis")
    require_attribute("storyline.timeline", "timeline_from_pool")
    result = evaluate_timeline(subset="t17", limit=1, systems=["storyline"])
    assert 0 <= result.row("storyline")["ar1"] <= 1
