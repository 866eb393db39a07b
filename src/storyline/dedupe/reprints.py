"""Reprint groups for one batch of articles (the briefing pipeline's entry point).

The work is done by `ReprintIndex` (dedupe/index.py), so a one-off batch and an index fed
over time give the same groups.
"""

from storyline.dedupe.index import find_reprint_groups, normalized_words, shingles

__all__ = ["find_reprint_groups", "normalized_words", "shingles"]
