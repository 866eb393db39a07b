"""Reprint detection at stream scale: ReprintIndex vs its datasketch predecessor and all-pairs.

Corpus: the real ECB+ articles and Multi-News documents in ../shared/data, each turned
into a family of known copies: an exact copy, near copies (about 3% of words dropped or
swapped, a new headline), cut-down copies (the first 40/60/80% of the sentences: a
regional paper's trim), a degraded copy (lowercased, no punctuation) and a cut near copy.
A copy's gold original is the article it was made from; two different source articles
are never gold copies of each other.

Scale: beyond the 10,392 articles of that corpus, replica r of every source swaps each
word for another of about the same corpus frequency (a fixed random permutation of the
vocabulary within bins of 64 frequency ranks, a new one per replica) before its copies
are made, so replicas keep real sentence shapes and word frequencies but share almost no
5-word shingles with other replicas. Replicas arrive one after another, each shuffled.

Prints:
1. per scale (10k, 100k, 1M by default), each in a fresh process so peak RSS is its own:
   `ReprintIndex.partial_fit` over batches of 1,000: articles/s of wall time and of CPU
   time (fitting only, not corpus generation; CPU time is the per-core rate on a shared
   machine), peak RSS, RSS added by fitting, numpy bytes held, pairwise precision/recall
   against the gold families; the 10k row also runs the datasketch index of state version 1
   (`DatasketchIndexV1` below, the code this one replaced) and a `--window` row bounds
   memory at the largest scale;
2. on the 10k corpus: recall per kind of copy, and precision with real reprints among the
   sources counted as such;
3. both indexes and exact all-pairs shingle Jaccard at 0.5 (single-link groups, the
   textbook near-duplicate test, Broder 1997) on the first `--baseline-n` articles.

    python benchmarks/dedupe_benchmark.py                       # 10k, 100k, 1M: ~15 min
    python benchmarks/dedupe_benchmark.py --scales 10392 --baseline-n 800   # ~2 min
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from storyline.dedupe import ReprintIndex, shingles
from storyline.evaluate.datasets import dataset_path, load_cluster_items, load_mixed_clusters
from storyline.records import Article

START = datetime(2026, 1, 5, tzinfo=UTC)
BIN = 64  # vocabulary permutation bin, in frequency ranks


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


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
_WORD = re.compile(r"[A-Za-z]+")


def source_texts() -> list[str]:
    texts = [i.text for i in load_cluster_items(dataset_path("ecbplus"))]
    texts += [i.text for i in load_mixed_clusters(dataset_path("multinews-mix"))]
    # Sources with fewer than 40 words are too short for 5-word shingles to identify.
    return list(dict.fromkeys(t for t in texts if len(t.split()) >= 40))


def replica_mapper(texts: list[str], replica: int):
    """Replica 0: the text as is; else each word -> a word of about the same frequency."""
    if replica == 0:
        return lambda text: text
    counts = Counter(w.lower() for t in texts for w in _WORD.findall(t))
    vocabulary = [w for w, _ in counts.most_common()]
    rng = random.Random(replica)
    mapping = {}
    for start in range(0, len(vocabulary), BIN):
        group = vocabulary[start : start + BIN]
        shuffled = group[:]
        rng.shuffle(shuffled)
        mapping.update(zip(group, shuffled, strict=True))

    def swap(match: re.Match) -> str:
        word = match.group(0)
        new = mapping[word.lower()]
        return new.capitalize() if word[0].isupper() else new

    return lambda text: _WORD.sub(swap, text)


def corpus_blocks(
    n: int, copies: int, seed: int
) -> Iterator[tuple[list[Article], list[int], list[str]]]:
    """Blocks of (articles, gold family number, kind of copy) adding up to n articles."""
    texts = source_texts()
    kinds = list(VARIANTS)[:copies]
    made = 0
    for replica in range(math.ceil(n / (len(texts) * (copies + 1)))):
        rng = random.Random(seed + replica)
        mapper = replica_mapper(texts, replica)
        records = []
        for base, raw in enumerate(texts):
            text = mapper(raw)
            family = replica * len(texts) + base
            prefix = f"s{base}" if replica == 0 else f"r{replica}s{base}"
            records.append((prefix, text, family, "original"))
            for kind in kinds:
                records.append((f"{prefix}-{kind}", VARIANTS[kind](text, rng), family, kind))
        rng.shuffle(records)
        records = records[: n - made]
        articles = [
            Article(
                article_id,
                text,
                f"{article_id}.txt",
                published_at=START + timedelta(minutes=made + k),
            )
            for k, (article_id, text, _, _) in enumerate(records)
        ]
        made += len(records)
        yield articles, [r[2] for r in records], [r[3] for r in records]


def build_corpus(copies: int, seed: int) -> tuple[list[Article], dict[str, str], dict[str, str]]:
    """The 10k corpus (replica 0) in time order, gold family of each, kind of each."""
    articles, families, kinds = next(corpus_blocks(10**9, copies, seed))
    family = {a.article_id: f"s{f}" for a, f in zip(articles, families, strict=True)}
    kind_of = {a.article_id: k for a, k in zip(articles, kinds, strict=True)}
    return articles, family, kind_of


# --- the index this one replaced (state version 1, git 52537e2), as a same-run baseline ---


class DatasketchIndexV1:
    """Per-article datasketch MinHash + MinHashLSH and blake2b shingle hashes (v1)."""

    def __init__(self, shingle_words=5, num_perm=128, min_containment=0.7, lsh_jaccard=0.2):
        self.shingle_words, self.min_containment = shingle_words, min_containment
        self.hashes, self.digests, self.parent = [], {}, []
        self.position_: dict[str, int] = {}
        self.lsh = MinHashLSH(threshold=lsh_jaccard, num_perm=num_perm)
        self.template = MinHash(
            num_perm=num_perm, seed=1, hashfunc=lambda v: int(v) & 0xFFFFFFFF, scheme="affine32"
        )

    def partial_fit(self, articles):
        for article in articles:
            if article.article_id in self.position_:
                continue
            words = re.findall(r"[a-z0-9]+", article.text.casefold())
            digest = hashlib.sha256(" ".join(words).encode()).hexdigest()
            values = {
                int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little")
                for s in shingles(article.text, self.shingle_words)
            }
            hashes = np.array(sorted(values), dtype=np.uint64)
            i = len(self.hashes)
            self.hashes.append(hashes)
            self.position_[article.article_id] = i
            self.parent.append(i)
            first = self.digests.get(digest)
            if first is not None and hashes.size:
                self._join(i, first)
            elif first is None:
                self.digests[digest] = i
            if not hashes.size:
                continue
            minhash = self.template.copy()
            minhash.update_batch((hashes & np.uint64(0xFFFFFFFF)).tolist())
            lean = LeanMinHash(seed=1, hashvalues=minhash.hashvalues.copy(), scheme="affine32")
            for key in self.lsh.query(lean):
                other = self.hashes[int(key)]
                shared = np.intersect1d(hashes, other, assume_unique=True).size
                if shared / min(hashes.size, other.size) >= self.min_containment:
                    self._join(i, int(key))
            self.lsh.insert(str(i), lean, check_duplication=False)
        return self

    def root(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _join(self, i, j):
        a, b = self.root(i), self.root(j)
        self.parent[max(a, b)] = min(a, b)


# --- scoring ------------------------------------------------------------------------------


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


def score_arrays(predicted: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """Pairwise precision/recall of two labelings, by counting (the same as `score`)."""

    def pairs(labels: np.ndarray) -> int:
        counts = np.unique(labels, return_counts=True)[1].astype(np.int64)
        return int((counts * (counts - 1) // 2).sum())

    both = pairs(predicted.astype(np.int64) * (int(gold.max()) + 1) + gold)
    predicted_pairs, gold_pairs = pairs(predicted), pairs(gold)
    return (
        both / predicted_pairs if predicted_pairs else 1.0,
        both / gold_pairs if gold_pairs else 1.0,
    )


def index_groups(index: ReprintIndex) -> dict[str, str]:
    group_of = {e.article_id: e.article_id for e in index.entries_}
    for group in index.groups():
        for article_id in group.copy_ids:
            group_of[article_id] = group.original_id
    return group_of


def roots_of(index) -> np.ndarray:
    if isinstance(index, DatasketchIndexV1):
        return np.array([index.root(i) for i in range(len(index.parent))])
    return np.array([index._root(i) for i in range(len(index.entries_))])


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


# --- one measured run per process -----------------------------------------------------------


def run_scale(system: str, n: int, copies: int, batch: int, seed: int, window: int | None) -> dict:
    """Fit one system on n articles; time only `partial_fit`, not corpus generation."""
    rss_start = rss_mb()
    index = DatasketchIndexV1() if system == "v1" else ReprintIndex(window=window)
    seconds, cpu_seconds, gold = 0.0, 0.0, []
    for articles, families, _ in corpus_blocks(n, copies, seed):
        gold.extend(families)
        for offset in range(0, len(articles), batch):
            start, cpu_start = time.perf_counter(), time.process_time()
            index.partial_fit(articles[offset : offset + batch])
            seconds += time.perf_counter() - start
            cpu_seconds += time.process_time() - cpu_start
        del articles
    rss_fitted = rss_mb()
    precision, recall = score_arrays(roots_of(index), np.array(gold))
    return {
        "system": system,
        "n": len(gold),
        "window": window,
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(gold) / seconds, 1),
        "cpu_seconds": round(cpu_seconds, 2),
        "articles_per_cpu_s": round(len(gold) / cpu_seconds, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_added_mb": round(rss_fitted - rss_start, 1),
        "numpy_mb": round(getattr(index, "nbytes", 0) / 2**20, 1),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
    }


def measure(system: str, n: int, args, window: int | None = None) -> dict:
    command = [
        sys.executable, __file__, "--worker", system, "--n", str(n), "--copies",
        str(args.copies), "--batch", str(args.batch), "--seed", str(args.seed),
    ]  # fmt: skip
    if window:
        command += ["--window", str(window)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{system} at n={n} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=11, help="copies per source (max 11)")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--baseline-n", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scales", default="10392,100000,1000000", help="comma-separated n")
    parser.add_argument("--window", type=int, default=100_000, help="window row at max scale")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        window = args.window if "--window" in sys.argv else None
        row = run_scale(args.worker, args.n, args.copies, args.batch, args.seed, window)
        print(json.dumps(row))
        return

    scales = [int(x) for x in args.scales.split(",")]
    rows = [measure("v1", scales[0], args)]
    print(f"v1 done: {rows[-1]}", file=sys.stderr, flush=True)
    for n in scales:
        rows.append(measure("ReprintIndex", n, args))
        print(f"done: {rows[-1]}", file=sys.stderr, flush=True)
    if args.window and args.window < scales[-1]:
        rows.append(measure("ReprintIndex", scales[-1], args, window=args.window))
    print(
        f"corpus: replicas of 866 sources x {args.copies} copies + originals (ECB+ and "
        f"Multi-News texts), batches of {args.batch}, {os.cpu_count()} cores (single-threaded)"
    )
    print(
        "| system | n | window | articles/s | articles/CPU-s | peak RSS MB | RSS added MB "
        "| numpy MB | pair precision | pair recall |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        name = "v1: datasketch MinHashLSH (git 52537e2)" if row["system"] == "v1" else row["system"]
        print(
            f"| {name} | {row['n']} | {row['window'] or '-'} | {row['articles_per_s']:.0f} | "
            f"{row['articles_per_cpu_s']:.0f} | "
            f"{row['peak_rss_mb']:.0f} | {row['rss_added_mb']:.0f} | {row['numpy_mb']:.0f} | "
            f"{row['precision']:.4f} | {row['recall']:.4f} |"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"command": " ".join(sys.argv), "rows": rows}, f, indent=1)

    articles, family, kind_of = build_corpus(args.copies, args.seed)
    index = ReprintIndex()
    for offset in range(0, len(articles), args.batch):
        index.partial_fit(articles[offset : offset + args.batch])
    groups = index_groups(index)
    state_mb = len(json.dumps(index.to_state())) / 1e6
    print(f"\n10k corpus: state {state_mb:.1f} MB as JSON")
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
    for kind in list(VARIANTS)[: args.copies]:
        ids = [a for a, k in kind_of.items() if k == kind]
        joined = sum(groups[a] == groups[family[a]] for a in ids)
        print(f"  {kind}: {joined / len(ids):.4f} ({len(ids)})")

    subset = articles[: args.baseline_n]
    sub_family = {a.article_id: family[a.article_id] for a in subset}
    print(f"\nsame-run baseline on the first {len(subset)} articles:")
    print("| system | n | articles/s | pair precision | pair recall |")
    print("|---|---|---|---|---|")
    for name, fit in (
        ("ReprintIndex", lambda: index_groups(ReprintIndex().partial_fit(subset))),
        (
            "v1: datasketch MinHashLSH",
            lambda: v1_groups(DatasketchIndexV1().partial_fit(subset), subset),
        ),
        ("all-pairs Jaccard >= 0.5", lambda: brute_force_groups(subset, 0.5)),
    ):
        start = time.perf_counter()
        predicted = fit()
        took = time.perf_counter() - start
        p, r = score(predicted, sub_family)
        print(f"| {name} | {len(subset)} | {len(subset) / took:.0f} | {p:.4f} | {r:.4f} |")


def v1_groups(index: DatasketchIndexV1, articles: list[Article]) -> dict[str, str]:
    return {a.article_id: articles[index.root(i)].article_id for i, a in enumerate(articles)}


if __name__ == "__main__":
    main()
