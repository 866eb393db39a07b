import numpy as np
import pytest

from storyline.embed import HashingEmbedder
from storyline.summarize import Candidate
from storyline.summarize.features import EMBEDDING_FEATURES, LEXICAL_FEATURES, sentence_features

SENTENCES = [
    Candidate("Flood barriers on the Wend river held overnight, the city council said.", 0, 0),
    Candidate("Council engineers had raised the barriers by half a metre on Tuesday.", 0, 1),
    Candidate("I have lived here for 30 years and never seen it this high.", 0, 2),
    Candidate("The Wend river flood barriers held overnight after days of rain.", 1, 0),
]


def test_features_every_lexical_column_has_one_value_per_sentence():
    features = sentence_features(SENTENCES)
    assert set(features) == set(LEXICAL_FEATURES)
    assert all(len(features[name]) == len(SENTENCES) for name in LEXICAL_FEATURES)


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
