"""The fitted files in storyline/clean/models, loaded lazily and once per process.

- `degraded_lexicon.json.gz`: casing lexicon, phrases, ambiguous words, word classes and
  the lexical boundary model's settings (all fitted by benchmarks/fit_degraded_lexicon.py).
- `degraded_boundary.npz`: the lexical boundary model's hashed weights (the pre-issue-22
  repair, kept as the fallback when onnxruntime is missing).

(`punctuation_tagger.onnx`, the fine-tuned MiniLM tagger, is read by `encoder`;
`repair_calibration.json`, the sentence-confidence calibration, by `calibration`.)
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from storyline.clean.repair.features import case_class
from storyline.clean.repair.truecase import Ambiguous, split_form
from storyline.errors import BackendUnavailable

MODEL_PACKAGE = "storyline.clean"
MODEL_DIR = "models"
BOUNDARY_FILE = "degraded_boundary.npz"
LEXICON_FILE = "degraded_lexicon.json.gz"


@dataclass(frozen=True, slots=True)
class Lexicon:
    words: dict[str, str]  # lowercase word -> cased form (only non-lowercase forms)
    case_ids: dict[str, int]  # lowercase word -> case class of its form
    class_ids: dict[str, int]  # lowercase word -> word class (index of its usual tag)
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # "u s" -> (forms, joiners)
    phrase_starts: frozenset[str]  # first words of `phrases`
    ambiguous: dict[str, Ambiguous]  # "may" -> its two forms and their context counts
    digit_joiners: dict[tuple[int, int], str]  # (digits of a, digits of b) -> joiner
    raw: dict[str, Any]  # the whole file, for settings such as the boundary model's


@dataclass(frozen=True, slots=True)
class LexicalModel:
    weights: np.ndarray  # hashed feature weights, float32, length 2**hash_bits
    distance_weights: np.ndarray  # one weight per DISTANCE_EDGES bucket
    intercept: float
    hash_bits: int
    boundary_bias: float
    min_words: int
    max_words: int
    case_ids: dict[str, int]
    class_ids: dict[str, int]


def read_model_file(name: str) -> bytes:
    path = resources.files(MODEL_PACKAGE) / MODEL_DIR / name
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise BackendUnavailable(
            f"degraded-text model file {name} is missing from storyline/clean/models "
            "(reinstall storyline, or rebuild it with python benchmarks/fit_degraded_lexicon.py)"
        ) from exc


@cache
def lexicon() -> Lexicon:
    """The casing lexicon (and lexical-model settings), loaded once."""
    raw = json.loads(gzip.decompress(read_model_file(LEXICON_FILE)).decode("utf-8"))
    words = raw["words"]
    phrases = {key: split_form(form) for key, form in raw["phrases"].items()}
    return Lexicon(
        words=words,
        case_ids={word: case_class(form) for word, form in words.items()},
        class_ids=raw["word_classes"],
        phrases=phrases,
        phrase_starts=frozenset(key.split(" ", 1)[0] for key in phrases),
        ambiguous={
            word: Ambiguous(
                tuple(entry["forms"]), tuple(entry["counts"]), entry["left"], entry["right"]
            )
            for word, entry in raw["ambiguous"].items()
        },
        digit_joiners={
            (int(a), int(b)): joiner
            for key, joiner in raw["digit_joiners"].items()
            for a, b in [key.split(",")]
        },
        raw=raw,
    )


@cache
def lexical_model() -> LexicalModel:
    """The pre-issue-22 boundary model (hashed logistic regression), loaded once."""
    lex = lexicon()
    arrays = np.load(io.BytesIO(read_model_file(BOUNDARY_FILE)), allow_pickle=False)
    config = lex.raw["boundary"]
    return LexicalModel(
        weights=arrays["weights"].astype(np.float32),
        distance_weights=arrays["distance_weights"].astype(np.float32),
        intercept=float(config["intercept"]),
        hash_bits=int(config["hash_bits"]),
        boundary_bias=float(config["boundary_bias"]),
        min_words=int(config["min_words"]),
        max_words=int(config["max_words"]),
        case_ids=lex.case_ids,
        class_ids=lex.class_ids,
    )


def clear_caches() -> None:
    """Forget loaded models (tests that swap the model directory)."""
    for loader in (lexicon, lexical_model):
        loader.cache_clear()
