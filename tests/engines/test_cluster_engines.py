"""`storyline cluster` beyond one SQLite file: on PostgreSQL (CLI and `serve`), and with the
embedding spread over Ray actors while stories are assigned by the one ordered consumer."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from storyline.embed import get_embedder
from storyline.store import open_store
from storyline.tracking import stored_stories, track_stories

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from clirun import run_cli  # noqa: E402


def ok(*args) -> str:
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_cluster_cli_and_serve_on_postgres(postgres_url, demo_dir):
    from fastapi.testclient import TestClient

    from storyline.serve import ServeConfig, create_app

    ok("ingest", demo_dir, "--db", postgres_url, "--quiet")
    summary = json.loads(ok("cluster", "--db", postgres_url, "--no-embeddings", "--json"))
    assert summary["articles"] == 12 and summary["stories"] >= 1
    listed = json.loads(ok("stories", "--db", postgres_url, "--json", "--all"))
    assert sum(len(s["article_ids"]) for s in listed) == 12
    assert any("Voltaro" in s["label"] for s in listed)
    app = create_app(ServeConfig(db_path=Path(postgres_url), refresh_seconds=0))
    with TestClient(app) as client:
        health = client.get("/api/v1/health").json()["data"]
        stories = client.get("/api/v1/stories").json()["data"]
    assert health["articles"] == health["clustered_articles"] == 12
    assert sorted(s["article_count"] for s in stories) == sorted(
        len(s["article_ids"]) for s in listed
    )


def test_cluster_cli_refuses_an_unknown_engine(tmp_path, demo_dir):
    db = tmp_path / "s.db"
    ok("ingest", demo_dir, "--db", db, "--quiet")
    result = run_cli("cluster", "--db", db, "--engine", "spark")
    assert result.exit_code == 1
    assert "unknown engine 'spark'; valid engines: local, ray" in result.err


@pytest.mark.slow
def test_cluster_ray_embedding_equals_local(tmp_path, uci_articles):
    pytest.importorskip("ray")
    from storyline.engines.ray_engine import RayEngine

    articles = uci_articles(400)
    with open_store(tmp_path / "local.db") as store:
        store.add_articles(articles[:250])
    shutil.copy(tmp_path / "local.db", tmp_path / "ray.db")
    local_embedder = get_embedder("minilm")
    with open_store(tmp_path / "local.db") as store:
        track_stories(store, local_embedder)
        store.add_articles(articles[250:])
        local = track_stories(store, local_embedder)
    with RayEngine(workers=2) as engine, open_store(tmp_path / "ray.db") as store:
        remote_embedder = engine.embedder(local_embedder)
        track_stories(store, remote_embedder)
        store.add_articles(articles[250:])
        remote = track_stories(store, remote_embedder)
        assert stored_stories(store) == remote
    assert remote == local  # ids, labels, members and dates
    assert len(local) >= 5 and sum(len(s.article_ids) for s in local) == 400
