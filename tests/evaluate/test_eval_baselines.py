"""Baseline systems on small news-like texts written for these tests."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from storyline.evaluate import baselines
from storyline.evaluate.metrics import summary_rouge


def test_baselines_lead_is_round_robin_over_documents(harbor_articles):
    # first sentence of each article in turn, then the second ones, until 40 words
    summary = baselines.lead_summary(harbor_articles, max_words=40)
    assert summary[0].startswith("Dockworkers at the Port of Halden walked off")
    assert summary[1].startswith("A strike shut the Port of Halden")
    assert summary[2].startswith("Retailers warned of empty shelves")
    assert sum(len(s.split()) for s in summary) == 40


def test_baselines_fill_budget_cuts_the_last_sentence():
    ranked = [(0, 0, "one two three four"), (0, 1, "five six seven eight")]
    assert baselines.fill_budget(ranked, max_words=6) == ["one two three four", "five six"]


def test_baselines_fill_budget_returns_reading_order():
    ranked = [(1, 0, "second document first"), (0, 3, "first document fourth")]
    assert baselines.fill_budget(ranked, max_words=100) == [
        "first document fourth",
        "second document first",
    ]


def test_baselines_candidate_sentences_drop_exact_repeats():
    documents = ["Ships queued. The union struck.", "The union struck. Talks collapsed."]
    candidates = baselines.candidate_sentences(documents)
    assert [c[2] for c in candidates[1]] == ["Talks collapsed."]


def test_baselines_oracle_beats_lead_on_toy_cluster(harbor_articles, harbor_reference):
    def rouge_sum(summary):
        scores = summary_rouge(summary, harbor_reference)
        return scores["rouge1"] + scores["rouge2"]

    oracle = baselines.oracle_summary(harbor_articles, harbor_reference, max_words=45)
    lead = baselines.lead_summary(harbor_articles, max_words=45)
    assert sum(len(s.split()) for s in oracle) <= 45
    assert rouge_sum(oracle) >= rouge_sum(lead)


def test_baselines_random_summary_is_seeded(harbor_articles):
    first = baselines.random_summary(harbor_articles, 30, seed=7)
    assert first == baselines.random_summary(harbor_articles, 30, seed=7)
    assert sum(len(s.split()) for s in first) == 30


@pytest.mark.parametrize("method", ["textrank", "lexrank"])
def test_baselines_sumy_works_without_nltk_data(method, harbor_articles, monkeypatch, tmp_path):
    import nltk

    # an empty NLTK data path: any use of punkt or other NLTK data would raise LookupError
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    summary = baselines.sumy_summary(harbor_articles, max_words=30, method=method)
    candidates = {c[2] for d in baselines.candidate_sentences(harbor_articles) for c in d}
    assert summary
    assert all(s in candidates for s in summary[:-1])  # only the last may be cut
    assert sum(len(s.split()) for s in summary) == 30


def test_baselines_sumy_ranking_covers_every_candidate(harbor_articles):
    ranked = baselines.sumy_ranking(harbor_articles, "textrank")
    candidates = [c for d in baselines.candidate_sentences(harbor_articles) for c in d]
    assert sorted(ranked) == sorted(candidates)


def test_baselines_agglomerative_separates_two_stories():
    texts = [
        "Dockworkers strike at Halden port over pay",
        "Halden port strike strands container ships",
        "Dockworkers at Halden port reject pay offer",
        "Central bank raises interest rates to curb inflation",
        "Interest rates rise again as central bank fights inflation",
    ]
    labels = baselines.agglomerative_labels(baselines.cosine_distances(texts), 0.9)
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4]
    assert labels[0] != labels[3]


def test_baselines_best_threshold_maximises_mean_f1():
    grid = (0.2, 0.5, 0.8)
    # corpus 1 prefers 0.5, corpus 2 prefers 0.8; means: 0.45, 0.7, 0.65 -> 0.5
    assert baselines.best_threshold([[0.4, 0.9, 0.5], [0.5, 0.5, 0.8]], grid) == 0.5


def test_baselines_trivial_clusterings():
    assert baselines.singleton_labels(3) == [0, 1, 2]
    assert baselines.one_cluster_labels(3) == [0, 0, 0]


def test_baselines_cosine_distances_of_identical_texts_is_zero():
    distances = baselines.cosine_distances(["port strike", "port strike", "rate rise"])
    assert distances[0, 1] == pytest.approx(0.0)
    assert distances[0, 2] == pytest.approx(1.0)
    assert np.allclose(np.diag(distances), 0.0)


def test_baselines_mention_count_picks_busiest_dates_and_central_sentence():
    pool = [
        (date(2011, 2, 15), ["Protests erupt in Benghazi after an activist is arrested."]),
        (
            date(2011, 2, 17),
            [
                "Security forces fire on protesters in Benghazi.",
                "Protesters in Benghazi face live fire from security forces.",
                "Oil prices edge higher in Asian trading.",
            ],
        ),
        (
            date(2011, 2, 20),
            [
                "Protesters take control of Benghazi.",
                "Rebels hold Benghazi as troops withdraw.",
            ],
        ),
    ]
    timeline = baselines.mention_count_timeline(pool, n_dates=2, sentences_per_date=1)
    # Feb 17 (3 sentences) and Feb 20 (2) outrank Feb 15 (1); output in date order
    assert [day for day, _ in timeline] == [date(2011, 2, 17), date(2011, 2, 20)]
    # the oil sentence shares nothing with the others, so it is the least central on Feb 17
    assert "Oil" not in timeline[0][1][0]
    assert len(timeline[1][1]) == 1
