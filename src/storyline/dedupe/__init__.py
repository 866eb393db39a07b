"""Exact and near-duplicate detection: reprints are grouped so each counts once."""

from storyline.dedupe.reprints import find_reprint_groups, shingles

__all__ = ["find_reprint_groups", "shingles"]
