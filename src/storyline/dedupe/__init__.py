"""Exact and near-duplicate detection: reprints are grouped so each counts once."""

from storyline.dedupe.index import (
    ReprintIndex,
    copies_by_original,
    find_reprint_groups,
    shingles,
)

__all__ = ["ReprintIndex", "copies_by_original", "find_reprint_groups", "shingles"]
