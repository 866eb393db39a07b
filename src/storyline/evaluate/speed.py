"""Throughput per stage and end to end, and peak memory, beside plain spaCy as reference.

Articles come from the ECB+ and Multi-News files of ../shared/data; for runs larger than
the data, articles are replicated with a light perturbation (one sentence dropped, a serial
word added) so no two are byte-identical and deduplication cannot take a shortcut. The
reference row is spaCy's `en_core_web_sm` default pipeline (tagger, parser, NER) over the
same texts: the cost of "just running NER" that every news pipeline pays.
"""

from __future__ import annotations

import random
import resource
import time
from collections.abc import Callable

from storyline.clean.article import clean_documents
from storyline.cluster import cluster_stream
from storyline.dedupe import find_reprint_groups
from storyline.evaluate.datasets import dataset_path, load_cluster_items, load_summary_clusters
from storyline.evaluate.report import EvalResult, make_row, progress
from storyline.extract.nlp import load_pipeline
from storyline.pipeline import brief_articles
from storyline.records import RawDocument
from storyline.settings import Settings

# Articles per story when the end-to-end run briefs the stream in stories; ten is the size
# of a Multi-News cluster at most and of a typical developing story's first day.
_STORY_SIZE = 10


def speed_texts(n: int, seed: int) -> list[str]:
    """`n` article texts from the shared data, replicated with perturbation past its size."""
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
    serial = 0
    while len(out) < n:
        serial += 1
        for text in texts[: n - len(out)]:
            sentences = text.split(". ")
            if len(sentences) > 2:
                del sentences[rng.randrange(len(sentences))]
            out.append(f"{'. '.join(sentences)} (copy {serial})")
    return out


def _timed(stage: Callable[[], object]) -> float:
    start = time.perf_counter()
    stage()
    return time.perf_counter() - start


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def evaluate_speed(n: int = 200, seed: int = 0, show_progress: bool = False) -> EvalResult:
    """Articles per second of each stage over `n` articles, and the process's peak RSS."""
    settings = Settings()
    texts = speed_texts(n, seed)
    raws = [RawDocument(source=f"speed:{i}", format="jsonl", text=t) for i, t in enumerate(texts)]
    nlp = load_pipeline(settings.spacy_model)
    nlp("warm up the pipeline once so model loading is not timed.")
    rows, seconds = [], {}

    articles: list = []
    seconds["clean"] = _timed(
        lambda: articles.extend(
            clean_documents(raws, settings.min_furniture_repeats, settings.max_article_chars)
        )
    )
    seconds["dedupe"] = _timed(
        lambda: find_reprint_groups(
            articles, settings.shingle_words, settings.minhash_perm, settings.min_containment
        )
    )
    seconds["cluster"] = _timed(
        lambda: cluster_stream([a.text for a in articles], [None] * len(articles))
    )
    stories = [articles[i : i + _STORY_SIZE] for i in range(0, len(articles), _STORY_SIZE)]

    def brief_all() -> None:
        for story in progress(stories, "Briefing stories", show_progress):
            brief_articles(story, settings)

    seconds["brief (nlp, facts, timeline, summary)"] = _timed(brief_all)
    total = sum(seconds.values())
    storyline_peak = _peak_rss_mb()
    for stage, spent in seconds.items():
        rows.append(
            make_row(f"storyline:{stage}", articles_per_s=n / spent, seconds_per_item=spent / n)
        )
    rows.append(
        make_row(
            "storyline:end-to-end",
            articles_per_s=n / total,
            seconds_per_item=total / n,
            peak_rss_mb=storyline_peak,
        )
    )
    reference = _timed(lambda: list(nlp.pipe(texts)))
    rows.append(
        make_row(
            "spacy-en_core_web_sm",
            articles_per_s=n / reference,
            seconds_per_item=reference / n,
            peak_rss_mb=_peak_rss_mb(),
            note="plain spaCy default pipeline over the same texts",
        )
    )
    words = sum(len(t.split()) for t in texts)
    return EvalResult(
        task="speed",
        data="ecbplus + multinews (shared/data)",
        n=n,
        settings={"seed": seed, "story_size": _STORY_SIZE, "mean_words": round(words / n)},
        rows=rows,
        columns=("articles_per_s", "seconds_per_item", "peak_rss_mb"),
        notes=[
            "peak_rss_mb is the whole process's peak so far (ru_maxrss); the spaCy row "
            "runs after Storyline in the same process"
        ],
    )
