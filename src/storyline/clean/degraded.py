"""Detect and repair degraded article text: lowercased, punctuation stripped, on one line.

The work is done in `storyline.clean.repair` (one module per job); this module keeps the
names callers have imported since before issue 22 (`is_degraded`, `repair_degraded`,
`restore_degraded_tokens`, ...), so `clean.article` and the benchmark scripts keep working.
"""

from __future__ import annotations

from storyline.clean.repair.boundaries import breakable_gaps, decode_boundaries
from storyline.clean.repair.detect import (
    APOSTROPHE_PIECES,
    MIN_WORDS_DEGRADED,
    WORD,
    degrade_text,
    is_degraded,
)
from storyline.clean.repair.encoder import TAGGER_FILE
from storyline.clean.repair.features import (
    DISTANCE_EDGES,
    FEATURE_TEMPLATES,
    case_class,
    distance_bucket,
    gap_feature_indices,
)
from storyline.clean.repair.model_files import BOUNDARY_FILE, LEXICON_FILE
from storyline.clean.repair.render import RestoredTokens
from storyline.clean.repair.restore import (
    repair_degraded,
    repair_with_confidences,
    repaired_sentence_confidences,
    repaired_sentences,
    restore_degraded_tokens,
)

__all__ = [
    "RestoredTokens",
    "degrade_text",
    "is_degraded",
    "repair_degraded",
    "repair_with_confidences",
    "repaired_sentence_confidences",
    "repaired_sentences",
    "restore_degraded_tokens",
]
_SHARED = (  # shared with the fit and evaluation scripts
    APOSTROPHE_PIECES,
    BOUNDARY_FILE,
    DISTANCE_EDGES,
    FEATURE_TEMPLATES,
    LEXICON_FILE,
    MIN_WORDS_DEGRADED,
    TAGGER_FILE,
    WORD,
    breakable_gaps,
    case_class,
    decode_boundaries,
    distance_bucket,
    gap_feature_indices,
)
