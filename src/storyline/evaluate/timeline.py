"""Timeline summarisation: Date-F1 and alignment ROUGE on Timeline17 and Crisis.

Protocol of Ghalandari & Ifrim 2020 (news-tls `experiments/evaluate.py`), which is how the
published DATEWISE figures were made: for every gold timeline of a topic, the system gets
the topic's input restricted to the gold timeline's first-to-last date, is asked for as many
dates as the gold timeline has and round(mean sentences per gold date) sentences a date,
and is scored against that one gold timeline. Here the input is the topic's
`candidate_dated_sentences` pool (sentences already grouped by the date they mention; a
third-party preprocessing, not the full articles the papers used).

Averaging: precision and recall are averaged over a topic's gold timelines, then over
topics; F1 is the harmonic mean of the averaged precision and recall (news-tls computes F1
the same way, but averages flat over all timelines).

Example:
    >>> from storyline.evaluate.timeline import evaluate_timeline
    >>> evaluate_timeline(limit=1)  # doctest: +SKIP
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from storyline.errors import ConfigError
from storyline.evaluate import baselines
from storyline.evaluate.datasets import (
    GoldTimeline,
    TimelineTopic,
    dataset_path,
    file_sha256,
    load_timeline_topics,
)
from storyline.evaluate.metrics import PRF, alignment_rouge, date_f1, f_score
from storyline.evaluate.report import EvalResult, chosen_systems, make_row, progress, published_row

SUBSETS = ("all", "t17", "crisis")
SYSTEMS = ("storyline", "baseline-mention-count")
COLUMNS = ("date_f1", "ar1", "ar2", "seconds_per_item")

_PUBLISHED_NOTE = (
    "published (full articles, tilse): Ghalandari & Ifrim 2020, Timeline17, all 9 topics; "
    "input is full articles, not this sentence pool"
)

Pool = list[tuple[date, list[str]]]
TimelineSystem = Callable[[Pool, int, int], Sequence[tuple[date, Sequence[str]]]]


def _storyline_timeline() -> tuple[TimelineSystem | None, str | None]:
    try:
        from storyline.timeline import timeline_from_pool
    except ImportError as error:
        return None, f"storyline.timeline.timeline_from_pool is not importable ({error})"
    return timeline_from_pool, None


def gold_targets(timeline: GoldTimeline) -> tuple[int, int]:
    """(number of dates, sentences per date) asked of a system for this gold timeline.

    news-tls `data.get_average_summary_length`: round(mean sentences per gold date).
    """
    n_dates = len(timeline.entries)
    mean_sentences = statistics.fmean(len(s) for _, s in timeline.entries) if n_dates else 0
    return n_dates, max(1, round(mean_sentences))


def pool_in_span(topic: TimelineTopic, timeline: GoldTimeline) -> Pool:
    """The topic's pool restricted to the gold timeline's first..last date (inclusive)."""
    if not timeline.entries:
        return []
    start, end = timeline.entries[0][0], timeline.entries[-1][0]
    return [(day, list(sentences)) for day, sentences in topic.pool if start <= day <= end]


def score_timeline(
    predicted: Sequence[tuple[date, Sequence[str]]], gold: GoldTimeline
) -> dict[str, PRF]:
    """Date P/R/F1 and align+ m:1 ROUGE-1/2 of one predicted timeline vs one gold timeline."""
    predicted_map: dict[date, list[str]] = {}
    for day, sentences in predicted:
        predicted_map.setdefault(day, []).extend(sentences)
    gold_map = {day: list(sentences) for day, sentences in gold.entries}
    rouge = alignment_rouge(predicted_map, gold_map, orders=(1, 2))
    return {"date": date_f1(predicted_map, gold_map), "ar1": rouge[1], "ar2": rouge[2]}


def _average(scores: Sequence[PRF]) -> PRF:
    precision = statistics.fmean(s.precision for s in scores)
    recall = statistics.fmean(s.recall for s in scores)
    return PRF(precision, recall, f_score(precision, recall))


def evaluate_timeline(
    data_path: str | Path | None = None,
    limit: int | None = None,
    seed: int = 0,
    subset: str = "all",
    systems: Sequence[str] | None = None,
    show_progress: bool = False,
) -> EvalResult:
    """Date-F1 and AR-1/AR-2 F1 (0-1, align+ m:1) of each system; see the module docstring.

    `subset` keeps Timeline17 (`t17`) or Crisis (`crisis`) topics only; the published
    anchors are Timeline17 figures. `seed` is recorded but unused (every system here is
    deterministic). The `storyline` row calls
    `storyline.timeline.timeline_from_pool(pool, n_dates, sentences_per_date)`.
    """
    if subset not in SUBSETS:
        raise ConfigError(f"unknown timeline subset {subset!r}; valid: {', '.join(SUBSETS)}")
    chosen = chosen_systems(systems, SYSTEMS)
    path = dataset_path("timeline17-crisis", data_path)
    topics = load_timeline_topics(path)
    if subset == "t17":
        topics = [t for t in topics if t.dataset in ("tl17", "t17", "timeline17")]
    elif subset == "crisis":
        topics = [t for t in topics if t.dataset == "crisis"]
    if limit is not None:
        topics = topics[:limit]

    notes: list[str] = []
    functions: dict[str, TimelineSystem] = {}
    if "storyline" in chosen:
        timeline_from_pool, reason = _storyline_timeline()
        if timeline_from_pool is None:
            notes.append(f"storyline row skipped: {reason}")
        else:
            functions["storyline"] = timeline_from_pool
    functions["baseline-mention-count"] = baselines.mention_count_timeline

    runs = [(topic, gold) for topic in topics for gold in topic.timelines if gold.entries]
    if "storyline" in functions and runs:
        # untimed first call: model loading is not per-timeline cost
        functions["storyline"](pool_in_span(*runs[0])[:5], 2, 1)
    per_topic: dict[str, dict[str, dict[str, list[PRF]]]] = {}
    seconds: dict[str, float] = {}
    for topic, gold in progress(runs, "timeline", show_progress, total=len(runs)):
        pool = pool_in_span(topic, gold)
        n_dates, per_date = gold_targets(gold)
        for system in chosen:
            if system not in functions:
                continue
            start = time.perf_counter()
            predicted = functions[system](pool, n_dates, per_date)
            seconds[system] = seconds.get(system, 0.0) + time.perf_counter() - start
            scores = score_timeline(predicted, gold)
            topic_scores = per_topic.setdefault(system, {}).setdefault(topic.topic_id, {})
            for key, value in scores.items():
                topic_scores.setdefault(key, []).append(value)

    rows = []
    for system in chosen:
        if system not in per_topic:
            continue
        by_topic = per_topic[system].values()
        averaged = {
            key: _average([_average(t[key]) for t in by_topic]) for key in ("date", "ar1", "ar2")
        }
        rows.append(
            make_row(
                system,
                date_f1=averaged["date"].f1,
                ar1=averaged["ar1"].f1,
                ar2=averaged["ar2"].f1,
                seconds_per_item=seconds[system] / len(runs),
            )
        )
    rows.append(
        published_row("DATEWISE (T17)", _PUBLISHED_NOTE, date_f1=0.544, ar1=0.120, ar2=0.035)
    )
    rows.append(published_row("oracle (T17)", _PUBLISHED_NOTE, ar1=0.312))
    notes.append(
        f"{len(topics)} topics, {len(runs)} gold timelines; P and R averaged over a topic's "
        f"gold timelines then over topics, F1 from the averages; seconds_per_item is per "
        f"gold timeline"
    )
    notes.append(
        "AR-n: align+ m:1 (Martschat & Markert 2017) with one reference per run; ROUGE on "
        "Porter-stemmed tokens without stopwords (scikit-learn list, not ROUGE-1.5.5's SMART "
        "list), so absolute values are close to, not equal to, tilse's"
    )
    settings = {
        "subset": subset,
        "limit": limit,
        "seed": seed,
        "topics": [t.topic_id for t in topics],
        "gold_timelines": len(runs),
        "input": "candidate_dated_sentences within each gold timeline's date span",
        "targets": "n_dates = gold dates; sentences_per_date = round(mean gold sentences)",
        "systems": list(chosen),
        "data_sha256": file_sha256(path),
    }
    return EvalResult(
        task="timeline",
        data=str(path),
        n=len(topics),
        settings=settings,
        rows=rows,
        columns=COLUMNS,
        notes=notes,
    )
