"""The per-article stages on a process pool: one spaCy and MiniLM load per worker.

Workers are started with "spawn" (no forked copy of the parent's threads or open store) and
each loads the pipeline once in its initializer; the Analyser itself travels without it.
The same workers embed whole articles for the clusterer (`PoolEmbedder`): story assignment
stays one ordered consumer in the parent, only the embedding, which depends on each article
alone, is spread over the cores, as `engines.ray_embed.RayEmbedder` does on a cluster.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from storyline.embed.base import Embedder, Matrix
from storyline.records import Analysis, Article, Quarantined
from storyline.runner.analyse import Analyser

# This worker process's analyser and embedders, set by the pool initializer and on first
# use (one per process, never shared, so not the mutable global state the style guide
# forbids in the parent).
_WORKER: Analyser | None = None
_EMBEDDERS: dict[str, Embedder] = {}


def _start_worker(analyser: Analyser) -> None:
    global _WORKER
    import os

    from storyline.embed.onnx import THREADS_VARIABLE

    os.environ.setdefault(THREADS_VARIABLE, "1")  # one process per core already
    analyser.load()
    _WORKER = analyser


def _analyse_chunk(articles: Sequence[Article]) -> list[Analysis | Quarantined]:
    assert _WORKER is not None, "pool worker used before its initializer ran"
    return _WORKER(articles)


def _embed_slice(name: str, texts: list[str]) -> Matrix:
    if name not in _EMBEDDERS:
        _EMBEDDERS[name] = worker_embedder(name)
    return _EMBEDDERS[name].embed(texts)


def worker_embedder(name: str) -> Embedder:
    """Embedder `name` for a worker: the packaged MiniLM is the analyse stage's own session
    (the same model and options), so a worker holds one copy of it, not two."""
    if name == "minilm":
        from storyline.summarize.extractive import default_embedder

        return default_embedder()
    from storyline.embed import get_embedder

    return get_embedder(name)


def _ready(_: int) -> int:
    """A no-op task: returns once this worker's initializer has loaded the pipeline."""
    import os

    return os.getpid()


class AnalysisPool:
    """`workers` processes running `analyser`; `map` keeps the order of the articles."""

    def __init__(self, analyser: Analyser, workers: int, chunk_size: int = 32) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.chunk_size = chunk_size
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(analyser,),
        )

    def start(self) -> None:
        """Start every worker and wait for its model load (to time loading apart)."""
        list(self._pool.map(_ready, range(self.workers)))

    def map(self, articles: Sequence[Article]) -> Iterator[list[Analysis | Quarantined]]:
        """One result list per chunk of `chunk_size` articles, in order, as chunks finish."""
        chunks = [
            articles[i : i + self.chunk_size] for i in range(0, len(articles), self.chunk_size)
        ]
        yield from self._pool.map(_analyse_chunk, chunks)

    def embed(self, name: str, texts: Sequence[str]) -> list[Matrix]:
        """The rows of embedder `name` for `texts`: one contiguous slice per worker."""
        size = -(-len(texts) // self.workers)
        parts = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
        return list(self._pool.map(_embed_slice, [name] * len(parts), parts))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class PoolEmbedder:
    """`local`'s rows (same registry name, so the same model), computed on the pool."""

    def __init__(self, pool: AnalysisPool, local: Embedder) -> None:
        self.name = local.name
        self.dimension = local.dimension
        self._pool = pool

    def embed(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import scipy.sparse as sp

        rows = self._pool.embed(self.name, texts)
        if any(sp.issparse(r) for r in rows):
            return sp.vstack(rows, format="csr")
        return np.vstack(rows)
