"""Extractive multi-document summarization: fitted sentence scoring with MMR.

Each eligible sentence is described by position, centrality, cross-document support,
specificity and surface features (`summarize/features.py`; TF-IDF centroid cosine as in
MEAD, Radev et al. 2004) and scored by boosted trees fitted to ROUGE-2 against reference
summaries (`summarize/fitting.py`, `benchmarks/fit_summarizer.py`; configuration chosen by
grouped cross-validation over NeuS and Multi-News). Sentences are then picked greedily by
Maximal Marginal Relevance (Carbonell & Goldstein 1998) until the word budget is used,
skipping any that repeats a chosen one in meaning (MiniLM cosine) and any that opens with
a pronoun or connective whose antecedent sentence is not chosen before it.
Sentences from reprints are not candidates: a wire story printed three times counts once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from storyline.settings import (
    DEFAULT_SPACY_MODEL,
    SUMMARY_MIN_RELEVANCE,
    SUMMARY_REDUNDANCY_COSINE,
    SUMMARY_SAME_CONTENT_COSINE,
)
from storyline.similarity import tfidf_rows
from storyline.summarize.features import SentenceEmbedder, leans_on_context, sentence_features
from storyline.summarize.scoring import TreeScorer, load_scorer

# MMR trade-off between relevance and novelty when the scorer names none; 0.7 is the common
# default in MDS work.
MMR_LAMBDA = 0.7
# A candidate this similar (TF-IDF cosine) to a chosen sentence repeats it and is skipped.
MAX_REDUNDANCY = 0.5
# Candidate length limits in words: shorter ones are mostly datelines, captions and
# fragments; longer ones are usually run-on splits of several sentences.
_MIN_WORDS, _MAX_WORDS = 6, 55
# A briefing opens with one of its articles' first two sentences: news states the main
# event first (inverted pyramid).
_LEAD_POSITIONS = 2


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence eligible for the summary, with its document and position in it."""

    text: str
    document: int
    position: int


def select_sentences(
    candidates: Sequence[Candidate],
    max_words: int,
    scorer: TreeScorer | None = None,
    embedder: SentenceEmbedder | None = None,
    mmr_lambda: float | None = None,
    max_redundancy: float | None = None,
    *,
    embeddings: np.ndarray | None = None,
    briefing: bool = False,
    meaning_cosine: float | None = SUMMARY_REDUNDANCY_COSINE,
) -> list[int]:
    """Indices of the chosen candidates, in the order they were chosen.

    `scorer` defaults to the shipped model; embedding rows come from `embeddings` (one per
    candidate) or `embedder` (default: the packaged MiniLM). MMR's novelty term is TF-IDF
    cosine (embedding cosine there lost 1 ROUGE-1 in grouped CV: paraphrase-level
    similarity penalises every on-topic sentence); a candidate whose embedding cosine to a
    chosen sentence exceeds `meaning_cosine` says the same thing and is skipped (None: no
    embedding check).
    A sentence opening with a pronoun or connective ("But", "He", "This") is taken only
    right after the sentence before it in its article. The chosen sentences hold about
    `max_words` words (the last may run up to 10% over; callers cut at the budget).
    With `briefing`, the first sentence is a lead sentence (the story's main event) and
    selection stops early once the next sentence adds little new (a length that follows
    the story); without it the budget is filled, as the ROUGE eval documents.
    """
    eligible = eligible_indices(candidates)
    if not eligible or max_words <= 0:
        return []
    if scorer is None:
        scorer = load_scorer()
    if mmr_lambda is None:
        mmr_lambda = scorer.mmr_lambda if scorer.mmr_lambda is not None else MMR_LAMBDA
    pool = [candidates[i] for i in eligible]
    vectors = tfidf_rows([c.text for c in pool])
    rows = None
    if embeddings is not None:
        rows = np.asarray(embeddings, dtype=float)[eligible]
    elif scorer.needs_embeddings:
        rows = (embedder or default_embedder()).embed([c.text for c in pool])
        rows = rows.toarray() if hasattr(rows, "toarray") else np.asarray(rows, dtype=float)
    features = sentence_features(
        pool, vectors, embeddings=rows if scorer.needs_embeddings else None
    )
    score = scorer.score(features)
    span = score.max() - score.min()
    relevance = (score - score.min()) / span if span > 0 else np.ones(len(pool))
    similarity = (vectors @ vectors.T).toarray()
    meaning = None
    if briefing and meaning_cosine == SUMMARY_REDUNDANCY_COSINE:
        # A reader wants each fact once: a briefing cuts at "says the same" (0.65), which
        # the ROUGE budget rule cannot afford (0.7 already cost 0.2 R2 in grouped CV).
        meaning_cosine = SUMMARY_SAME_CONTENT_COSINE
    if meaning_cosine is not None:
        meaning = _Meaning([c.text for c in pool], rows, embedder, meaning_cosine)
    lengths = np.array([len(c.text.split()) for c in pool])
    needs = _predecessors(pool)
    opening = None
    if briefing:
        lead = np.array([c.position < _LEAD_POSITIONS and needs[k] < 0 for k, c in enumerate(pool)])
        opening = lead if lead.any() else None
    picked = _mmr(
        relevance,
        similarity,
        lengths,
        max_words,
        mmr_lambda,
        MAX_REDUNDANCY if max_redundancy is None else max_redundancy,
        needs,
        opening,
        SUMMARY_MIN_RELEVANCE if briefing else None,
        meaning,
    )
    return [eligible[k] for k in picked]


