"""Tests for degraded-text detection and repair (storyline.clean.degraded)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clean.degraded import (
    RestoredTokens,
    degrade_text,
    is_degraded,
    repair_degraded,
    restore_degraded_tokens,
)
from storyline.clean.repair import model_files
from storyline.errors import BackendUnavailable, InputError

# An invented local-news story, written for these tests (about 230 words, 15 sentences).
SENTENCES = [
    "The city council in Portland voted on Tuesday to close the Hawthorne Bridge to car "
    "traffic for six months while crews replace its worn steel deck.",
    "Mayor Delphine Arkwright said the work could not wait any longer.",
    '"We have patched this bridge for a decade, and the patches are failing," she told '
    "reporters outside City Hall.",
    "The repairs will cost about $48 million, most of it from a U.S. Department of "
    "Transportation grant that the Senate approved in March.",
    "Commuters who cross the Willamette River each morning will be sent to two other bridges.",
    "The transit agency plans to add buses on three routes.",
    "Business owners on the east side worry about losing customers.",
    "\"People don't come here if they can't park,\" said Tavish Brennholt, who runs a bakery "
    "two blocks from the bridge.",
    "He said his sales fell by a third the last time the bridge closed.",
    "The council's transportation committee will hold a public hearing next week.",
    "Engineers expect the deck to reopen before the end of the year.",
    "Oregon's two members of the Senate praised the grant in a joint statement.",
    "Officials said cyclists and pedestrians can still use the bridge's sidewalks during most "
    "of the work.",
    "Both sidewalks will close for ten nights in August, when cranes lift the new deck "
    "sections into place.",
    "A spokesman for the contractor said the company had hired forty extra workers.",
]
CLEAN = " ".join(SENTENCES)
HINTS = {"brennholt": "Brennholt", "tavish": "Tavish", "arkwright": "Arkwright"}

TRADE_TALKS = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "examples"
    / "trade-talks"
    / "000_a49e6c0a67cf3d13.txt"
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[^\W_]+")


def degrade(text: str) -> str:
    """Damage text the way the broken sources do, independently of the module's helper."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def sentences_of(text: str) -> list[str]:
    return [s for s in _SENTENCE_SPLIT.split(text) if s.strip()]


@pytest.fixture(scope="module")
def repaired() -> str:
    return repair_degraded(degrade(CLEAN))


def test_degraded_fixture_is_long_enough():
    assert len(CLEAN.split()) >= 150


def test_degraded_helper_matches_module_degradation():
    assert degrade_text(CLEAN) == degrade(CLEAN)


def test_degraded_is_degraded_on_degraded_text():
    assert is_degraded(degrade(CLEAN))


def test_degraded_is_degraded_false_on_clean_text():
    assert not is_degraded(CLEAN)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        degrade(SENTENCES[0]),
        "the mayor said the bridge would close on tuesday",
        "123 456 789 " * 20,
    ],
)
def test_degraded_is_degraded_false_on_short_or_letterless_text(text):
    assert not is_degraded(text)


@pytest.mark.parametrize(
    "text",
    [
        CLEAN.lower(),  # lowercased but punctuated: the punctuation is still usable
        degrade(CLEAN).replace("mayor", "Mayor").title(),  # unpunctuated but cased
    ],
)
def test_degraded_is_degraded_needs_both_defects(text):
    assert not is_degraded(text)


def test_degraded_repair_has_no_run_on_sentences(repaired):
    longest = max(len(s.split()) for s in sentences_of(repaired))
    assert longest <= 60


def test_degraded_repair_sentence_count_near_original():
    restored = restore_degraded_tokens(degrade(CLEAN).split())
    count = sum(restored.sentence_ends)
    assert len(SENTENCES) / 2 <= count <= len(SENTENCES) * 2


@pytest.mark.parametrize("name", ["Portland", "Senate", "U.S.", "Oregon's"])
def test_degraded_repair_restores_known_forms(repaired, name):
    assert name in repaired


