"""Grouped cross-validation of the window re-clustering constants (cluster/window.py).

The constants of the window re-clustering (coarse cut, contrast share, alike share, lone
article share) were set by hand while looking at every ECB+ and multinews-mix unit, so the
eval's figures for them are in-sample. This script gives them a held-out estimate:
- each dev set (UCI headlines, ECB+ whole, multinews-mix) is split into `--folds` folds by
  group (ECB+: topic; UCI and multinews-mix: gold story), every fold clustered as its own
  stream with the shipped defaults (cached MiniLM vectors) and each candidate
  configuration: the shipped constants and one change at a time from them;
- "grouped CV": for fold k, the configuration with the best mean F1 over the other folds of
  all three sets (one configuration for every stream, as shipped) is scored on fold k;
- "in-sample": the shipped constants scored on every fold (they were chosen on this data);
- same run: the window re-clustering off (single pass only) and the eval's TF-IDF +
  average link with its threshold tuned on the other folds of the same set.

Usage: python benchmarks/cluster_window_cv.py [--folds 4] [--seed 0] [--cache /tmp/storyline-cv]
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
from pathlib import Path

import numpy as np
from cluster_length_cv import DATASETS, baseline, load

from storyline.cluster import cluster_stream
from storyline.evaluate.cluster import Unit, _stream_order
from storyline.evaluate.metrics import bcubed

window = importlib.import_module("storyline.cluster.window")
NAMES = ("COARSE_SHARE", "CONTRAST_SHARE", "ALIKE_SHARE", "ALONE_SHARE")
SHIPPED = tuple(getattr(window, name) for name in NAMES)
# one change at a time from the shipped constants
CHANGES = {
    "COARSE_SHARE": (0.3, 0.5),
    "CONTRAST_SHARE": (0.0, 0.2, 0.4),
    "ALIKE_SHARE": (0.7, 0.9),
    "ALONE_SHARE": (0.7, 1.0),
}


class _Cached:
    """Stands in for the embedder: the clusterer gets the cached vectors instead."""

    name = "minilm"

    def embed(self, texts):
        raise RuntimeError("vectors are passed in")


def grid() -> list[tuple[float, ...]]:
    configs = [SHIPPED]
    for position, name in enumerate(NAMES):
        for value in CHANGES[name]:
            config = list(SHIPPED)
            config[position] = value
            configs.append(tuple(config))
    return configs


def group_folds(items, folds: int, seed: int) -> list[Unit]:
    """`folds` units of whole groups (topic if the items have one, else gold story)."""
    groups = sorted({i.topic if i.topic is not None else i.gold for i in items})
    random.Random(seed).shuffle(groups)
    fold_of = {group: n % folds for n, group in enumerate(groups)}
    members: list[list] = [[] for _ in range(folds)]
    for item in items:
        members[fold_of[item.topic if item.topic is not None else item.gold]].append(item)
    return [Unit(f"fold {k + 1}", _stream_order(m)) for k, m in enumerate(members)]


def score(units, vectors, config, recluster_every=None) -> list[float]:
    """F1 per unit with the window constants `config` (shipped defaults otherwise)."""
    for name, value in zip(NAMES, config, strict=True):
        setattr(window, name, value)
    extra = {} if recluster_every is None else {"recluster_every": recluster_every}
    result = []
    for unit in units:
        labels = cluster_stream(
            [i.text for i in unit.items],
            [i.published_at for i in unit.items],
            embedder=_Cached(),
            vectors=np.stack([vectors[i.item_id] for i in unit.items]),
            **extra,
        )
        result.append(bcubed(labels, unit.gold).f1)
    for name, value in zip(NAMES, SHIPPED, strict=True):
        setattr(window, name, value)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/storyline-cv"))
    parser.add_argument("--out", type=Path, help="write the per-fold scores as JSON")
    args = parser.parse_args()
    configs = grid()
    scores: dict[str, dict[tuple, list[float]]] = {}
    single_pass: dict[str, list[float]] = {}
    base: dict[str, list[float]] = {}
    sizes: dict[str, list[int]] = {}
    for dataset in DATASETS:
        items, vectors = load(dataset, args.cache)
        units = group_folds(items, args.folds, args.seed)
        sizes[dataset] = [len(u.items) for u in units]
        scores[dataset] = {c: score(units, vectors, c) for c in configs}
        single_pass[dataset] = score(units, vectors, SHIPPED, recluster_every=0)
        base[dataset] = baseline(units)
        print(f"# {dataset} done, fold sizes {sizes[dataset]}", flush=True)

    def chosen(fold: int) -> tuple[float, ...]:
        others = [k for k in range(args.folds) if k != fold]
        return max(
            configs,
            key=lambda c: np.mean([np.mean([scores[d][c][k] for k in others]) for d in DATASETS]),
        )

    picks = [chosen(k) for k in range(args.folds)]
    print(
        "| data (n) | in-sample: shipped constants | grouped CV (held-out folds) | "
        "re-clustering off | TF-IDF + agglomerative (tuned) |"
    )
    print("|---|---|---|---|---|")
    for dataset in DATASETS:
        held = np.mean([scores[dataset][picks[k]][k] for k in range(args.folds)])
        print(
            f"| {dataset} ({sum(sizes[dataset])}) | {np.mean(scores[dataset][SHIPPED]):.3f} | "
            f"{held:.3f} | {np.mean(single_pass[dataset]):.3f} | {np.mean(base[dataset]):.3f} |"
        )
    print("chosen per held-out fold:", picks)
    print("| constants " + str(NAMES) + " | " + " | ".join(DATASETS) + " |")
    for config in configs:
        row = " | ".join(f"{np.mean(scores[d][config]):.3f}" for d in DATASETS)
        print(f"| {config}{' (shipped)' if config == SHIPPED else ''} | {row} |")
    if args.out:
        flat = {d: {str(c): v for c, v in by.items()} for d, by in scores.items()}
        args.out.write_text(
            json.dumps(
                {"scores": flat, "single_pass": single_pass, "baseline": base, "sizes": sizes},
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
