"""Load benchmark for `storyline serve`: many concurrent readers against a large store.

1. Store (built once, reused with --reuse): real texts from ../shared/data (ECB+ articles,
   NeuS and Multi-News documents, UCI headlines) replicated with perturbation (about 3% of
   words dropped, another outlet, dates shifted by 60 days per replica) up to --articles,
   stored with `SqliteStore.add_articles` and clustered with `track_stories` (TF-IDF only:
   this measures serving, not clustering).
2. Server: `storyline serve` in its own process on 127.0.0.1, request cap off
   (--requests-per-minute 0, stated in the output), --workers as given.
3. Warm-up: the briefings of --stories stories are built through the API (their cold build
   times are printed: that is what a reader of an uncached story waits).
4. Load: --clients concurrent keep-alive clients (a minimal asyncio HTTP/1.1 client, so
   the load generator costs little CPU) for --seconds, each looping over a mix of reads:
   briefing JSON, story web page, story JSON, story list, article JSON, search. Optional
   --think-ms pause between a client's requests (a reader looking at the page).
   Printed per request kind: count, requests/s, p50/p95/p99 latency and errors. The
   same-run baseline row is /api/v1/health (no store work beyond two counts): the floor
   of this server on this machine under the same load.

5. Worst case (--attack-clients N): before the load, two runs of --attack-seconds each
   with a few "victim" clients (--victims, 100 ms think time) reading /api/v1/health and
   normal searches (one rare word): first alone (the same-run baseline), then while N
   clients send worst-case searches as fast as they are answered (the issue's 100
   repeated words, and the 12 commonest English words). Printed: the victims' p50/p95
   and errors, and what the attackers got (200, 503 refused, timeouts). Every request has
   a timeout (--timeout), so a server that hangs shows as errors, not as a stuck benchmark.
   --server-pythonpath runs the server from another source tree (e.g. the previous commit)
   for an old-code baseline on a copy of the store that it can open.

    python benchmarks/serve_load.py                       # 50k articles, 200 clients, 60 s
    python benchmarks/serve_load.py --articles 5000 --clients 50 --seconds 10   # quick
    python benchmarks/serve_load.py --articles 10000 --attack-clients 50 --clients 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storyline.evaluate.datasets import (
    dataset_path,
    load_cluster_items,
    load_mixed_clusters,
    load_summary_clusters,
)
from storyline.records import Article
from storyline.store import SqliteStore
from storyline.tracking import track_stories

START = datetime(2025, 1, 6, tzinfo=UTC)


def base_texts() -> list[tuple[str, str]]:
    """(title, text) pairs of real news text from every dataset that is present."""
    texts: list[tuple[str, str]] = []
    for item in load_cluster_items(dataset_path("ecbplus")):
        texts.append((item.text.split("\n", 1)[0][:120], item.text))
    for item in load_mixed_clusters(dataset_path("multinews")):
        texts.append((item.text.split("\n", 1)[0][:120], item.text))
    for cluster in load_summary_clusters(dataset_path("neus")):
        texts.extend((doc.split("\n", 1)[0][:120], doc) for doc in cluster.documents)
    for item in load_cluster_items(dataset_path("uci")):
        texts.append((item.text, item.text))
    return [(title, text) for title, text in texts if len(text.split()) >= 5]


def perturbed(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    return " ".join(w for w in words if rng.random() > 0.03) or text


def build_store(path: Path, n_articles: int, seed: int) -> float:
    rng = random.Random(seed)
    texts = base_texts()
    started = time.perf_counter()
    articles = []
    for i in range(n_articles):
        replica, index = divmod(i, len(texts))
        title, text = texts[index]
        when = START + timedelta(days=60 * replica, minutes=index)
        body = text if replica == 0 else perturbed(text, rng)
        articles.append(
            Article(
                article_id=f"a{i:07d}",
                text=body,
                source=f"load/{i}.txt",
                title=title,
                outlet=f"Outlet {(index + replica) % 40}",
                published_at=when,
            )
        )
    with SqliteStore(path) as store:
        for start in range(0, len(articles), 2000):
            store.add_articles(articles[start : start + 2000])
            print(f"  stored {min(start + 2000, len(articles)):,}/{len(articles):,}", end="\r")
        print()
        tracked = time.perf_counter()
        stories = track_stories(store, embedder=None)
        print(
            f"  clustered {len(articles):,} articles into {len(stories):,} stories "
            f"in {time.perf_counter() - tracked:.0f} s"
        )
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str, timeout: float = 600) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def start_server(
    db: Path, port: int, workers: int, pythonpath: str | None = None
) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "storyline",
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
        "--requests-per-minute",
        "0",
        "--workers",
        str(workers),
    ]
    env = {**os.environ, "STORYLINE_TOKEN": ""}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            get_json(f"http://127.0.0.1:{port}/api/v1/health", timeout=5)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("server did not start within 300 s")


async def fetch(reader, writer, path: str) -> int:
    """One GET on a kept-alive connection; returns the status code."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    await reader.readexactly(length)
    return status


