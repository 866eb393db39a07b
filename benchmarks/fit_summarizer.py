"""Fit the packaged sentence scorers of the extractive summarizer, and score them honestly.

Data (../shared/data): NeuS (307 validation clusters, 3 articles each, AllSides roundup as
reference) and Multi-News sample (42 train + 8 test clusters, newser.com reference). The 8
Multi-News test clusters are never used to fit or choose anything here.

Label: each candidate sentence's ROUGE overlap with the reference (rouge-score tokens,
Porter stems); the label kind, ridge strength and cluster weighting are chosen by 5-fold
cross-validation over the training clusters, grouped by cluster, where every held-out
cluster is summarized by a model not trained on it through the production path
(`select_sentences`, budget = the dataset's harness budget, cut as the harness cuts) and
scored with the harness metric (`evaluate.metrics.summary_rouge`). Baselines (lead,
TextRank, LexRank) are scored on the same clusters in the same run.

The final models are fitted on all training clusters (NeuS + Multi-News train) and written
to src/storyline/summarize/models/; Multi-News test is then scored once.

    python benchmarks/fit_summarizer.py                 # lexical model, ~2 minutes
    python benchmarks/fit_summarizer.py --minilm        # also the MiniLM-feature model
    python benchmarks/fit_summarizer.py --no-write      # report only
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyline.evaluate import baselines
from storyline.evaluate.datasets import dataset_path, file_sha256, read_jsonl
from storyline.evaluate.metrics import summary_rouge
from storyline.evaluate.summarize import WORD_BUDGETS
from storyline.summarize.extractive import (
    Candidate,
    document_candidates,
    eligible_indices,
    select_sentences,
)
from storyline.summarize.features import EMBEDDING_FEATURES, LEXICAL_FEATURES, sentence_features
from storyline.summarize.scoring import EMBEDDING_MODEL, LEXICAL_MODEL, LinearScorer

MODELS = Path(__file__).resolve().parents[1] / "src" / "storyline" / "summarize" / "models"
FOLDS = 5
# Grid searched by cross-validation (see module docstring).
LABELS = ("r2_recall", "r1_r2_recall", "r2_f", "oracle")
ALPHAS = (1.0, 10.0, 100.0)
WEIGHTINGS = ("sentence", "cluster")


@dataclass
class Cluster:
    cluster_id: str
    dataset: str
    split: str
    documents: tuple[str, ...]
    reference: str
    candidates: list[Candidate]
    eligible: list[int]
    features: dict[str, np.ndarray]
    labels: dict[str, np.ndarray]

    @property
    def budget(self) -> int:
        return WORD_BUDGETS[self.dataset]


class CachedEmbedder:
    """Wraps an embedder; remembers each text's row (and persists them in `path`)."""

    def __init__(self, embedder, path: Path | None) -> None:
        self.embedder = embedder
        self.path = path
        self.rows: dict[str, np.ndarray] = {}
        if path is not None and path.is_file():
            stored = np.load(path)
            self.rows = dict(zip(stored["keys"].tolist(), stored["rows"], strict=True))

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha1(text.encode()).hexdigest()

    def embed(self, texts):
        missing = [t for t in dict.fromkeys(texts) if self._key(t) not in self.rows]
        if missing:
            for text, row in zip(missing, self.embedder.embed(missing), strict=True):
                self.rows[self._key(text)] = np.asarray(row, dtype=np.float32)
        return np.vstack([self.rows[self._key(t)] for t in texts])

    def save(self) -> None:
        if self.path is not None:
            keys = np.array(list(self.rows))
            np.savez_compressed(self.path, keys=keys, rows=np.vstack(list(self.rows.values())))


def _grams(tokens, n):
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


def sentence_labels(texts: list[str], reference: str) -> dict[str, np.ndarray]:
    """Per-sentence ROUGE-1/2 recall and F against the reference, and oracle membership."""
    reference_tokens = baselines.rouge_tokens(reference)
    ref1, ref2 = _grams(reference_tokens, 1), _grams(reference_tokens, 2)
    total1, total2 = max(sum(ref1.values()), 1), max(sum(ref2.values()), 1)
    r1, r2, f2 = [], [], []
    for text in texts:
        tokens = baselines.rouge_tokens(text)
        g1, g2 = _grams(tokens, 1), _grams(tokens, 2)
        hits1 = sum(min(c, ref1[g]) for g, c in g1.items())
        hits2 = sum(min(c, ref2[g]) for g, c in g2.items())
        r1.append(hits1 / total1)
        r2.append(hits2 / total2)
        precision2 = hits2 / max(sum(g2.values()), 1)
        f2.append(2 * precision2 * r2[-1] / (precision2 + r2[-1]) if hits2 else 0.0)
    return {
        "r2_recall": np.array(r2),
        "r1_r2_recall": np.array(r1) + np.array(r2),
        "r2_f": np.array(f2),
    }


