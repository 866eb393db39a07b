"""RayEmbedder: an Embedder whose rows come from Ray actors that each load the model once.

Why: story assignment is one ordered consumer (the clusterer reads each article against the
stories so far), but its costly part, the sentence embedding (MiniLM, about 0.3 s per full
article per core), depends on the article alone. So `storyline cluster --engine ray` keeps
assignment on the driver and hands the clusterer this embedder: each `embed` call is split
into one contiguous slice per actor and the rows come back in order. The backend is the
local one (same registry name), so the saved state and the stories are those of a local run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from storyline.embed.base import Embedder, Matrix


class _EmbedWorker:
    """A Ray actor holding one embedder (by registry name) for its lifetime."""

    def __init__(self, name: str) -> None:
        from storyline.embed import get_embedder

        self.embedder = get_embedder(name)

    def embed(self, texts: list[str]) -> Matrix:
        return self.embedder.embed(texts)


class RayEmbedder:
    """`local`'s rows, computed by `workers` Ray actors (see module docstring)."""

    def __init__(self, ray, local: Embedder, workers: int) -> None:
        self.name = local.name
        self.dimension = local.dimension
        self._ray = ray
        actor = ray.remote(num_cpus=1)(_EmbedWorker)
        self._actors = [actor.remote(local.name) for _ in range(max(1, workers))]

    def embed(self, texts: Sequence[str]) -> Matrix:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension))
        size = -(-len(texts) // len(self._actors))
        parts = [texts[i : i + size] for i in range(0, len(texts), size)]
        rows = self._ray.get(
            [actor.embed.remote(part) for actor, part in zip(self._actors, parts, strict=False)]
        )
        if any(sp.issparse(r) for r in rows):
            return sp.vstack(rows, format="csr")
        return np.vstack(rows)
