import math

import pytest

from storyline.cluster.features import entity_cues, hash_cues


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        (
            "Tara Reid, 33, checked into Promises Treatment Center in Malibu.",
            ["tara reid", "reid", "#33", "promises treatment center", "malibu"],
            ["checked", "into"],
        ),
        (
            "The quake struck at dawn. He said 12 people died in Arequipa.",
            ["#12", "arequipa"],
            ["the", "he"],
        ),
        (
            "The Bank of England said on 14 June 2013 that rates would stay.",
            ["bank of england", "bank", "england", "june", "#14", "#2013"],
            ["of", "the"],
        ),
    ],
)
def test_features_entity_cues_names_and_numbers(text, present, absent):
    cues = entity_cues(text)
    assert all(cue in cues for cue in present), cues
    assert not any(cue in cues for cue in absent), cues


@pytest.mark.parametrize("text", ["", "   ", "lower case text with no names at all"])
def test_features_no_cues_in_plain_or_empty_text(text):
    assert entity_cues(text) == []
    assert hash_cues([text], 64).nnz == 0


def test_features_hash_cues_sublinear_counts():
    matrix = hash_cues(["Gisborne. Gisborne. Gisborne.", "Peru"], 2**18)
    assert matrix.shape == (2, 2**18)
    assert matrix[0].data.tolist() == pytest.approx([1 + math.log(3)])
    assert matrix[1].data.tolist() == [1.0]
