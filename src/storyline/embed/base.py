"""The Embedder protocol: texts in, one L2-normalised row per text out.

Every backend (packaged MiniLM, a user's model directory, the no-model hashing fallback)
satisfies it, so the clusterer never asks which one it was given (spaCy `spacy/ty.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

# Rows are L2-normalised, so a dot product is a cosine similarity. Dense for neural models,
# sparse CSR for the hashing fallback (2**18 columns would not fit densely).
Matrix = np.ndarray | sp.csr_matrix


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors whose dot products are cosine similarities."""

    # Registry name of the backend and a description of the model, recorded with results.
    name: str
    # Number of columns of `embed`'s result.
    dimension: int

    def embed(self, texts: Sequence[str]) -> Matrix:
        """One L2-normalised row per text (an all-zero row for a text with no tokens)."""
        ...
