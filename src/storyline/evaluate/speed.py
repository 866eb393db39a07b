"""Throughput end to end (ingest -> cluster -> brief every story) beside plain spaCy.

Why: issue 25 asks whether Storyline is faster than "just running spaCy once". Every system
runs in its own fresh interpreter (`python -m storyline.evaluate.speed`) on the same texts
in the same run, so each peak memory is that process's own VmHWM (/proc/self/status):
`ru_maxrss` is inherited across fork+exec and would charge one system with another's peak.

Articles come from ECB+ and Multi-News in ../shared/data; past their ~900 texts they are
repeated with a light variation (one sentence dropped, a serial phrase added; texts of one or
two sentences get the phrase alone), so no two are byte-identical; the near copies reach the
reprint detector and the clusterer as real syndication would.
Rows:
- storyline:ingest / cluster / brief and end-to-end: one `Runner` with `workers` processes
  (default: the cores): `ingest` into a new SQLite store (read, clean, metadata, reprints,
  and analyse on the pool: spaCy, extractors, MiniLM sentence rows), `cluster` (TF-IDF +
  MiniLM article rows embedded on the pool, assignment in the parent), then `brief` of every
  story from the stored analyses (no spaCy); its peak is the sampled sum of the parent's
  and workers' VmRSS (or its own VmHWM with one process, whichever is larger);
- spacy-en_core_web_sm: the model's default pipeline, one process (`nlp.pipe`);
- spacy-ner+sentencizer: only NER and a rule sentencizer, `n_process` = cores; its peak is
  the largest sum of the parent's and workers' VmRSS, sampled every 0.2 s.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from storyline.evaluate.datasets import dataset_path, load_cluster_items, load_summary_clusters
from storyline.evaluate.report import EvalResult, cores, make_row

SYSTEMS = ("storyline", "spacy-en_core_web_sm", "spacy-ner+sentencizer")
_SAMPLE_EVERY_S = 0.2


def speed_texts(n: int, seed: int) -> list[str]:
    """`n` article texts from the shared data, replicated with variation past its size."""
    texts = [item.text for item in load_cluster_items(dataset_path("ecbplus"))]
    texts += [
        doc
        for cluster in load_summary_clusters(dataset_path("multinews"))
        for doc in cluster.documents
        if len(doc.split()) >= 50
    ]
    rng = random.Random(seed)
    rng.shuffle(texts)
    out = texts[:n]
    seen = set(out)
    serial = 0
    while len(out) < n:
        serial += 1
        for text in texts[: n - len(out)]:
            sentences = text.split(". ")
            if len(sentences) > 2:
                del sentences[rng.randrange(len(sentences))]
            copy = f"{'. '.join(sentences)} (copy {serial})"
            if copy in seen:  # two sources that differ only in the dropped sentence
                copy = f"{text} (copy {serial})"
            seen.add(copy)
            out.append(copy)
    return out


def _status_kb(pid: int | str, key: str) -> int:
    """One `key:` line of /proc/PID/status in KiB (0 when the process has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                todo.append(child)
    return found


def _cpu_s() -> float:
    """CPU seconds (user + system) used so far by this process and its live workers: a
    figure the machine's load barely moves, unlike wall time (workers read from /proc)."""
    own = os.times()
    total = own.user + own.system
    ticks = os.sysconf("SC_CLK_TCK")
    for child in _descendants(os.getpid()):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


class _RssSampler:
    """Samples this process's VmRSS (and, with `children`, its workers') in a thread."""

    def __init__(self, children: bool = False) -> None:
        self.children = children
        self.stage = "start"
        self.samples: list[tuple[float, str, float]] = []
        self.peak_total_mb = 0.0
        self._stop = threading.Event()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(_SAMPLE_EVERY_S):
            own = _status_kb(me, "VmRSS") / 1024
            total = own
            if self.children:
                total += sum(_status_kb(c, "VmRSS") for c in _descendants(me)) / 1024
            self.peak_total_mb = max(self.peak_total_mb, total)
            self.samples.append((time.perf_counter() - self._started, self.stage, own))


def _run_storyline(texts: list[str], workdir: Path, workers: int) -> dict:
    from storyline.runner import Runner
    from storyline.settings import Settings
    from storyline.store import open_store
    from storyline.tracking import story_articles

    settings = Settings()
    data = workdir / "speed.jsonl"
    data.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    seconds: dict[str, float] = {}
    cpu_seconds: dict[str, float] = {}
    with (
        _RssSampler(children=workers > 1) as sampler,
        open_store(workdir / "speed.db") as store,
        Runner(settings, workers=workers) as runner,
    ):
        # Models load once, untimed, as the spaCy rows warm up before theirs (load_s): the
        # pool's workers load spaCy and MiniLM, this process the clusterer's MiniLM.
        start = time.perf_counter()
        _warm_up(runner)
        load_s = time.perf_counter() - start
        sampler.stage = "ingest"
        start, cpu = time.perf_counter(), _cpu_s()
        runner.ingest([data], store)
        seconds["ingest"] = time.perf_counter() - start
        cpu_seconds["ingest"] = _cpu_s() - cpu
        stored = store.count()
        sampler.stage = "cluster"
        start, cpu = time.perf_counter(), _cpu_s()
        stories = runner.cluster(store)
        seconds["cluster"] = time.perf_counter() - start
        cpu_seconds["cluster"] = _cpu_s() - cpu
        sampler.stage = "brief"
        start, cpu = time.perf_counter(), _cpu_s()
        for story in stories:
            runner.brief(story_articles(store, story), store=store)
        seconds["brief"] = time.perf_counter() - start
        cpu_seconds["brief"] = _cpu_s() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "stored": stored,
        "stories": len(stories),
        "workers": workers,
        "load_s": load_s,
        "samples": sampler.samples,
        "peak_rss_mb": max(_status_kb("self", "VmHWM") / 1024, sampler.peak_total_mb),
    }


