"""Contextual word vectors for degraded text from the packaged MiniLM ONNX encoder.

Degraded text is lowercase, and all-MiniLM-L6-v2 uses the uncased bert-base vocabulary, so the
encoder sees such text exactly as it saw its training text. Its last hidden states carry the
context a punctuation and case head needs ("liu he" as a name, "he" as a pronoun).

Long texts are cut into overlapping windows of `WINDOW_PIECES` word pieces, `STEP_PIECES`
apart; each piece keeps its state from the window where it sits furthest from an edge, so
every piece is encoded with at least (WINDOW - STEP) / 2 pieces of context on either side
(except at the text's own ends). One thread: the speed goal is per core, and the pipeline
runs other work on the other cores.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from storyline.errors import BackendUnavailable

# 256 pieces per window (254 plus [CLS] and [SEP]), 222 apart: 16 pieces of overlap context
# on each side for 14% extra encoder work. 256-piece windows ran at about the speed of 128-
# piece ones (2,740 vs 2,950 words/s on one core, dev2012 words), and longer windows give
# more context per piece.
WINDOW_PIECES = 254
STEP_PIECES = 222
BATCH_WINDOWS = 4
DIMENSION = 384
_CLS, _SEP = 101, 102


class WordEncoder:
    """Per-word states: the first and the last word piece's hidden state of each word."""

    def __init__(self, threads: int = 1) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer

            from storyline.embed.packaged import packaged_model_path, packaged_tokenizer_path
        except ImportError as error:
            raise BackendUnavailable(f"the repair encoder needs onnxruntime ({error})") from error
        self._tokenizer = Tokenizer.from_file(str(packaged_tokenizer_path()))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(packaged_model_path()), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(first, last): two float32 arrays of shape (len(words), DIMENSION)."""
        n = len(words)
        first = np.zeros((n, DIMENSION), np.float32)
        last = np.zeros((n, DIMENSION), np.float32)
        if n == 0:
            return first, last
        encoding = self._tokenizer.encode(list(words), is_pretokenized=True)
        ids = np.asarray(encoding.ids[1:-1], dtype=np.int64)
        owners = np.asarray(
            [-1 if w is None else w for w in encoding.word_ids[1:-1]], dtype=np.int64
        )
        states = self._piece_states(ids)
        keep = owners >= 0
        owners, states = owners[keep], states[keep]
        # The first piece of a word is where its owner changes; the last, before a change.
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        ends = np.r_[starts[1:] - 1, len(owners) - 1]
        first[owners[starts]] = states[starts]
        last[owners[ends]] = states[ends]
        return first, last

    def _piece_states(self, ids: np.ndarray) -> np.ndarray:
        total = len(ids)
        out = np.zeros((total, DIMENSION), np.float32)
        spans = window_spans(total)
        for b in range(0, len(spans), BATCH_WINDOWS):
            batch = spans[b : b + BATCH_WINDOWS]
            width = max(e - s for s, e, _, _ in batch) + 2
            x = np.zeros((len(batch), width), np.int64)
            mask = np.zeros_like(x)
            for row, (s, e, _, _) in enumerate(batch):
                x[row, 0] = _CLS
                x[row, 1 : e - s + 1] = ids[s:e]
                x[row, e - s + 1] = _SEP
                mask[row, : e - s + 2] = 1
            hidden = self._session.run(
                None, {"input_ids": x, "attention_mask": mask, "token_type_ids": np.zeros_like(x)}
            )[0]
            for row, (s, _e, keep_from, keep_to) in enumerate(batch):
                out[keep_from:keep_to] = hidden[row, 1 + keep_from - s : 1 + keep_to - s]
        return out


def window_spans(total: int) -> list[tuple[int, int, int, int]]:
    """(start, end, keep_from, keep_to) of each window over `total` pieces (module docstring).

    Also used by benchmarks/fit_punctuation_model.py to run its tagger the same way.
    """
    starts = [0]
    while starts[-1] + WINDOW_PIECES < total:
        starts.append(starts[-1] + STEP_PIECES)
    margin = (WINDOW_PIECES - STEP_PIECES) // 2
    spans = []
    for k, s in enumerate(starts):
        end = min(s + WINDOW_PIECES, total)
        keep_from = s if k == 0 else s + margin
        keep_to = end if k == len(starts) - 1 or end == total else end - margin
        spans.append((s, end, keep_from, keep_to))
    return spans


@cache
def word_encoder() -> WordEncoder:
    """The process-wide encoder (loading the ONNX session takes about half a second)."""
    return WordEncoder()
