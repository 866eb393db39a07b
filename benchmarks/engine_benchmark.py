"""Local vs Ray ingest on the same shards: articles/s, Ray's start-up cost, 1 vs 2 workers.

    python benchmarks/engine_benchmark.py [--n 2000] [--batch 100]

Articles: the real texts of ECB+, NeuS-AllSides and Multi-News (../shared/data), each reused
with a numbered prefix until there are `--n` distinct ones, in 8 gzipped JSONL shards. Every
row ingests the same shards into a new SQLite file (so the store is not what is compared):
- local: `LocalEngine` (ingest_paths, one process): the same-run baseline;
- ray N: `RayEngine` starting a private local Ray with N CPUs and an N-actor cleaning pool.
Ray's start-up (ray.init) is reported apart; `rate` excludes it. The driver's store writes are
the single ordered consumer: `consumer/s` is articles / the time spent storing them, and
`per day` projects that consumer's capacity (x 86,400).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

from storyline.engines import LocalEngine
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


def run_local(shards: Path, db: Path, settings: Settings) -> dict:
    with SqliteStore(db) as store:
        started = time.perf_counter()
        report = LocalEngine().ingest([shards], store, settings)
        seconds = time.perf_counter() - started
    added = report.count("added")
    return {
        "engine": "local",
        "workers": 1,
        "startup_s": 0.0,
        "seconds": round(seconds, 1),
        "added": added,
        "rate": round(added / seconds, 1),
        "consumer_per_s": "-",
        "per_day": "-",
    }


def run_ray(shards: Path, db: Path, settings: Settings, workers: int) -> dict:
    from storyline.engines.ray_engine import RayEngine

    with RayEngine(workers=workers) as engine, SqliteStore(db) as store:
        started = time.perf_counter()
        report = engine.ingest([shards], store, settings)
        seconds = time.perf_counter() - started
        stats = engine.last
    added = report.count("added")
    work_s = seconds - stats.startup_s
    consumer = added / stats.store_s if stats.store_s else float("inf")
    return {
        "engine": "ray",
        "workers": workers,
        "startup_s": round(stats.startup_s, 1),
        "seconds": round(seconds, 1),
        "added": added,
        "rate": round(added / work_s, 1),
        "consumer_per_s": round(consumer),
        "per_day": f"{consumer * 86400:,.0f}",
        "recleaned": f"{stats.recleaned}/{stats.batches}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100, help="Settings.ingest_batch_size")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = Settings(ingest_batch_size=args.batch)
    with tempfile.TemporaryDirectory() as folder:
        shards = Path(folder) / "shards"
        shards.mkdir()
        write_shards(shards, args.n)
        rows = [run_local(shards, Path(folder) / "local.db", settings)]
        for workers in (1, 2):
            rows.append(run_ray(shards, Path(folder) / f"ray{workers}.db", settings, workers))
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        return
    print(
        f"{args.n} articles (ECB+, NeuS, Multi-News texts, numbered), 8 shards, "
        f"batch {args.batch}, SQLite store"
    )
    header = sorted({k for row in rows for k in row}, key=lambda k: list(rows[-1]).index(k))
    print(" | ".join(header))
    for row in rows:
        print(" | ".join(str(row.get(h, "")) for h in header))
    one, two = rows[1]["rate"], rows[2]["rate"]
    print(f"ray 2 vs 1 workers: {two / one:.2f}x; local rate {rows[0]['rate']}/s")
    print(f"200k articles/day needs {200_000 / 86400:.2f} articles/s sustained")


if __name__ == "__main__":
    main()
