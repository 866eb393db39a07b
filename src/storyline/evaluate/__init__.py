"""Evaluation harness: Storyline's stages and baselines scored on public benchmarks.

One module per job: `datasets` reads the shared benchmark files, `tokenize` splits
sentences and words, `metrics` holds every score, `baselines` the reference systems,
`summarize`/`cluster`/`timeline`/`extract` run one task each, and `report` holds the
`EvalResult` record every task returns. The `storyline eval` commands wrap the
`evaluate_*` functions exported here.

Example:
    >>> from storyline.evaluate import evaluate_extract
    >>> result = evaluate_extract(dataset="aeb", limit=5)  # doctest: +SKIP
    >>> print(result.to_json())  # doctest: +SKIP
"""

from __future__ import annotations

from storyline.evaluate.cluster import evaluate_cluster
from storyline.evaluate.extract import evaluate_extract
from storyline.evaluate.report import METRIC_KEYS, EvalResult
from storyline.evaluate.summarize import evaluate_summarize
from storyline.evaluate.timeline import evaluate_timeline

__all__ = [
    "EvalResult",
    "METRIC_KEYS",
    "evaluate_cluster",
    "evaluate_extract",
    "evaluate_summarize",
    "evaluate_timeline",
]
