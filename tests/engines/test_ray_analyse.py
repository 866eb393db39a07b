"""The Ray engine's ingest runs the Runner's analyse stage: its store serves briefings as a
local ingest's does, with no spaCy at read time. Ray starts here, so one file of its own."""

from __future__ import annotations

import pytest

import storyline.summarize.briefing as briefing_module
import storyline.summarize.extractive as extractive
from storyline.engines import LocalEngine
from storyline.pipeline import brief_articles
from storyline.render.json import briefing_to_dict
from storyline.runner import Analyser
from storyline.runner.analyse import analysis_model
from storyline.settings import Settings
from storyline.store import open_store


@pytest.mark.slow
def test_engine_ray_ingest_stores_the_local_analyses_and_briefs_without_spacy(
    demo_dir, tmp_path, monkeypatch
):
    pytest.importorskip("ray")
    from storyline.engines.ray_engine import RayEngine

    settings = Settings(ingest_batch_size=5)  # three batches through the actors
    model = analysis_model(settings.spacy_model)
    with open_store(tmp_path / "local.db") as store:
        LocalEngine().ingest([demo_dir], store, settings)
        local_articles = list(store.iter_articles())
        local = store.get_analyses([a.article_id for a in local_articles], model)
    with RayEngine(workers=2) as engine, open_store(tmp_path / "ray.db") as store:
        report = engine.ingest([demo_dir], store, settings)
        articles = list(store.iter_articles())
        stored = store.get_analyses([a.article_id for a in articles], model)

        def refuse(*args):
            raise AssertionError("spaCy or MiniLM used at read time")

        monkeypatch.setattr(Analyser, "load", refuse)
        monkeypatch.setattr(extractive, "default_embedder", refuse)
        monkeypatch.setattr(briefing_module, "default_embedder", refuse)
        briefing = briefing_to_dict(brief_articles(articles, settings, store=store))
    assert report.count("added") == 12 and not report.quarantined
    assert stored == local and len(stored) == 12
    assert all(a.sentences and a.sentence_vectors for a in stored.values())
    monkeypatch.undo()
    with open_store(tmp_path / "local.db") as store:
        assert briefing == briefing_to_dict(brief_articles(local_articles, settings, store=store))
    assert briefing["summary"] and briefing["quotes"]
