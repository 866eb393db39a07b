"""Cross-validated choice of the length calibration (cluster/length.py), beside the baseline.

The shipped clusterer has one configuration for every stream. Its length calibration
(`cluster_length_terms`, `cluster_length_power` in settings.py) was chosen from a grid by
the mean BCubed F1 over the eval's units (`half_units`, the gold groups split in two) of
the three dev sets: UCI headlines, ECB+ whole, multinews-mix. This script estimates how
that choice does on data it was not chosen on:
- leave one dataset out: the grid point with the best mean F1 over the units of the other
  two datasets, scored on the held-out dataset's units;
- halves: the grid point best over the first halves of all three datasets, scored on the
  second halves, and the reverse (mean of the two).
Beside it, the shipped defaults (the grid point settings.py holds, chosen on all units,
so not held-out), the calibration off (power 0, the clusterer before this change) and
the tuned TF-IDF + average-link baseline of the eval (threshold tuned on the other half,
as `storyline eval cluster` does). MiniLM vectors are computed once per dataset and cached
in --cache (npz), so a rerun costs only the clustering.

The grid has a second dimension since the lexical contrast (cluster/recluster.py,
`LEXICAL_CONTRAST`): each length point with the contrast on (shipped) and off (the code
before it), so the held-out columns choose that switch on other data too, and the
"lexical contrast off" column is the shipped length point with it off, same run.
`--grid small` keeps three length points (12, 15 and 20 terms at the middle headline
factor, plus the shipped point) instead of twelve, to halve the run time.

Usage: python benchmarks/cluster_length_cv.py [--seeds 0] [--cache /tmp/storyline-cv]
    [--grid small|full]
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

import numpy as np

from storyline.cluster import cluster_stream, resolve_embedder
from storyline.evaluate import baselines
from storyline.evaluate.cluster import half_units, tuned_thresholds
from storyline.evaluate.datasets import dataset_path, load_cluster_items, load_mixed_clusters
from storyline.evaluate.metrics import bcubed
from storyline.settings import Settings

DATASETS = ("uci", "ecbplus", "multinews-mix")
TERMS_GRID = (12, 15, 20, 25)
# Each length_terms is paired with the powers that give a 7-term text (UCI's median
# headline) these similarity factors.
HEADLINE_FACTORS = (2.2, 2.6, 3.0)
GRID = [
    (terms, round(float(np.log(factor) / np.log(terms / 7)), 2))
    for terms in TERMS_GRID
    for factor in HEADLINE_FACTORS
]
SMALL_GRID = [(terms, round(float(np.log(2.6) / np.log(terms / 7)), 2)) for terms in (12, 15, 20)]
# the module (storyline.cluster exports a function of the same name)
recluster = importlib.import_module("storyline.cluster.recluster")


class _Cached:
    """Stands in for the embedder: the clusterer gets the cached vectors instead."""

    def __init__(self, name: str) -> None:
        self.name = name

    def embed(self, texts):
        raise RuntimeError("vectors are passed in")


def load(dataset: str, cache: Path):
    path = dataset_path(dataset)
    items = load_mixed_clusters(path) if dataset == "multinews-mix" else load_cluster_items(path)
    file = cache / f"{dataset}.npz"
    if file.is_file():
        stored = np.load(file)
        vectors = dict(zip(stored["ids"].tolist(), stored["vectors"], strict=True))
    else:
        embedder = resolve_embedder("auto")
        matrix = np.asarray(embedder.embed([i.text for i in items]))
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(file, ids=np.array([i.item_id for i in items]), vectors=matrix)
        vectors = dict(zip([i.item_id for i in items], matrix, strict=True))
    return items, vectors


def score(units, vectors, settings: dict, lexical: bool = True) -> list[float]:
    recluster.LEXICAL_CONTRAST = lexical
    result = []
    for unit in units:
        matrix = np.stack([vectors[i.item_id] for i in unit.items])
        labels = cluster_stream(
            [i.text for i in unit.items],
            [i.published_at for i in unit.items],
            embedder=_Cached("minilm"),
            vectors=matrix,
            **settings,
        )
        result.append(bcubed(labels, unit.gold).f1)
    return result


def baseline(units) -> list[float]:
    thresholds = tuned_thresholds(units)
    return [
        bcubed(
            baselines.agglomerative_labels(
                baselines.cosine_distances([i.text for i in u.items]), t
            ),
            u.gold,
        ).f1
        for u, t in zip(units, thresholds, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="0", help="half_units seeds, comma-separated")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/storyline-cv"))
    parser.add_argument("--out", type=Path, help="write the per-unit scores as JSON")
    parser.add_argument("--grid", choices=["small", "full"], default="full")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    shipped = Settings()
    default = (shipped.cluster_length_terms, shipped.cluster_length_power, True)
    points = sorted({*(GRID if args.grid == "full" else SMALL_GRID), default[:2]})
    grid = [(terms, power, lexical) for terms, power in points for lexical in (True, False)]
    # scores[dataset][seed][config] = [half 1, half 2]; config None = calibration off;
    # config = (length_terms, length_power, lexical contrast)
    scores: dict = {}
    base: dict = {}
    for dataset in DATASETS:
        items, vectors = load(dataset, args.cache)
        for seed in seeds:
            units = half_units(items, seed)
            base.setdefault(dataset, []).extend(baseline(units))
            cell = scores.setdefault(dataset, {}).setdefault(seed, {})
            cell[None] = score(units, vectors, {"length_power": 0.0}, lexical=False)
            for terms, power, lexical in grid:
                cell[(terms, power, lexical)] = score(
                    units, vectors, {"length_terms": terms, "length_power": power}, lexical
                )
            print(f"# {dataset} seed {seed} done", flush=True)

    def mean(dataset, config, halves=(0, 1)):
        return float(np.mean([scores[dataset][s][config][h] for s in seeds for h in halves]))

    def best(datasets, halves=(0, 1)):
        return max(grid, key=lambda c: np.mean([mean(d, c, halves) for d in datasets]))

    print(
        "| data | shipped defaults | held-out: leave one dataset out (chosen) | "
        "held-out: halves (chosen on first, second halves) | lexical contrast off | "
        "calibration and contrast off | TF-IDF + agglomerative (tuned) |"
    )
    print("|---|---|---|---|---|---|---|")
    before = (*default[:2], False)
    for dataset in DATASETS:
        others = [d for d in DATASETS if d != dataset]
        lodo = best(others)
        chosen = [best(DATASETS, (h,)) for h in (0, 1)]
        halves = np.mean([mean(dataset, chosen[h], (1 - h,)) for h in (0, 1)])
        print(
            f"| {dataset} | {mean(dataset, default):.3f} | {mean(dataset, lodo):.3f} "
            f"{lodo} | {halves:.3f} {chosen[0]}, {chosen[1]} | {mean(dataset, before):.3f} | "
            f"{mean(dataset, None):.3f} | {np.mean(base[dataset]):.3f} |"
        )
    print(
        f"shipped (length_terms, length_power, lexical contrast) = {default}; seeds {seeds}; "
        f"units = 2 halves per seed; grid {grid}"
    )
    print("chosen on all units:", best(DATASETS))
    if args.out:
        flat = {
            d: {str(s): {str(c): v for c, v in cells.items()} for s, cells in by_seed.items()}
            for d, by_seed in scores.items()
        }
        args.out.write_text(json.dumps({"scores": flat, "baseline": base}, indent=1))


if __name__ == "__main__":
    main()
