import json
from importlib import resources

import numpy as np
import pytest

from storyline.errors import ConfigError
from storyline.summarize import Candidate
from storyline.summarize.features import LEXICAL_FEATURES, sentence_features
from storyline.summarize.scoring import LEXICAL_MODEL, TreeScorer, load_scorer, read_scorer

SENTENCES = [
    Candidate("Harbour pilots in Eastport began a 48-hour strike on Monday over rosters.", 0, 0),
    Candidate("The strike halted about 40 container ships waiting outside the port.", 0, 1),
    Candidate("He said the weather had been calm all week.", 0, 2),
    Candidate("Eastport harbour pilots walked out on Monday in a dispute over rosters.", 1, 0),
]


def small_scorer() -> TreeScorer:
    """One tree: is_first <= 0.5 ? 0.1 : 0.9."""
    return TreeScorer(
        feature_names=("is_first",),
        baseline=0.0,
        roots=np.array([0]),
        feature=np.array([0, -1, -1]),
        threshold=np.array([0.5, 0.0, 0.0]),
        left=np.array([1, -1, -1]),
        right=np.array([2, -1, -1]),
        value=np.array([0.0, 0.1, 0.9]),
    )


def test_scoring_packaged_model_loads_and_scores_every_sentence():
    scorer = load_scorer()
    scores = scorer.score(sentence_features(SENTENCES))
    assert scores.shape == (len(SENTENCES),)
    assert np.all(np.isfinite(scores))


def test_scoring_packaged_model_uses_only_word_features():
    from storyline.summarize.features import TRANSFER_FEATURES

    assert set(load_scorer().feature_names) <= set(LEXICAL_FEATURES + TRANSFER_FEATURES)
    assert not load_scorer().needs_embeddings


def test_scoring_packaged_model_ranks_lead_above_off_topic_aside():
    scores = load_scorer().score(sentence_features(SENTENCES))
    assert scores[0] > scores[2]


def test_scoring_tree_follows_thresholds():
    scores = small_scorer().score({"is_first": np.array([1.0, 0.0])})
    assert scores == pytest.approx([0.9, 0.1])


def test_scoring_json_round_trip_keeps_scores(tmp_path):
    path = tmp_path / "scorer.json"
    small_scorer().save(path)
    features = {"is_first": np.array([0.0, 1.0, 1.0])}
    assert read_scorer(path).score(features) == pytest.approx(small_scorer().score(features))


def test_scoring_missing_feature_raises_config_error():
    with pytest.raises(ConfigError, match="is_first"):
        small_scorer().score({"position_log": np.zeros(2)})


def test_scoring_wrong_format_raises_config_error(tmp_path):
    path = tmp_path / "scorer.json"
    path.write_text(json.dumps({"format": "pickle"}))
    with pytest.raises(ConfigError, match="format"):
        read_scorer(path)


def test_scoring_unknown_packaged_name_lists_valid_ones():
    with pytest.raises(ConfigError, match=LEXICAL_MODEL):
        load_scorer("nope.json")


def test_scoring_model_file_is_small():
    model = resources.files("storyline.summarize").joinpath("models", LEXICAL_MODEL)
    assert len(model.read_bytes()) < 2_000_000
