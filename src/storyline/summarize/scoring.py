"""Fitted sentence scorers: a linear model over named features, stored as JSON.

The model is a ridge regression (fitted by `benchmarks/fit_summarizer.py`) from the
features of `summarize/features.py` to each sentence's ROUGE overlap with the reference
summary, in the spirit of supervised sentence scoring for extractive MDS (Hong & Nenkova
2014, "Improving the estimation of word importance for news multi-document
summarization"). A file holds the feature names, their training mean and scale, and the
weights, so it can be read without pickle and checked by eye.

>>> scorer = load_scorer()
>>> "centroid_cosine" in scorer.feature_names
True
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from storyline.errors import ConfigError
from storyline.summarize.features import EMBEDDING_FEATURES, feature_matrix

FORMAT = "storyline-sentence-scorer/1"
# Packaged models (src/storyline/summarize/models/): lexical features only, and lexical plus
# MiniLM-embedding features. Both fitted by `python benchmarks/fit_summarizer.py`.
LEXICAL_MODEL = "sentence_scorer.json"
EMBEDDING_MODEL = "sentence_scorer_minilm.json"


@dataclass(frozen=True)
class LinearScorer:
    """score = intercept + sum_k weight_k * (feature_k - mean_k) / scale_k."""

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    intercept: float = 0.0
    # Provenance recorded by the fit script (data, protocol, label); not used to score.
    info: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        k = len(self.feature_names)
        if not (len(self.mean) == len(self.scale) == len(self.weights) == k):
            raise ConfigError(
                f"scorer has {k} feature names but {len(self.mean)} means, "
                f"{len(self.scale)} scales and {len(self.weights)} weights; refit it with "
                "benchmarks/fit_summarizer.py"
            )

    @property
    def needs_embeddings(self) -> bool:
        return any(name in EMBEDDING_FEATURES for name in self.feature_names)

    def score(self, features: dict[str, np.ndarray]) -> np.ndarray:
        """One score per sentence; higher means more summary-worthy."""
        missing = [name for name in self.feature_names if name not in features]
        if missing:
            raise ConfigError(
                f"scorer needs features {missing} that were not computed "
                f"(embedding features need an embedder); available: {sorted(features)}"
            )
        matrix = feature_matrix(features, self.feature_names)
        if matrix.shape[0] == 0:
            return np.zeros(0)
        return self.intercept + ((matrix - self.mean) / self.scale) @ self.weights

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "features": list(self.feature_names),
            "mean": [round(float(v), 8) for v in self.mean],
            "scale": [round(float(v), 8) for v in self.scale],
            "weights": [round(float(v), 8) for v in self.weights],
            "intercept": round(float(self.intercept), 8),
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict, where: str = "scorer") -> LinearScorer:
        if data.get("format") != FORMAT:
            raise ConfigError(
                f"{where}: format {data.get('format')!r} is not {FORMAT!r}; "
                "refit with benchmarks/fit_summarizer.py"
            )
        try:
            scale = np.asarray(data["scale"], dtype=float)
            return cls(
                feature_names=tuple(data["features"]),
                mean=np.asarray(data["mean"], dtype=float),
                scale=np.where(scale > 0, scale, 1.0),
                weights=np.asarray(data["weights"], dtype=float),
                intercept=float(data.get("intercept", 0.0)),
                info=dict(data.get("info", {})),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ConfigError(f"{where}: not a sentence scorer file ({error})") from error

    def save(self, path: str | Path) -> None:
        """Write the scorer as JSON (atomic replace)."""
        path = Path(path)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")
        temporary.replace(path)


def read_scorer(path: str | Path) -> LinearScorer:
    """A scorer from a JSON file written by `LinearScorer.save`."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: cannot read sentence scorer ({error})") from error
    return LinearScorer.from_json(data, str(path))


@cache
def load_scorer(name: str = LEXICAL_MODEL) -> LinearScorer:
    """A packaged scorer from `storyline/summarize/models/` (cached)."""
    files = resources.files("storyline.summarize").joinpath("models")
    model = files.joinpath(name)
    if not model.is_file():
        valid: Sequence[str] = sorted(p.name for p in files.iterdir() if p.name.endswith(".json"))
        raise ConfigError(f"no packaged sentence scorer {name!r}; valid: {', '.join(valid)}")
    return LinearScorer.from_json(json.loads(model.read_text(encoding="utf-8")), name)
