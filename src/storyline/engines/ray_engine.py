"""RayEngine: ingest on a Ray cluster; shards read and batches cleaned by Ray Data actors.

Why Ray: its actors keep what they load (the cleaner's models) for their lifetime, and
`ray start` on each machine makes one pool of workers. The stages are the local ones, unforked:
`find_files` and `read_file` (ingest/sources.py) read each shard in a Ray task; each batch of
`Settings.ingest_batch_size` reads is cleaned by `_Run._clean` (ingest/run.py: clean_documents
with metadata and the per-article quarantine) in a `map_batches` actor pool. The driver then
stores the batches in order through `_Run.flush`, as the local engine does: one writer, so the
store, reprint groups and story ids see one ordered stream. Each stored batch's new articles
are analysed by the Runner's analyse stage on actors (engines/ray_analyse.py) and the
analyses stored, so a Ray-ingested store serves briefings as a local one does.

Equal to local, by construction and checked per batch: a batch is the same consecutive reads
as in the local run; its furniture history (the store's recent articles of its outlets) is
taken when the run starts, because workers cannot see what the driver stores meanwhile. At
store time the driver recomputes the history as the local run would see it; if it differs and
changes the batch's furniture (`find_furniture`, the only way clean_documents uses history),
the batch is cleaned again on the driver with the true history (`RayIngest.recleaned`).
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from storyline.clean.article import outlet_key, split_lines
from storyline.clean.boilerplate import find_furniture
from storyline.embed.base import Embedder
from storyline.errors import BackendUnavailable, ConfigError
from storyline.ingest.jsonl import FieldMap
from storyline.ingest.run import _Run
from storyline.ingest.sources import STDIN, Read, ReadOptions, find_files, read_file
from storyline.records import Article, IngestReport, Quarantined, RawDocument, ReprintGroup
from storyline.settings import Settings
from storyline.store.base import Store


def _import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailable(
            "the Ray engine needs Ray Data: pip install 'storyline[ray]'"
        ) from exc
    return ray


@dataclass
class RayIngest:
    """What one Ray ingest did beyond the report: timings and batches cleaned again."""

    batches: int = 0
    recleaned: int = 0
    read_s: float = 0.0
    plan_s: float = 0.0
    clean_s: float = 0.0  # cleaning the driver waited for (not overlapped by its writes)
    store_s: float = 0.0
    startup_s: float = 0.0
    workers: int = 0
    nodes: int = 0
    notes: list[str] = field(default_factory=list)


class RayEngine:
    """Ingest through Ray Data; `address` None starts a local Ray, else joins that cluster.

    `workers` is the size of the cleaning actor pool (default: the cluster's CPUs).
    """

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {workers}")
        self.address = address
        self.workers = workers
        self.last = RayIngest()
        # cleaning actor process id -> (VmHWM kB, CPU seconds), of the last ingest
        self.last_usage: dict[int, tuple[int, float]] = {}
        self.startup_s = 0.0
        self._ray = None
        self._started_here = False
        self._joined_here = False

    def _connect(self):
        if self._ray is not None:
            return self._ray
        ray = _import_ray()
        started = time.perf_counter()
        if not ray.is_initialized():
            if self.address is None:
                # A private local instance: small object store (the batches are small), no
                # dashboard; it is shut down by close().
                ray.init(
                    num_cpus=self.workers or os.cpu_count(),
                    object_store_memory=512 * 1024**2,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                )
                self._started_here = True
            else:
                self._joined_here = True
                ray.init(address=self.address, log_to_driver=False, configure_logging=False)
        self.startup_s = time.perf_counter() - started
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        self._ray = ray
        return ray

    def close(self) -> None:
        """Shut down a Ray this engine started; disconnect from a joined one (it stays up)."""
        if self._ray is not None and (self._started_here or self._joined_here):
            self._ray.shutdown()
        self._ray = None
        self._started_here = self._joined_here = False

    def __enter__(self) -> RayEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def reprint_groups(
        self, articles: Sequence[Article], settings: Settings | None = None
    ) -> list[ReprintGroup]:
        """The local index's groups, computed on the cluster (engines/ray_reprints.py)."""
        from storyline.engines.ray_reprints import ray_reprint_groups

        settings = settings or Settings()
        ray = self._connect()
        workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        return ray_reprint_groups(
            ray,
            articles,
            settings.shingle_words,
            min_containment=settings.min_containment,
            lsh_jaccard=settings.reprint_lsh_jaccard,
            workers=workers,
        )

    def embedder(self, local: Embedder | None) -> Embedder | None:
        """`local`'s rows computed by an actor pool on the cluster (engines/ray_embed.py)."""
        if local is None:
            return None
        from storyline.engines.ray_embed import RayEmbedder

        ray = self._connect()
        workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        return RayEmbedder(ray, local, workers)

    def ingest(
        self,
        paths: Iterable[str | Path],
        store: Store,
        settings: Settings | None = None,
        fields: FieldMap | None = None,
        now: datetime | None = None,
        input_format: str | None = None,
    ) -> IngestReport:
        settings = settings or Settings()
        options = ReadOptions.from_settings(settings, fields, input_format)
        started = time.perf_counter()
        ray = self._connect()
        stats = RayIngest(startup_s=self.startup_s)
        self.last_usage = {}
        cpus = int(ray.cluster_resources().get("CPU", 1))
        stats.workers = self.workers or max(1, cpus)
        stats.nodes = len([n for n in ray.nodes() if n.get("Alive")])

        t = time.perf_counter()
        reads = self._read(ray, paths, options)
        stats.read_s = time.perf_counter() - t

        batches = [
            reads[i : i + settings.ingest_batch_size]
            for i in range(0, len(reads), settings.ingest_batch_size)
        ]
        stats.batches = len(batches)
        from storyline.engines.ray_analyse import RayAnalysisPool
        from storyline.runner import Runner

        # The Runner's analyse stage, on actors: each stored batch is analysed as the local
        # ingest analyses it, so the store holds the same analyses (engines/ray_analyse.py).
        runner = Runner(
            settings,
            workers=stats.workers,
            pool_factory=lambda analyser: RayAnalysisPool(ray, analyser, stats.workers),
        )
        run = _Run(store, settings, now, runner)
        t = time.perf_counter()
        plans = [_plan(batch, store, run) for batch in _predict_subsets(batches, store)]
        stats.plan_s = time.perf_counter() - t

        # Batches are stored as their cleaning comes back (in order), so the driver's
        # writes overlap the workers' cleaning instead of waiting for the last batch.
        t = time.perf_counter()
        try:
            cleaned = self._clean(ray, plans, settings, now, stats.workers)
            for batch, plan, result in zip(batches, plans, cleaned, strict=True):
                stored_at = time.perf_counter()
                stats.recleaned += _flush(run, batch, plan, result)
                stats.store_s += time.perf_counter() - stored_at
        finally:
            runner.close()
        stats.clean_s = time.perf_counter() - t - stats.store_s
        self.last = stats
        return run.report(started)

    # -- stages ------------------------------------------------------------------------------

    def _read(self, ray, paths: Iterable[str | Path], options: ReadOptions) -> list[Read]:
        """Every Read under `paths` in the local engine's order; one Ray task per shard file."""
        items = list(find_files(paths))
        if any(isinstance(item, Path) and str(item) == STDIN for item in items):
            raise ConfigError("--engine ray reads files and folders, not stdin ('-')")
        files = [str(item) for item in items if isinstance(item, Path)]
        by_file: dict[str, list[Read]] = {}
        if files:
            shards = ray.data.from_items(
                [{"path": path} for path in files], override_num_blocks=len(files)
            )
            read = _ReadShard(options)
            for row in shards.map(read).iter_rows():
                by_file[row["path"]] = pickle.loads(row["reads"])
        reads: list[Read] = []
        for item in items:
            if isinstance(item, Quarantined):
                reads.append(Read(item, None, "unknown"))
            else:
                reads.extend(by_file[str(item)])
        return reads

    def _clean(self, ray, plans: Sequence[_Plan], settings, now, workers: int) -> Iterable[tuple]:
        """(articles, failures) per batch from the actor pool, in batch order, as they come."""
        if not plans:
            return
        jobs = ray.data.from_items(
            [{"job": pickle.dumps((plan.reads, plan.history))} for plan in plans],
            override_num_blocks=min(len(plans), workers * 4),
        )
        results = jobs.map_batches(
            _CleanBatches,
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(workers, len(plans))),
            fn_constructor_kwargs={"settings": settings, "now": now},
            num_cpus=1,
        )
        for row in results.iter_rows():
            pid, kb, cpu = row["usage"].split()
            self.last_usage[int(pid)] = (int(kb), float(cpu))  # the latest is the largest
            yield pickle.loads(row["result"])


