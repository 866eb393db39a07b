import numpy as np
import pytest

from storyline.embed import HashingEmbedder
from storyline.summarize import Candidate
from storyline.summarize.features import (
    EMBEDDING_FEATURES,
    LEXICAL_FEATURES,
    TRANSFER_FEATURES,
    embedding_features,
    sentence_features,
)

SENTENCES = [
    Candidate("Flood barriers on the Wend river held overnight, the city council said.", 0, 0),
    Candidate("Council engineers had raised the barriers by half a metre on Tuesday.", 0, 1),
    Candidate("I have lived here for 30 years and never seen it this high.", 0, 2),
    Candidate("The Wend river flood barriers held overnight after days of rain.", 1, 0),
]


def test_features_every_lexical_column_has_one_value_per_sentence():
    features = sentence_features(SENTENCES)
    assert set(features) == set(LEXICAL_FEATURES + TRANSFER_FEATURES)
    assert all(len(features[name]) == len(SENTENCES) for name in features)


def test_features_specificity_and_context_leaning_opener():
    features = sentence_features(
        [
            Candidate("Officials in Geneva said 40 ships waited on May 3.", 0, 0),
            Candidate("But it was not clear what would happen next at all.", 0, 1),
        ]
    )
    assert features["specificity"][0] > features["specificity"][1] == 0.0
    assert features["dangling_start"].tolist() == [0.0, 1.0]


def test_features_reporting_documents_counts_other_articles_saying_the_same():
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [0.99, 0.141], [0.98, 0.199]])
    reporting = embedding_features(rows, [0, 0, 1, 2], [0, 1, 0, 0])["reporting_documents"]
    assert reporting.tolist() == [1.0, 0.0, 1.0, 1.0]


def test_features_empty_input_gives_empty_columns():
    assert all(len(column) == 0 for column in sentence_features([]).values())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("is_first", [1.0, 0.0, 0.0, 1.0]),
        ("has_number", [0.0, 0.0, 1.0, 0.0]),
        ("first_person", [0.0, 0.0, 1.0, 0.0]),
    ],
)
def test_features_surface_cues(name, expected):
    assert sentence_features(SENTENCES)[name].tolist() == expected


def test_features_cross_document_support_favours_repeated_fact():
    support = sentence_features(SENTENCES)["other_document_support"]
    assert support[0] > support[2]


def test_features_embedder_adds_embedding_columns():
    features = sentence_features(SENTENCES, embedder=HashingEmbedder(2**12))
    assert set(EMBEDDING_FEATURES) <= set(features)
    assert np.all(np.isfinite(features["embedding_centroid_cosine"]))


def test_features_document_columns_rank_articles_on_real_neus_clusters():
    """Each sentence carries its article's centrality; one article per cluster has the most
    central lead, and on NeuS leading with that article beats leading with the least central."""
    from storyline.errors import DataUnavailable
    from storyline.evaluate.baselines import lead_summary
    from storyline.evaluate.datasets import dataset_path, load_summary_clusters
    from storyline.evaluate.metrics import summary_rouge
    from storyline.summarize.extractive import document_candidates

    try:
        path = dataset_path("neus")
    except DataUnavailable:
        pytest.skip("../shared/data neus is not present")
    central, peripheral = [], []
    for cluster in load_summary_clusters(path, 40):
        candidates = document_candidates(list(cluster.documents))
        features = sentence_features(candidates)
        documents = np.array([c.document for c in candidates])
        best = features["document_lead_centrality_is_best"]
        for document in np.unique(documents):
            column = features["document_centrality"][documents == document]
            assert np.ptp(column) == 0.0 and np.ptp(best[documents == document]) == 0.0
        assert features["document_centrality_relative"].max() == pytest.approx(1.0)
        lead = features["document_lead_centrality"]
        chosen, last = int(documents[best == 1.0][0]), int(documents[np.argmin(lead)])
        reference = cluster.references[0]
        central.append(summary_rouge(lead_summary([cluster.documents[chosen]], 66), reference))
        peripheral.append(summary_rouge(lead_summary([cluster.documents[last]], 66), reference))
    assert np.mean([s["rouge1"] for s in central]) > np.mean([s["rouge1"] for s in peripheral])
