"""Hashed word-window features for the gap after each word (the lexical boundary model).

Features are hashed (the "hashing trick", Weinberger et al. 2009) words, word pairs and
triples around the gap (w[i-1..i+2]), word shapes, lexicon case classes and word classes (each
word's usual Penn Treebank tag, looked up, so no tagger runs). The fit script uses the same
functions, so training and run time cannot drift apart.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import numpy as np

# Bucket edges for "words since the previous sentence boundary" (the distance feature):
# bucket k holds lengths in [edge[k-1], edge[k]). Finer where sentence ends are rare (short
# sentences), coarser in the 15-40 word range where most news sentences end.
DISTANCE_EDGES = (2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50)

# Feature templates over the gap after word i: words (w), their word class (t: the most
# frequent Penn Treebank tag of the word in tagged training text), shapes and case classes.
# The fit script uses the same function, so training and run time cannot drift apart.
FEATURE_TEMPLATES = (
    "w0",  # the word before the gap
    "w+1",  # the word after it
    "w-1",
    "w+2",
    "w0|w+1",
    "w-1|w0",
    "w+1|w+2",
    "w-1|w0|w+1",
    "shape0|shape+1",
    "case0|case+1",
    "w0|case+1",
    "case0|w+1",
    "shape-1|shape0|shape+1",
    "t0",
    "t+1",
    "t-1|t0",
    "t0|t+1",
    "t+1|t+2",
    "t-1|t0|t+1",
    "t0|t+1|t+2",
    "t-2|t-1|t0",
    "t+1|t+2|t+3",
    "w0|t+1",
    "t0|w+1",
)


def _parse_template(name: str) -> tuple[tuple[str, int], ...]:
    """Split a template name into (kind, offset) parts: "w-1|t0" -> (("w", -1), ("t", 0))."""
    parts = []
    for part in name.split("|"):
        kind = part.rstrip("+-0123456789")
        parts.append((kind, int(part[len(kind) :])))
    return tuple(parts)


_TEMPLATE_PARTS = tuple(_parse_template(name) for name in FEATURE_TEMPLATES)
_PAD = 3  # widest template offset
# Padding values per feature kind (left, right): outside each kind's value range. Word ids are
# crc32 values (< 2**32), so their padding lies above that range.
_PADDING = {"w": (1 << 33, (1 << 33) + 1), "shape": (8, 9), "case": (4, 5), "t": (1000, 1001)}

# Hash-mixing constants (splitmix64 / golden-ratio multipliers); any odd 64-bit values work,
# they only have to be the same at fit and run time.
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SEED_MULT = 0xBF58476D1CE4E5B9
_SHIFT = np.uint64(29)


def case_class(form: str) -> int:
    """Case class of a written form: 0 lower, 1 Title, 2 UPPER, 3 mIxed (a feature input)."""
    core = form.rstrip(".")
    if not core or core == core.lower():
        return 0
    if core[0].isupper() and core[1:] == core[1:].lower():
        return 1
    if core == core.upper():
        return 2
    return 3


def _shape(token: str) -> int:
    if token.isdigit():
        return 1 if len(token) <= 2 else 2 if len(token) == 4 else 3
    if token.isalpha():
        return 4 if len(token) == 1 else 5 if len(token) <= 3 else 6
    return 7


def _mix(template: int, columns: Sequence[np.ndarray], hash_bits: int) -> np.ndarray:
    """Hash one feature template's value columns into `hash_bits`-bit indices (vectorised)."""
    seed = ((template + 1) * _SEED_MULT) % (1 << 64)
    h = np.full(columns[0].shape[0], seed, dtype=np.uint64)
    for column in columns:
        h ^= column
        h *= _MIX
        h ^= h >> _SHIFT
    return (h >> np.uint64(64 - hash_bits)).astype(np.intp)


def gap_feature_indices(
    tokens: Sequence[str],
    case_ids: Mapping[str, int],
    class_ids: Mapping[str, int],
    hash_bits: int,
) -> np.ndarray:
    """Hashed feature indices for the gap after each word: an (n, len(FEATURE_TEMPLATES)) array.

    Shared with the fit script so that both compute features with the same code.
    """
    n = len(tokens)
    ids = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64, count=n)
    shapes = np.fromiter((_shape(t) for t in tokens), dtype=np.uint64, count=n)
    cases = np.fromiter((case_ids.get(t, 0) for t in tokens), dtype=np.uint64, count=n)
    classes = np.fromiter((class_ids.get(t, 0) for t in tokens), dtype=np.uint64, count=n)

    values = {"w": ids, "shape": shapes, "case": cases, "t": classes}
    padded = {
        kind: np.concatenate(
            [
                np.full(_PAD, _PADDING[kind][0], np.uint64),
                v,
                np.full(_PAD, _PADDING[kind][1], np.uint64),
            ]
        )
        for kind, v in values.items()
    }
    return np.stack(
        [
            _mix(
                k,
                [padded[kind][_PAD + offset : _PAD + offset + n] for kind, offset in parts],
                hash_bits,
            )
            for k, parts in enumerate(_TEMPLATE_PARTS)
        ],
        axis=1,
    )


def distance_bucket(words_in_sentence: int) -> int:
    """Bucket of the distance feature for a sentence that has `words_in_sentence` words so far."""
    return int(np.searchsorted(DISTANCE_EDGES, words_in_sentence, side="right"))
