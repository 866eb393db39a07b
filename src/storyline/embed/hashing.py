"""The no-model fallback: hashed bag-of-words vectors (Weinberger et al. 2009).

Sublinear term frequency, English stop words dropped, L2-normalised; no fitting and no
vocabulary to store, so it works on the first article of a stream. It sees only shared
words, so paraphrases score lower than with MiniLM.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from storyline.errors import ConfigError


class HashingEmbedder:
    """Sparse hashed word vectors; `dimension` columns (2**18 by default)."""

    name = "hashing"

    def __init__(self, n_features: int = 2**18) -> None:
        if n_features <= 0:
            raise ConfigError(f"n_features must be positive, got {n_features!r}")
        self.dimension = n_features
        self._hasher = HashingVectorizer(
            n_features=n_features, alternate_sign=False, norm=None, stop_words="english"
        )

    def embed(self, texts: Sequence[str]) -> sp.csr_matrix:
        if not texts:
            return sp.csr_matrix((0, self.dimension))
        counts = self._hasher.transform(list(texts)).tocsr().astype(np.float64)
        counts.data = 1 + np.log(counts.data)
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        scale = sp.diags(1 / np.where(norms > 0, norms, 1.0))
        return (scale @ counts).tocsr()
