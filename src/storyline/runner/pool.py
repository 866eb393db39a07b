"""The analyse stage on a process pool: one spaCy load per worker, articles sent in chunks.

Workers are started with "spawn" (no forked copy of the parent's threads or open store) and
each loads the pipeline once in its initializer; the Analyser itself travels without it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from storyline.records import Analysis, Article, Quarantined
from storyline.runner.analyse import Analyser

# This worker process's analyser, set once by the pool initializer (one per process, never
# shared, so not the mutable global state the style guide forbids in the parent).
_WORKER: Analyser | None = None


def _start_worker(analyser: Analyser) -> None:
    global _WORKER
    analyser.load()
    _WORKER = analyser


def _analyse_chunk(articles: Sequence[Article]) -> list[Analysis | Quarantined]:
    assert _WORKER is not None, "pool worker used before its initializer ran"
    return _WORKER(articles)


class AnalysisPool:
    """`workers` processes running `analyser`; `map` keeps the order of the articles."""

    def __init__(self, analyser: Analyser, workers: int, chunk_size: int = 32) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.chunk_size = chunk_size
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(analyser,),
        )

    def map(self, articles: Sequence[Article]) -> Iterator[list[Analysis | Quarantined]]:
        """One result list per chunk of `chunk_size` articles, in order, as chunks finish."""
        chunks = [
            articles[i : i + self.chunk_size] for i in range(0, len(articles), self.chunk_size)
        ]
        yield from self._pool.map(_analyse_chunk, chunks)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
