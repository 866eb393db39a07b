"""Online story clustering at stream scale: throughput, memory and state size.

Stream: the UCI headline stream (../shared/data/uci-news-aggregator-stories, 3,522 real
headlines in publication order) followed by ECB+ articles (772 full texts, given
synthetic publication times one minute apart after the headlines), i.e. short and long
items mixed. Each configuration of `OnlineClusterer` runs over the whole stream in
batches of 500 (`partial_fit`); we print articles/s (embedding included), peak RSS, the
number of stories, the JSON size of `to_state()` and BCubed F1 against the gold stories,
beside the same-run baseline: batch TF-IDF + average-link agglomerative clustering
(evaluate/baselines.py) at distance 0.9 (its held-out choice on ECB+), which must hold an
n x n distance matrix.

Scale (`--scale 10000 100000 1000000`): the same stream replicated (each copy swaps every
word for one of about the same frequency, as in dedupe_benchmark.py, so a copy is a new set
of stories with the real ones' shape rather than a reprint of them; drops about one word in
ten; and is dated three days after the previous copy, so the 7-day window holds about three
copies). BCubed F1 against "copy:story" gold is then a quality figure at scale too. Each row
runs in a fresh process, so peak RSS is that row's own; the rows of one n run side by side,
one per core (a third waits for a free core), and articles/CPU-s is the single-core rate.
Rows (`--configs`): the shipped online clusterer without an embedder (TF-IDF + entity cues
+ window re-clustering, shipped defaults) beside the same-run baselines: single-pass TF-IDF
as before entity cues and re-clustering (entity_weight=0, recluster_every=0, at
SCALE_THRESHOLD), and "as-before", this code with the settings of the previous code's row.
MiniLM is left out at scale: embedding dominates and is the same for both (see the first
table's MiniLM row for its rate). `--previous DIR` adds the shipped row run by an earlier
checkout's code, up to `--previous-max` articles.

    python benchmarks/cluster_benchmark.py             # a few minutes (MiniLM embeds)
    python benchmarks/cluster_benchmark.py --no-minilm # TF-IDF configurations only
    git worktree add /tmp/prev e327b7a   # the code before the compiled loops
    python benchmarks/cluster_benchmark.py --no-minilm --scale 10000 100000 \
        --previous /tmp/prev --previous-max 100000    # about 10 minutes on 2 cores
    python benchmarks/cluster_benchmark.py --no-minilm --scale 1000000 --configs shipped \
        --previous /tmp/prev --previous-max 1000000   # about 70 minutes on 2 cores
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from dedupe_benchmark import replica_mapper

from storyline.cluster import OnlineClusterer, resolve_embedder
from storyline.evaluate import baselines
from storyline.evaluate.cluster import _stream_order
from storyline.evaluate.datasets import dataset_path, find_data_dir, load_cluster_items
from storyline.evaluate.metrics import bcubed

# The stream is 82% headlines: before the length calibration (cluster/length.py) the
# scale rows ran at 0.15, the raw threshold headlines want; the shipped row now runs the
# defaults, and the previous code's row (and "as-before") keeps 0.15.
SCALE_THRESHOLD = 0.15


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, a spawned child does
    not start from its parent's peak)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_stream():
    headlines = list(_stream_order(load_cluster_items(dataset_path("uci"))))
    last = max(i.published_at for i in headlines)
    articles = load_cluster_items(dataset_path("ecbplus"))
    texts = [i.text for i in headlines] + [i.text for i in articles]
    dates = [i.published_at for i in headlines] + [
        last + timedelta(minutes=k + 1) for k in range(len(articles))
    ]
    gold = [f"uci:{i.gold}" for i in headlines] + [f"ecb:{i.gold}" for i in articles]
    return texts, dates, gold


def run(name, clusterer, texts, dates, gold, batch) -> None:
    start = time.perf_counter()
    for offset in range(0, len(texts), batch):
        clusterer.partial_fit(texts[offset : offset + batch], dates[offset : offset + batch])
    seconds = time.perf_counter() - start
    labels = clusterer.resolved_labels()
    state_mb = len(json.dumps(clusterer.to_state())) / 1e6
    print(
        f"| {name} | {len(texts)} | {len(texts) / seconds:.0f} | {peak_rss_mb():.0f} | "
        f"{len(set(labels))} | {len(clusterer.events_)} | {state_mb:.1f} | "
        f"{bcubed(labels, gold).f1:.3f} |",
        flush=True,
    )


def replicated_stream(n: int, seed: int = 0):
    """`n` items: copies of the real stream, reworded and dated later (module doc)."""
    texts, dates, gold = load_stream()
    rng = random.Random(seed)
    out_texts, out_dates, out_gold = [], [], []
    copy = 0
    while len(out_texts) < n:
        reword = replica_mapper(texts, copy)
        for text, when, story in zip(texts, dates, gold, strict=True):
            if len(out_texts) == n:
                break
            if copy:
                words = [w for w in text.split(" ") if rng.random() > 0.1] or [text]
                text = reword(" ".join(words))
            out_texts.append(text)
            out_dates.append(when + timedelta(days=3 * copy))
            out_gold.append(f"{copy}:{story}")
        copy += 1
    return out_texts, out_dates, out_gold


def _timed(method, totals: list[float]):
    """`method` wrapped to add its wall seconds to totals[0] and its calls to totals[1]."""

    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            totals[0] += time.perf_counter() - start
            totals[1] += 1

    return wrapper


def _scale_row(n: int, config: str, batch: int) -> tuple:
    """Articles/s (wall clock and per CPU second), peak RSS MB, stories, BCubed F1, and the
    seconds and count of index builds and of window re-clusterings, of one configuration
    (own process). Builds are timed inside re-clusterings too (each ends with one)."""
    texts, dates, gold = replicated_stream(n)
    if config == "shipped":  # the shipped defaults (threshold, length calibration)
        clusterer = OnlineClusterer(embedder=None)
    elif config == "previous":  # earlier code's scale row: its headline threshold
        clusterer = OnlineClusterer(embedder=None, threshold=SCALE_THRESHOLD)
    elif config == "alone-off":  # shipped, lone articles joined at the threshold only
        # (cluster/window.py ALONE_SHARE 1.0): without an embedder, the shipped
        # configuration before the lexical contrast and the lone-article rule
        importlib.import_module("storyline.cluster.window").ALONE_SHARE = 1.0
        clusterer = OnlineClusterer(embedder=None)
    elif config == "as-before":  # this code with the previous row's settings
        clusterer = OnlineClusterer(embedder=None, threshold=SCALE_THRESHOLD, length_power=0.0)
    else:
        clusterer = OnlineClusterer(
            embedder=None, threshold=SCALE_THRESHOLD, entity_weight=0.0, recluster_every=0
        )
    builds, reclusters = [0.0, 0], [0.0, 0]
    clusterer._rebuild = _timed(clusterer._rebuild, builds)
    clusterer.recluster_window = _timed(clusterer.recluster_window, reclusters)
    start, cpu = time.perf_counter(), time.process_time()
    segment, segment_cpu = max(n // 10, batch), cpu
    for offset in range(0, n, batch):
        clusterer.partial_fit(texts[offset : offset + batch], dates[offset : offset + batch])
        done = offset + batch
        if done % segment == 0 and done < n:  # progress, and the rate along the stream
            now = time.process_time()
            print(
                f"{config} {n}: {done} done, {segment / (now - segment_cpu):.0f} articles/CPU-s"
                " over the last tenth",
                file=sys.stderr,
                flush=True,
            )
            segment_cpu = now
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    labels = clusterer.resolved_labels()
    return (
        n / seconds,
        n / cpu,
        peak_rss_mb(),
        len(set(labels)),
        bcubed(labels, gold).f1,
        *builds,
        *reclusters,
    )


# Run in a fresh interpreter by `fixed_costs`: what a first `storyline cluster` pays before
# its first article is assigned, step by step, with the peak RSS after each step.
_FIXED_COSTS = """
import json, time
def peak_rss_mb():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) / 1024 for l in status if l.startswith("VmHWM:"))
steps = []
def step(name, start):
    steps.append((name, time.perf_counter() - start, peak_rss_mb()))
