"""Finding and reading the benchmark files; small files made up here, never the real data."""

from __future__ import annotations

import gzip
from datetime import UTC, date, datetime

import pytest

from storyline.errors import DataUnavailable, MalformedRecord
from storyline.evaluate import datasets


def test_datasets_env_variable_wins(monkeypatch, tmp_path):
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path))
    assert datasets.find_data_dir() == tmp_path


def test_datasets_env_variable_to_missing_dir_raises(monkeypatch, tmp_path):
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(DataUnavailable, match="STORYLINE_DATA"):
        datasets.find_data_dir()


def test_datasets_cwd_sibling_shared_data_is_found(monkeypatch, tmp_path):
    (tmp_path / "shared" / "data").mkdir(parents=True)
    (tmp_path / "main").mkdir()
    monkeypatch.delenv(datasets.DATA_ENV, raising=False)
    monkeypatch.chdir(tmp_path / "main")
    assert datasets.find_data_dir() == tmp_path / "shared" / "data"


def test_datasets_missing_file_raises_data_unavailable(monkeypatch, tmp_path):
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path))
    with pytest.raises(DataUnavailable, match="benchmark file not found"):
        datasets.dataset_path("multinews")


def test_datasets_unknown_dataset_lists_valid_names(monkeypatch, tmp_path):
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path))
    with pytest.raises(DataUnavailable, match="valid names: aeb"):
        datasets.dataset_path("duc2004")


def test_datasets_malformed_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write('{"id": "a"}\n{not json\n')
    with pytest.raises(MalformedRecord, match="bad.jsonl.gz:2"):
        list(datasets.read_jsonl(path))


def test_datasets_summary_clusters_need_text_and_reference(tmp_path, write_jsonl_gz):
    path = write_jsonl_gz(tmp_path / "c.jsonl.gz", [{"id": "x", "documents": [], "summaries": []}])
    with pytest.raises(MalformedRecord, match="no document text"):
        datasets.load_summary_clusters(path)


def test_datasets_cluster_items_limit_counts_topics(tmp_path, write_jsonl_gz):
    records = [
        {"id": f"{t}_{i}", "text": "text", "cluster": f"{t}_ecb", "topic": t}
        for t in ("1", "2", "3")
        for i in range(2)
    ]
    path = write_jsonl_gz(tmp_path / "a.jsonl.gz", records)
    items = datasets.load_cluster_items(path, limit=2)
    assert [i.topic for i in items] == ["1", "1", "2", "2"]


def test_datasets_cluster_items_parse_utc_dates(tmp_path, write_jsonl_gz):
    record = {"id": "u1", "text": "Fed holds rates", "cluster": "s1", "date": "2014-03-10T16:55Z"}
    path = write_jsonl_gz(tmp_path / "u.jsonl.gz", [record])
    (item,) = datasets.load_cluster_items(path)
    assert item.published_at == datetime(2014, 3, 10, 16, 55, tzinfo=UTC)


def test_datasets_mixed_clusters_label_documents_by_cluster(tmp_path, write_jsonl_gz):
    record = {"id": "m1", "documents": [{"text": "a"}, {"text": "b"}], "summaries": ["s"]}
    path = write_jsonl_gz(tmp_path / "m.jsonl.gz", [record])
    items = datasets.load_mixed_clusters(path)
    assert [(i.item_id, i.gold) for i in items] == [("m1#0", "m1"), ("m1#1", "m1")]


def test_datasets_timeline_topics_group_sentences_by_date(tmp_path, write_jsonl_gz):
    record = {
        "id": "t1",
        "dataset": "tl17",
        "timelines": [{"name": "bbc", "entries": [{"date": "2011-02-17", "sentences": ["x"]}]}],
        "candidate_dated_sentences": [
            {"date": "2011-02-18", "sentences": ["b"]},
            {"date": "2011-02-17", "sentences": ["a"]},
            {"date": "2011-02-18", "sentences": ["c"]},
        ],
    }
    path = write_jsonl_gz(tmp_path / "t.jsonl.gz", [record])
    (topic,) = datasets.load_timeline_topics(path)
    assert topic.pool == ((date(2011, 2, 17), ("a",)), (date(2011, 2, 18), ("b", "c")))


def test_datasets_extraction_pages_drop_non_url_ids(tmp_path, write_jsonl_gz):
    record = {"id": "hard::x.html", "url": "hard::x.html", "html": "<p>x</p>", "with": ["x"]}
    path = write_jsonl_gz(tmp_path / "p.jsonl.gz", [record])
    (page,) = datasets.load_extraction_pages(path)
    assert page.url is None
    assert page.with_snippets == ("x",)
