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
