"""Local vs Ray ingest on the same shards: articles/s, per-worker peak RSS, start-up, scaling.

    python benchmarks/engine_benchmark.py [--n 20000] [--batch 100] [--cluster]

Articles: the real texts of ECB+, NeuS-AllSides and Multi-News (../shared/data), each reused
with a numbered prefix until there are `--n` distinct ones, in 8 gzipped JSONL shards. Every
row runs in a fresh process (so its peak RSS is its own) and ingests the same shards into a
new SQLite file (so the store is not what is compared):
- local 1: `LocalEngine` (ingest_paths, one process): the same-run baseline;
- local 2: `LocalEngine(workers=2)`: a process pool cleaning batches, this process storing;
- ray N: `RayEngine` starting a private local Ray with N CPUs and an N-actor cleaning pool;
- ray cluster (`--cluster`): a two-node loopback cluster (engines/ray_local.py, 1 CPU each).
`rate` excludes Ray's start-up (ray.init), reported apart. Peak RSS is VmHWM: the driver's,
and each cleaning worker's (pool processes; Ray actors running `_CleanBatches`, which report
it with their results); CPU seconds likewise. The driver's phases (read, plan, cleaning
waited for, store) and the CPU columns say where the time goes: a second worker can only
help if the CPU it needs is free.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from storyline.engines import LocalEngine
from storyline.engines.local import peak_kb
from storyline.settings import Settings
from storyline.store import SqliteStore

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _texts() -> list[dict]:
    records = []
    with gzip.open(DATA / "ecbplus-clustering" / "articles.jsonl.gz", "rt") as lines:
        records += [{"text": json.loads(line)["text"]} for line in lines]
    for name in ("neus-allsides", "multinews-sample100"):
        with gzip.open(DATA / name / "clusters.jsonl.gz", "rt") as lines:
            for line in lines:
                for doc in json.loads(line)["documents"]:
                    doc = doc if isinstance(doc, dict) else {"text": doc}
                    records.append({k: doc[k] for k in ("text", "title", "source") if doc.get(k)})
    return [r for r in records if r.get("text")]


def write_shards(folder: Path, n: int) -> None:
    base = _texts()
    rows = [
        {**base[i % len(base)], "text": f"Item {i}. " + base[i % len(base)]["text"]}
        for i in range(n)
    ]
    size = -(-n // 8)
    for shard in range(8):
        with gzip.open(folder / f"part-{shard:02d}.jsonl.gz", "wt", encoding="utf-8") as out:
            for row in rows[shard * size : (shard + 1) * size]:
                out.write(json.dumps(row) + "\n")


def _cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return round(used.ru_utime + used.ru_stime, 1)


def run_local(shards: Path, db: Path, settings: Settings, workers: int) -> dict:
    engine = LocalEngine(workers=workers)
    with SqliteStore(db) as store:
        started = time.perf_counter()
        report = engine.ingest([shards], store, settings)
        seconds = time.perf_counter() - started
    added = report.count("added")
    peaks = sorted(round(kb / 1024) for kb in engine.worker_peaks_kb.values())
    cpus = sorted(round(cpu, 1) for cpu in engine.worker_cpu_s.values())
    return {
        "engine": "local",
        "workers": workers,
        "startup_s": 0.0,
        "seconds": round(seconds, 1),
        "added": added,
        "rate": round(added / seconds, 1),
        "driver_mb": round(peak_kb() / 1024),
        "worker_mb": peaks or "-",
        "driver_cpu_s": _cpu_s(),
        "worker_cpu_s": cpus or "-",
    }


def run_ray(shards: Path, db: Path, settings: Settings, workers: int, cluster: bool) -> dict:
    from storyline.engines.ray_engine import RayEngine
    from storyline.engines.ray_local import LocalRayCluster

    nodes = LocalRayCluster(nodes=2, cpus_per_node=1).start() if cluster else None
    try:
        if nodes is not None:
            os.environ.update(nodes.env)
        address = nodes.address if nodes is not None else None
        with RayEngine(address=address, workers=workers) as engine, SqliteStore(db) as store:
            started = time.perf_counter()
            report = engine.ingest([shards], store, settings)
            seconds = time.perf_counter() - started
            stats = engine.last
            usage = engine.last_usage
    finally:
        if nodes is not None:
            nodes.stop()
    added = report.count("added")
    work_s = seconds - stats.startup_s
    return {
        "engine": "ray cluster" if cluster else "ray",
        "workers": workers,
        "nodes": stats.nodes,
        "startup_s": round(stats.startup_s, 1),
        "seconds": round(seconds, 1),
        "added": added,
        "rate": round(added / work_s, 1),
        "driver_mb": round(peak_kb() / 1024),
        "worker_mb": sorted(round(kb / 1024) for kb, _ in usage.values()) or "-",
        "driver_cpu_s": _cpu_s(),
        "worker_cpu_s": sorted(round(cpu, 1) for _, cpu in usage.values()) or "-",
        "read_s": round(stats.read_s, 1),
        "plan_s": round(stats.plan_s, 1),
        "clean_wait_s": round(stats.clean_s, 1),
        "store_s": round(stats.store_s, 1),
        "consumer_per_s": round(added / stats.store_s) if stats.store_s else "-",
        "recleaned": f"{stats.recleaned}/{stats.batches}",
    }


def run_row(args) -> dict:
    settings = Settings(ingest_batch_size=args.batch)
    db = Path(args.shards).parent / f"{args.row}-{args.workers}-{time.time_ns()}.db"
    if args.row == "local":
        return run_local(Path(args.shards), db, settings, args.workers)
    return run_ray(Path(args.shards), db, settings, args.workers, args.row == "cluster")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=100, help="Settings.ingest_batch_size")
    parser.add_argument("--cluster", action="store_true", help="add the two-node loopback row")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--row", choices=["local", "ray", "cluster"], help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--shards", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row:
        json.dump(run_row(args), sys.stdout)
        return
    plan = [("local", 1), ("local", 2), ("ray", 1), ("ray", 2)]
    if args.cluster:
        plan.append(("cluster", 2))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        shards = Path(folder) / "shards"
        shards.mkdir()
        write_shards(shards, args.n)
        for row, workers in plan:
            done = subprocess.run(
                [sys.executable, __file__, "--row", row, "--workers", str(workers)]
                + ["--shards", str(shards), "--batch", str(args.batch)],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        return
    print(
        f"{args.n} articles (ECB+, NeuS, Multi-News texts, numbered), 8 shards, "
        f"batch {args.batch}, SQLite store, one process per row"
    )
    header = [k for k in rows[-1] if k != "engine"]
    header = ["engine", *header, *(k for r in rows for k in r if k not in header and k != "engine")]
    header = list(dict.fromkeys(header))
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row.get(h, "")) for h in header))
    rate = {(r["engine"], r["workers"]): r["rate"] for r in rows}
    print(
        f"2 vs 1 workers: local {rate['local', 2] / rate['local', 1]:.2f}x, "
        f"ray {rate['ray', 2] / rate['ray', 1]:.2f}x; ray 2 vs local 1: "
        f"{rate['ray', 2] / rate['local', 1]:.2f}x"
    )
    print(f"200k articles/day needs {200_000 / 86400:.2f} articles/s sustained")


if __name__ == "__main__":
    main()
