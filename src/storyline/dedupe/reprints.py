"""Reprint groups: exact copies by normalised-text hash, near copies by shingle containment.

Candidates come from MinHash LSH (Broder 1997; datasketch `MinHashLSH`) over word shingles
at a low Jaccard threshold; each candidate pair is then confirmed on exact shingle sets by
containment |A ∩ B| / min(|A|, |B|), so a reprint cut down by a few paragraphs still matches
its original even though their Jaccard similarity is low.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

from storyline.records import Article, ReprintGroup

# LSH only proposes pairs; 0.2 Jaccard still catches a copy holding half of its original
# (containment 1.0, Jaccard 0.5) with margin for MinHash error. Confirmation is exact.
_LSH_JACCARD = 0.2


def normalized_words(text: str) -> list[str]:
    """Lowercase words without punctuation, so degraded copies compare equal to clean ones."""
    return re.findall(r"[a-z0-9]+", text.casefold())


def shingles(text: str, size: int) -> set[str]:
    """Word `size`-grams of the normalised text (the whole text when it is shorter)."""
    words = normalized_words(text)
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def find_reprint_groups(
    articles: Sequence[Article], shingle_words: int, num_perm: int, min_containment: float
) -> list[ReprintGroup]:
    """Group articles that are copies of one another; singletons are not returned."""
    sets = [shingles(article.text, shingle_words) for article in articles]
    digests = [
        hashlib.sha256(" ".join(normalized_words(a.text)).encode()).hexdigest() for a in articles
    ]
    lsh = MinHashLSH(threshold=_LSH_JACCARD, num_perm=num_perm)
    parent = list(range(len(articles)))
    best: dict[int, float] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, shingle_set in enumerate(sets):
        if not shingle_set:
            continue
        minhash = MinHash(num_perm=num_perm)
        minhash.update_batch(s.encode() for s in shingle_set)
        for key in lsh.query(minhash):
            j = int(key)
            overlap = len(shingle_set & sets[j]) / min(len(shingle_set), len(sets[j]))
            if digests[i] == digests[j] or overlap >= min_containment:
                parent[root(i)] = root(j)
                best[i] = max(best.get(i, 0.0), overlap)
                best[j] = max(best.get(j, 0.0), overlap)
        lsh.insert(str(i), minhash)

    members: dict[int, list[int]] = {}
    for i in range(len(articles)):
        members.setdefault(root(i), []).append(i)
    groups = []
    for indices in members.values():
        if len(indices) < 2:
            continue
        original = min(indices, key=lambda i: _original_rank(articles[i]))
        kind = "exact" if len({digests[i] for i in indices}) == 1 else "near"
        groups.append(
            ReprintGroup(
                original_id=articles[original].article_id,
                copy_ids=tuple(articles[i].article_id for i in indices if i != original),
                kind=kind,
                similarity=round(min(best[i] for i in indices), 3),
            )
        )
    return groups


def _original_rank(article: Article) -> tuple:
    """The wire's own copy first, then the earliest dated, then the longest text."""
    is_wire_copy = bool(article.wire and article.outlet and article.wire == article.outlet)
    dated = article.published_at is not None
    timestamp = article.published_at.timestamp() if article.published_at else 0.0
    return (not is_wire_copy, not dated, timestamp, -len(article.text), article.source)
