"""Incremental reprint index: exact and near copies found as batches of articles arrive.

Exact copies share the SHA-256 of their normalised words. Near copies and partial
reprints are proposed by MinHash LSH (Broder 1997; datasketch `MinHashLSH`) over word
shingles at a low Jaccard threshold and confirmed on the (hashed) shingle sets by
containment |A ∩ B| / min(|A|, |B|), so a copy cut to its first paragraphs still joins
its original although their Jaccard similarity is low. Confirmed pairs are joined with
union-find; each group's original is the wire service's own copy, else the earliest dated,
else the longest article.

Learned state lives in attributes ending in `_` and round-trips through a JSON-able dict
(`to_state` / `from_state`), so a store can keep it in a key-value table. `partial_fit`
over batches gives exactly the groups of one `partial_fit` over all articles in the same
order: every article is compared with every earlier one, whatever the batch boundaries.

>>> index = ReprintIndex().partial_fit(articles[:500])  # doctest: +SKIP
>>> index.partial_fit(articles[500:]).groups()  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from storyline.errors import ConfigError
from storyline.records import Article, ReprintGroup

STATE_VERSION = 1
# MinHash permutations are drawn from this seed and scheme (datasketch 2.x, 32-bit affine
# permutations); stored signatures are only valid with both.
_MINHASH_SEED = 1
_MINHASH_SCHEME = "affine32"


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
    """Sorted unique 64-bit hashes (blake2b) of the text's word shingles.

    Stable across processes (Python's `hash` is salted), so stored states stay valid; at
    64 bits a collision among 10^8 shingles is a 1-in-10^3 event.
    """
    values = {
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little")
        for s in shingles(text, size)
    }
    return np.array(sorted(values), dtype=np.uint64)


def _identity(value: int) -> int:
    return int(value) & 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the index keeps per article: enough to confirm pairs and rank originals."""

    article_id: str
    digest: str
    hashes: np.ndarray
    published_s: float | None
    is_wire_copy: bool
    chars: int
    source: str


def _encode(array: np.ndarray) -> str:
    return base64.b64encode(array.astype("<u8").tobytes()).decode("ascii")


def _decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<u8").astype(np.uint64)


class ReprintIndex:
    """Find reprint groups incrementally; `groups()` returns them at any point.

    Args:
        shingle_words: words per shingle (5: Broder's choice for web pages; see settings).
        num_perm: MinHash permutations (128 gives a Jaccard standard error under 0.045).
        min_containment: share of the shorter text's shingles found in the longer one for
            a near copy (0.7, see `Settings.min_containment`).
        lsh_jaccard: Jaccard threshold of the LSH candidate search; it only proposes
            pairs, so it is set low (see `Settings.reprint_lsh_jaccard`).
    """

    def __init__(
        self,
        shingle_words: int = 5,
        num_perm: int = 128,
        min_containment: float = 0.7,
        lsh_jaccard: float = 0.2,
    ) -> None:
        if shingle_words <= 0 or num_perm <= 0:
            raise ConfigError(
                f"shingle_words and num_perm must be positive, got {shingle_words}, {num_perm}"
            )
        if not 0 < min_containment <= 1:
            raise ConfigError(f"min_containment must be in (0, 1], got {min_containment!r}")
        if not 0 < lsh_jaccard < 1:
            raise ConfigError(f"lsh_jaccard must be in (0, 1), got {lsh_jaccard!r}")
        self.shingle_words = shingle_words
        self.num_perm = num_perm
        self.min_containment = min_containment
        self.lsh_jaccard = lsh_jaccard
        self.entries_: list[_Entry] = []
        self.position_: dict[str, int] = {}
        self.parent_: list[int] = []
        self.similarity_: list[float] = []
        self.digest_first_: dict[str, int] = {}
        self.minhashes_: list[np.ndarray | None] = []
        self._lsh = MinHashLSH(threshold=lsh_jaccard, num_perm=num_perm)
        self._template = MinHash(
            num_perm=num_perm, seed=_MINHASH_SEED, hashfunc=_identity, scheme=_MINHASH_SCHEME
        )

    # --- fitting ------------------------------------------------------------------------

    def partial_fit(self, articles: Iterable[Article]) -> ReprintIndex:
        """Add articles in the order given; an id seen before is skipped (idempotent)."""
        for article in articles:
            if article.article_id in self.position_:
                continue
            words = normalized_words(article.text)
            entry = _Entry(
                article_id=article.article_id,
                digest=hashlib.sha256(" ".join(words).encode()).hexdigest(),
                hashes=shingle_hashes(article.text, self.shingle_words),
                published_s=article.published_at.timestamp() if article.published_at else None,
                is_wire_copy=bool(
                    article.wire
                    and article.outlet
                    and article.wire.casefold() == article.outlet.casefold()
                ),
                chars=len(article.text),
                source=article.source,
            )
            self._add(entry, self._minhash(entry.hashes) if entry.hashes.size else None)
        return self

    def _minhash(self, hashes: np.ndarray) -> np.ndarray:
        minhash = self._template.copy()
        minhash.update_batch((hashes & np.uint64(0xFFFFFFFF)).tolist())
        return minhash.hashvalues.copy()

    def _add(self, entry: _Entry, signature: np.ndarray | None) -> None:
        i = len(self.entries_)
        self.entries_.append(entry)
        self.position_[entry.article_id] = i
        self.parent_.append(i)
        self.similarity_.append(0.0)
        self.minhashes_.append(signature)
        first = self.digest_first_.get(entry.digest)
        if first is not None and entry.hashes.size:
            self._join(i, first, 1.0)
        elif first is None:
            self.digest_first_[entry.digest] = i
        if signature is None:
            return
        lean = LeanMinHash(seed=_MINHASH_SEED, hashvalues=signature, scheme=_MINHASH_SCHEME)
        for key in self._lsh.query(lean):
            j = int(key)
            overlap = _containment(entry.hashes, self.entries_[j].hashes)
            if overlap >= self.min_containment:
                self._join(i, j, overlap)
        self._lsh.insert(str(i), lean, check_duplication=False)

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
        indices = [k for k in range(len(self.entries_)) if self._root(k) == root]
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
        """A JSON-able dict of the settings and learned state (arrays as base64 strings)."""
        return {
            "version": STATE_VERSION,
            "params": {
                "shingle_words": self.shingle_words,
                "num_perm": self.num_perm,
                "min_containment": self.min_containment,
                "lsh_jaccard": self.lsh_jaccard,
            },
            "articles": [
                {
                    "id": e.article_id,
                    "digest": e.digest,
                    "shingles": _encode(e.hashes),
                    "minhash": None if m is None else _encode(m),
                    "published_s": e.published_s,
                    "wire_copy": e.is_wire_copy,
                    "chars": e.chars,
                    "source": e.source,
                    "parent": p,
                    "similarity": s,
                }
                for e, m, p, s in zip(
                    self.entries_, self.minhashes_, self.parent_, self.similarity_, strict=True
                )
            ],
        }

    @classmethod
    def from_state(cls, state: dict) -> ReprintIndex:
        """Rebuild an index from `to_state()` output; ConfigError on an unknown version."""
        if state.get("version") != STATE_VERSION:
            raise ConfigError(
                f"reprint index state version {state.get('version')!r} is not supported "
                f"(expected {STATE_VERSION}); rebuild the index from the stored articles"
            )
        index = cls(**state["params"])
        for record in state["articles"]:
            entry = _Entry(
                article_id=record["id"],
                digest=record["digest"],
                hashes=_decode(record["shingles"]),
                published_s=record["published_s"],
                is_wire_copy=record["wire_copy"],
                chars=record["chars"],
                source=record["source"],
            )
            signature = None if record["minhash"] is None else _decode(record["minhash"])
            i = len(index.entries_)
            index.entries_.append(entry)
            index.position_[entry.article_id] = i
            index.parent_.append(record["parent"])
            index.similarity_.append(record["similarity"])
            index.minhashes_.append(signature)
            index.digest_first_.setdefault(entry.digest, i)
            if signature is not None:
                lean = LeanMinHash(seed=_MINHASH_SEED, hashvalues=signature, scheme=_MINHASH_SCHEME)
                index._lsh.insert(str(i), lean, check_duplication=False)
        return index


def _containment(a: np.ndarray, b: np.ndarray) -> float:
    """|A ∩ B| / min(|A|, |B|) of two sorted unique hash arrays."""
    if not a.size or not b.size:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / min(a.size, b.size)


def copies_by_original(independent_of: dict[str, str]) -> dict[str, list[str]]:
    """Invert an article-id -> original-id map: each original with the ids of its copies."""
    copies: dict[str, list[str]] = {}
    for copy_id, original_id in independent_of.items():
        if copy_id != original_id:
            copies.setdefault(original_id, []).append(copy_id)
    return copies


def find_reprint_groups(
    articles: Sequence[Article], shingle_words: int, num_perm: int, min_containment: float
) -> list[ReprintGroup]:
    """Group articles that are copies of one another; singletons are not returned.

    A one-batch `ReprintIndex`; kept for the briefing pipeline.
    """
    index = ReprintIndex(shingle_words, num_perm, min_containment)
    return index.partial_fit(articles).groups()
