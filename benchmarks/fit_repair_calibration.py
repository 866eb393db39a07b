"""Fit and evaluate the calibrated repair confidence (issue 22) on degraded news copies.

Why: the raw sentence confidence (product of gap probabilities) is not calibrated; the
briefing's 0.5 bar needs a probability that a repaired sentence is whole. This script
degrades the clean Multi-News, ECB+ and NeuS articles, repairs them with the shipped model,
labels each repaired sentence right when both its boundaries match the gold sentence ends
(`evaluate.repair.gold_labels`), fits a logistic model over `calibration.FEATURES` on the
dev story groups (sha1 buckets 65..79, the ones the repair was tuned on; 0..64 trained the
lexical model, whose scores are over-confident there) and reports, on the held-out groups
(buckets 80..99, never tuned on), Brier score, log loss, a reliability table and the
precision of "confidence >= 0.5" sentences, raw vs calibrated, in the same run.

Measured (this script, shipped model, 2026-12-03): held-out buckets 80..99, 350 documents,
n=3,371 repaired sentences, 20.1% whole. Brier 0.153 calibrated vs 0.241 raw vs 0.165 for
dev's constant base rate; AUC 0.675 vs 0.634; "confidence >= 0.5" keeps 213 sentences, 47.9%
whole, vs 995 at 30.4% for the raw score. Dev 5-fold grouped CV (n=3,381): Brier 0.183 vs
0.273, AUC 0.648 vs 0.658. Two more features (previous sentence length, opens with a
lexicon name) did not lower dev CV Brier (0.1833) and were dropped.

Usage:
    python benchmarks/fit_repair_calibration.py            # fit, evaluate, write the JSON
    python benchmarks/fit_repair_calibration.py --dry-run  # fit and evaluate only
    python benchmarks/fit_repair_calibration.py --limit 40 # first 40 documents per split
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from storyline.clean.repair import calibration  # noqa: E402
from storyline.clean.repair.restore import restore_degraded_tokens  # noqa: E402
from storyline.evaluate import repair as ev  # noqa: E402
from storyline.evaluate.datasets import find_data_dir  # noqa: E402

OUT = REPO / "src" / "storyline" / "clean" / "models" / calibration.CALIBRATION_FILE
DEV = range(65, ev.NEWS_TEST_FROM_BUCKET)
C = 1.0  # L2 strength of the logistic fit (sklearn default; not tuned)
BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0001)


def split_rows(limit: int | None) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per split: features, labels and the raw confidence of every repaired sentence."""
    docs = ev.news_documents(find_data_dir())
    out = {}
    for split in ("dev", "test"):
        buckets = DEV if split == "dev" else range(ev.NEWS_TEST_FROM_BUCKET, 100)
        chosen = [d for d in docs if ev.news_bucket(d[0], d[2]) in buckets]
        if limit:
            chosen = chosen[:limit]
        xs, ys, groups, seen = [], [], [], set()
        for source, _, group, text in chosen:
            words, labels = ev.gold_labels(text)
            key = " ".join(words).lower()
            if len(words) < 10 or key in seen:
                continue
            seen.add(key)
            restored = restore_degraded_tokens([w.lower() for w in words])
            gold_end = [lab in ("PERIOD", "QUESTION") for lab in labels]
            gold_end[-1] = True
            for start, end in calibration.sentence_spans(restored):
                whole = (start == 0 or gold_end[start - 1]) and gold_end[end]
                ys.append(whole and not any(gold_end[start:end]))
                groups.append(f"{source}:{group}")
            xs.append(calibration.sentence_features(restored))
        x = np.vstack(xs)
        out[split] = (x, np.asarray(ys, dtype=float), np.asarray(groups))
        print(f"{split}: {len(seen)} documents, {len(ys):,} repaired sentences", flush=True)
    return out


def fit(x: np.ndarray, y: np.ndarray) -> dict:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=C, max_iter=2000).fit((x - mean) / scale, y)
    return {
        "features": list(calibration.FEATURES),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": model.coef_[0].round(6).tolist(),
        "intercept": round(float(model.intercept_[0]), 6),
    }


def report(name: str, p: np.ndarray, y: np.ndarray) -> None:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    brier = float(np.mean((p - y) ** 2))
    loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    kept = p >= 0.5
    from sklearn.metrics import roc_auc_score

    auc = roc_auc_score(y, p) if 0 < y.sum() < len(y) else float("nan")
    precision = float(y[kept].mean()) if kept.any() else float("nan")
    recall = float(kept[y == 1].mean()) if (y == 1).any() else float("nan")
    print(
        f"{name:<11} Brier {brier:.4f}  log loss {loss:.4f}  AUC {auc:.3f}  "
        f">=0.5 keeps {kept.mean():.3f} "
        f"(n={int(kept.sum())}), precision {precision:.3f}, recall of whole {recall:.3f}"
    )
    cells = []
    for lo, hi in zip(BINS[:-1], BINS[1:], strict=True):
        mask = (p >= lo) & (p < hi)
        if mask.any():
            cells.append(
                f"[{lo:.1f},{min(hi, 1):.1f}) n={int(mask.sum())} "
                f"mean {p[mask].mean():.2f} right {y[mask].mean():.2f}"
            )
    print("   reliability: " + "; ".join(cells))


def grouped_cv(x: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int = 5) -> np.ndarray:
    """Out-of-fold calibrated scores on dev, folds by story group."""
    from sklearn.model_selection import GroupKFold

    p = np.empty(len(y))
    for train, held in GroupKFold(folds).split(x, y, groups):
        m = fit(x[train], y[train])
        cal = calibration.Calibration(
            tuple(m["features"]),
            np.asarray(m["mean"]),
            np.asarray(m["scale"]),
            np.asarray(m["coef"]),
            m["intercept"],
        )
        p[held] = cal.predict(x[held])
    return p


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="documents per split")
    parser.add_argument("--dry-run", action="store_true", help="do not write the JSON")
    args = parser.parse_args(argv)
    rows = split_rows(args.limit)
    x_dev, y_dev, g_dev = rows["dev"]
    x_test, y_test, _ = rows["test"]
    raw_col = calibration.FEATURES.index("log_raw")
    print(f"\n## dev (buckets {DEV.start}..{DEV.stop - 1}), 5-fold grouped CV, n={len(y_dev)}")
    report("raw", np.exp(x_dev[:, raw_col]), y_dev)
    report("calibrated", grouped_cv(x_dev, y_dev, g_dev), y_dev)
    params = fit(x_dev, y_dev)
    cal = calibration.Calibration(
        tuple(params["features"]),
        np.asarray(params["mean"]),
        np.asarray(params["scale"]),
        np.asarray(params["coef"]),
        params["intercept"],
    )
    print(f"\n## held-out test (buckets {ev.NEWS_TEST_FROM_BUCKET}..99), n={len(y_test)}")
    print(f"base rate (share of repaired sentences that are whole): {y_test.mean():.3f}")
    report("raw", np.exp(x_test[:, raw_col]), y_test)
    report("base rate", np.full(len(y_test), y_dev.mean()), y_test)  # dev's share, constant
    report("calibrated", cal.predict(x_test), y_test)
    print("\ncoefficients (standardised features):")
    for name, c in zip(params["features"], params["coef"], strict=True):
        print(f"  {name:<22} {c:+.3f}")
    if not args.dry_run and not args.limit:
        params["fitted_on"] = (
            f"news dev story groups (sha1 buckets {DEV.start}..{DEV.stop - 1}), "
            f"{len(y_dev)} repaired sentences; benchmarks/fit_repair_calibration.py"
        )
        OUT.write_text(json.dumps(params, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