async def client(port, plan, until, think, results, rng, timeout=60.0) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < until:
            kind, path = rng.choice(plan)
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(fetch(reader, writer, path), timeout)
            except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError):
                status = 0
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            results[kind].append((time.perf_counter() - started, status))
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
    finally:
        writer.close()


async def run_load(port, plan, clients, seconds, think, seed, timeout=60.0, extra=()) -> dict:
    """`clients` clients over `plan`; `extra` adds (plan, clients, think) groups at once."""
    results: dict[str, list] = defaultdict(list)
    until = time.monotonic() + seconds
    groups = [(plan, clients, think), *extra]
    runs = []
    for number, (group_plan, count, group_think) in enumerate(groups):
        for i in range(count):
            rng = random.Random(seed + 1000 * number + i)
            runs.append(client(port, group_plan, until, group_think, results, rng, timeout))
    await asyncio.gather(*runs)
    return results


# The attack (100 repeated words: 81 s on a 20k store) and the costliest query
# left once words are de-duplicated: the 12 commonest English words.
WORST_CASE = [
    ("attack: 100 repeated words", "/api/v1/search?q=" + "+".join(["the"] * 100)),
    (
        "attack: 12 common words",
        "/api/v1/search?q=" + "+".join("the of and to a in is that for on was with".split()),
    ),
]
VICTIMS = [
    ("victim: health", "/api/v1/health"),
    *[("victim: search", f"/api/v1/search?q={w}") for w in ("earthquake", "election", "police")],
]


def print_table(results: dict, seconds: float) -> None:
    print(
        f"{'request':28} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'200':>6} {'503':>5} {'errors':>6}"
    )
    for kind in sorted(results):
        rows = results[kind]
        times = [t * 1000 for t, _ in rows]
        ok = sum(1 for _, status in rows if status == 200)
        busy = sum(1 for _, status in rows if status == 503)
        print(
            f"{kind:28} {len(rows):7,} {len(rows) / seconds:7.1f} "
            f"{percentile(times, 0.5):8.1f} {percentile(times, 0.95):8.1f} "
            f"{percentile(times, 0.99):8.1f} {ok:6} {busy:5} {len(rows) - ok - busy:6}"
        )


