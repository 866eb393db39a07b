"""Grouped cross-validation of the shipped summarizer over both dev sets, next to its
held-out split figure and every baseline of the same run.

The fitted sentence scorer's in-sample ROUGE says how well it fits, not how it does on a
story it never saw (issue 21: +2.5 ROUGE-1 in sample was +0.1 on unseen NeuS clusters).
Here every NeuS and Multi-News cluster is summarized by the shipped configuration
(`storyline.summarize.fitting`) refitted without the fold that cluster is in, through the
production path (`select_sentences`, the dataset's harness budget, the harness cut and
metric). The shipped model itself is scored on the Multi-News test split it never saw.
Redundancy is the share of summary sentence pairs with MiniLM cosine above 0.8.

>>> result = evaluate_summarize_cv(limit=20)  # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.evaluate import baselines
from storyline.evaluate.datasets import dataset_path, file_sha256, read_jsonl
from storyline.evaluate.report import EvalResult, make_row, progress
from storyline.evaluate.summarize import COLUMNS, DATASETS, WORD_BUDGETS

# A pair of summary sentences above this MiniLM cosine says the same thing (issue 21's
# redundancy measure; also the summarizer's meaning cut, settings.SUMMARY_REDUNDANCY_COSINE).
REDUNDANT_PAIR_COSINE = 0.8
BASELINES = ("lead", "textrank", "lexrank", "random", "oracle")


@dataclass
class _Cluster:
    dataset: str
    cluster_id: str
    split: str
    documents: tuple[str, ...]
    reference: str
    candidates: list
    features: dict
    labels: np.ndarray

    @property
    def budget(self) -> int:
        return WORD_BUDGETS[self.dataset]


def _load(limit: int | None, show_progress: bool) -> list[_Cluster]:
    from storyline.summarize import fitting
    from storyline.summarize.extractive import document_candidates, eligible_indices
    from storyline.summarize.features import sentence_features

    clusters = []
    for dataset in DATASETS:
        records = list(read_jsonl(dataset_path(dataset)))[:limit]
        for index, record in enumerate(progress(records, f"features {dataset}", show_progress)):
            documents = tuple(
                str(d["text"]) if isinstance(d, dict) else str(d) for d in record["documents"]
            )
            documents = tuple(d for d in documents if d.strip())
            reference = str(record["summaries"][0])
            candidates = document_candidates(documents)
            pool = [candidates[i] for i in eligible_indices(candidates)]
            labels = fitting.sentence_labels([c.text for c in pool], reference)[fitting.LABEL]
            clusters.append(
                _Cluster(
                    dataset,
                    str(record.get("id", index)),
                    str(record.get("split", "")),
                    documents,
                    reference,
                    candidates,
                    sentence_features(pool),
                    labels,
                )
            )
    return clusters


def _ours(cluster: _Cluster, scorer) -> list[str]:
    from storyline.summarize.extractive import select_sentences

    chosen = select_sentences(cluster.candidates, cluster.budget, scorer=scorer)
    chosen.sort(key=lambda i: (cluster.candidates[i].document, cluster.candidates[i].position))
    return [cluster.candidates[i].text for i in chosen]


def _baseline(name: str, seed: int, index: int) -> Callable[[_Cluster], list[str]]:
    if name == "lead":
        return lambda c: baselines.lead_summary(c.documents, c.budget)
    if name in ("textrank", "lexrank"):
        return lambda c: baselines.sumy_summary(c.documents, c.budget, name)
    if name == "random":
        return lambda c: baselines.random_summary(c.documents, c.budget, seed * 1_000_003 + index)
    return lambda c: baselines.oracle_summary(c.documents, c.reference, c.budget)


def redundant_pair_share(summaries: Sequence[Sequence[str]], embedder) -> float:
    """Share of sentence pairs, over all summaries, with embedding cosine above 0.8."""
    pairs = redundant = 0
    for sentences in summaries:
        if len(sentences) < 2:
            continue
        rows = np.asarray(embedder.embed(list(sentences)), dtype=float)
        for i, j in itertools.combinations(range(len(sentences)), 2):
            pairs += 1
            redundant += float(rows[i] @ rows[j]) > REDUNDANT_PAIR_COSINE
    return redundant / pairs if pairs else 0.0


def evaluate_summarize_cv(
    limit: int | None = None, folds: int = 5, seed: int = 0, show_progress: bool = False
) -> EvalResult:
    """Per dataset: the shipped configuration under grouped CV, the shipped model on the
    held-out Multi-News test split, and every baseline, all in this run (ROUGE F1 x 100)."""
    from storyline.evaluate.metrics import summary_rouge
    from storyline.summarize import fitting
    from storyline.summarize.extractive import default_embedder
    from storyline.summarize.scoring import load_scorer

    clusters = _load(limit, show_progress)
    shipped = load_scorer()
    fold = fitting.grouped_folds([c.dataset for c in clusters], folds, seed)
    scores: dict[tuple[str, str], list[dict]] = {}
    summaries: dict[tuple[str, str], list[list[str]]] = {}
    seconds: dict[tuple[str, str], float] = {}

    def record(dataset: str, system: str, sentences: list[str], cluster: _Cluster, spent):
        summary = baselines.truncate_to_budget(list(sentences), cluster.budget)
        scores.setdefault((dataset, system), []).append(summary_rouge(summary, cluster.reference))
        summaries.setdefault((dataset, system), []).append(summary)
        seconds[(dataset, system)] = seconds.get((dataset, system), 0.0) + spent

    cv_name = f"storyline (grouped {folds}-fold CV)"
    for k in progress(range(folds), "cross-validation folds", show_progress):
        train = [c for c, f in zip(clusters, fold, strict=True) if f != k]
        scorer = fitting.fit_scorer([c.features for c in train], [c.labels for c in train])
        for cluster, f in zip(clusters, fold, strict=True):
            if f == k:
                start = time.perf_counter()
                sentences = _ours(cluster, scorer)
                record(cluster.dataset, cv_name, sentences, cluster, time.perf_counter() - start)
    _ours(clusters[0], shipped)  # untimed first call: MiniLM loading is not per-cluster cost
    for index, cluster in enumerate(progress(clusters, "shipped and baselines", show_progress)):
        groups = [cluster.dataset]
        if cluster.dataset == "multinews" and cluster.split == "test":
            groups.append("multinews-test")
        systems = {"storyline (shipped model)": lambda c: _ours(c, shipped)}
        systems.update({name: _baseline(name, seed, index) for name in BASELINES})
        for system, function in systems.items():
            start = time.perf_counter()
            sentences = function(cluster)
            spent = time.perf_counter() - start
            for group in groups:
                record(group, system, sentences, cluster, spent)

    embedder = default_embedder()
    rows, notes = [], []
    for group in ("neus", "multinews", "multinews-test"):
        for system in (cv_name, "storyline (shipped model)", *BASELINES):
            if (group, system) not in scores or (group == "multinews-test" and system == cv_name):
                continue
            per = scores[(group, system)]
            note = None
            if system == "storyline (shipped model)":
                note = "held out: never fitted on" if group == "multinews-test" else "in sample"
            elif system == "oracle":
                note = "upper bound: reads the reference"
            rows.append(
                make_row(
                    f"{group}: {system}",
                    rouge1=statistics.fmean(s["rouge1"] for s in per),
                    rouge2=statistics.fmean(s["rouge2"] for s in per),
                    rougeLsum=statistics.fmean(s["rougeLsum"] for s in per),
                    seconds_per_item=seconds[(group, system)] / len(per),
                    note=note,
                )
            )
        if group != "multinews-test":
            ours = redundant_pair_share(summaries[(group, cv_name)], embedder)
            lexrank = redundant_pair_share(summaries[(group, "lexrank")], embedder)
            notes.append(
                f"{group}: share of summary sentence pairs with MiniLM cosine > "
                f"{REDUNDANT_PAIR_COSINE}: storyline (CV) {ours:.3f}, lexrank {lexrank:.3f}"
            )
            best = max(
                (s for s in BASELINES if s not in ("oracle", "random")),
                key=lambda s: statistics.fmean(x["rouge1"] for x in scores[(group, s)]),
            )
            margin = [
                statistics.fmean(x[m] for x in scores[(group, cv_name)])
                - statistics.fmean(x[m] for x in scores[(group, best)])
                for m in ("rouge1", "rouge2")
            ]
            notes.append(
                f"{group}: CV margin over the best baseline by ROUGE-1 ({best}): "
                f"{margin[0]:+.2f} R1, {margin[1]:+.2f} R2"
            )
    counts = {d: sum(c.dataset == d for c in clusters) for d in DATASETS}
    notes.append(
        f"shipped model fitted on: {shipped.info.get('train', 'unknown')}; held out: "
        f"{shipped.info.get('held_out', 'none')}; so the '<set>: storyline (shipped model)' "
        "rows are in-sample fit and only 'multinews-test' is a held-out figure"
    )
    notes.append(
        f"CV: {folds} folds over {counts} clusters together, grouped by cluster (each source "
        f"dealt round-robin into the folds, seed {seed}); each fold refits "
        f"{fitting.describe()} on features {len(fitting.FEATURES)} / label {fitting.LABEL}"
    )
    notes.append(
        "budgets: "
        + ", ".join(f"{d} {b} words" for d, b in WORD_BUDGETS.items())
        + "; ROUGE: rouge-score, use_stemmer=True, F1 x 100, first reference only"
    )
    settings = {
        "cv_folds": folds,
        "seed": seed,
        "limit": limit,
        "clusters": counts,
        "budgets": dict(WORD_BUDGETS),
        "data_sha256": {d: file_sha256(dataset_path(d)) for d in DATASETS},
    }
    return EvalResult(
        task="summarize",
        data=", ".join(str(dataset_path(d)) for d in DATASETS),
        n=len(clusters),
        settings=settings,
        rows=rows,
        columns=COLUMNS,
        notes=notes,
    )
