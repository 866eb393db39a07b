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

Then the eval's halves (the gold topics split in two by `half_units`, seeds 0-4), gold
topics still given: the cut chosen on the other half (held-out) or on the scored half, for
the shipped similarity and for a learned one, a logistic regression over six pair
cosines (TF-IDF, cues, lead words, lead cues, MiniLM, shipped mix) trained on the other
half's same-topic pairs (same event or not).

Usage: python benchmarks/ecb_ceiling.py   (needs ../shared/data; MiniLM when installed)
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from storyline.cluster import OnlineClusterer, resolve_embedder
from storyline.cluster.features import hash_cues
from storyline.cluster.window import average_link_groups, window_groups
from storyline.evaluate.cluster import half_units
from storyline.evaluate.datasets import dataset_path, load_cluster_items
from storyline.evaluate.metrics import bcubed
from storyline.similarity import tfidf_rows

LEAD_WORDS = 40
LEAD_SHARE = 0.3
CUTS = np.round(np.arange(0.10, 0.80, 0.01), 2)
METHODS = {"average-link": average_link_groups, "window_groups": window_groups}
SEEDS = range(5)


def _lead(text: str) -> str:
    return " ".join(text.split()[:LEAD_WORDS])


def word_cosines(texts: list[str]) -> np.ndarray:
    vectors = tfidf_rows(texts)
    return (vectors @ vectors.T).toarray()


def cue_cosines(texts: list[str]) -> np.ndarray:
    counts = hash_cues(texts, 2**18)
    frequency = np.asarray((counts > 0).sum(axis=0)).ravel()
    vectors = normalize(counts.multiply(np.log((1 + len(texts)) / (1 + frequency)) + 1).tocsr())
    return (vectors @ vectors.T).toarray()


def _topic_runs(similarity, topic_members, method) -> list[list[np.ndarray]]:
    """Each topic clustered alone at every cut: runs[topic][cut] is its group ids."""
    return [
        [METHODS[method](similarity[np.ix_(members, members)], cut) for cut in CUTS]
        for members in topic_members
    ]


def _joined(topic_runs: list[np.ndarray], topic_members, gold) -> float:
    """BCubed F1 of one run per topic, the topics' group ids kept apart."""
    labels, next_id = [], 0
    for run in topic_runs:
        labels.extend((run + next_id).tolist())
        next_id += int(run.max()) + 1
    return bcubed(labels, gold[np.concatenate(topic_members)].tolist()).f1


def _cut_scores(runs, topic_members, gold) -> np.ndarray:
    """BCubed F1 over all topics of each cut."""
    return np.asarray(
        [_joined([r[k] for r in runs], topic_members, gold) for k in range(len(CUTS))]
    )


def gold_topic_scores(similarity, gold, topic_members, method) -> tuple[float, float, float]:
    """(BCubed F1 with an oracle cut per topic, best single cut's F1, that cut)."""
    runs = _topic_runs(similarity, topic_members, method)
    oracle = [
        max(r, key=lambda run: bcubed(run.tolist(), gold[members].tolist()).f1)
        for r, members in zip(runs, topic_members, strict=True)
    ]
    single = _cut_scores(runs, topic_members, gold)
    best_cut = int(np.argmax(single))
    return _joined(oracle, topic_members, gold), single[best_cut], float(CUTS[best_cut])


def learned_similarity(channels: np.ndarray, topic_members, gold) -> np.ndarray:
    """P(same event) from the pair cosines, fitted on the same-topic pairs given."""
    features, same = [], []
    for members in topic_members:
        upper = np.triu_indices(members.size, 1)
        features.append(channels[np.ix_(members, members)][upper])
        same.append((gold[members][:, None] == gold[members][None, :])[upper])
    model = LogisticRegression(max_iter=1000).fit(np.concatenate(features), np.concatenate(same))
    n = channels.shape[0]
    return model.predict_proba(channels.reshape(n * n, -1))[:, 1].reshape(n, n)


def halves_table(items, channels: np.ndarray, gold: np.ndarray) -> None:
    position = {item.item_id: k for k, item in enumerate(items)}
    rows: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for seed in SEEDS:
        halves = []
        for unit in half_units(items, seed):
            topics: dict[str, list[int]] = {}
            for item in unit.items:
                topics.setdefault(item.topic, []).append(position[item.item_id])
            halves.append([np.asarray(m) for m in topics.values()])
        for scored, other in ((halves[0], halves[1]), (halves[1], halves[0])):
            similarities = {
                "shipped similarity": channels[..., -1],
                "learned (6 cosines)": learned_similarity(channels, other, gold),
            }
            for name, similarity in similarities.items():
                for method in METHODS:
                    other_runs = _topic_runs(similarity, other, method)
                    chosen = int(np.argmax(_cut_scores(other_runs, other, gold)))
                    scores = _cut_scores(_topic_runs(similarity, scored, method), scored, gold)
                    held_out = scores[chosen]
                    rows.setdefault((name, method), []).append((held_out, scores.max()))
    print(f"\nHalves ({len(SEEDS)} seeds x 2), gold topics given, mean BCubed F1 over halves:")
    print(
        "| similarity | grouping | cut chosen on the other half | cut fitted on the scored half |"
    )
    print("|---|---|---|---|")
    for (name, method), scores in rows.items():
        held_out, fitted = np.mean(scores, axis=0)
        print(f"| {name} | {method} | {held_out:.3f} | {fitted:.3f} |")


def main() -> None:
    items = load_cluster_items(dataset_path("ecbplus"))
    texts = [i.text for i in items]
    gold = np.array([i.gold for i in items])
    topics = np.array([i.topic for i in items])
    topic_members = [np.flatnonzero(topics == t) for t in sorted(set(topics))]
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
    leads = [_lead(t) for t in texts]
    lead_words = word_cosines(leads)
    similarities = {
        "shipped similarity": base,
        f"+ lead cosine at {LEAD_SHARE}": (1 - LEAD_SHARE) * base + LEAD_SHARE * lead_words,
    }
    print(
        f"| similarity | grouping | no gold (threshold {clusterer.threshold}) "
        "| gold topics, best single cut "
        "| gold topics, oracle cut per topic |"
    )
    print("|---|---|---|---|---|")
    for name, similarity in similarities.items():
        for method in METHODS:
            own = bcubed(METHODS[method](similarity, clusterer.threshold).tolist(), gold.tolist())
            oracle, single, cut = gold_topic_scores(similarity, gold, topic_members, method)
            print(
                f"| {name} | {method} | {own.f1:.3f} | {single:.3f} (cut {cut:.2f}) "
                f"| {oracle:.3f} |"
            )
    vectors = [r.vector for r in rows]
    if any(v is None for v in vectors):
        print("\n(no embedder: the halves table needs MiniLM)")
        return
    vectors = normalize(np.stack(vectors))
    channels = np.stack(
        [
            word_cosines(texts),
            cue_cosines(texts),
            lead_words,
            cue_cosines(leads),
            vectors @ vectors.T,
            base,
        ],
        axis=-1,
    )
    halves_table(items, channels, gold)


if __name__ == "__main__":
    main()
