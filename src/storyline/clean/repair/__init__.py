"""Degraded-text repair, one module per job.

`detect` (is it degraded?), `features` (hashed word-window features), `encoder` (MiniLM word
states), `boundaries` (punctuation head and the lexical fallback), `truecase` (lexicon case),
`render` (text, numbers), `model_files` (the fitted files), `calibration` (per-sentence
confidence as a calibrated probability), `restore` (all of it together).
"""

from __future__ import annotations

from storyline.clean.repair.detect import degrade_text, is_degraded
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
