"""Incremental reprint index: exact and near copies found as batches of articles arrive.

Exact copies share a digest of their normalised words. Near copies and partial reprints
are proposed by MinHash LSH (Broder 1997; banding as datasketch `MinHashLSH`) over word
shingles at a low Jaccard threshold and confirmed on the (hashed) shingle sets by
containment |A ∩ B| / min(|A|, |B|), so a copy cut to its first paragraphs still joins
its original although their Jaccard similarity is low. Confirmed pairs are joined with
union-find; each group's original is the wire service's own copy, else the earliest dated,
else the longest article.

Speed: shingling, MinHash and the LSH look-ups run as numpy passes over a whole batch
(`hashing.py`, `lsh.py`); Python code runs once per article and once per candidate pair.
A candidate already in the article's group is not checked again. Memory: shingle sets are
32-bit hashes in flat arrays, the LSH table is two flat arrays, and with `window` only the
latest `window` articles stay candidates (older ones keep their group, id and ranking
fields, about 0.8 KB each at 1M articles, but drop their shingles and LSH entries).

Learned state lives in attributes ending in `_` and round-trips through a JSON-able dict
(`to_state` / `from_state`), so a store can keep it in a key-value table. Without a
window, `partial_fit` over batches gives exactly the groups of one `partial_fit` over all
articles in the same order: every article is compared with every earlier one, whatever
the batch boundaries (a window is applied between batches).

>>> index = ReprintIndex().partial_fit(articles[:500])  # doctest: +SKIP
>>> index.partial_fit(articles[500:]).groups()  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.dedupe.hashing import HashedBatch, hash_batch, minhash_batch, minhash_params
from storyline.dedupe.lsh import BandTable, band_keys, optimal_bands
from storyline.errors import ConfigError
from storyline.records import Article, ReprintGroup

# Version 2: 32-bit shingle hashes of `hashing.py` (version 1 kept 64-bit blake2b hashes
# of the shingle strings, which cannot be converted without the texts).
STATE_VERSION = 2
# MinHash hash functions are drawn from this seed (multiply-shift, `hashing.py`); they are
# recomputed from the stored shingles when a state is loaded.
_MINHASH_SEED = 1
# A call to `partial_fit` is processed in chunks of at most this many articles and
# characters, so numpy work arrays stay bounded (about 40 bytes per character of a chunk)
# whatever the caller's batch; without a window the chunking does not change the groups.
_CHUNK_ARTICLES = 4096
_CHUNK_CHARS = 4_000_000


def normalized_words(text: str) -> list[str]:
    """Lowercase words without punctuation, so degraded copies compare equal to clean ones."""
    return re.findall(r"[a-z0-9]+", text.casefold())


def shingles(text: str, size: int) -> set[str]:
    """Word `size`-grams of the normalised text (the whole text when it is shorter)."""
    words = normalized_words(text)
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def shingle_hashes(text: str, size: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the text's word shingles (see `hashing.py`).

    One hash per element of `shingles(text, size)`, stable across processes.
    """
    return hash_batch([text], size).hashes(0)


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the index keeps per article for ever: enough to rank originals."""

    article_id: str
    digest: bytes
    published_s: float | None
    is_wire_copy: bool
    chars: int
    source: str


class _ShingleStore:
    """Shingle hash sets of articles numbered from 0, in chunks of consecutive articles.

    Chunks merge while the previous one is no more than twice as large (so there are few),
    up to `max_chunk` articles (so an evicted prefix frees whole chunks).
    """

    def __init__(self, max_chunk: int) -> None:
        self.max_chunk = max_chunk
        self.firsts: list[int] = []
        self.chunks: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, first: int, offsets: np.ndarray, data: np.ndarray) -> None:
        while self.chunks:
            last_offsets, last_data = self.chunks[-1]
            count, new = len(last_offsets) - 1, len(offsets) - 1
            if count > 2 * new or count + new > self.max_chunk:
                break
            self.chunks.pop()
            first = self.firsts.pop()
            offsets = np.concatenate((last_offsets[:-1], offsets + last_offsets[-1]))
            data = np.concatenate((last_data, data))
        self.firsts.append(first)
        self.chunks.append((offsets, data))

    def get(self, i: int) -> np.ndarray:
        c = bisect.bisect_right(self.firsts, i) - 1
        if c < 0:
            return _EMPTY
        offsets, data = self.chunks[c]
        k = i - self.firsts[c]
        if k >= len(offsets) - 1:
            return _EMPTY
        return data[offsets[k] : offsets[k + 1]]

    def evict_below(self, first_live: int) -> None:
        while self.chunks and self.firsts[0] + len(self.chunks[0][0]) - 1 <= first_live:
            self.firsts.pop(0)
            self.chunks.pop(0)

    @property
    def nbytes(self) -> int:
        return sum(o.nbytes + d.nbytes for o, d in self.chunks)


_EMPTY = np.zeros(0, dtype=np.uint32)


def _encode(array: np.ndarray) -> str:
    return base64.b64encode(array.astype("<u4").tobytes()).decode("ascii")


def _decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<u4").astype(np.uint32)


class ReprintIndex:
    """Find reprint groups incrementally; `groups()` returns them at any point.

    Args:
        shingle_words: words per shingle (5: Broder's choice for web pages; see settings).
        num_perm: MinHash size that sets the LSH banding (b bands of r rows, b * r <=
            num_perm, chosen as datasketch does); only the b * r hash values are computed.
        min_containment: share of the shorter text's shingles found in the longer one for
            a near copy (0.7, see `Settings.min_containment`).
        lsh_jaccard: Jaccard threshold of the LSH candidate search; it only proposes
            pairs, so it is set low (see `Settings.reprint_lsh_jaccard`).
        window: keep only the latest `window` articles as candidates (None: all), which
            bounds memory on an endless stream; copies of older articles are then missed
            unless exact.
        max_bucket: articles stored per LSH bucket; later ones with that band are still
            compared with the stored ones. 64 leaves recall unchanged on
            benchmarks/dedupe_benchmark.py and bounds 1,000 near copies of one story.
    """

    def __init__(
        self,
        shingle_words: int = 5,
        num_perm: int = 128,
        min_containment: float = 0.7,
        lsh_jaccard: float = 0.2,
        window: int | None = None,
        max_bucket: int = 64,
    ) -> None:
        if shingle_words <= 0 or num_perm <= 0:
            raise ConfigError(
                f"shingle_words and num_perm must be positive, got {shingle_words}, {num_perm}"
            )
        if not 0 < min_containment <= 1:
            raise ConfigError(f"min_containment must be in (0, 1], got {min_containment!r}")
        if not 0 < lsh_jaccard < 1:
            raise ConfigError(f"lsh_jaccard must be in (0, 1), got {lsh_jaccard!r}")
        if window is not None and window <= 0:
            raise ConfigError(
                f"window must be a positive number of articles or None, got {window!r}"
            )
        if max_bucket <= 0:
            raise ConfigError(f"max_bucket must be positive, got {max_bucket!r}")
        self.shingle_words = shingle_words
        self.num_perm = num_perm
        self.min_containment = min_containment
        self.lsh_jaccard = lsh_jaccard
        self.window = window
        self.max_bucket = max_bucket
        self.entries_: list[_Entry] = []
        self.position_: dict[str, int] = {}
        self.parent_: list[int] = []
        self.similarity_: list[float] = []
        self.digest_first_: dict[bytes, int] = {}
        self.in_lsh_: list[bool] = []
        self.first_live_ = 0
        self.shingles_ = _ShingleStore(max_chunk=65_536 if window is None else max(1, window // 8))
        self._bands, self._rows = optimal_bands(lsh_jaccard, num_perm)
        self._hash_a, self._hash_c = minhash_params(self._bands * self._rows, _MINHASH_SEED)
        self._table = BandTable(max_bucket)

    # --- fitting ------------------------------------------------------------------------

    def partial_fit(self, articles: Iterable[Article]) -> ReprintIndex:
        """Add articles in the order given; an id seen before is skipped (idempotent)."""
        new: list[Article] = []
        seen: set[str] = set()
        for article in articles:
            if article.article_id not in self.position_ and article.article_id not in seen:
                seen.add(article.article_id)
                new.append(article)
        chunk: list[Article] = []
        chars = 0
        for article in new:
            if chunk and (
                len(chunk) >= _CHUNK_ARTICLES or chars + len(article.text) > _CHUNK_CHARS
            ):
                self._fit_chunk(chunk)
                chunk, chars = [], 0
            chunk.append(article)
            chars += len(article.text)
        if chunk:
            self._fit_chunk(chunk)
        return self

    def _fit_chunk(self, new: list[Article]) -> None:
        batch = hash_batch([a.text for a in new], self.shingle_words)
        base = len(self.entries_)
        sizes = np.diff(batch.offsets).tolist()
        exact_of: list[int | None] = []
        for k, article in enumerate(new):
            entry = _Entry(
                article_id=article.article_id,
                digest=batch.digests[k],
                published_s=article.published_at.timestamp() if article.published_at else None,
                is_wire_copy=bool(
                    article.wire
                    and article.outlet
                    and article.wire.casefold() == article.outlet.casefold()
                ),
                chars=len(article.text),
                source=article.source,
            )
            first = self.digest_first_.get(entry.digest)
            if first is None:
                self.digest_first_[entry.digest] = base + k
            exact_of.append(first if sizes[k] else None)
            # An exact copy's candidates are its first's: only a first (or the first
            # evicted by the window) enters the LSH table.
            self.in_lsh_.append(bool(sizes[k]) and (first is None or first < self.first_live_))
            self.entries_.append(entry)
            self.position_[entry.article_id] = base + k
            self.parent_.append(base + k)
            self.similarity_.append(0.0)
        self.shingles_.add(base, batch.offsets, batch.shingles)
        queries, candidates = self._candidates(batch, base)
        self._confirm(base, exact_of, queries, candidates)
        if self.window is not None and len(self.entries_) - self.window > self.first_live_:
            self.first_live_ = len(self.entries_) - self.window
            self.shingles_.evict_below(self.first_live_)
            self._table.evict_below(self.first_live_)

    def _candidates(self, batch: HashedBatch, base: int) -> tuple[np.ndarray, np.ndarray]:
        rows = np.flatnonzero(self.in_lsh_[base:]) if len(self.in_lsh_) > base else []
        if not len(rows):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        signatures = minhash_batch(batch, self._hash_a, self._hash_c)[rows]
        keys = band_keys(signatures, self._bands, self._rows)
        return self._table.query_insert(keys, rows + base)

    def _confirm(
        self, base: int, exact_of: list[int | None], queries: np.ndarray, candidates: np.ndarray
    ) -> None:
        """Join each new article to its exact first and to candidates passing containment."""
        ids = np.arange(base, len(self.entries_))
        bounds = np.searchsorted(queries, np.append(ids, ids[-1] + 1)).tolist()
        candidates_list = candidates.tolist()
        first_live, threshold = self.first_live_, self.min_containment
        for k, i in enumerate(ids.tolist()):
            if exact_of[k] is not None:
                self._join(i, exact_of[k], 1.0)
            lo, hi = bounds[k], bounds[k + 1]
            if lo == hi:
                continue
            mine = self.shingles_.get(i)
            for j in candidates_list[lo:hi]:
                if j < first_live or j >= i or self._root(j) == self._root(i):
                    continue
                overlap = _containment(mine, self.shingles_.get(j))
                if overlap >= threshold:
                    self._join(i, j, overlap)

    def _root(self, i: int) -> int:
        parent = self.parent_
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def _join(self, i: int, j: int, overlap: float) -> None:
        a, b = self._root(i), self._root(j)
        if a != b:
            self.parent_[max(a, b)] = min(a, b)  # lower index wins: independent of batching
        self.similarity_[i] = max(self.similarity_[i], overlap)
        self.similarity_[j] = max(self.similarity_[j], overlap)

    @property
    def nbytes(self) -> int:
        """Bytes of the numpy arrays held (shingle sets and LSH table), not Python objects."""
        return self.shingles_.nbytes + self._table.nbytes

    # --- results ------------------------------------------------------------------------

    def groups(self) -> list[ReprintGroup]:
        """Reprint groups (two or more articles), in order of their first article."""
        members: dict[int, list[int]] = {}
        for i in range(len(self.entries_)):
            members.setdefault(self._root(i), []).append(i)
        groups = []
        for indices in members.values():
            if len(indices) < 2:
                continue
            original = min(indices, key=lambda i: self._rank(self.entries_[i]))
            kind = "exact" if len({self.entries_[i].digest for i in indices}) == 1 else "near"
            groups.append(
                ReprintGroup(
                    original_id=self.entries_[original].article_id,
                    copy_ids=tuple(self.entries_[i].article_id for i in indices if i != original),
                    kind=kind,
                    similarity=round(min(self.similarity_[i] for i in indices), 3),
                )
            )
        return groups

    def original_of(self, article_id: str) -> str:
        """The article counted as the source of `article_id` (itself when no copy)."""
        i = self.position_[article_id]
        root = self._root(i)
        indices = [k for k in range(root, len(self.entries_)) if self._root(k) == root]
        return self.entries_[min(indices, key=lambda k: self._rank(self.entries_[k]))].article_id

    @staticmethod
    def _rank(entry: _Entry) -> tuple:
        """The wire's own copy first, then the earliest dated, then the longest text."""
        dated = entry.published_s is not None
        return (
            not entry.is_wire_copy,
            not dated,
            entry.published_s or 0.0,
            -entry.chars,
            entry.source,
        )

    # --- persistence --------------------------------------------------------------------

    def to_state(self) -> dict:
        """A JSON-able dict of the settings and learned state (arrays as base64 strings).

        Shingle sets are kept for articles still in the window; MinHash signatures and the
        LSH table are recomputed from them by `from_state`.
        """
        return {
            "version": STATE_VERSION,
            "params": {
                "shingle_words": self.shingle_words,
                "num_perm": self.num_perm,
                "min_containment": self.min_containment,
                "lsh_jaccard": self.lsh_jaccard,
                "window": self.window,
                "max_bucket": self.max_bucket,
            },
            "first_live": self.first_live_,
            "articles": [
                {
                    "id": e.article_id,
                    "digest": e.digest.hex(),
                    "shingles": _encode(self.shingles_.get(i)) if i >= self.first_live_ else None,
                    "lsh": lsh,
                    "published_s": e.published_s,
                    "wire_copy": e.is_wire_copy,
                    "chars": e.chars,
                    "source": e.source,
                    "parent": p,
                    "similarity": s,
                }
                for i, (e, lsh, p, s) in enumerate(
                    zip(self.entries_, self.in_lsh_, self.parent_, self.similarity_, strict=True)
                )
            ],
        }

    @classmethod
    def from_state(cls, state: dict) -> ReprintIndex:
        """Rebuild an index from `to_state()` output; ConfigError on an unknown version."""
        version = state.get("version")
        if version != STATE_VERSION:
            hint = (
                " (version 1 kept 64-bit hashes of shingle strings, which cannot be converted)"
                if version == 1
                else ""
            )
            raise ConfigError(
                f"reprint index state version {version!r} is not supported "
                f"(expected {STATE_VERSION}){hint}; rebuild the index from the stored articles"
            )
        index = cls(**state["params"])
        index.first_live_ = state["first_live"]
        sets: list[np.ndarray] = []
        for i, record in enumerate(state["articles"]):
            entry = _Entry(
                article_id=record["id"],
                digest=bytes.fromhex(record["digest"]),
                published_s=record["published_s"],
                is_wire_copy=record["wire_copy"],
                chars=record["chars"],
                source=record["source"],
            )
            index.entries_.append(entry)
            index.position_[entry.article_id] = i
            index.parent_.append(record["parent"])
            index.similarity_.append(record["similarity"])
            index.in_lsh_.append(record["lsh"])
            index.digest_first_.setdefault(entry.digest, i)
            if i >= index.first_live_:
                sets.append(_EMPTY if record["shingles"] is None else _decode(record["shingles"]))
        if sets:
            offsets = np.zeros(len(sets) + 1, dtype=np.int64)
            np.cumsum([s.size for s in sets], out=offsets[1:])
            live = HashedBatch(offsets, np.concatenate(sets), [])
            base = index.first_live_
            index.shingles_.add(base, live.offsets, live.shingles)
            index._candidates(live, base)  # refills the LSH table; pairs were confirmed before
        return index


def _containment(a: np.ndarray, b: np.ndarray) -> float:
    """|A ∩ B| / min(|A|, |B|) of two sorted unique hash arrays."""
    if a.size > b.size:
        a, b = b, a
    if not a.size:
        return 0.0
    at = np.searchsorted(b, a)
    np.minimum(at, b.size - 1, out=at)
    return int(np.count_nonzero(b[at] == a)) / a.size


def copies_by_original(independent_of: dict[str, str]) -> dict[str, list[str]]:
    """Invert an article-id -> original-id map: each original with the ids of its copies."""
    copies: dict[str, list[str]] = {}
    for copy_id, original_id in independent_of.items():
        if copy_id != original_id:
            copies.setdefault(original_id, []).append(copy_id)
    return copies


def find_reprint_groups(
    articles: Sequence[Article],
    shingle_words: int,
    num_perm: int,
    min_containment: float,
    lsh_jaccard: float = 0.2,
) -> list[ReprintGroup]:
    """Group articles that are copies of one another; singletons are not returned.

    A one-batch `ReprintIndex`; kept for the briefing pipeline.
    """
    index = ReprintIndex(shingle_words, num_perm, min_containment, lsh_jaccard)
    return index.partial_fit(articles).groups()