class _ReadShard:
    """A Ray task: one shard file's Reads, pickled (frozen records, raw bytes kept)."""

    def __init__(self, options: ReadOptions) -> None:
        self.options = options

    def __call__(self, row: dict) -> dict:
        reads = list(read_file(Path(row["path"]), self.options))
        return {"path": row["path"], "reads": pickle.dumps(reads)}


class _CleanBatches:
    """A Ray actor: cleans whole batches with ingest's own `_Run._clean` and a fixed history."""

    def __init__(self, settings: Settings, now: datetime | None) -> None:
        self.settings = settings
        self.now = now

    def __call__(self, batch: dict) -> dict:
        import resource

        from storyline.engines.local import peak_kb

        results = []
        for job in batch["job"]:
            reads, history = pickle.loads(job)
            run = _Run(None, self.settings, self.now)  # type: ignore[arg-type]
            run._history = lambda raws, history=history: history  # type: ignore[method-assign]
            results.append(pickle.dumps(run._clean(reads)))
        used = resource.getrusage(resource.RUSAGE_SELF)
        usage = f"{os.getpid()} {peak_kb()} {used.ru_utime + used.ru_stime:.3f}"
        return {
            "result": np.array(results, dtype=object),
            "usage": np.array([usage] * len(results), dtype=object),
        }