def oracle_labels(texts: list[str], reference: str, budget: int) -> np.ndarray:
    """1 for sentences the greedy ROUGE oracle (evaluate/baselines.py) picks, else 0."""
    picked = set(baselines.oracle_summary(list(texts), reference, budget * 2))
    return np.array([float(t in picked) for t in texts])


def load_clusters(embedder) -> list[Cluster]:
    clusters = []
    for dataset in ("neus", "multinews"):
        path = dataset_path(dataset)
        for record in read_jsonl(path):
            documents = tuple(
                str(d["text"]) if isinstance(d, dict) else str(d) for d in record["documents"]
            )
            documents = tuple(d for d in documents if d.strip())
            reference = str(record["summaries"][0])
            candidates = document_candidates(documents)
            eligible = eligible_indices(candidates)
            pool = [candidates[i] for i in eligible]
            texts = [c.text for c in pool]
            features = sentence_features(pool, embedder=embedder)
            labels = sentence_labels(texts, reference)
            labels["oracle"] = oracle_labels(texts, reference, WORD_BUDGETS[dataset])
            clusters.append(
                Cluster(
                    str(record["id"]),
                    dataset,
                    str(record.get("split", "")),
                    documents,
                    reference,
                    candidates,
                    eligible,
                    features,
                    labels,
                )
            )
    return clusters


def fit_scorer(
    clusters: list[Cluster], names: tuple[str, ...], label: str, alpha: float, weighting: str
) -> LinearScorer:
    """Ridge regression of the label (divided by its cluster maximum) on standardized features."""
    rows, targets, weights = [], [], []
    for cluster in clusters:
        matrix = np.column_stack([cluster.features[name] for name in names])
        target = cluster.labels[label]
        target = target / (target.max() or 1.0)
        rows.append(matrix)
        targets.append(target)
        weight = 1.0 / len(target) if weighting == "cluster" else 1.0
        weights.append(np.full(len(target), weight))
    x = np.vstack(rows)
    y = np.concatenate(targets)
    w = np.concatenate(weights)
    w = w / w.mean()
    mean = np.average(x, axis=0, weights=w)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=w))
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = (x - mean) / scale
    y_mean = np.average(y, weights=w)
    gram = (z * w[:, None]).T @ z + alpha * np.eye(len(names))
    coefficients = np.linalg.solve(gram, (z * w[:, None]).T @ (y - y_mean))
    return LinearScorer(names, mean, scale, coefficients, float(y_mean))


def summarize(cluster: Cluster, scorer: LinearScorer | None, embedder) -> list[str]:
    chosen = select_sentences(cluster.candidates, cluster.budget, scorer=scorer, embedder=embedder)
    chosen.sort(key=lambda i: (cluster.candidates[i].document, cluster.candidates[i].position))
    return [cluster.candidates[i].text for i in chosen]


def rouge(cluster: Cluster, sentences: list[str]) -> dict[str, float]:
    return summary_rouge(baselines.truncate_to_budget(sentences, cluster.budget), cluster.reference)


def mean_rows(scores: list[dict[str, float]]) -> str:
    if not scores:
        return "      -       -       -"
    return "  ".join(
        f"{statistics.fmean(s[k] for s in scores):6.2f}" for k in ("rouge1", "rouge2", "rougeLsum")
    )


def folds_of(clusters: list[Cluster], seed: int = 0) -> list[int]:
    order = list(range(len(clusters)))
    random.Random(seed).shuffle(order)
    fold = [0] * len(clusters)
    for rank, index in enumerate(order):
        fold[index] = rank % FOLDS
    return fold


def cross_validate(
    clusters: list[Cluster], names, label, alpha, weighting, embedder
) -> dict[str, list]:
    fold = folds_of(clusters)
    per_dataset: dict[str, list] = {}
    for k in range(FOLDS):
        train = [c for c, f in zip(clusters, fold, strict=True) if f != k]
        scorer = fit_scorer(train, names, label, alpha, weighting)
        for cluster, f in zip(clusters, fold, strict=True):
            if f == k:
                scores = rouge(cluster, summarize(cluster, scorer, embedder))
                per_dataset.setdefault(cluster.dataset, []).append(scores)
    return per_dataset


def objective(per_dataset: dict[str, list]) -> float:
    """Mean of R1, R2 and RLsum, averaged over the two datasets (each counts the same)."""
    return statistics.fmean(
        statistics.fmean((s["rouge1"] + s["rouge2"] + s["rougeLsum"]) / 3 for s in scores)
        for scores in per_dataset.values()
    )


