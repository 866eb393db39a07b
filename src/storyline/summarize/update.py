"""Update summaries: only what articles after a date report that earlier ones did not.

A sentence of an article published after `since` is new when no sentence of an article
published on or before `since` says the same (TF-IDF cosine below `_ALREADY_REPORTED`);
the update summary is then chosen from the new sentences alone, by the usual summarizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from storyline.records import Article, Sentence
from storyline.similarity import tfidf_rows

# A new sentence this close (cosine) to an old one restates it; 0.5 is the redundancy cut
# the summarizer uses for "repeats a chosen sentence".
_ALREADY_REPORTED = 0.5


def split_by_date(
    articles: Sequence[Article], since: date
) -> tuple[set[str], set[str], list[Article]]:
    """(ids before or on `since`, ids after it, undated articles that fit neither)."""
    old = {a.article_id for a in articles if a.published_on and a.published_on <= since}
    new = {a.article_id for a in articles if a.published_on and a.published_on > since}
    undated = [a for a in articles if a.published_on is None]
    return old, new, undated


def new_sentences(
    sentences: Sequence[Sentence], old_ids: set[str], new_ids: set[str]
) -> list[Sentence]:
    """Sentences of new articles that no old article already reported."""
    fresh = [s for s in sentences if s.article_id in new_ids]
    old = [s for s in sentences if s.article_id in old_ids]
    if not fresh or not old:
        return fresh
    vectors = tfidf_rows([s.text for s in fresh + old])
    overlap = (vectors[: len(fresh)] @ vectors[len(fresh) :].T).toarray().max(axis=1)
    return [s for s, score in zip(fresh, overlap, strict=True) if score < _ALREADY_REPORTED]
