"""Vectorised shingle hashing and MinHash for a whole batch of texts at once (numpy).

The per-shingle Python work of the first index (a blake2b call and a string join per
shingle, then datasketch's per-value MinHash update) was about 60% of its run time
(cProfile of `benchmarks/dedupe_benchmark.py`). Here every step is a numpy pass over the
concatenated bytes of a batch:

1. words: bytes in [a-z0-9] of the casefolded UTF-8 text, exactly the words of
   `normalized_words` (a non-ASCII byte separates words as the regex does);
2. a word's hash: a polynomial hash of its bytes modulo 2^64 (prefix sums times inverse
   powers of the position in its text; Karp and Rabin 1987) mixed by the MurmurHash3
   64-bit finaliser;
3. a shingle's hash: the finalised weighted sum of its word hashes, kept to 32 bits.
   Two 500-shingle sets then share a false match with probability 500²/2³² ≈ 6e-5, far
   below what moves a containment of 0.7;
4. MinHash: k random affine bijections (a·x + c) mod 2^32 of the shingle hashes, all k at
   once as an (n, k) uint32 array, min per article with `np.minimum.reduceat`.

Hashes depend only on the text and fixed constants, never on the process (no salted
`hash`), so stored sets stay comparable across runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_MASK64 = (1 << 64) - 1
_BASE = 0x100000001B3  # FNV-1a 64-bit prime: odd, so invertible modulo 2^64.
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_LENGTH_MIX = np.uint64(0x9E3779B97F4A7C15)
# Per-position weights of a shingle's word hashes (odd, from a fixed seed): order matters.
_POSITION_WEIGHTS = np.random.default_rng(20260105).integers(
    1, 1 << 63, size=64, dtype=np.uint64
) * np.uint64(2) + np.uint64(1)
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789", dtype=np.uint8)] = True
# Shingles per MinHash block: the (shingles x hash functions) work array stays in cache
# (8,192 x 56 x 4 bytes = 1.8 MB); 64k-row blocks of uint64 ran at 6 ns per value.
_MINHASH_BLOCK = 1 << 13


def mix64(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser (fmix64): every input bit flips about half the output."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


@dataclass(frozen=True, slots=True)
class HashedBatch:
    """Shingle hash sets of a batch of texts, as one CSR array.

    `shingles[offsets[i]:offsets[i + 1]]` are text i's sorted unique 32-bit shingle
    hashes (empty for a text without words); `digests[i]` is a 16-byte blake2b of its
    word-hash sequence, equal for texts with the same normalised words.
    """

    offsets: np.ndarray
    shingles: np.ndarray
    digests: list[bytes]

    def hashes(self, i: int) -> np.ndarray:
        return self.shingles[self.offsets[i] : self.offsets[i + 1]]


@lru_cache(maxsize=4)
def _power_table(base: int, n: int) -> np.ndarray:
    powers = np.full(n, base, dtype=np.uint64)
    powers[0] = 1
    powers = np.cumprod(powers, dtype=np.uint64)  # wraps modulo 2^64
    powers.flags.writeable = False
    return powers


def _powers(base: int, n: int) -> np.ndarray:
    """base^0 .. base^(n-1) modulo 2^64, from a table cached per power-of-two length."""
    return _power_table(base, 1 << max(n - 1, 1).bit_length())[:n]


def hash_batch(texts: Sequence[str], shingle_words: int) -> HashedBatch:
    """Hash the word `shingle_words`-grams of each text (the whole text when shorter)."""
    encoded = [t.casefold().encode("utf-8") for t in texts]
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) + 1 for e in encoded], out=starts[1:])
    buffer = np.frombuffer(b" ".join(encoded) + b" ", dtype=np.uint8)
    is_word = np.concatenate(([False], _WORD_BYTE[buffer], [False]))
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])
    word_start, word_end = edges[0::2], edges[1::2]
    words_of = np.bincount(
        np.searchsorted(starts, word_start, side="right") - 1, minlength=len(encoded)
    )
    word_offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(words_of, out=word_offsets[1:])

    if word_start.size:
        # Powers are indexed by the position in the text, not in the batch, so the cached
        # tables are as long as the longest text (2 MB for 200,000 characters).
        text_length = np.diff(starts)
        position = np.arange(buffer.size, dtype=np.int64) - np.repeat(starts[:-1], text_length)
        longest = int(text_length.max())
        weighted = buffer.astype(np.uint64) * _powers(_BASE, longest)[position]
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(weighted, dtype=np.uint64)))
        inverse = _powers(_BASE_INVERSE, longest)[position[word_start]]
        raw = (prefix[word_end] - prefix[word_start]) * inverse
        lengths = (word_end - word_start).astype(np.uint64)
        word_hash = mix64(raw + lengths * _LENGTH_MIX)
    else:
        word_hash = np.zeros(0, dtype=np.uint64)

    digests = [
        hashlib.blake2b(word_hash[a:b].tobytes(), digest_size=16).digest()
        for a, b in zip(word_offsets[:-1].tolist(), word_offsets[1:].tolist(), strict=True)
    ]
    offsets, shingles = _shingle_sets(word_hash, word_offsets, words_of, shingle_words)
    return HashedBatch(offsets=offsets, shingles=shingles, digests=digests)


def _shingle_sets(
    word_hash: np.ndarray, word_offsets: np.ndarray, words_of: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    n_texts, n_words = len(words_of), word_hash.size
    text_of = np.repeat(np.arange(n_texts, dtype=np.int64), words_of)
    padded_text = np.concatenate((text_of, np.full(size, -1, dtype=np.int64)))
    padded_hash = np.concatenate((word_hash, np.zeros(size, dtype=np.uint64)))
    total = np.zeros(n_words, dtype=np.uint64)
    for t in range(size):
        same_text = padded_text[t : t + n_words] == text_of
        total += np.where(same_text, padded_hash[t : t + n_words], 0) * _POSITION_WEIGHTS[t]
    position = np.arange(n_words, dtype=np.int64) - word_offsets[text_of]
    full = position <= (words_of[text_of] - size)  # a whole shingle starts here
    short = (position == 0) & (words_of[text_of] < size)  # the whole (short) text
    keep = full | short
    values = mix64(total[keep]) >> np.uint64(32)
    keys = np.sort((text_of[keep].astype(np.uint64) << np.uint64(32)) | values)
    if keys.size:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    owner = (keys >> np.uint64(32)).astype(np.int64)
    offsets = np.zeros(n_texts + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n_texts), out=offsets[1:])
    return offsets, (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def minhash_params(num_hashes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers (odd) and offsets of `num_hashes` hash functions on 32-bit values."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 1 << 31, size=num_hashes, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    c = rng.integers(0, 1 << 32, size=num_hashes, dtype=np.uint64).astype(np.uint32)
    return a, c


def minhash_batch(batch: HashedBatch, a: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(texts, hashes) uint32 MinHash signatures; texts without shingles get 0xFFFFFFFF.

    The k permutations are x -> (a_k * x + c_k) mod 2^32 with odd a_k: bijections of the
    shingle hashes, which are already uniform (finalised above), so each orders a set
    at random; 32-bit arithmetic halves the memory traffic of 64-bit multiply-shift.
    """
    n_texts = len(batch.offsets) - 1
    signatures = np.full((n_texts, a.size), 0xFFFFFFFF, dtype=np.uint32)
    nonempty = np.flatnonzero(np.diff(batch.offsets) > 0)
    work = np.empty((_MINHASH_BLOCK, a.size), dtype=np.uint32)
    first = 0
    while first < nonempty.size:
        # Texts [first, last) whose shingles fit one block (at least one text).
        limit = batch.offsets[nonempty[first]] + _MINHASH_BLOCK
        last = max(first + 1, int(np.searchsorted(batch.offsets[nonempty + 1], limit, "right")))
        last = min(last, nonempty.size)
        texts = nonempty[first:last]
        lo, hi = batch.offsets[texts[0]], batch.offsets[texts[-1] + 1]
        if hi - lo > work.shape[0]:  # one text longer than a block
            work = np.empty((hi - lo, a.size), dtype=np.uint32)
        values = work[: hi - lo]
        np.multiply(batch.shingles[lo:hi, None], a[None, :], out=values)
        np.add(values, c[None, :], out=values)
        signatures[texts] = np.minimum.reduceat(values, batch.offsets[texts] - lo, axis=0)
        first = last
    return signatures
