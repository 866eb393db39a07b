"""Engines: the registry, and the Ray engine storing what the local engine stores.

The equivalence test runs real articles from ../shared/data through `--engine local` into
SQLite and through the Ray engine on a two-node loopback cluster into a real PostgreSQL
server, and compares everything stored.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storyline.engines import Engine, LocalEngine, open_engine
from storyline.errors import ConfigError
from storyline.settings import Settings
from storyline.store import open_store
from storyline.tracking import track_stories

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
ECB = DATA / "ecbplus-clustering" / "articles.jsonl.gz"
NEUS = DATA / "neus-allsides" / "clusters.jsonl.gz"
MULTINEWS = DATA / "multinews-sample100" / "clusters.jsonl.gz"


def test_engine_unknown_name_lists_valid_ones():
    with pytest.raises(ConfigError, match="valid engines: local, ray"):
        open_engine("spark")


def test_engine_backends_satisfy_protocol():
    pytest.importorskip("ray")
    from storyline.engines.ray_engine import RayEngine

    assert isinstance(LocalEngine(), Engine)
    assert isinstance(RayEngine(), Engine)  # constructing it starts nothing


def test_engine_ray_refuses_zero_workers():
    pytest.importorskip("ray")
    with pytest.raises(ConfigError, match="at least 1"):
        open_engine("ray", workers=0)


def _records(path: Path, limit: int, keep: tuple[str, ...]) -> list[dict]:
    records = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            records.append({k: record[k] for k in keep if record.get(k) is not None})
            if len(records) == limit:
                break
    return records


def _documents(path: Path) -> list[dict]:
    """The source articles of multi-document summarisation clusters (title, text, outlet)."""
    documents = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            for doc in json.loads(line)["documents"]:
                doc = doc if isinstance(doc, dict) else {"text": doc}
                keep = ("text", "title", "source", "url", "date")
                documents.append({k: doc[k] for k in keep if doc.get(k)})
    return documents


@pytest.fixture(scope="module")
def real_shards(tmp_path_factory) -> Path:
    """The real articles of ECB+, NeuS-AllSides and Multi-News in 8 gzipped JSONL shards,
    interleaved (NeuS names outlets, so furniture history across batches matters)."""
    if not all(p.exists() for p in (ECB, NEUS, MULTINEWS)):
        pytest.skip("../shared/data (ecbplus-clustering, neus-allsides, multinews) absent")
    ecb = _records(ECB, 772, ("id", "text", "title", "date"))
    others = _documents(NEUS) + _documents(MULTINEWS)
    mixed = [r for pair in zip(ecb, others, strict=False) for r in pair]
    mixed += ecb[len(others) :] + others[len(ecb) :]
    folder = tmp_path_factory.mktemp("shards")
    size = -(-len(mixed) // 8)
    for shard in range(8):
        with gzip.open(folder / f"part-{shard:02d}.jsonl.gz", "wt", encoding="utf-8") as out:
            for record in mixed[shard * size : (shard + 1) * size]:
                out.write(json.dumps(record) + "\n")
    return folder


def _stored(store) -> list[tuple]:
    return [
        (
            a.article_id,
            a.title,
            a.text,
            a.outlet,
            a.published_at,
            a.author,
            a.url,
            a.wire,
            a.degraded,
            a.removed_lines,
            a.provenance,
            a.warnings,
        )
        for a in store.iter_articles()
    ]


def _partition(stories) -> set[frozenset[str]]:
    return {frozenset(story.article_ids) for story in stories}


@pytest.mark.slow
def test_engine_ray_two_nodes_postgres_equals_local_sqlite(
    real_shards, postgres_url, tmp_path, monkeypatch
):
    pytest.importorskip("ray")
    from storyline.engines.ray_engine import RayEngine
    from storyline.engines.ray_local import LocalRayCluster

    settings = Settings(ingest_batch_size=100)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with open_store(tmp_path / "local.db") as local_store:
        local = LocalEngine().ingest([real_shards], local_store, settings, now=now)
        local_articles = _stored(local_store)
        local_quarantined = local_store.quarantined()
        local_stories = _partition(track_stories(local_store, embedder=None))
    with LocalRayCluster(nodes=2, cpus_per_node=1) as cluster:
        for key, value in cluster.env.items():
            monkeypatch.setenv(key, value)
        with RayEngine(address=cluster.address) as engine, open_store(postgres_url) as pg_store:
            remote = engine.ingest([real_shards], pg_store, settings, now=now)
            assert engine.last.nodes == 2 and engine.last.batches >= 15
            ray_articles = _stored(pg_store)
            ray_quarantined = pg_store.quarantined()
            ray_stories = _partition(track_stories(pg_store, embedder=None))
    assert local.count("added") > 1500
    assert remote.counts == local.counts
    assert ray_articles == local_articles
    assert ray_quarantined == local_quarantined
    assert ray_stories == local_stories


@pytest.mark.slow
def test_engine_ray_recleans_a_batch_whose_history_changed_its_furniture(tmp_path):
    """Batch 2's furniture needs batch 1's stored articles (a footer printed 3 times in all):
    the worker cleaned it without them, so the driver cleans it again, and the result is
    still the local engine's."""
    pytest.importorskip("ray")
    from storyline.engines.ray_engine import RayEngine

    footer = "Read more local news at the Harbour Gazette every morning"
    stories = [
        "The harbour ferry timetable changes on Monday, the port authority said today.",
        "Council members approved the new seawall budget after a long evening debate.",
        "A local bakery won the regional bread prize for the third year in a row.",
    ]
    shard = tmp_path / "gazette.jsonl"
    shard.write_text(
        "".join(
            json.dumps({"text": f"{text}\n\n{footer}", "outlet": "Harbour Gazette"}) + "\n"
            for text in stories
        )
    )
    settings = Settings(ingest_batch_size=2)
    with open_store(tmp_path / "local.db") as store:
        LocalEngine().ingest([shard], store, settings)
        local_texts = [a.text for a in store.iter_articles()]
    with RayEngine(workers=1) as engine, open_store(tmp_path / "ray.db") as store:
        engine.ingest([shard], store, settings)
        ray_texts = [a.text for a in store.iter_articles()]
        assert engine.last.recleaned == 1
    assert ray_texts == local_texts
    assert footer not in local_texts[2]


# Both runs analyse every article (spaCy and MiniLM sentence rows): minutes, not seconds.
@pytest.mark.slow
def test_engine_local_pool_of_two_equals_one_process(real_shards, tmp_path):
    from storyline.runner.analyse import analysis_model

    settings = Settings(ingest_batch_size=100)
    model = analysis_model(settings.spacy_model)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with open_store(tmp_path / "one.db") as one_store:
        one = LocalEngine().ingest([real_shards], one_store, settings, now=now)
        one_articles, one_quarantined = _stored(one_store), one_store.quarantined()
        one_analyses = one_store.get_analyses([a[0] for a in one_articles], model)
    pool = LocalEngine(workers=2)
    with open_store(tmp_path / "two.db") as two_store:
        two = pool.ingest([real_shards], two_store, settings, now=now)
        assert _stored(two_store) == one_articles
        assert two_store.quarantined() == one_quarantined
        # The pool's analyse stage stores what the one-process run stores.
        assert two_store.get_analyses([a[0] for a in one_articles], model) == one_analyses
    assert one.count("added") > 1500 and two.counts == one.counts
    assert len(pool.worker_peaks_kb) == 2 and min(pool.worker_peaks_kb.values()) > 10_000
