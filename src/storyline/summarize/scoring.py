"""Fitted sentence scorers: gradient-boosted regression trees over named features, as JSON.

The model predicts each sentence's ROUGE-2 overlap with a reference summary from the
features of `summarize/features.py` (supervised sentence scoring for extractive MDS, as in
Hong & Nenkova 2014, "Improving the estimation of word importance for news multi-document
summarization"). It is a gradient-boosted tree ensemble (Friedman 2001) fitted with
scikit-learn's `HistGradientBoostingRegressor` by `benchmarks/fit_summarizer.py` and stored
as plain arrays: readable without pickle or scikit-learn, and checked by eye. Boosted trees
beat a ridge regression on the same features by 0.8 ROUGE (mean of R1/R2/RLsum) in that
script's cross-validation, because position matters differently for long and short
clusters and length interacts with centrality.

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

FORMAT = "storyline-sentence-scorer/trees-1"
# Packaged models (src/storyline/summarize/models/): lexical features only, and lexical plus
# MiniLM-embedding features. Both fitted by `python benchmarks/fit_summarizer.py`.
LEXICAL_MODEL = "sentence_scorer.json"
EMBEDDING_MODEL = "sentence_scorer_minilm.json"
_LEAF = -1


@dataclass(frozen=True)
class TreeScorer:
    """score = baseline + sum over trees of the value of the leaf each sentence reaches.

    All trees share one node table: node i tests `feature[i] <= threshold[i]` and goes to
    `left[i]` or `right[i]`; a leaf has feature -1 and holds `value[i]`; `roots` gives each
    tree's first node.
    """

    feature_names: tuple[str, ...]
    baseline: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    # MMR relevance/novelty trade-off chosen together with the model (None: the default).
    mmr_lambda: float | None = None
    # Provenance recorded by the fit script (data, protocol, label); not used to score.
    info: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        n = len(self.feature)
        sizes = {len(self.threshold), len(self.left), len(self.right), len(self.value)}
        inner = self.feature != _LEAF
        if (
            sizes != {n}
            or np.any(self.roots < 0)
            or np.any(self.roots >= max(n, 1))
            or np.any(self.feature >= len(self.feature_names))
            or np.any((self.left[inner] < 0) | (self.left[inner] >= n))
            or np.any((self.right[inner] < 0) | (self.right[inner] >= n))
        ):
            raise ConfigError(
                f"sentence scorer node table is inconsistent ({n} nodes, "
                f"{len(self.feature_names)} features); refit with benchmarks/fit_summarizer.py"
            )

    @property
    def needs_embeddings(self) -> bool:
        return any(name in EMBEDDING_FEATURES for name in self.feature_names)

    def score(self, features: dict[str, np.ndarray]) -> np.ndarray:
        """One score per sentence (higher: more summary-worthy)."""
        missing = [name for name in self.feature_names if name not in features]
        if missing:
            raise ConfigError(
                f"scorer needs features {missing} that were not computed "
                f"(embedding features need an embedder); available: {sorted(features)}"
            )
        matrix = feature_matrix(features, self.feature_names)
        n = matrix.shape[0]
        if n == 0 or len(self.roots) == 0:
            return np.full(n, self.baseline)
        rows = np.arange(n)[:, None]
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        is_leaf = self.feature == _LEAF
        column = np.where(is_leaf, 0, self.feature)
        for _ in range(len(self.feature)):  # a path is never longer than the node table
            inner = ~is_leaf[node]
            if not inner.any():
                break
            goes_left = matrix[rows, column[node]] <= self.threshold[node]
            step = np.where(goes_left, self.left[node], self.right[node])
            node = np.where(inner, step, node)
        return self.baseline + self.value[node].sum(axis=1)

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "features": list(self.feature_names),
            "baseline": round(float(self.baseline), 7),
            "mmr_lambda": self.mmr_lambda,
            "roots": self.roots.tolist(),
            "feature": self.feature.tolist(),
            "threshold": [float(f"{v:.7g}") for v in self.threshold],
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "value": [float(f"{v:.6g}") for v in self.value],
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict, where: str = "scorer") -> TreeScorer:
        if data.get("format") != FORMAT:
            raise ConfigError(
                f"{where}: format {data.get('format')!r} is not {FORMAT!r}; "
                "refit with benchmarks/fit_summarizer.py"
            )
        try:
            return cls(
                feature_names=tuple(data["features"]),
                baseline=float(data["baseline"]),
                roots=np.asarray(data["roots"], dtype=np.int64),
                feature=np.asarray(data["feature"], dtype=np.int64),
                threshold=np.asarray(data["threshold"], dtype=float),
                left=np.asarray(data["left"], dtype=np.int64),
                right=np.asarray(data["right"], dtype=np.int64),
                value=np.asarray(data["value"], dtype=float),
                mmr_lambda=data.get("mmr_lambda"),
                info=dict(data.get("info", {})),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ConfigError(f"{where}: not a sentence scorer file ({error})") from error

    @classmethod
    def from_sklearn(
        cls, model, feature_names: Sequence[str], mmr_lambda: float | None = None, info=None
    ) -> TreeScorer:
        """Copy a fitted `HistGradientBoostingRegressor` (numeric features, no NaN)."""
        feature, threshold, left, right, value, roots = [], [], [], [], [], []
        for (predictor,) in model._predictors:
            nodes = predictor.nodes
            offset = len(feature)
            roots.append(offset)
            for node in nodes:
                leaf = bool(node["is_leaf"])
                feature.append(_LEAF if leaf else int(node["feature_idx"]))
                threshold.append(0.0 if leaf else float(node["num_threshold"]))
                left.append(_LEAF if leaf else offset + int(node["left"]))
                right.append(_LEAF if leaf else offset + int(node["right"]))
                value.append(float(node["value"]) if leaf else 0.0)
        return cls(
            feature_names=tuple(feature_names),
            baseline=float(np.ravel(model._baseline_prediction)[0]),
            roots=np.asarray(roots, dtype=np.int64),
            feature=np.asarray(feature, dtype=np.int64),
            threshold=np.asarray(threshold, dtype=float),
            left=np.asarray(left, dtype=np.int64),
            right=np.asarray(right, dtype=np.int64),
            value=np.asarray(value, dtype=float),
            mmr_lambda=mmr_lambda,
            info=dict(info or {}),
        )

    def save(self, path: str | Path) -> None:
        """Write the scorer as compact JSON (atomic replace)."""
        path = Path(path)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n")
        temporary.replace(path)


def read_scorer(path: str | Path) -> TreeScorer:
    """A scorer from a JSON file written by `TreeScorer.save`."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: cannot read sentence scorer ({error})") from error
    return TreeScorer.from_json(data, str(path))


@cache
def load_scorer(name: str = LEXICAL_MODEL) -> TreeScorer:
    """A packaged scorer from `storyline/summarize/models/` (cached)."""
    files = resources.files("storyline.summarize").joinpath("models")
    model = files.joinpath(name)
    if not model.is_file():
        valid = sorted(p.name for p in files.iterdir() if p.name.endswith(".json"))
        raise ConfigError(f"no packaged sentence scorer {name!r}; valid: {', '.join(valid)}")
    return TreeScorer.from_json(json.loads(model.read_text(encoding="utf-8")), name)