def baseline_rows(clusters: list[Cluster]) -> dict[str, dict[str, list]]:
    systems = {
        "lead": lambda c: baselines.lead_summary(c.documents, c.budget),
        "textrank": lambda c: baselines.sumy_summary(c.documents, c.budget, "textrank"),
        "lexrank": lambda c: baselines.sumy_summary(c.documents, c.budget, "lexrank"),
    }
    rows: dict[str, dict[str, list]] = {}
    for name, system in systems.items():
        for cluster in clusters:
            rows.setdefault(name, {}).setdefault(cluster.dataset, []).append(
                rouge(cluster, system(cluster))
            )
    return rows


def print_table(title: str, rows: dict[str, dict[str, list]], datasets) -> None:
    print(f"\n{title}")
    header = "".join(f" | {d} n={n} R1/R2/RLsum" for d, n in datasets)
    print(f"{'system':<28}{header}")
    for name, per_dataset in rows.items():
        cells = "".join(f" | {mean_rows(per_dataset.get(d, []))}" for d, _ in datasets)
        print(f"{name:<28}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minilm", action="store_true", help="also fit the MiniLM model")
    parser.add_argument("--no-write", action="store_true", help="do not write model files")
    parser.add_argument(
        "--cache", type=Path, default=None, help="npz file caching MiniLM sentence rows"
    )
    args = parser.parse_args()

    embedder = None
    if args.minilm:
        from storyline.embed import get_embedder

        embedder = CachedEmbedder(get_embedder("minilm"), args.cache)
    start = time.perf_counter()
    clusters = load_clusters(embedder)
    if embedder is not None:
        embedder.save()
    train = [c for c in clusters if not (c.dataset == "multinews" and c.split == "test")]
    test = [c for c in clusters if c.dataset == "multinews" and c.split == "test"]
    print(
        f"loaded {len(clusters)} clusters in {time.perf_counter() - start:.0f}s: "
        f"train {Counter(c.dataset for c in train)}, test {Counter(c.dataset for c in test)}",
        file=sys.stderr,
    )

    variants = [("lexical", LEXICAL_FEATURES, None, LEXICAL_MODEL)]
    if embedder is not None:
        variants.append(
            ("minilm", LEXICAL_FEATURES + EMBEDDING_FEATURES, embedder, EMBEDDING_MODEL)
        )
    cv_rows = baseline_rows(train)
    test_rows = baseline_rows(test)
    for variant, names, variant_embedder, filename in variants:
        results = []
        for label in LABELS:
            for alpha in ALPHAS:
                for weighting in WEIGHTINGS:
                    per_dataset = cross_validate(
                        train, names, label, alpha, weighting, variant_embedder
                    )
                    results.append((objective(per_dataset), label, alpha, weighting, per_dataset))
                    print(
                        f"{variant} label={label} alpha={alpha} weighting={weighting}: "
                        f"objective {results[-1][0]:.3f}",
                        file=sys.stderr,
                    )
        best = max(results, key=lambda r: r[0])
        _, label, alpha, weighting, per_dataset = best
        cv_rows[f"storyline-{variant} (5-fold CV)"] = per_dataset
        scorer = fit_scorer(train, names, label, alpha, weighting)
        scorer = LinearScorer(
            scorer.feature_names,
            scorer.mean,
            scorer.scale,
            scorer.weights,
            scorer.intercept,
            info={
                "fitted_by": "benchmarks/fit_summarizer.py",
                "model": "ridge regression on standardized features",
                "label": f"{label} of each sentence against the reference, / cluster max",
                "alpha": alpha,
                "weighting": weighting,
                "train": "neus-allsides val (307) + multinews-sample100 train (42)",
                "held_out": "multinews-sample100 test (8)",
                "data_sha256": {
                    d: file_sha256(dataset_path(d)) for d in ("neus", "multinews")
                },
                "cv_objective": round(best[0], 3),
            },
        )
        test_rows[f"storyline-{variant}"] = {
            "multinews": [rouge(c, summarize(c, scorer, variant_embedder)) for c in test]
        }
        print(f"\n{variant}: chose label={label} alpha={alpha} weighting={weighting}")
        for name, weight in sorted(
            zip(names, scorer.weights, strict=True), key=lambda item: -abs(item[1])
        ):
            print(f"  {name:<28}{weight:+.4f}")
        if not args.no_write:
            scorer.save(MODELS / filename)
            print(f"  wrote {MODELS / filename}")

    n_neus = sum(c.dataset == "neus" for c in train)
    n_mn = sum(c.dataset == "multinews" for c in train)
    print_table(
        "5-fold cross-validation over the training clusters (each scored by a model not "
        "trained on it); baselines on the same clusters",
        cv_rows,
        [("neus", n_neus), ("multinews", n_mn)],
    )
    print_table(
        "Multi-News test split (never used for fitting or selection); final models",
        test_rows,
        [("multinews", len(test))],
    )
    print(json.dumps({"budgets": WORD_BUDGETS}))


if __name__ == "__main__":
    main()
