"""RayAnalysisPool: the Runner's analyse stage (and its MiniLM rows) on Ray actors.

Why: the Ray engine must store what a local ingest stores, analyses included, so a
Ray-ingested store serves briefings without spaCy. The Runner takes this pool in place of
its process pool (`Runner(pool_factory=...)`): each actor holds one `Analyser` with its spaCy
pipeline and MiniLM loaded once, chunks of articles go round the actors and come back in
order. The actors ask Ray for no CPU: they run while the cleaning actor pool of the same
ingest holds every CPU (a CPU each would wait for those forever), and SPREAD places them
across the nodes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from storyline.embed.base import Matrix
from storyline.records import Analysis, Article, Quarantined
from storyline.runner.analyse import Analyser


class _AnalyseWorker:
    """A Ray actor: one Analyser, its pipeline loaded when the actor starts."""

    def __init__(self, analyser: Analyser) -> None:
        from storyline.embed.onnx import THREADS_VARIABLE

        os.environ.setdefault(THREADS_VARIABLE, "1")  # one actor per CPU already
        analyser.load()
        self.analyser = analyser
        self.embedders: dict = {}

    def ready(self) -> int:
        return os.getpid()

    def analyse(self, articles: list[Article]) -> list[Analysis | Quarantined]:
        return self.analyser(articles)

    def embed(self, name: str, texts: list[str]) -> Matrix:
        if name not in self.embedders:
            from storyline.runner.pool import worker_embedder

            self.embedders[name] = worker_embedder(name)
        return self.embedders[name].embed(texts)


class RayAnalysisPool:
    """`workers` analysing actors; the interface of `runner.pool.AnalysisPool`."""

    def __init__(self, ray, analyser: Analyser, workers: int, chunk_size: int = 32) -> None:
        self._ray = ray
        self.workers = max(1, workers)
        self.chunk_size = chunk_size
        actor = ray.remote(num_cpus=0, scheduling_strategy="SPREAD")(_AnalyseWorker)
        self._actors = [actor.remote(analyser) for _ in range(self.workers)]

    def start(self) -> None:
        """Wait until every actor has loaded its models."""
        self._ray.get([a.ready.remote() for a in self._actors])

    def map(self, articles: Sequence[Article]) -> Iterator[list[Analysis | Quarantined]]:
        """One result list per chunk of `chunk_size` articles, in order."""
        from ray.util import ActorPool

        chunks = [
            list(articles[i : i + self.chunk_size])
            for i in range(0, len(articles), self.chunk_size)
        ]
        yield from ActorPool(self._actors).map(lambda a, chunk: a.analyse.remote(chunk), chunks)

    def embed(self, name: str, texts: Sequence[str]) -> list[Matrix]:
        """The rows of embedder `name` for `texts`: one contiguous slice per actor."""
        size = -(-len(texts) // self.workers)
        parts = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
        return self._ray.get(
            [a.embed.remote(name, p) for a, p in zip(self._actors, parts, strict=False)]
        )

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors = []
