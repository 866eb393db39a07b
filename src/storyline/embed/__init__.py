"""Text embedders for story clustering: packaged MiniLM, a model directory, or hashing."""

from storyline.embed.base import Embedder, Matrix
from storyline.embed.hashing import HashingEmbedder
from storyline.embed.onnx import OnnxEmbedder
from storyline.embed.registry import DEFAULT_EMBEDDERS, embedder_names, get_embedder

__all__ = [
    "DEFAULT_EMBEDDERS",
    "Embedder",
    "HashingEmbedder",
    "Matrix",
    "OnnxEmbedder",
    "embedder_names",
    "get_embedder",
]