start = time.perf_counter()
import numpy, scipy.sparse, sklearn.feature_extraction.text
step("python, import numpy, scipy, scikit-learn", start)
start = time.perf_counter()
from storyline.cluster import OnlineClusterer, resolve_embedder
step("import storyline.cluster (numba included)", start)
texts = {texts!r}
dates = [None] * len(texts)
start = time.perf_counter()
OnlineClusterer(embedder=None).partial_fit(texts, dates)
step("first partial_fit, {n} articles (compiled loops: load or compile)", start)
start = time.perf_counter()
OnlineClusterer(embedder=None).partial_fit(texts, dates)
step("second partial_fit, {n} articles (warm)", start)
if {minilm!r}:
    start = time.perf_counter()
    embedder = resolve_embedder("auto")
    step("load MiniLM (resolve_embedder)" if embedder else "no MiniLM installed", start)
    if embedder is not None:
        start = time.perf_counter()
        embedder.embed(texts)
        step("first MiniLM embed, {n} articles", start)
        start = time.perf_counter()
        embedder.embed(texts)
        step("second MiniLM embed, {n} articles (warm)", start)
print(json.dumps(steps))
"""


def fixed_costs(minilm: bool, n: int = 50) -> None:
    """First-run fixed costs, each in a fresh interpreter: with the compiled loops already
    cached beside the modules (every run after the first), and cold (an empty
    NUMBA_CACHE_DIR, as the first run after installing)."""
    import tempfile

    texts, _, _ = load_stream()
    texts = texts[-n:]  # ECB+ full articles, the slow kind
    code = _FIXED_COSTS.format(texts=texts, n=n, minilm=minilm)
    print()
    print("First-run fixed costs (fresh interpreter per column; wall seconds / peak RSS MB)")
    runs = {}
    with tempfile.TemporaryDirectory() as cold_cache:
        for name, extra in (
            ("cached loops", {}),
            ("cold: empty numba cache", {"NUMBA_CACHE_DIR": cold_cache}),
        ):
            env = dict(os.environ, **extra)
            done = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            runs[name] = json.loads(done.stdout.strip().splitlines()[-1])
    names = list(runs)
    print("| step | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for i, (step, _, _) in enumerate(runs[names[0]]):
        cells = " | ".join(f"{runs[k][i][1]:.2f} s / {runs[k][i][2]:.0f} MB" for k in names)
        print(f"| {step} | {cells} |", flush=True)


def _previous_row(source: str, n: int, batch: int) -> tuple[float, float, float, int, float]:
    """The shipped row run by another checkout's code (its src/ first on the path)."""
    env = dict(os.environ, PYTHONPATH=str(Path(source) / "src"))
    env.setdefault("STORYLINE_DATA", str(find_data_dir()))
    command = [sys.executable, __file__, "--row", str(n), "--batch", str(batch)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return tuple(json.loads(done.stdout.strip().splitlines()[-1]))


def _run_task(function, arguments):
    return function(*arguments)


def scale_table(
    sizes: list[int],
    batch: int,
    configs: list[str],
    previous: str | None,
    previous_max: int,
    jobs: int,
) -> None:
    print()
    print(f"Scale: replicated stream, no embedder, threshold {SCALE_THRESHOLD}, batches of {batch}")
    print(
        "| system | n | articles/s | articles/CPU-s | peak RSS MB | stories | BCubed F1 | "
        "index builds: s (count) | window re-clusterings: s (count) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    names = {
        "shipped": "online TF-IDF + entity cues + window re-clustering",
        "single-pass": "baseline: single-pass TF-IDF (no cues, no re-clustering)",
        "alone-off": "the same, lone-article rule off (the shipped row before it)",
        "as-before": f"the same code, previous settings (t={SCALE_THRESHOLD}, no length "
        "calibration)",
    }
    context = multiprocessing.get_context("spawn")
    for n in sizes:
        rows = [(names[config], (_scale_row, (n, config, batch))) for config in configs]
        if previous and n <= previous_max:
            name = f"baseline: previous code ({previous}), t={SCALE_THRESHOLD}"
            rows.append((name, (_previous_row, (previous, n, batch))))
        # the rows side by side, one process (and core) each
        # a fresh process per row (maxtasksperchild), so each peak RSS is the row's own
        with context.Pool(min(len(rows), jobs), maxtasksperchild=1) as pool:
            results = pool.starmap(_run_task, [task for _, task in rows])
        for (name, _), result in zip(rows, results, strict=True):
            rate, cpu_rate, rss, stories, f1 = result[:5]
            cells = f"{rate:.0f} | {cpu_rate:.0f} | {rss:.0f} | {stories} | {f1:.3f}"
            if len(result) == 9:  # this code's rows time builds and re-clusterings
                build_s, builds, recluster_s, reclusters = result[5:]
                cells += f" | {build_s:.1f} ({builds}) | {recluster_s:.1f} ({reclusters})"
            else:
                cells += " | - | -"
            print(f"| {name} | {n} | {cells} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--no-minilm", action="store_true")
    parser.add_argument("--scale", type=int, nargs="*", default=[], metavar="N")
    parser.add_argument(
        "--previous",
        metavar="DIR",
        help="a checkout of earlier code (git worktree add DIR REV) to run the shipped "
        "scale row with, as a same-run baseline",
    )
    parser.add_argument(
        "--previous-max", type=int, default=10_000, help="largest n to run --previous at"
    )
    parser.add_argument(
        "--configs",
        nargs="+",
        choices=["shipped", "single-pass", "as-before", "alone-off"],
        default=["shipped", "single-pass"],
        help="which configurations to run at scale",
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="scale rows run side by side"
    )
    parser.add_argument(
        "--scale-only", action="store_true", help="skip the first table (the real stream)"
    )
    parser.add_argument(
        "--fixed-costs", action="store_true", help="also measure first-run fixed costs"
    )
    parser.add_argument("--row", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.row:  # one shipped scale row, as JSON, for --previous
        print(json.dumps(_scale_row(args.row, "previous", args.batch)))
        return
    if args.fixed_costs:
        fixed_costs(not args.no_minilm)
    if args.scale_only:
        scale_table(
            args.scale, args.batch, args.configs, args.previous, args.previous_max, args.jobs
        )
        return
    texts, dates, gold = load_stream()
    print(f"stream: {len(texts)} items, {len(set(gold))} gold stories")
    print("| system | n | articles/s | peak RSS MB | stories | merges | state MB | BCubed F1 |")
    print("|---|---|---|---|---|---|---|---|")
    run("online TF-IDF (t=0.25)", OnlineClusterer(0.25), texts, dates, gold, args.batch)
    embedder = None if args.no_minilm else resolve_embedder("auto")
    if embedder is not None:
        clusterer = OnlineClusterer(embedder=embedder)
        run("online TF-IDF+MiniLM (defaults)", clusterer, texts, dates, gold, args.batch)
    start = time.perf_counter()
    distances = baselines.cosine_distances(texts)
    labels = baselines.agglomerative_labels(distances, 0.9)
    seconds = time.perf_counter() - start
    print(
        f"| batch TF-IDF + agglomerative (0.9) | {len(texts)} | {len(texts) / seconds:.0f} | "
        f"{peak_rss_mb():.0f} | {len(set(labels))} | - | - | {bcubed(labels, gold).f1:.3f} |"
    )
    if args.scale:
        scale_table(
            args.scale, args.batch, args.configs, args.previous, args.previous_max, args.jobs
        )


if __name__ == "__main__":
    main()
