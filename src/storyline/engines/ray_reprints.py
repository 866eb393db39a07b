"""Reprint detection on Ray: the local `ReprintIndex`'s groups, computed by a cluster.

The index's steps, each where it scales (its semantics without a window):
1. signatures in the workers: each article's shingle hashes, word digest, MinHash
   signature and LSH band keys (`hash_batch`, `minhash_batch`, `band_keys`), in Ray Data
   `map_batches` over blocks of articles;
2. exact copies by word digest: each digest's first article (by arrival number);
3. candidate pairs by a distributed group-by on the band key (Ray Data `groupby`): within a
   bucket, sorted by arrival, an article's candidates are the bucket's first `max_bucket`
   members before it, as the index's capped buckets give;
4. containment of every candidate pair in Ray tasks, reading the shingle arrays from the
   object store (put once, shared by the tasks of a node);
5. groups: union-find over the confirmed pairs in the index's order (arrival, then
   candidate), on the driver: one pass of integer work, so the groups, their originals and
   their similarities are the local index's (tests/engines/test_ray_reprints.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.dedupe.hashing import hash_batch, minhash_batch, minhash_params
from storyline.dedupe.index import _MINHASH_SEED, ReprintIndex, _containment, _Entry
from storyline.dedupe.lsh import band_keys, optimal_bands
from storyline.records import Article, ReprintGroup

# Articles per signature block and candidate pairs per containment task.
_BLOCK_ARTICLES = 1024
_PAIRS_PER_TASK = 200_000


class _Signatures:
    """Ray Data batch function: shingles, digests and band keys of a block of articles."""

    def __init__(self, shingle_words: int, num_perm: int, lsh_jaccard: float) -> None:
        self.shingle_words = shingle_words
        self.bands, self.rows = optimal_bands(lsh_jaccard, num_perm)
        self.a, self.c = minhash_params(self.bands * self.rows, _MINHASH_SEED)

    def __call__(self, batch: dict) -> dict:
        hashed = hash_batch(list(batch["text"]), self.shingle_words)
        keys = band_keys(minhash_batch(hashed, self.a, self.c), self.bands, self.rows)
        sizes = np.diff(hashed.offsets)
        return {
            "number": np.asarray(batch["number"], dtype=np.int64),
            "digest": np.array(hashed.digests, dtype=object),
            "shingles": np.array(
                [hashed.hashes(i).tobytes() for i in range(len(sizes))], dtype=object
            ),
            "keys": np.array([k.tobytes() for k in keys], dtype=object),
        }


def _bucket_pairs(max_bucket: int):
    def pairs(group: dict) -> dict:
        members = np.sort(np.asarray(group["number"], dtype=np.int64))
        queries, candidates = [], []
        for rank in range(1, members.size):
            earlier = members[: min(rank, max_bucket)]
            queries.append(np.full(earlier.size, members[rank]))
            candidates.append(earlier)
        if not queries:
            return {"query": np.zeros(0, np.int64), "candidate": np.zeros(0, np.int64)}
        return {"query": np.concatenate(queries), "candidate": np.concatenate(candidates)}

    return pairs


def _confirm(shingles_ref, offsets_ref, pairs: np.ndarray, threshold: float) -> np.ndarray:
    """Containment of each (query, candidate) pair; pairs below `threshold` get -1."""
    shingles, offsets = shingles_ref, offsets_ref
    out = np.empty(len(pairs))
    for n, (i, j) in enumerate(pairs.tolist()):
        overlap = _containment(
            shingles[offsets[i] : offsets[i + 1]], shingles[offsets[j] : offsets[j + 1]]
        )
        out[n] = overlap if overlap >= threshold else -1.0
    return out


def ray_reprint_groups(
    ray,
    articles: Sequence[Article],
    shingle_words: int = 5,
    num_perm: int = 128,
    min_containment: float = 0.7,
    lsh_jaccard: float = 0.2,
    max_bucket: int = 64,
    workers: int = 2,
) -> list[ReprintGroup]:
    """`ReprintIndex(...).partial_fit(articles).groups()`, computed on the Ray cluster."""
    index = ReprintIndex(shingle_words, num_perm, min_containment, lsh_jaccard, None, max_bucket)
    seen: set[str] = set()
    unique = [a for a in articles if a.article_id not in seen and not seen.add(a.article_id)]
    if not unique:
        return []
    rows = [{"number": n, "text": a.text} for n, a in enumerate(unique)]
    blocks = max(1, min(len(rows) // _BLOCK_ARTICLES + 1, workers * 4))
    signed = (
        ray.data.from_items(rows, override_num_blocks=blocks)
        .map_batches(
            _Signatures,
            batch_size=_BLOCK_ARTICLES,
            fn_constructor_kwargs={
                "shingle_words": shingle_words,
                "num_perm": num_perm,
                "lsh_jaccard": lsh_jaccard,
            },
            compute=ray.data.ActorPoolStrategy(size=workers),
        )
        .take_all()
    )
    signed.sort(key=lambda row: row["number"])
    shingle_sets = [np.frombuffer(r["shingles"], dtype=np.uint32) for r in signed]
    offsets = np.concatenate(([0], np.cumsum([s.size for s in shingle_sets]))).astype(np.int64)
    # 2: exact copies (as the index: a text without words is nobody's copy)
    first_of: dict[bytes, int] = {}
    exact_of: list[int | None] = []
    in_lsh: list[bool] = []
    for n, r in enumerate(signed):
        first = first_of.setdefault(r["digest"], n)
        nonempty = shingle_sets[n].size > 0
        exact_of.append(first if nonempty and first != n else None)
        in_lsh.append(nonempty and first == n)
    # 3: candidate pairs by band key
    # (keys as signed 64-bit: Arrow has no unsigned Python ints)
    band_rows = [
        {"key": int(key), "number": r["number"]}
        for r, lsh in zip(signed, in_lsh, strict=True)
        if lsh
        for key in np.frombuffer(r["keys"], dtype=np.int64).tolist()
    ]
    pairs = np.zeros((0, 2), dtype=np.int64)
    if band_rows:
        grouped = (
            ray.data.from_items(band_rows, override_num_blocks=workers * 4)
            .groupby("key", num_partitions=workers * 4)
            .map_groups(_bucket_pairs(max_bucket), batch_format="numpy")
            .iter_batches(batch_format="numpy", batch_size=None)
        )
        codes = [
            (b["query"].astype(np.int64) << 32) | b["candidate"].astype(np.int64) for b in grouped
        ]
        if codes:
            unique_codes = np.unique(np.concatenate(codes))
            pairs = np.stack([unique_codes >> 32, unique_codes & 0xFFFFFFFF], axis=1)
    # 4: containment in tasks over shared shingle arrays
    overlaps = np.zeros(0)
    if len(pairs):
        shingles_ref = ray.put(np.concatenate(shingle_sets) if shingle_sets else np.zeros(0))
        offsets_ref = ray.put(offsets)
        confirm = ray.remote(num_cpus=1)(_confirm)
        chunks = [pairs[i : i + _PAIRS_PER_TASK] for i in range(0, len(pairs), _PAIRS_PER_TASK)]
        overlaps = np.concatenate(
            ray.get([confirm.remote(shingles_ref, offsets_ref, c, min_containment) for c in chunks])
        )
    # 5: the index's union-find, in its order (pairs are sorted by query, then candidate)
    for n, article in enumerate(unique):
        index.entries_.append(_entry(article, signed[n]["digest"]))
        index.position_[article.article_id] = n
        index.parent_.append(n)
        index.similarity_.append(0.0)
    bounds = np.searchsorted(pairs[:, 0], np.arange(len(unique) + 1)).tolist()
    candidates, scores = pairs[:, 1].tolist(), overlaps.tolist()
    for i in range(len(unique)):
        if exact_of[i] is not None:
            index._join(i, exact_of[i], 1.0)
        for k in range(bounds[i], bounds[i + 1]):
            j = candidates[k]
            if index._root(j) == index._root(i) or scores[k] < 0:
                continue
            index._join(i, j, scores[k])
    return index.groups()


def _entry(article: Article, digest: bytes) -> _Entry:
    return _Entry(
        article_id=article.article_id,
        digest=digest,
        published_s=article.published_at.timestamp() if article.published_at else None,
        is_wire_copy=bool(
            article.wire and article.outlet and article.wire.casefold() == article.outlet.casefold()
        ),
        chars=len(article.text),
        source=article.source,
    )
