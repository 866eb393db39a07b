"""The stage runner: analyse once at ingest, brief from stored analyses, quarantine per article."""

from __future__ import annotations

import base64
import dataclasses
import pickle
import sqlite3

import numpy as np
import pytest

import storyline.runner.analyse as analyse_module
import storyline.summarize.briefing as briefing_module
import storyline.summarize.extractive as extractive
from storyline.ingest.run import ingest_paths
from storyline.pipeline import brief_articles
from storyline.render.json import briefing_to_dict
from storyline.runner import Analyser, Runner
from storyline.runner.analyse import analysis_model
from storyline.serve.briefings import build_briefing
from storyline.settings import Settings
from storyline.store.analyses import analysis_from_json, analysis_to_json
from storyline.store.sqlite import MIGRATIONS, SqliteStore

MODEL = analysis_model(Settings().spacy_model)


@pytest.fixture(scope="module")
def demo_articles(demo_dir):
    articles, quarantined = Runner().read([demo_dir])
    assert len(articles) == 12 and not quarantined
    return articles


@pytest.fixture
def ingested(tmp_path, demo_dir):
    store = SqliteStore(tmp_path / "s.db")
    report = ingest_paths([demo_dir], store)
    assert report.count("added") == 12 and not report.quarantined
    yield store, list(store.iter_articles())
    store.close()


def _no_spacy(monkeypatch):
    """Fail if a briefing loads spaCy or embeds a sentence: both were done at ingest."""

    def refuse(*args):
        raise AssertionError("spaCy or MiniLM used at read time")

    monkeypatch.setattr(Analyser, "load", refuse)
    monkeypatch.setattr(extractive, "default_embedder", refuse)
    monkeypatch.setattr(briefing_module, "default_embedder", refuse)


def test_runner_ingest_stores_one_analysis_per_article_with_spans(ingested):
    store, articles = ingested
    analyses = store.get_analyses([a.article_id for a in articles], MODEL)
    assert set(analyses) == {a.article_id for a in articles}
    for article in articles:
        analysis = analyses[article.article_id]
        assert analysis.sentences
        for sentence in analysis.sentences:
            assert article.text[sentence.start : sentence.end].strip() == sentence.text
        for mention in analysis.mentions:
            assert article.text[mention.start : mention.end] == mention.text


def test_runner_briefing_from_stored_analyses_needs_no_spacy_and_is_unchanged(
    ingested, demo_articles, monkeypatch
):
    store, articles = ingested
    fresh = briefing_to_dict(brief_articles(demo_articles))
    _no_spacy(monkeypatch)
    stored = briefing_to_dict(brief_articles(articles, store=store))
    assert stored == fresh
    assert stored["summary"] and stored["quotes"] and stored["figures"]


def test_runner_serve_briefing_reads_stored_analyses(ingested, monkeypatch):
    store, articles = ingested
    _no_spacy(monkeypatch)
    data = build_briefing(articles, None, len(articles), store)
    assert data["summary"] and data["article_count"] == 12


def test_runner_extractor_raising_quarantines_one_article_and_the_story_still_briefs(
    tmp_path, demo_dir, monkeypatch
):
    real = analyse_module.find_quotes

    def find_quotes(doc, article_id):
        if doc.text.startswith("Alicia Moreno keeps what is left"):
            raise RuntimeError("extractor bug")
        return real(doc, article_id)

    monkeypatch.setattr(analyse_module, "find_quotes", find_quotes)
    with SqliteStore(tmp_path / "s.db") as store:
        report = ingest_paths([demo_dir], store)
        assert report.count("added") == 12  # the article is kept; only its analysis failed
        (item,) = report.quarantined
        assert item.stage == "analyse:find_quotes" and "extractor bug" in item.error
        assert item.source.endswith("06_pinecrest-tribune_victims.txt")
        assert any(q.stage == "analyse:find_quotes" for q in store.quarantined())
        articles = list(store.iter_articles())
        data = build_briefing(articles, None, len(articles), store)
    (quarantined,) = data["quarantined"]
    assert quarantined["stage"] == "analyse:find_quotes"
    assert data["article_count"] == 11 and data["summary"]
    assert all("pinecrest" not in (s["path"] or "") for s in data["sources"])


