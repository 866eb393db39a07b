"""Choosing a briefing's summary sentences from a story's articles.

On top of `select_sentences` (briefing mode: opens with a lead sentence, stops when the
next sentence adds little, never takes a sentence that leans on a missing antecedent):
- a sentence of a repaired degraded copy is a candidate only when no clean article says
  the same (clean sentences at MiniLM cosine `SUMMARY_SAME_CONTENT_COSINE` or more that
  also hold its numbers: "$50 billion" is not "200 billion" however alike the words) and
  its repair confidence, when the repair stage gives one, is at least
  `SUMMARY_MIN_REPAIR_CONFIDENCE` (without one, its guessed breaks must look sound:
  `_sound_boundaries`); the summary marks its wording as repaired;
- a sentence holding only part of a multi-sentence quotation (its speaker is named in
  another sentence) is not a candidate, so no claim loses its attribution;
- the opening sentence comes first, the rest in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from storyline.errors import BackendUnavailable
from storyline.records import Article, Sentence
from storyline.settings import (
    SUMMARY_MIN_REPAIR_CONFIDENCE,
    SUMMARY_MIN_REPAIRED_WORDS,
    SUMMARY_SAME_CONTENT_COSINE,
)
from storyline.similarity import tfidf_rows
from storyline.summarize.extractive import Candidate, default_embedder, select_sentences
from storyline.summarize.features import SentenceEmbedder, leans_on_context


def repair_confidence(article: Article, sentence: Sentence) -> float | None:
    """The repair stage's confidence in a repaired sentence's wording, when it gives one.

    Read from `article.repair_confidences` (spans `(start, end, confidence)` over the clean
    text) if the record has it: the lowest confidence overlapping the sentence. None when
    the article is not repaired or no confidence is recorded.
    """
    spans = getattr(article, "repair_confidences", None)
    if not article.degraded or not spans:
        return None
    found = [c for start, end, c in spans if start < sentence.end and end > sentence.start]
    return min(found) if found else None


def quote_fragment(text: str) -> bool:
    """True when the sentence closes a quotation it did not open, or opens one it does not
    close: part of a multi-sentence quote whose speaker is named elsewhere."""
    return text.count("“") != text.count("”") or text.count('"') % 2 == 1


def _sound_boundaries(pool: Sequence[Sentence]) -> list[bool]:
    """Without a repair confidence: a repaired sentence's breaks are guesses, so it is
    trusted only when it is long enough to be whole (`SUMMARY_MIN_REPAIRED_WORDS`) and
    neither it nor the next sentence of its article leans on context ("He ...", "But
    ..."), the sign of a break put inside a sentence."""
    by_place = {(s.article_id, s.index): s for s in pool}
    sound = []
    for s in pool:
        after = by_place.get((s.article_id, s.index + 1))
        sound.append(
            len(s.text.split()) >= SUMMARY_MIN_REPAIRED_WORDS
            and not leans_on_context(s.text)
            and not (after is not None and leans_on_context(after.text))
        )
    return sound


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


def _rows(texts: list[str], embedder: SentenceEmbedder | None) -> np.ndarray:
    """MiniLM rows; TF-IDF rows when the packaged model is not installed (stricter: the
    same thresholds then catch only near-verbatim repeats)."""
    try:
        return np.asarray((embedder or default_embedder()).embed(texts), dtype=float)
    except BackendUnavailable:
        return tfidf_rows(texts).toarray()


def usable_sentences(
    sentences: Sequence[Sentence],
    articles: Sequence[Article],
    embedder: SentenceEmbedder | None = None,
) -> tuple[list[Sentence], np.ndarray]:
    """Candidate sentences (clean ones, and repaired ones that alone report their content)
    with their embedding rows."""
    by_id = {a.article_id: a for a in articles}
    pool = [s for s in sentences if s.article_id in by_id and not quote_fragment(s.text)]
    if not pool:
        return [], np.zeros((0, 0))
    repaired_ids = {a.article_id for a in articles if a.degraded}
    rows = _rows([s.text for s in pool], embedder)
    is_repaired = np.array([s.article_id in repaired_ids for s in pool])
    sound = _sound_boundaries(pool)
    keep = ~is_repaired
    if is_repaired.any() and keep.any():
        clean = [s for s, k in zip(pool, keep, strict=True) if k]
        similar = (rows[is_repaired] @ rows[keep].T) >= SUMMARY_SAME_CONTENT_COSINE
        for k, index in enumerate(np.flatnonzero(is_repaired)):
            near = [clean[j] for j in np.flatnonzero(similar[k])]
            covered = bool(near) and _numbers(pool[index].text) <= set().union(
                *(_numbers(s.text) for s in near)
            )
            confidence = repair_confidence(by_id[pool[index].article_id], pool[index])
            if confidence is None:
                trusted = sound[index]
            else:
                trusted = confidence >= SUMMARY_MIN_REPAIR_CONFIDENCE
            keep[index] = trusted and not covered
    elif is_repaired.all():
        keep[:] = True
    return [s for s, k in zip(pool, keep, strict=True) if k], rows[keep]


def briefing_sentences(
    sentences: Sequence[Sentence],
    articles: Sequence[Article],
    max_words: int,
    embedder: SentenceEmbedder | None = None,
) -> list[tuple[Sentence, bool]]:
    """The chosen sentences, opening first, each with whether its wording is repaired."""
    pool, rows = usable_sentences(sentences, articles, embedder)
    if not pool:
        return []
    order = {a.article_id: i for i, a in enumerate(articles)}
    repaired_ids = {a.article_id for a in articles if a.degraded}
    candidates = [Candidate(s.text, order[s.article_id], s.index) for s in pool]
    chosen = select_sentences(candidates, max_words, embeddings=rows, briefing=True)
    if not chosen:
        return []
    first = chosen[0]
    opening = candidates[first]
    chosen.sort(
        key=lambda i: (
            i != first and candidates[i].document != opening.document,
            candidates[i].document,
            candidates[i].position,
        )
    )
    return [(pool[i], pool[i].article_id in repaired_ids) for i in chosen]
