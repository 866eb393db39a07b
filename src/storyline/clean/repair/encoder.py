"""The fine-tuned MiniLM punctuation and case tagger (int8 ONNX), run over windows of pieces.

`punctuation_tagger.onnx` is all-MiniLM-L6-v2 fine-tuned as a token classifier
(benchmarks/fit_punctuation_model.py): for each word piece, logits of the punctuation after
it (O, COMMA, PERIOD, QUESTION; read at a word's last piece) and of its case (lower,
Capitalised, UPPER; read at a word's first piece). The encoder is uncased, like degraded
text. `punctuation_tagger.json` holds the labels, the class biases and the rule for which words
take the tagger's case (`truecase.apply_case`), all chosen on dev data.

Long texts are cut into overlapping windows of `WINDOW_PIECES` word pieces, `STEP_PIECES`
apart; each piece keeps its output from the window where it sits furthest from an edge, so
every piece is tagged with at least (WINDOW - STEP) / 2 pieces of context on either side
(except at the text's own ends). One thread: the speed goal is per core, and the pipeline
runs other work on the other cores.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from storyline.errors import BackendUnavailable

TAGGER_FILE = "punctuation_tagger.onnx"
TAGGER_META_FILE = "punctuation_tagger.json"
CASES = ("lower", "Capitalised", "UPPER")
# 256 pieces per window (254 plus [CLS] and [SEP]), 222 apart: 16 pieces of overlap context
# on each side for 14% extra encoder work (the frozen-encoder repair measured 256-piece
# windows at about the speed of 128-piece ones on one core).
WINDOW_PIECES = 254
STEP_PIECES = 222
BATCH_WINDOWS = 4
_CLS, _SEP = 101, 102


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


class PunctuationTagger:
    """Per-word probabilities of the punctuation after the word and of the word's case."""

    def __init__(self, threads: int = 1, model_path: Path | None = None) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer

            from storyline.embed.packaged import packaged_tokenizer_path
        except ImportError as error:
            raise BackendUnavailable(f"the repair tagger needs onnxruntime ({error})") from error
        from storyline.clean.repair import model_files

        models = resources.files(model_files.MODEL_PACKAGE) / model_files.MODEL_DIR
        path = model_path or Path(str(models / TAGGER_FILE))
        if not path.is_file():
            raise BackendUnavailable(
                f"degraded-text model file {path.name} is missing from storyline/clean/models "
                "(reinstall storyline, or rebuild it: python benchmarks/fit_punctuation_model.py)"
            )
        meta_path = path.parent / TAGGER_META_FILE
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        self.class_bias = np.asarray(meta.get("class_bias", [0.0] * 4), np.float32)
        self.case_for = str(meta.get("case_for", "none"))  # truecase.TAGGER_CASE_CHOICES
        self._tokenizer = Tokenizer.from_file(str(packaged_tokenizer_path()))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

    def probabilities(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(punctuation (n, 4), case (n, 3)) probabilities for lowercase `words`."""
        n = len(words)
        punctuation = np.zeros((n, 4), np.float32)
        punctuation[:, 0] = 1.0
        case = np.zeros((n, len(CASES)), np.float32)
        case[:, 0] = 1.0
        if n == 0:
            return punctuation, case
        encoding = self._tokenizer.encode(list(words), is_pretokenized=True)
        ids = np.asarray(encoding.ids[1:-1], dtype=np.int64)
        owners = np.asarray(
            [-1 if w is None else w for w in encoding.word_ids[1:-1]], dtype=np.int64
        )
        punct_logits, case_logits = self._piece_logits(ids)
        keep = owners >= 0
        owners = owners[keep]
        punct_logits, case_logits = punct_logits[keep], case_logits[keep]
        if len(owners) == 0:
            return punctuation, case
        # A word's first piece is where its owner changes; its last, just before a change.
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        ends = np.r_[starts[1:] - 1, len(owners) - 1]
        punctuation[owners[ends]] = _softmax(punct_logits[ends])
        case[owners[starts]] = _softmax(case_logits[starts])
        return punctuation, case

    def _piece_logits(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        total = len(ids)
        punct = np.zeros((total, 4), np.float32)
        case = np.zeros((total, len(CASES)), np.float32)
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
            p_out, c_out = self._session.run(None, {"input_ids": x, "attention_mask": mask})
            for row, (s, _e, keep_from, keep_to) in enumerate(batch):
                punct[keep_from:keep_to] = p_out[row, 1 + keep_from - s : 1 + keep_to - s]
                case[keep_from:keep_to] = c_out[row, 1 + keep_from - s : 1 + keep_to - s]
        return punct, case


@cache
def punctuation_tagger() -> PunctuationTagger:
    """The process-wide tagger (loading the ONNX session takes about half a second)."""
    return PunctuationTagger()