def worst_case(port: int, args) -> None:
    """Victims alone, then victims while `--attack-clients` send worst-case searches."""
    seconds = args.attack_seconds
    print(
        f"\nworst case: {args.victims} victim clients (100 ms think time) for {seconds:.0f} s, "
        f"alone and then beside {args.attack_clients} attackers (no think time); "
        f"timeout {args.timeout:.0f} s per request"
    )
    alone = asyncio.run(
        run_load(port, VICTIMS, args.victims, seconds, 0.1, args.seed, args.timeout)
    )
    print("\nbaseline (same run): victims alone")
    print_table(alone, seconds)
    attacked = asyncio.run(
        run_load(
            port,
            VICTIMS,
            args.victims,
            seconds,
            0.1,
            args.seed,
            args.timeout,
            extra=[(WORST_CASE, args.attack_clients, 0)],
        )
    )
    print(f"\nunder attack: victims beside {args.attack_clients} worst-case searchers")
    print_table(attacked, seconds)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--stories", type=int, default=20, help="stories read in the load")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--think-ms", type=float, default=0)
    parser.add_argument("--db", type=Path, default=Path("/tmp/storyline-load.db"))
    parser.add_argument("--reuse", action="store_true", help="reuse --db if it exists")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--attack-clients", type=int, default=0, help="worst-case searchers")
    parser.add_argument("--attack-seconds", type=float, default=30)
    parser.add_argument("--victims", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=60, help="seconds per request")
    parser.add_argument("--server-pythonpath", help="run the server from this source tree")
    parser.add_argument("--skip-readers", action="store_true", help="only the worst case")
    args = parser.parse_args()

    if not (args.reuse and args.db.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
        print(f"building a store of {args.articles:,} articles at {args.db}")
        print(f"  built in {build_store(args.db, args.articles, args.seed):.0f} s")

    with sqlite3.connect(args.db) as db:  # so the cold builds below are really cold
        db.execute("DELETE FROM state WHERE key LIKE 'briefing:%'")
    port = free_port()
    server = start_server(args.db, port, args.workers, args.server_pythonpath)
    try:
        base = f"http://127.0.0.1:{port}"
        health = get_json(f"{base}/api/v1/health")["data"]
        listing = get_json(f"{base}/api/v1/stories?limit=200")["data"]
        chosen = sorted(listing, key=lambda s: -s["article_count"])[: args.stories]
        cold = []
        for story in chosen:
            started = time.perf_counter()
            get_json(f"{base}/api/v1/stories/{story['story_id']}/briefing")
            cold.append(time.perf_counter() - started)
        articles = [
            a["article_id"]
            for s in chosen[:5]
            for a in get_json(f"{base}/api/v1/stories/{s['story_id']}")["data"]["articles"][:20]
        ]
        plan = []
        for story in chosen:
            sid = story["story_id"]
            plan += [
                ("briefing JSON", f"/api/v1/stories/{sid}/briefing"),
                ("briefing JSON", f"/api/v1/stories/{sid}/briefing"),
                ("story page (HTML)", f"/stories/{sid}"),
                ("story JSON", f"/api/v1/stories/{sid}"),
            ]
        plan += [("article JSON", f"/api/v1/articles/{a}") for a in articles[:20]]
        plan += [("story list", "/api/v1/stories?limit=20")] * 8
        plan += [("search", f"/api/v1/search?q={w}") for w in ("earthquake", "election", "police")]
        plan += [("baseline: health", "/api/v1/health")] * 8
        # warm every path once (web pages render from the cached briefing)
        for _, path in set(plan):
            urllib.request.urlopen(base + path, timeout=600).read()

        print(
            f"\nstore: {health['articles']:,} articles, {health['stories']:,} stories; "
            f"server: {args.workers} worker(s), request cap off; clients: {args.clients}, "
            f"{args.seconds:.0f} s, think time {args.think_ms:.0f} ms; 2 cores shared by "
            "server and load generator"
        )
        print(
            f"cold briefing builds ({len(cold)} largest stories, before the load): "
            f"median {statistics.median(cold):.2f} s, max {max(cold):.2f} s"
        )
        if args.attack_clients:
            worst_case(port, args)
        if args.skip_readers:
            return
        results = asyncio.run(
            run_load(
                port,
                plan,
                args.clients,
                args.seconds,
                args.think_ms / 1000,
                args.seed,
                args.timeout,
            )
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a request still running (the old code's searches)
            server.kill()
            server.wait()

    total = sum(len(v) for v in results.values())
    print(
        f"\n{'request':22} {'count':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7}"
    )
    for kind in sorted(results, key=lambda k: (k.startswith("baseline"), k)):
        rows = results[kind]
        times = [t * 1000 for t, _ in rows]
        errors = sum(1 for _, status in rows if status != 200)
        print(
            f"{kind:22} {len(rows):8,} {len(rows) / args.seconds:8.1f} "
            f"{percentile(times, 0.5):8.1f} {percentile(times, 0.95):8.1f} "
            f"{percentile(times, 0.99):8.1f} {errors:7}"
        )
    print(f"{'all':22} {total:8,} {total / args.seconds:8.1f}")


if __name__ == "__main__":
    main()
