"""Calibrated sentence confidences: the probability that a repaired sentence is whole.

Why (issue 22): the raw confidence, the product of the gap decisions' probabilities, is not a
probability of anything checkable. One doubtful gap inside a long, correct sentence drives it
to 0.00, while a fragment cut off its clause ("He's made in his campaign ...") can score 0.99.
Here a logistic model (Platt scaling, Platt 1999, over a few features rather than the one
score) maps simple facts about the sentence's gaps and words to the probability that both its
boundaries match the gold sentence. It is fitted by benchmarks/fit_repair_calibration.py on
degraded copies of news dev story groups; its coefficients ship in
clean/models/repair_calibration.json.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from storyline.clean.repair.render import RestoredTokens

CALIBRATION_FILE = "repair_calibration.json"

# Words that lean on an earlier sentence when they open one (a fragment often starts here).
PRONOUNS = frozenset(
    "he she it they we i you his her its their this that these those which who whom whose "
    "him them there".split()
)
CONNECTIVES = frozenset(
    "and but or nor so because while although though as if when whereas than then also "
    "to of for from with by in on at into about after before".split()
)

FEATURES = (
    "log_raw",  # log of the raw confidence (product of the gap decisions)
    "log_start",  # log probability of the end before the sentence (0 at the text's start)
    "log_end",  # log probability of the end after it (0 at the text's end)
    "log_min_inner",  # log of the least sure "no end" inside it
    "mean_log_inner",  # mean log probability of the "no end" decisions inside it
    "doubtful_inner",  # inner gaps whose "no end" probability is below 0.5
    "log_words",  # log of its length in words
    "opens_pronoun",  # first word a pronoun ("he", "it", "which")
    "opens_contracted",  # first word a contracted pronoun ("He's", "It's")
    "opens_connective",  # first word a connective or preposition ("and", "to")
    "next_opens_pronoun",  # the following sentence opens with a pronoun
    "next_opens_connective",  # the following sentence opens with a connective
    "at_text_start",
    "at_text_end",
)

_FLOOR = 1e-6


@dataclass(frozen=True, slots=True)
class Calibration:
    """Logistic model: p = sigmoid(((x - mean) / scale) @ coef + intercept)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def predict(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


def sentence_spans(restored: RestoredTokens) -> list[tuple[int, int]]:
    """(first word, last word) index pairs of the sentences of a restored token run."""
    spans, start = [], 0
    for i, end in enumerate(restored.sentence_ends):
        if end:
            spans.append((start, i))
            start = i + 1
    return spans


def sentence_features(restored: RestoredTokens) -> np.ndarray:
    """One row of `FEATURES` per sentence of `restored` (the fit script uses it too)."""
    n = len(restored.forms)
    conf = np.maximum(np.asarray(restored.confidences or (1.0,) * n, dtype=float), _FLOOR)
    logs = np.log(conf)
    spans = sentence_spans(restored)
    rows = []
    for k, (start, end) in enumerate(spans):
        log_start = float(logs[start - 1]) if start > 0 else 0.0
        log_end = float(logs[end]) if end < n - 1 else 0.0
        inner = logs[start:end]
        first = _opening(restored, start)
        nxt = _opening(restored, spans[k + 1][0]) if k + 1 < len(spans) else ("", False)
        rows.append(
            (
                log_start + float(inner.sum()) + log_end,
                log_start,
                log_end,
                float(inner.min()) if len(inner) else 0.0,
                float(inner.mean()) if len(inner) else 0.0,
                float((inner < math.log(0.5)).sum()),
                math.log(end - start + 1),
                float(first[0] in PRONOUNS),
                float(first[1]),
                float(first[0] in CONNECTIVES),
                float(nxt[0] in PRONOUNS),
                float(nxt[0] in CONNECTIVES),
                float(start == 0),
                float(end == n - 1),
            )
        )
    return np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))


def calibrated_confidences(restored: RestoredTokens) -> list[float] | None:
    """Calibrated confidence per sentence, or None when there is nothing to calibrate.

    None when the calibration file is absent or when no model decided any gap (the lexical
    fallback sets every gap to 1.0; the calibration was fitted on the encoder head's gaps).
    """
    model = calibration_model()
    if model is None or not restored.confidences or min(restored.confidences) >= 1.0:
        return None
    return [float(p) for p in model.predict(sentence_features(restored))]


@cache
def calibration_model() -> Calibration | None:
    """The packaged calibration, or None if the file is missing (raw confidences then)."""
    path = resources.files("storyline.clean").joinpath("models", CALIBRATION_FILE)
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    if tuple(raw["features"]) != FEATURES:
        return None  # fitted for another feature set: never apply it to the wrong columns
    return Calibration(
        tuple(raw["features"]),
        np.asarray(raw["mean"], dtype=float),
        np.asarray(raw["scale"], dtype=float),
        np.asarray(raw["coef"], dtype=float),
        float(raw["intercept"]),
    )


def _opening(restored: RestoredTokens, start: int) -> tuple[str, bool]:
    """(first word, lowercase; whether it is a contraction such as "He's")."""
    word = restored.forms[start].lower()
    contracted = (
        start + 1 < len(restored.forms)
        and restored.joiners[start] == "'"
        and restored.forms[start + 1].lower() in ("s", "re", "ll", "d", "ve")
        and word in PRONOUNS
    )
    return word, contracted
