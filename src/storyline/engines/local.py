"""LocalEngine: this process, as `storyline ingest` has always run (ingest/run.py), or with
`workers` > 1 a pool of processes on this machine cleaning batches while this one stores
(and the Runner's pool analysing each stored batch).

The pool follows the Ray engine's plan (engines/ray_engine.py: read here, clean each batch
in a worker with the store history taken at the start, store in order here, clean again on
the driver when the history changed the furniture), so its articles are the one-process
run's; it needs no Ray, and measures what the second core gives without Ray's overheads.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from storyline.embed.base import Embedder
from storyline.errors import ConfigError
from storyline.ingest.jsonl import FieldMap
from storyline.ingest.run import Progress, _no_progress, _Run, ingest_paths
from storyline.records import Article, IngestReport, ReprintGroup
from storyline.settings import Settings
from storyline.store.base import Store


class LocalEngine:
    """`ingest_paths` in the calling process; the reference the Ray engine is tested against.

    `workers` > 1 cleans batches in that many processes (see the module docstring).
    """

    name = "local"

    def __init__(self, progress: Progress = _no_progress, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {workers}")
        self.progress = progress
        self.workers = workers or 1
        # pool process id -> VmHWM (kB) and CPU seconds, of the last run
        self.worker_peaks_kb: dict[int, int] = {}
        self.worker_cpu_s: dict[int, float] = {}

    def ingest(
        self,
        paths: Iterable[str | Path],
        store: Store,
        settings: Settings | None = None,
        fields: FieldMap | None = None,
        now: datetime | None = None,
        input_format: str | None = None,
    ) -> IngestReport:
        if self.workers == 1:
            return ingest_paths(
                paths,
                store,
                settings,
                self.progress,
                fields=fields,
                now=now,
                input_format=input_format,
            )
        return self._pool_ingest(paths, store, settings or Settings(), fields, now, input_format)

    def _pool_ingest(self, paths, store, settings, fields, now, input_format) -> IngestReport:
        import time

        from storyline.engines.ray_engine import _flush, _plan, _predict_subsets
        from storyline.ingest.sources import ReadOptions, read_sources

        started = time.perf_counter()
        options = ReadOptions.from_settings(settings, fields, input_format)
        reads = list(read_sources(paths, options))
        size = settings.ingest_batch_size
        batches = [reads[i : i + size] for i in range(0, len(reads), size)]
        from storyline.runner import Runner

        # Stored batches are analysed as ingest_paths analyses them, on the Runner's pool.
        runner = Runner(settings, workers=self.workers)
        run = _Run(store, settings, now, runner)
        plans = [_plan(b, store, run) for b in _predict_subsets(batches, store)]
        jobs = [pickle.dumps((p.reads, p.history)) for p in plans]
        with runner, ProcessPoolExecutor(self.workers) as pool:
            results = pool.map(_clean_job, jobs, [settings] * len(jobs), [now] * len(jobs))
            for batch, plan, result in zip(batches, plans, results, strict=True):
                _flush(run, batch, plan, pickle.loads(result))
            usage = {pid: (kb, cpu) for pid, kb, cpu in pool.map(_usage, range(self.workers * 4))}
            self.worker_peaks_kb = {pid: kb for pid, (kb, _) in usage.items()}
            self.worker_cpu_s = {pid: cpu for pid, (_, cpu) in usage.items()}
        return run.report(started)

    def reprint_groups(
        self, articles: Sequence[Article], settings: Settings | None = None
    ) -> list[ReprintGroup]:
        from storyline.dedupe import ReprintIndex

        settings = settings or Settings()
        index = ReprintIndex(
            settings.shingle_words,
            min_containment=settings.min_containment,
            lsh_jaccard=settings.reprint_lsh_jaccard,
        )
        return index.partial_fit(articles).groups()

    def embedder(self, local: Embedder | None) -> Embedder | None:
        return local

    def close(self) -> None:
        return None


def _clean_job(job: bytes, settings: Settings, now: datetime | None) -> bytes:
    """One batch cleaned in a pool process with the history it was planned with."""
    reads, history = pickle.loads(job)
    run = _Run(None, settings, now)  # type: ignore[arg-type]
    run._history = lambda raws: history  # type: ignore[method-assign]
    return pickle.dumps(run._clean(reads))


def _usage(_: int) -> tuple[int, int, float]:
    """(pid, VmHWM in kB, CPU seconds) of the process that runs this."""
    import os
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    return os.getpid(), peak_kb(), used.ru_utime + used.ru_stime


def peak_kb(pid: int | str = "self") -> int:
    """VmHWM (peak resident set) of a process, in kB; 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