class _Meaning:
    """Says whether a candidate repeats a chosen sentence in meaning (embedding cosine).

    Rows are embedded only for the sentences MMR actually reaches (a dozen or two of a
    cluster's hundred), which keeps MiniLM's cost per cluster small.
    """

    def __init__(self, texts, rows, embedder, threshold: float) -> None:
        self.texts = texts
        self.rows = {} if rows is None else dict(enumerate(np.asarray(rows, dtype=float)))
        self.embedder = embedder
        self.threshold = threshold

    def _row(self, k: int) -> np.ndarray:
        if k not in self.rows:
            embedder = self.embedder or default_embedder()
            row = embedder.embed([self.texts[k]])
            row = row.toarray() if hasattr(row, "toarray") else np.asarray(row, dtype=float)
            self.rows[k] = row[0]
        return self.rows[k]

    def repeats(self, k: int, chosen: Sequence[int]) -> bool:
        if not chosen:
            return False
        row = self._row(k)
        return max(float(row @ self._row(j)) for j in chosen) > self.threshold


def _predecessors(pool: Sequence[Candidate]) -> np.ndarray:
    """For each candidate leaning on its context, the pool index of the sentence before it
    in its article (-2 when that sentence is not a candidate); -1 for a standalone one."""
    where = {(c.document, c.position): k for k, c in enumerate(pool)}
    needs = np.full(len(pool), -1)
    for k, c in enumerate(pool):
        if leans_on_context(c.text):
            needs[k] = where.get((c.document, c.position - 1), -2)
    return needs


def eligible_indices(candidates: Sequence[Candidate]) -> list[int]:
    """Candidates of usable length that are not questions (all of them if none is)."""
    eligible = [
        i
        for i, c in enumerate(candidates)
        if _MIN_WORDS <= len(c.text.split()) <= _MAX_WORDS and not c.text.endswith("?")
    ]
    return eligible or list(range(len(candidates)))


def _mmr(
    relevance: np.ndarray,
    similarity: np.ndarray,
    lengths: np.ndarray,
    max_words: int,
    mmr_lambda: float,
    max_redundancy: float,
    needs: np.ndarray | None = None,
    opening: np.ndarray | None = None,
    min_relevance: float | None = None,
    meaning: _Meaning | None = None,
) -> list[int]:
    """Greedy MMR under a word budget; ties go to the earlier candidate.

    A candidate with `needs[k] >= 0` waits until that sentence is chosen (an orphan is never
    taken; -2 means never). `opening` restricts the first pick. With `min_relevance`, stop
    once the best candidate left scores below it (nothing new is worth the words).
    """
    n = len(relevance)
    needs = needs if needs is not None else np.full(n, -1)
    chosen: list[int] = []
    words = 0
    overlap = np.zeros(n)
    open_ = np.ones(n, dtype=bool)
    while open_.any() and words < max_words:
        ready = open_ & ((needs == -1) | np.isin(needs, chosen))
        if not chosen and opening is not None and (ready & opening).any():
            ready &= opening
        if not ready.any():
            break
        gain = np.where(ready, mmr_lambda * relevance - (1 - mmr_lambda) * overlap, -np.inf)
        best = int(np.argmax(gain))
        if chosen and min_relevance is not None and relevance[best] < min_relevance:
            break
        open_[best] = False
        if chosen and overlap[best] > max_redundancy:
            continue
        if meaning is not None and meaning.repeats(best, chosen):
            continue
        if chosen and words + lengths[best] > max_words * 1.1:
            continue
        chosen.append(best)
        words += int(lengths[best])
        overlap = np.maximum(overlap, similarity[best])
    return chosen


@cache
def default_embedder() -> SentenceEmbedder:
    """The packaged MiniLM (built once per process)."""
    from storyline.embed import get_embedder

    return get_embedder("minilm")


def document_candidates(
    documents: Sequence[str], model: str = DEFAULT_SPACY_MODEL
) -> list[Candidate]:
    """Every sentence of plain-text `documents` (spaCy sentence splitting) as a candidate."""
    from storyline.extract.nlp import load_sentence_splitter

    splitter = load_sentence_splitter(model)
    candidates = []
    for number, doc in enumerate(splitter.pipe(documents)):
        for position, sentence in enumerate(doc.sents):
            text = " ".join(sentence.text.split())
            if text:
                candidates.append(Candidate(text, number, position))
    return candidates


def summarize_texts(
    documents: Sequence[str],
    max_words: int,
    model: str = DEFAULT_SPACY_MODEL,
    scorer: TreeScorer | None = None,
    embedder: SentenceEmbedder | None = None,
) -> list[str]:
    """Summarize plain-text documents; the chosen sentences come back in reading order.

    >>> summarize_texts(["Crews struck on Friday over pay. Talks resume on Monday."], 10)
    ... # doctest: +SKIP
    """
    candidates = document_candidates(documents, model)
    chosen = sorted(
        select_sentences(candidates, max_words, scorer=scorer, embedder=embedder),
        key=lambda i: (candidates[i].document, candidates[i].position),
    )
    return [candidates[i].text for i in chosen]