@dataclass
class _Plan:
    """What a worker cleans for one batch: the reads flush will clean, and their history."""

    indices: list[int]
    reads: list[Read]
    history: list


def _predict_subsets(batches: list[list[Read]], store: Store) -> Iterable[tuple]:
    """(batch, indices flush will clean): documents whose raw bytes are not stored already.

    Raw inputs repeated within the run are assumed stored by their first copy; `_flush`
    checks, and cleans on the driver when the guess was wrong (the first copy failed).
    """
    seen: set[str] = set()
    for batch in batches:
        indices = []
        for index, read in enumerate(batch):
            if not isinstance(read.item, RawDocument):
                continue
            sha = read.raw.sha256 if read.raw is not None else None
            if sha is not None and (sha in seen or store.article_for_raw(sha)):
                continue
            indices.append(index)
        for read in batch:
            if read.raw is not None and isinstance(read.item, RawDocument):
                seen.add(read.raw.sha256)
        yield batch, indices


def _plan(batch_and_indices: tuple, store: Store, run: _Run) -> _Plan:
    batch, indices = batch_and_indices
    reads = [batch[i] for i in indices]
    return _Plan(indices, reads, run._history([r.item for r in reads]) if reads else [])


def _furniture(reads: Sequence[Read], history: list, min_repeats: int) -> dict:
    """The furniture clean_documents would find for these reads (mirrors its first lines)."""
    raws = [r.item for r in reads]
    outlets = [outlet_key(raw) or "?" for raw in raws]
    batch = [(outlet, split_lines(raw.text)) for outlet, raw in zip(outlets, raws, strict=True)]
    found = find_furniture([*batch, *history], min_repeats)
    return {outlet: found.get(outlet, frozenset()) for outlet in set(outlets)}


def _flush(run: _Run, batch: list[Read], plan: _Plan, result: tuple) -> int:
    """Store one batch through `_Run.flush`, using the worker's cleaning when it is exact.

    Returns 1 when the batch had to be cleaned again on the driver, else 0.
    """
    clean_locally = run._clean
    recleaned = 0

    def clean(reads: Sequence[Read]):
        nonlocal recleaned
        if [id(r) for r in reads] == [id(batch[i]) for i in plan.indices]:
            history = run._history([r.item for r in reads]) if reads else []
            min_repeats = run.settings.min_furniture_repeats
            if history == plan.history or _furniture(reads, history, min_repeats) == _furniture(
                reads, plan.history, min_repeats
            ):
                return result  # failures hold copies of the reads: equal values, same bytes
        recleaned = 1
        return clean_locally(reads)

    run._clean = clean  # type: ignore[method-assign]
    try:
        run.flush(batch)
    finally:
        run._clean = clean_locally  # type: ignore[method-assign]
    return recleaned
