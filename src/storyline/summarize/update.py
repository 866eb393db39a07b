"""Update summaries: only what articles after a date report that earlier ones did not.

A sentence of an article published after `since` is new unless a sentence of an article
published on or before `since` says the same: TF-IDF cosine of at least
`_ALREADY_REPORTED` (the same words) or MiniLM cosine of at least
`SUMMARY_SAME_CONTENT_COSINE` (the same content in other words), and no number the old
sentence lacks ("expanded to about 260,000 packs" is new next to "recall of
about 212,000 packs", however alike the words). The update summary is then chosen from the
new sentences alone, by the usual summarizer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import numpy as np

from storyline.errors import BackendUnavailable
from storyline.records import Article, Sentence
from storyline.settings import SUMMARY_SAME_CONTENT_COSINE
from storyline.similarity import tfidf_rows

# A new sentence this close (cosine) to an old one restates it; 0.5 is the redundancy cut
# the summarizer uses for "repeats a chosen sentence".
_ALREADY_REPORTED = 0.5
# Numbers that name a fact (not list counts or times): "212,000", "$45 million", "18%".
_FACT_NUMBER = re.compile(r"\d[\d,.]*")


def split_by_date(
    articles: Sequence[Article], since: date
) -> tuple[set[str], set[str], list[Article]]:
    """(ids before or on `since`, ids after it, undated articles that fit neither)."""
    old = {a.article_id for a in articles if a.published_on and a.published_on <= since}
    new = {a.article_id for a in articles if a.published_on and a.published_on > since}
    undated = [a for a in articles if a.published_on is None]
    return old, new, undated


def new_sentences(
    sentences: Sequence[Sentence],
    old_ids: set[str],
    new_ids: set[str],
    embedder=None,
) -> list[Sentence]:
    """Sentences of new articles that no old article already reported."""
    fresh = [s for s in sentences if s.article_id in new_ids]
    old = [s for s in sentences if s.article_id in old_ids]
    if not fresh or not old:
        return fresh
    vectors = tfidf_rows([s.text for s in fresh + old])
    words = (vectors[: len(fresh)] @ vectors[len(fresh) :].T).toarray()
    meaning = _meaning(fresh, old, embedder)
    numbers_old = [_numbers(s.text) for s in old]
    kept = []
    for k, sentence in enumerate(fresh):
        numbers = _numbers(sentence.text)
        same = (words[k] >= _ALREADY_REPORTED) | (meaning[k] >= SUMMARY_SAME_CONTENT_COSINE)
        if not any(numbers <= numbers_old[j] for j in np.flatnonzero(same)):
            kept.append(sentence)
    return kept


def _numbers(text: str) -> set[str]:
    return {n.rstrip(".,").replace(",", "") for n in _FACT_NUMBER.findall(text)}


def _meaning(fresh: list[Sentence], old: list[Sentence], embedder) -> np.ndarray:
    """MiniLM cosines of new to old sentences; zeros (TF-IDF alone decides) without it."""
    from storyline.summarize.extractive import default_embedder

    try:
        rows = np.asarray(
            (embedder or default_embedder()).embed([s.text for s in fresh + old]), dtype=float
        )
    except BackendUnavailable:
        return np.zeros((len(fresh), len(old)))
    return rows[: len(fresh)] @ rows[len(fresh) :].T