def _warm_up(runner) -> None:
    """Load every model the timed stages use: in the pool's workers, or here for one."""
    from storyline.cluster.online import resolve_embedder
    from storyline.extract.nlp import load_pipeline
    from storyline.summarize.extractive import default_embedder

    pool = runner.pool()
    if pool is not None:
        pool.start()
    else:
        load_pipeline(runner.settings.spacy_model)("Warm up the pipeline once.")
        default_embedder().embed(["Warm up the sentence embedder once."])
    embedder = runner.embedder(resolve_embedder(runner.settings.cluster_embedder))
    if embedder is not None:  # MiniLM loads its ONNX model on first use
        embedder.embed(["Warm up the embedder once."] * max(1, runner.workers))


def _run_spacy(texts: list[str], ner_only: bool) -> dict:
    import spacy

    from storyline.settings import Settings

    model = Settings().spacy_model
    if ner_only:
        nlp = spacy.load(
            model,
            exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"],
        )
        nlp.add_pipe("sentencizer", first=True)
        workers = cores()
    else:
        nlp = spacy.load(model)
        workers = 1
    nlp("Warm up the pipeline once so that model loading is not timed.")
    with _RssSampler(children=workers > 1) as sampler:
        start = time.perf_counter()
        # With n_process > 1 the workers exit before the pipe ends: their CPU is counted
        # from RUSAGE_CHILDREN (they are this process's only children by then).
        cpu, children = _cpu_s(), resource.getrusage(resource.RUSAGE_CHILDREN)
        for _ in nlp.pipe(texts, n_process=workers, batch_size=32):
            pass
        spent = time.perf_counter() - start
        done = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_spent = _cpu_s() - cpu
        cpu_spent += done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime
    own_peak = _status_kb("self", "VmHWM") / 1024
    return {
        "seconds": {"nlp": spent},
        "cpu_seconds": {"nlp": cpu_spent},
        "components": nlp.pipe_names,
        "workers": workers,
        "peak_rss_mb": max(own_peak, sampler.peak_total_mb) if workers > 1 else own_peak,
    }


def _worker(system: str, texts_file: Path, workdir: Path, workers: int) -> dict:
    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    if system == "storyline":
        return _run_storyline(texts, workdir, workers)
    return _run_spacy(texts, ner_only=system == "spacy-ner+sentencizer")


def _in_fresh_process(system: str, texts_file: Path, workdir: Path, workers: int) -> dict:
    """Run one system in a new interpreter; its JSON report is the last stdout line."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "storyline.evaluate.speed",
            system,
            str(texts_file),
            str(workdir),
            str(workers),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        from storyline.errors import StorylineError

        raise StorylineError(f"speed: the {system} run failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rss_profile(samples: list, parts: int = 4) -> list[dict]:
    """VmRSS (MB) at the end of each of `parts` equal time slices of every stage: flat
    memory over a stream shows as equal figures across one stage's slices."""
    profile = []
    for stage in dict.fromkeys(s for _, s, _ in samples):
        mine = [rss for _, s, rss in samples if s == stage]
        if not mine:
            continue
        marks = [mine[max(0, round(len(mine) * (i + 1) / parts) - 1)] for i in range(parts)]
        profile.append({"stage": stage, "rss_mb": [round(m) for m in marks]})
    return profile


