"""Reprint detection at stream scale: ReprintIndex vs brute-force all-pairs Jaccard.

Corpus: the real ECB+ articles and Multi-News documents in ../shared/data, each turned
into a family of known copies: an exact copy, near copies (about 3% of words dropped or
swapped, a new headline), cut-down copies (the first 40/60/80% of the sentences: a
regional paper's trim), a degraded copy (lowercased, no punctuation) and a cut near copy.
A copy's gold original is the article it was made from; two different source articles
are never gold copies of each other.

Prints, for `ReprintIndex.partial_fit` over batches of 1,000: articles/s, peak RSS and
the size of `to_state()` as JSON, and pairwise precision/recall of the groups against the
gold families, with recall per kind of copy; then both systems on the first
`--baseline-n` articles, where the baseline is exact all-pairs shingle Jaccard at 0.5
(single-link groups), the textbook near-duplicate test (Broder 1997).

    python benchmarks/dedupe_benchmark.py            # ~10k articles, a few minutes
    python benchmarks/dedupe_benchmark.py --copies 3 --baseline-n 800   # quicker
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import resource
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from storyline.dedupe import ReprintIndex, shingles
from storyline.evaluate.datasets import dataset_path, load_cluster_items, load_mixed_clusters
from storyline.records import Article

START = datetime(2026, 1, 5, tzinfo=UTC)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def near_copy(text: str, rng: random.Random) -> str:
    words = text.split()
    kept = []
    for word in words:
        roll = rng.random()
        if roll < 0.015:
            continue  # dropped word
        kept.append("reportedly" if roll < 0.03 else word)  # swapped word
    return "UPDATED: " + " ".join(kept)


def cut_copy(text: str, share: float) -> str:
    parts = sentences(text)
    return " ".join(parts[: max(1, round(len(parts) * share))])


def degraded(text: str) -> str:
    return re.sub(r"[^\w\s]", "", text.lower())


VARIANTS = {
    "exact": lambda t, rng: t,
    "near": near_copy,
    "cut40": lambda t, rng: cut_copy(t, 0.4),
    "cut60": lambda t, rng: cut_copy(t, 0.6),
    "cut80": lambda t, rng: cut_copy(t, 0.8),
    "degraded": lambda t, rng: degraded(t),
    "near+cut60": lambda t, rng: near_copy(cut_copy(t, 0.6), rng),
    "near2": near_copy,
    "cut50": lambda t, rng: cut_copy(t, 0.5),
    "near3": near_copy,
    "cut70": lambda t, rng: cut_copy(t, 0.7),
}


def build_corpus(copies: int, seed: int) -> tuple[list[Article], dict[str, str], dict[str, str]]:
    """Articles in time order, gold family of each, and the kind of copy of each."""
    texts = [i.text for i in load_cluster_items(dataset_path("ecbplus"))]
    texts += [i.text for i in load_mixed_clusters(dataset_path("multinews-mix"))]
    # Sources with fewer than 40 words are too short for 5-word shingles to identify.
    texts = list(dict.fromkeys(t for t in texts if len(t.split()) >= 40))
    rng = random.Random(seed)
    kinds = list(VARIANTS)[:copies]
    records = []
    for base, text in enumerate(texts):
        records.append((f"s{base}", text, f"s{base}", "original"))
        for kind in kinds:
            records.append((f"s{base}-{kind}", VARIANTS[kind](text, rng), f"s{base}", kind))
    rng.shuffle(records)
    articles, family, kind_of = [], {}, {}
    for minute, (article_id, text, gold, kind) in enumerate(records):
        when = START + timedelta(minutes=minute)
        articles.append(Article(article_id, text, f"{article_id}.txt", published_at=when))
        family[article_id] = gold
        kind_of[article_id] = kind
    return articles, family, kind_of


def pairs_of(groups: dict[str, str]) -> set[tuple[str, str]]:
    members = defaultdict(list)
    for article_id, group in groups.items():
        members[group].append(article_id)
    return {
        tuple(sorted(pair)) for ids in members.values() for pair in itertools.combinations(ids, 2)
    }


def score(predicted: dict[str, str], family: dict[str, str]) -> tuple[float, float]:
    predicted_pairs, gold_pairs = pairs_of(predicted), pairs_of(family)
    hits = len(predicted_pairs & gold_pairs)
    precision = hits / len(predicted_pairs) if predicted_pairs else 1.0
    recall = hits / len(gold_pairs) if gold_pairs else 1.0
    return precision, recall


def index_groups(index: ReprintIndex) -> dict[str, str]:
    group_of = {e.article_id: e.article_id for e in index.entries_}
    for group in index.groups():
        for article_id in group.copy_ids:
            group_of[article_id] = group.original_id
    return group_of


def brute_force_groups(articles: list[Article], min_jaccard: float) -> dict[str, str]:
    """Exact Jaccard of 5-word shingle sets over all pairs, single-link groups."""
    sets = [shingles(a.text, 5) for a in articles]
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(articles)), 2):
        a, b = sets[i], sets[j]
        if a and b and len(a & b) / len(a | b) >= min_jaccard:
            parent[root(i)] = root(j)
    return {a.article_id: articles[root(i)].article_id for i, a in enumerate(articles)}


def real_reprint_families(articles, kind_of, family) -> dict[str, str]:
    """Gold families with sources that really are copies of each other joined.

    Exact containment of 5-word shingle sets over all pairs of sources (no MinHash), the
    same definition of a reprint the index uses.
    """
    sources = [a for a in articles if kind_of[a.article_id] == "original"]
    sets = [shingles(a.text, 5) for a in sources]
    parent = {a.article_id: a.article_id for a in sources}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j in itertools.combinations(range(len(sources)), 2):
        a, b = sets[i], sets[j]
        if a and b and len(a & b) / min(len(a), len(b)) >= 0.7:
            parent[root(sources[i].article_id)] = root(sources[j].article_id)
    return {a: root(f) for a, f in family.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=11, help="copies per source (max 11)")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--baseline-n", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    articles, family, kind_of = build_corpus(args.copies, args.seed)
    rss_before = peak_rss_mb()
    index = ReprintIndex()
    start = time.perf_counter()
    for offset in range(0, len(articles), args.batch):
        index.partial_fit(articles[offset : offset + args.batch])
    groups = index_groups(index)
    seconds = time.perf_counter() - start
    state_mb = len(json.dumps(index.to_state())) / 1e6
    precision, recall = score(groups, family)
    print(
        f"corpus: {len(articles)} articles ({len(set(family.values()))} sources x "
        f"{args.copies} copies + originals; ECB+ and Multi-News texts)"
    )
    print("| system | n | articles/s | peak RSS MB | pair precision | pair recall |")
    print("|---|---|---|---|---|---|")
    print(
        f"| ReprintIndex (batches of {args.batch}) | {len(articles)} | "
        f"{len(articles) / seconds:.0f} | {peak_rss_mb():.0f} (+{peak_rss_mb() - rss_before:.0f})"
        f" | {precision:.4f} | {recall:.4f} |"
    )
    print(f"state: {state_mb:.1f} MB as JSON")
    sources = [a for a, k in kind_of.items() if k == "original"]
    by_group = defaultdict(list)
    for article_id in sources:
        by_group[groups[article_id]].append(article_id)
    joined = sum(len(ids) for ids in by_group.values() if len(ids) > 1)
    print(
        f"sources grouped with another source: {joined} of {len(sources)} (real reprints "
        "inside ECB+/Multi-News, e.g. one wire story on two sites; counted as errors above)"
    )
    real = real_reprint_families(articles, kind_of, family)
    p_real, r_real = score(groups, real)
    print(
        f"with source pairs of exact shingle containment >= 0.7 counted as real reprints "
        f"(gold families joined): pair precision {p_real:.4f}, recall {r_real:.4f}"
    )
    print("recall per kind of copy (copy grouped with its source):")
    for kind in ["original", *list(VARIANTS)[: args.copies]]:
        ids = [a for a, k in kind_of.items() if k == kind and kind != "original"]
        if ids:
            joined = sum(groups[a] == groups[family[a]] for a in ids)
            print(f"  {kind}: {joined / len(ids):.4f} ({len(ids)})")

    subset = articles[: args.baseline_n]
    sub_family = {a.article_id: family[a.article_id] for a in subset}
    start = time.perf_counter()
    sub_index = ReprintIndex().partial_fit(subset)
    index_seconds = time.perf_counter() - start
    start = time.perf_counter()
    brute = brute_force_groups(subset, 0.5)
    brute_seconds = time.perf_counter() - start
    print(f"\nsame-run baseline on the first {len(subset)} articles:")
    print("| system | n | articles/s | pair precision | pair recall |")
    print("|---|---|---|---|---|")
    for name, predicted, took in (
        ("ReprintIndex", index_groups(sub_index), index_seconds),
        ("all-pairs Jaccard >= 0.5", brute, brute_seconds),
    ):
        p, r = score(predicted, sub_family)
        print(f"| {name} | {len(subset)} | {len(subset) / took:.0f} | {p:.4f} | {r:.4f} |")


if __name__ == "__main__":
    main()
