"""`evaluate_cluster` on a small made-up file and, when present, the shared benchmarks."""

from __future__ import annotations

import pytest

from storyline.errors import ConfigError
from storyline.evaluate.cluster import evaluate_cluster, half_units
from storyline.evaluate.datasets import ClusterItem

BASELINES = ["tfidf-agglomerative", "singletons", "one-cluster"]

# Two topics, each with two different events of the same kind (as ECB+ is built).
STORIES = {
    ("1", "1_ecb"): [
        "Dockworkers strike at Halden port over pay, stranding container ships.",
        "Halden port strike strands container ships as dockworkers demand pay.",
    ],
    ("1", "1_ecbplus"): [
        "Rail workers walk out in Brenna as commuter trains stop running.",
        "Commuter trains stop in Brenna after rail workers walk out.",
    ],
    ("2", "2_ecb"): [
        "Earthquake of magnitude 6.1 shakes coastal Varda, damaging bridges.",
        "Bridges damaged in Varda after a magnitude 6.1 earthquake.",
    ],
    ("2", "2_ecbplus"): [
        "Floods swamp farmland in Osk after days of heavy rain.",
        "Heavy rain floods Osk farmland for a third day.",
    ],
}


@pytest.fixture
def topics_file(tmp_path, write_jsonl_gz):
    records = [
        {"id": f"{cluster}-{i}", "text": text, "cluster": cluster, "topic": topic}
        for (topic, cluster), texts in STORIES.items()
        for i, text in enumerate(texts)
    ]
    return write_jsonl_gz(tmp_path / "articles.jsonl.gz", records)


def test_cluster_trivial_baselines_bound_bcubed(topics_file):
    result = evaluate_cluster(data_path=topics_file, within_topic=True, systems=BASELINES)
    assert result.row("singletons")["bcubed_p"] == 1.0
    assert result.row("one-cluster")["bcubed_r"] == 1.0
    # two events of two articles per topic: one cluster has BCubed precision 2/4 per item
    assert result.row("one-cluster")["bcubed_p"] == pytest.approx(0.5)


def test_cluster_counts_predicted_and_gold_clusters(topics_file):
    result = evaluate_cluster(data_path=topics_file, within_topic=True, systems=BASELINES)
    assert result.row("singletons")["n_clusters"] == 8
    assert result.row("one-cluster")["n_clusters"] == 2
    assert result.settings["gold_clusters"] == 4


def test_cluster_threshold_is_tuned_on_other_topics(topics_file):
    result = evaluate_cluster(data_path=topics_file, within_topic=True, systems=BASELINES)
    assert len(result.settings["thresholds"]) == 2
    assert result.row("tfidf-agglomerative")["bcubed_f1"] > result.row("one-cluster")["bcubed_f1"]


def test_cluster_half_units_keep_gold_groups_whole():
    items = [ClusterItem(f"a{i}", "text", gold=f"s{i % 5}") for i in range(20)]
    units = half_units(items, seed=3)
    assert len(units) == 2
    assert not set(units[0].gold) & set(units[1].gold)
    assert sum(len(u.items) for u in units) == 20


def test_cluster_within_topic_needs_topics(tmp_path, write_jsonl_gz):
    records = [{"id": f"u{i}", "text": "Fed holds rates", "cluster": "s1"} for i in range(3)]
    path = write_jsonl_gz(tmp_path / "u.jsonl.gz", records)
    with pytest.raises(ConfigError, match="--within-topic needs a 'topic' field"):
        evaluate_cluster(data_path=path, dataset="uci", within_topic=True, systems=BASELINES)


def test_cluster_ecbplus_within_topic_on_shared_data(require_data):
    require_data("ecbplus")
    result = evaluate_cluster(dataset="ecbplus", within_topic=True, limit=3, systems=BASELINES)
    assert result.settings["units"] == 3
    assert 0 < result.row("tfidf-agglomerative")["bcubed_f1"] <= 1


def test_cluster_uci_halves_on_shared_data(require_data):
    require_data("uci")
    result = evaluate_cluster(dataset="uci", limit=150, systems=BASELINES)
    assert result.n == 150
    assert result.settings["units"] == 2


def test_cluster_storyline_row_on_shared_data(require_data, require_attribute):
    require_data("ecbplus")
    require_attribute("storyline.cluster", "cluster_stream")
    result = evaluate_cluster(dataset="ecbplus", within_topic=True, limit=2, systems=["storyline"])
    assert 0 < result.row("storyline")["bcubed_f1"] <= 1


def test_cluster_storyline_entity_weight_tuned_on_other_units(topics_file):
    from storyline.evaluate.cluster import STORYLINE_ENTITY_GRID, STORYLINE_GRID

    result = evaluate_cluster(data_path=topics_file, within_topic=True, systems=["storyline"])
    weights = result.settings["storyline_entity_weights"]
    thresholds = result.settings["storyline_thresholds"]
    assert len(weights) == len(thresholds) == 2
    assert set(weights) <= set(STORYLINE_ENTITY_GRID) and set(thresholds) <= set(STORYLINE_GRID)
    assert any("entity weight" in note for note in result.notes)


def test_cluster_reports_ami_and_predicted_vs_gold_stories(topics_file):
    result = evaluate_cluster(data_path=topics_file, within_topic=True, systems=BASELINES)
    # singletons and one cluster carry no information about the events: AMI about 0
    assert abs(result.row("singletons")["ami"]) < 1e-9
    assert abs(result.row("one-cluster")["ami"]) < 1e-9
    for system in BASELINES:
        assert result.row(system)["gold_clusters"] == 4
    assert result.row("singletons")["n_clusters"] == 8


def test_cluster_shipped_defaults_row_comes_first(topics_file):
    result = evaluate_cluster(data_path=topics_file, within_topic=True)
    names = [row["system"] for row in result.rows]
    assert names[:2] == ["storyline-default", "storyline"]
    perfect = result.row("storyline-default")
    assert -1 <= perfect["ami"] <= 1