def test_runner_exact_reprint_reuses_the_original_analysis(tmp_path, demo_articles, monkeypatch):
    original = demo_articles[0]
    copy = dataclasses.replace(
        original, article_id="copy-1", outlet="Other Outlet", source="copy.txt", url=None
    )
    analysed = []
    real = Analyser.__call__

    def counting(self, articles):
        analysed.extend(a.article_id for a in articles)
        return real(self, articles)

    monkeypatch.setattr(Analyser, "__call__", counting)
    with SqliteStore(tmp_path / "s.db") as store:
        store.add_articles([original])
        runner = Runner()
        runner.analyse([original], store)
        done, failed = runner.analyse([copy], store)  # a later ingest of the copy
        assert analysed == [original.article_id] and not failed
        reused = done["copy-1"]
        first = store.get_analyses([original.article_id], MODEL)[original.article_id]
        assert reused.sentences == tuple(
            dataclasses.replace(s, article_id="copy-1") for s in first.sentences
        )
        assert store.get_analyses(["copy-1"], MODEL)["copy-1"] == reused


def test_runner_copy_with_another_date_is_analysed_again(demo_articles):
    original = next(a for a in demo_articles if a.published_at is not None)
    later = dataclasses.replace(
        original,
        article_id="later",
        published_at=original.published_at.replace(year=original.published_at.year + 1),
    )
    done, _ = Runner().analyse([original, later])
    # Relative dates resolve against each article's own date, so the copy is not reused.
    assert done["later"].published_on == later.published_on
    assert done[original.article_id].published_on == original.published_on


def test_runner_analysis_round_trips_through_json(demo_articles):
    done, _ = Runner().analyse(demo_articles)
    for analysis in done.values():
        assert analysis_from_json(analysis_to_json(analysis)) == analysis
    assert any(f.when for a in done.values() for f in a.figures) or any(
        a.dates for a in done.values()
    )


def test_runner_old_store_upgrades_in_place_and_fills_analyses_on_read(
    tmp_path, demo_articles, monkeypatch
):
    path = tmp_path / "old.db"
    with SqliteStore(path) as store:
        store.add_articles(demo_articles)
    db = sqlite3.connect(path)  # back to the schema before analyses were kept
    db.execute("DROP TABLE analyses")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    db.commit()
    db.close()
    with SqliteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        articles = list(store.iter_articles())
        assert len(articles) == 12
        assert store.get_analyses([a.article_id for a in articles], MODEL) == {}
        first = briefing_to_dict(brief_articles(articles, store=store))
        assert len(store.get_analyses([a.article_id for a in articles], MODEL)) == len(
            {a.text for a in articles}
        )
        _no_spacy(monkeypatch)
        # Exact copies are not analysed by a briefing, so only the distinct texts are needed.
        assert briefing_to_dict(brief_articles(articles, store=store)) == first


def test_runner_analyser_pickles_without_its_pipeline():
    analyser = Analyser(Settings().spacy_model)
    analyser.load()
    clone = pickle.loads(pickle.dumps(analyser))
    assert clone.model == analyser.model and clone._nlp is None


def test_runner_pool_gives_the_same_analyses_as_one_process(demo_articles, monkeypatch):
    import storyline.runner.runner as runner_module

    monkeypatch.setattr(runner_module, "_MIN_POOL_ARTICLES", 1)
    alone, _ = Runner().analyse(demo_articles)
    with Runner(workers=2) as runner:
        pooled, failed = runner.analyse(demo_articles)
        assert runner._pool is not None
    assert not failed and pooled == alone


def test_runner_sentence_rows_are_float16_and_old_float32_rows_read_as_float16(demo_articles):
    import json

    done, _ = Runner().analyse(demo_articles[:2])
    for analysis in done.values():
        rows = np.frombuffer(analysis.sentence_vectors, dtype=np.float16)
        rows = rows.reshape(len(analysis.sentences), -1).astype(np.float32)
        assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=2e-3)
        # An analysis stored before float16: float32 rows and no dtype tag.
        legacy = json.loads(analysis_to_json(analysis))
        del legacy["vector_dtype"]
        legacy["sentence_vectors"] = base64.b64encode(rows.tobytes()).decode("ascii")
        assert analysis_from_json(json.dumps(legacy)) == analysis


def test_runner_pool_embeds_the_clusterers_rows_as_this_process_does(demo_articles):
    from storyline.cluster.online import resolve_embedder
    from storyline.runner.pool import PoolEmbedder

    local = resolve_embedder("minilm")
    texts = [a.text for a in demo_articles]
    with Runner(workers=2) as runner:
        pooled = runner.embedder(local)
        assert isinstance(pooled, PoolEmbedder)
        rows = pooled.embed(texts)
    assert rows.shape == (12, local.dimension)
    assert np.allclose(rows, local.embed(texts), atol=1e-5)
    assert Runner().embedder(local) is local  # one process: the embedder as given
