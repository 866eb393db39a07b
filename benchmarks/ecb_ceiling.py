"""How far can the clusterer's similarity go on the whole ECB+ set? A ceiling, not a result.

The issue asks BCubed F1 >= .95 over the whole ECB+ set. This script asks whether the
similarity the window re-clustering cuts on (TF-IDF, entity cues and MiniLM, mixed as
`OnlineClusterer` mixes them) can get there at all, by giving the clustering information
it never has: the gold topics, and cuts chosen while looking at the gold events.

All 772 articles are clustered as one stream with the shipped defaults (they fit one
re-clustering window), and the window's article-to-article similarity is kept. Then:
- shipped: the clusterer's own labels (no gold information);
- gold topics, one cut: each gold topic clustered on its own, with the single cut that
  scores best over all topics (fitted on the scored items);
- gold topics, oracle cut per topic: each topic with the cut that scores best on it.
Both grouping methods are shown: plain average-link, and `window_groups` (the shipped
topic -> event split). A second similarity adds the cosine of the articles' leads (first
40 words: headline and first sentence) at 0.3, a variant tried and not shipped
(benchmarks/README-cluster.md).

Usage: python benchmarks/ecb_ceiling.py   (needs ../shared/data; MiniLM when installed)
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.cluster import OnlineClusterer, resolve_embedder
from storyline.cluster.window import average_link_groups, window_groups
from storyline.evaluate.datasets import dataset_path, load_cluster_items
from storyline.evaluate.metrics import bcubed

LEAD_WORDS = 40
LEAD_SHARE = 0.3
CUTS = np.round(np.arange(0.10, 0.80, 0.01), 2)
METHODS = {"average-link": average_link_groups, "window_groups": window_groups}


def lead_similarity(texts: list[str]) -> np.ndarray:
    leads = [" ".join(t.split()[:LEAD_WORDS]) for t in texts]
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(leads)
    return (vectors @ vectors.T).toarray()


def gold_topic_scores(similarity, gold, topics, method) -> tuple[float, float, float]:
    """(BCubed F1 with an oracle cut per topic, best single cut's F1, that cut)."""
    oracle = np.zeros(len(gold), dtype=np.int64)
    per_cut = np.zeros((len(CUTS), len(gold)), dtype=np.int64)
    next_id = 0
    for topic in sorted(set(topics)):
        members = np.flatnonzero(topics == topic)
        local = similarity[np.ix_(members, members)]
        runs = [METHODS[method](local, cut) for cut in CUTS]
        scores = [bcubed(run.tolist(), gold[members].tolist()).f1 for run in runs]
        oracle[members] = runs[int(np.argmax(scores))] + next_id
        for k, run in enumerate(runs):
            per_cut[k, members] = run + next_id
        next_id += len(members)
    single = [bcubed(labels.tolist(), gold.tolist()).f1 for labels in per_cut]
    best = int(np.argmax(single))
    return bcubed(oracle.tolist(), gold.tolist()).f1, single[best], float(CUTS[best])


def main() -> None:
    items = load_cluster_items(dataset_path("ecbplus"))
    texts = [i.text for i in items]
    gold = np.array([i.gold for i in items])
    topics = np.array([i.topic for i in items])
    clusterer = OnlineClusterer(embedder=resolve_embedder("auto"))
    clusterer.partial_fit(texts, [None] * len(texts))
    rows = list(clusterer.window_)
    if len(rows) != len(texts):
        raise SystemExit(f"the window holds {len(rows)} of {len(texts)} articles")
    shipped = bcubed(clusterer.resolved_labels(), gold.tolist())
    embedder = getattr(clusterer.embedder, "name", None) or "none (TF-IDF only)"
    print(f"ECB+ whole set, n={len(texts)}, {len(set(topics))} topics, embedder {embedder}")
    print(
        f"shipped clusterer, no gold information: P {shipped.precision:.3f} "
        f"R {shipped.recall:.3f} F1 {shipped.f1:.3f}\n"
    )
    base = clusterer._row_similarity(rows)  # the similarity the re-clustering cuts on
    similarities = {
        "shipped similarity": base,
        f"+ lead cosine at {LEAD_SHARE}": (1 - LEAD_SHARE) * base
        + LEAD_SHARE * lead_similarity(texts),
    }
    print("| similarity | grouping | no gold (threshold 0.25) | gold topics, best single cut "
          "| gold topics, oracle cut per topic |")
    print("|---|---|---|---|---|")
    for name, similarity in similarities.items():
        for method in METHODS:
            own = bcubed(METHODS[method](similarity, clusterer.threshold).tolist(), gold.tolist())
            oracle, single, cut = gold_topic_scores(similarity, gold, topics, method)
            print(f"| {name} | {method} | {own.f1:.3f} | {single:.3f} (cut {cut:.2f}) "
                  f"| {oracle:.3f} |")


if __name__ == "__main__":
    main()
