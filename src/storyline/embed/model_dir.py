"""A user-supplied model directory in the sentence-transformers layout, run with ONNX.

The folder holds `model.onnx` (or `onnx/model.onnx`, as the Hugging Face hub exports it)
and `tokenizer.json`. Nothing is fetched: the user downloads or exports the model once.
"""

from __future__ import annotations

from pathlib import Path

from storyline.embed.onnx import OnnxEmbedder
from storyline.errors import ConfigError

MODEL_FILES = ("model.onnx", "onnx/model.onnx", "model_quantized.onnx", "onnx/model_quantized.onnx")


def model_dir_embedder(
    path: str | Path | None = None, max_tokens: int = 256, batch_size: int = 32
) -> OnnxEmbedder:
    """An `OnnxEmbedder` for the model directory at `path`.

    >>> model_dir_embedder("models/all-MiniLM-L6-v2").embed(["Port fire"])  # doctest: +SKIP
    """
    if path is None:
        raise ConfigError(
            "embedder 'model-dir' needs path=<folder with model.onnx and tokenizer.json>"
        )
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise ConfigError(f"{folder}: model directory not found")
    model = next((folder / name for name in MODEL_FILES if (folder / name).is_file()), None)
    tokenizer = folder / "tokenizer.json"
    if model is None or not tokenizer.is_file():
        present = ", ".join(sorted(p.name for p in folder.iterdir())) or "nothing"
        raise ConfigError(
            f"{folder}: a model directory needs tokenizer.json and one of "
            f"{', '.join(MODEL_FILES)}; found {present} (export a sentence-transformers "
            "model with optimum: optimum-cli export onnx --model NAME DIR)"
        )
    return OnnxEmbedder(
        model,
        tokenizer,
        name=f"model-dir:{folder.name}",
        max_tokens=max_tokens,
        batch_size=batch_size,
    )