def evaluate_speed(
    n: int = 200, seed: int = 0, show_progress: bool = False, workers: int | None = None
) -> EvalResult:
    """Articles per second of Storyline's stages and end to end, and each system's own
    peak RSS, over `n` texts, beside two plain spaCy rows on the same texts. Storyline runs
    through the Runner with `workers` processes (default: the machine's cores)."""
    workers = workers or cores()
    if workers < 1:
        from storyline.errors import ConfigError

        raise ConfigError(f"--workers must be at least 1, got {workers}")
    texts = speed_texts(n, seed)
    results = {}
    with tempfile.TemporaryDirectory(prefix="storyline-speed-") as tmp:
        texts_file = Path(tmp) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        for system in SYSTEMS:
            if show_progress:
                print(f"speed: running {system} on {n:,} texts", file=sys.stderr)
            load_before = os.getloadavg()[0]
            results[system] = _in_fresh_process(system, texts_file, Path(tmp), workers)
            # The rows run one after another: the machine's load during each is recorded.
            results[system]["load_1min"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    ours = results["storyline"]
    rows = [
        make_row(
            f"storyline:{stage}",
            articles_per_s=n / spent,
            seconds_per_item=spent / n,
            cpu_s_per_item=ours["cpu_seconds"][stage] / n,
        )
        for stage, spent in ours["seconds"].items()
    ]
    total = sum(ours["seconds"].values())
    ours_cpu = sum(ours["cpu_seconds"].values())
    rows.append(
        make_row(
            "storyline:end-to-end",
            articles_per_s=n / total,
            seconds_per_item=total / n,
            cpu_s_per_item=ours_cpu / n,
            peak_rss_mb=ours["peak_rss_mb"],
            note=f"Runner, {workers} worker process(es); peak = sampled sum of parent and "
            "worker VmRSS",
        )
    )
    plain = results["spacy-en_core_web_sm"]
    fast = results["spacy-ner+sentencizer"]
    for system, result, note in (
        ("spacy-en_core_web_sm", plain, "all default components, one process"),
        (
            "spacy-ner+sentencizer",
            fast,
            f"only NER + sentencizer, n_process={fast['workers']}; peak = sampled sum of "
            "parent and worker VmRSS",
        ),
    ):
        spent = result["seconds"]["nlp"]
        rows.append(
            make_row(
                system,
                articles_per_s=n / spent,
                seconds_per_item=spent / n,
                cpu_s_per_item=result["cpu_seconds"]["nlp"] / n,
                peak_rss_mb=result["peak_rss_mb"],
                note=note,
            )
        )
    words = sum(len(t.split()) for t in texts)
    ratio = (n / total) / (n / plain["seconds"]["nlp"])
    # Load-proof: the wall ratio spaCy's CPU cost per article would allow if every core
    # were ours (cores x plain spaCy CPU / our CPU, per article).
    cpu_ratio = workers * plain["cpu_seconds"]["nlp"] / ours_cpu
    profile = rss_profile(ours["samples"])
    return EvalResult(
        task="speed",
        data="ecbplus + multinews (shared/data)",
        n=n,
        settings={
            "seed": seed,
            "workers": workers,
            "mean_words": round(words / n),
            "unique_texts": len(set(texts)),
            "stored": ours["stored"],
            "stories": ours["stories"],
            "storyline_model_load_s": round(ours["load_s"], 1),
            "load_1min_before_after": {system: r["load_1min"] for system, r in results.items()},
            "end_to_end_vs_plain_spacy": round(ratio, 3),
            "cpu_bound_ratio_on_all_workers": round(cpu_ratio, 3),
            "rss_profile": profile,
        },
        rows=rows,
        columns=("articles_per_s", "seconds_per_item", "cpu_s_per_item", "peak_rss_mb"),
        notes=[
            "each system ran in its own fresh process, one after another; peak_rss_mb is "
            "that process's VmHWM; model loading is not timed in any row",
            f"end to end is {ratio:.2f}x the plain single-process spaCy row",
            f"CPU seconds per article: ours {ours_cpu / n:.3f} (all processes) vs plain spaCy "
            f"{plain['cpu_seconds']['nlp'] / n:.3f}; on {workers} free cores that bounds end "
            f"to end at {cpu_ratio:.2f}x plain spaCy (wall figures depend on the load)",
            "storyline RSS (MB) at the end of each quarter of a stage: "
            + "; ".join(f"{p['stage']} {p['rss_mb']}" for p in profile),
        ],
    )


if __name__ == "__main__":  # one system in a fresh process (see _in_fresh_process)
    report = _worker(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    sys.stdout.write("\n" + json.dumps(report) + "\n")
