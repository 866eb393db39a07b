"""Store backends on the same articles: insert throughput, full-text search latency, file size.

    python benchmarks/store_benchmark.py [--n 5000] [--queries 200] [--seed 0] [--writers 2]

Articles are the ECB+ news texts (../shared/data/ecbplus-clustering), each reused with a
numbered prefix until there are `--n` distinct ones; without the shared data, the demo corpus
is used the same way. Both backends get the same rows in batches of 500, one transaction per
batch, and the same two-word queries drawn from the articles' own vocabulary.

- sqlite: `storyline.store.SqliteStore` as shipped (WAL, FTS5 with triggers, BM25 ranking).
- duckdb: the same columns in a DuckDB table. DuckDB's full-text index is the `fts`
  extension, which DuckDB downloads on first use; with no network it cannot load, and search
  falls back to a scan with ILIKE (reported as such). A text column scan is what DuckDB
  offers offline, so that is the fair comparison for an embedded, no-download store.
- postgres: `storyline.store.PostgresStore` on a throwaway local server (Debian's initdb and
  pg_ctl, fsync on: durable like the SQLite file), tsvector + GIN, ts_rank; skipped with a
  note when the server binaries or psycopg are missing.

Concurrent writers: `--writers` processes each store their share of the same articles into
one store at once (SQLite: one file, writers queue on its lock; PostgreSQL: one database),
beside one process storing them all, in the same run; rows report aggregate inserts/s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from storyline.cli.demo import demo_corpus
from storyline.ingest import read_inputs
from storyline.records import Article, RawDocument
from storyline.store import PostgresStore, SqliteStore, open_store
from storyline.store.pg_local import LocalPostgres, postgres_bindir

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "data" / "ecbplus-clustering" / "articles.jsonl.gz"
BATCH = 500


def load_texts() -> tuple[list[str], str]:
    if ECB.exists():
        with gzip.open(ECB, "rt", encoding="utf-8") as lines:
            return [json.loads(line)["text"] for line in lines], "ECB+ articles"
    raws = read_inputs([str(demo_corpus())], 10**8)
    return [r.text for r in raws if isinstance(r, RawDocument)], "demo corpus"


def make_articles(texts: list[str], n: int) -> list[Article]:
    articles = []
    for i in range(n):
        text = f"Item {i}. " + texts[i % len(texts)]
        articles.append(
            Article(
                article_id=f"a{i}",
                text=text,
                source=f"bench.jsonl:{i}",
                title=text.split(".")[1][:80] if "." in text else None,
                outlet=f"Outlet {i % 20}",
            )
        )
    return articles


def make_queries(texts: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = sorted({w for t in texts for w in re.findall(r"[A-Za-z]{5,}", t)})
    return [" ".join(rng.sample(words, 2)) for _ in range(count)] + [
        rng.choice(words) for _ in range(count)
    ]


def bench_sqlite(articles, queries, folder: Path) -> dict:
    path = folder / "bench.sqlite"
    store = SqliteStore(path)
    started = time.perf_counter()
    for start in range(0, len(articles), BATCH):
        store.add_articles(articles[start : start + BATCH])
    insert_s = time.perf_counter() - started
    latencies = []
    for query in queries:
        t = time.perf_counter()
        store.search(query, limit=10)
        latencies.append(time.perf_counter() - t)
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    size = sum(p.stat().st_size for p in folder.glob("bench.sqlite*"))
    return _row("sqlite (FTS5, BM25)", len(articles), insert_s, latencies, size)


def bench_postgres(articles, queries, url: str) -> dict:
    store = PostgresStore(url)
    started = time.perf_counter()
    for start in range(0, len(articles), BATCH):
        store.add_articles(articles[start : start + BATCH])
    insert_s = time.perf_counter() - started
    store._db.execute("ANALYZE articles")
    latencies = []
    for query in queries:
        t = time.perf_counter()
        store.search(query, limit=10)
        latencies.append(time.perf_counter() - t)
    size = store._db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    store.close()
    return _row("postgres (tsvector, GIN, ts_rank)", len(articles), insert_s, latencies, size)


def _write_share(target: str, articles: list[Article]) -> float:
    """One writer process: store `articles` in batches; returns its seconds."""
    with open_store(target) as store:
        started = time.perf_counter()
        for start in range(0, len(articles), BATCH):
            store.add_articles(articles[start : start + BATCH])
        return time.perf_counter() - started


def bench_writers(articles, target: str, writers: int, name: str) -> dict:
    """`writers` processes storing interleaved shares of `articles` into `target` at once."""
    import multiprocessing

    open_store(target).close()  # migrate before the clock starts
    shares = [articles[w::writers] for w in range(writers)]
    with multiprocessing.get_context("fork").Pool(writers) as pool:
        started = time.perf_counter()
        pool.starmap(_write_share, [(target, share) for share in shares])
        wall_s = time.perf_counter() - started
    with open_store(target) as store:
        stored = store.count()
    return {
        "backend": name,
        "writers": writers,
        "articles": len(articles),
        "stored": stored,
        "insert_per_s": round(len(articles) / wall_s),
    }


def bench_duckdb(articles, queries, folder: Path) -> dict | None:
    try:
        import duckdb
    except ImportError:
        return None
    path = folder / "bench.duckdb"
    db = duckdb.connect(str(path))
    db.execute(
        "CREATE TABLE articles (article_id TEXT PRIMARY KEY, source TEXT, title TEXT, "
        "outlet TEXT, text TEXT)"
    )
    try:
        db.execute("LOAD fts")
        has_fts = True
    except duckdb.Error:
        has_fts = False
    started = time.perf_counter()
    for start in range(0, len(articles), BATCH):
        rows = [
            (a.article_id, a.source, a.title, a.outlet, a.text)
            for a in articles[start : start + BATCH]
        ]
        db.execute("BEGIN")
        db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
    if has_fts:
        db.execute("PRAGMA create_fts_index('articles', 'article_id', 'title', 'text')")
    insert_s = time.perf_counter() - started
    latencies = []
    for query in queries:
        words = query.split()
        t = time.perf_counter()
        if has_fts:
            db.execute(
                "SELECT article_id FROM (SELECT article_id, "
                "fts_main_articles.match_bm25(article_id, ?) AS score FROM articles) "
                "WHERE score IS NOT NULL ORDER BY score DESC LIMIT 10",
                [query],
            ).fetchall()
        else:
            clause = " AND ".join("text ILIKE ?" for _ in words)
            db.execute(
                f"SELECT article_id FROM articles WHERE {clause} LIMIT 10",
                [f"%{w}%" for w in words],
            ).fetchall()
        latencies.append(time.perf_counter() - t)
    db.execute("CHECKPOINT")
    db.close()
    size = sum(p.stat().st_size for p in folder.glob("bench.duckdb*"))
    name = "duckdb (fts extension)" if has_fts else "duckdb (ILIKE scan: fts not loadable)"
    return _row(name, len(articles), insert_s, latencies, size)


def _row(name, n, insert_s, latencies, size) -> dict:
    latencies = sorted(latencies)
    return {
        "backend": name,
        "articles": n,
        "insert_per_s": round(n / insert_s),
        "search_median_ms": round(statistics.median(latencies) * 1000, 2),
        "search_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 2),
        "file_mb": round(size / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--writers", type=int, default=2, help="concurrent writer processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    texts, corpus = load_texts()
    articles = make_articles(texts, args.n)
    queries = make_queries(texts, args.queries, args.seed)
    text_mb = sum(len(a.text.encode()) for a in articles) / 1e6
    notes = []
    server = _start_postgres(notes)
    try:
        with tempfile.TemporaryDirectory() as folder:
            rows = [bench_sqlite(articles, queries, Path(folder))]
            duck = bench_duckdb(articles, queries, Path(folder))
            if duck:
                rows.append(duck)
            if server:
                rows.append(bench_postgres(articles, queries, _database(server, "single")))
            writer_rows = []
            for writers in sorted({1, args.writers}):
                sqlite_target = str(Path(folder) / f"writers{writers}.sqlite")
                writer_rows.append(bench_writers(articles, sqlite_target, writers, "sqlite"))
                if server:
                    target = _database(server, f"writers{writers}")
                    writer_rows.append(bench_writers(articles, target, writers, "postgres"))
    finally:
        if server:
            server.stop()
    if args.json:
        json.dump(
            {
                "corpus": corpus,
                "text_mb": text_mb,
                "rows": rows,
                "writers": writer_rows,
                "notes": notes,
            },
            sys.stdout,
            indent=2,
        )
        return
    print(f"{args.n} articles from {corpus} ({text_mb:.1f} MB of text), {len(queries)} queries")
    _table(rows)
    print()
    _table(writer_rows)
    for note in notes:
        print(f"note: {note}")


def _table(rows: list[dict]) -> None:
    header = list(rows[0])
    widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in header]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(row[h]).ljust(w) for h, w in zip(header, widths, strict=True)))


def _start_postgres(notes: list[str]) -> LocalPostgres | None:
    if postgres_bindir() is None:
        notes.append("postgres skipped: no initdb/pg_ctl (apt-get install -y postgresql)")
        return None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        notes.append("postgres skipped: psycopg missing (pip install 'storyline[postgres]')")
        return None
    return LocalPostgres(fsync=True).start()


def _database(server: LocalPostgres, name: str) -> str:
    """A new database on `server` for one measurement (each starts empty)."""
    import psycopg

    with psycopg.connect(server.url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return server.url.rsplit("/", 1)[0] + f"/{name}"


if __name__ == "__main__":
    main()