def test_degraded_repair_restores_acronym():
    assert "U.S." in repair_degraded("officials said u s negotiators would return next week")


@pytest.mark.parametrize(
    ("degraded", "expected"),
    [
        ("the council s transportation committee met", "council's"),
        ("people don t come here if they can t park", "don't"),
        ("she said i m not sure", "I'm"),
        ("she said i m not sure we ll finish", "we'll"),
    ],
)
def test_degraded_repair_reattaches_apostrophe_pieces(degraded, expected):
    # Case aside: the piece may open a new sentence ("We'll").
    assert expected.lower() in repair_degraded(degraded).lower()


def test_degraded_repair_capitalises_sentence_starts(repaired):
    assert repaired[0].isupper()
    for sentence in sentences_of(repaired):
        assert not sentence[0].islower(), sentence


def test_degraded_repair_uses_casing_hints():
    repaired = repair_degraded(degrade(CLEAN), casing_hints=HINTS)
    assert "Tavish Brennholt" in repaired
    assert "Arkwright" in repaired


def test_degraded_hints_override_lexicon():
    repaired = repair_degraded("the report said the senate would vote", {"senate": "SENATE"})
    assert "SENATE" in repaired


def test_degraded_phrase_hint_applies_to_its_words():
    repaired = repair_degraded("he said wework s founder left", {"wework's": "WeWork's"})
    assert "WeWork's" in repaired


def test_degraded_hint_spelling_other_words_is_refused():
    with pytest.raises(InputError, match="casing_hints"):
        repair_degraded("the bridge closed", {"bridge": "Tunnel"})


def test_degraded_repair_keeps_every_word(repaired):
    assert [w.lower() for w in _WORD.findall(repaired)] == degrade(CLEAN).split()


def test_degraded_repair_keeps_line_breaks():
    text = degrade(" ".join(SENTENCES[:6])) + "\n\n" + degrade(" ".join(SENTENCES[6:]))
    assert repair_degraded(text).count("\n\n") == 1


def test_degraded_repair_empty_text():
    assert repair_degraded("") == ""


def test_degraded_restore_tokens_empty():
    assert restore_degraded_tokens([]) == RestoredTokens((), (), ())
    assert restore_degraded_tokens([], method="lexical").text() == ""


def test_degraded_missing_model_file_raises(monkeypatch):
    model_files.clear_caches()
    monkeypatch.setattr(model_files, "MODEL_DIR", "no-such-models")
    try:
        with pytest.raises(BackendUnavailable, match="fit_degraded_lexicon|fit_punctuation_model"):
            repair_degraded(degrade(CLEAN))
    finally:
        model_files.clear_caches()


def test_degraded_restore_tokens_renders_like_repair():
    tokens = degrade(CLEAN).split()
    restored = restore_degraded_tokens(tokens)
    assert isinstance(restored, RestoredTokens)
    assert len(restored.forms) == len(restored.joiners) == len(tokens)
    assert restored.sentence_ends[-1]
    assert restored.text() == repair_degraded(degrade(CLEAN))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_degraded_repair_keeps_words_of_any_text(text):
    assert isinstance(is_degraded(text), bool)
    repaired = repair_degraded(text)
    assert [w.lower() for w in _WORD.findall(repaired)] == _WORD.findall(text.lower())


@pytest.mark.skipif(not TRADE_TALKS.exists(), reason="shared example articles not available")
def test_degraded_repair_real_degraded_article():
    text = TRADE_TALKS.read_text(encoding="utf-8")
    assert is_degraded(text)
    repaired = repair_degraded(text)
    sentences = sentences_of(repaired)
    assert len(sentences) > 20
    assert max(len(s.split()) for s in sentences) <= 80
    assert any(name in repaired for name in ("Trump", "China", "Lighthizer", "Mnuchin"))
