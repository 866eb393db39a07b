"""Extractive multi-document summarization: fitted sentence scoring with MMR.

Each eligible sentence is described by position, centrality, cross-document support and
surface features (`summarize/features.py`; TF-IDF centroid cosine as in MEAD, Radev et al.
2004) and scored by a linear model fitted to ROUGE overlap with reference summaries
(`summarize/scoring.py`: boosted trees fitted by `benchmarks/fit_summarizer.py` on NeuS
and the Multi-News training clusters). Sentences are then picked greedily by Maximal
Marginal Relevance (Carbonell & Goldstein 1998) until the word budget is used.
Sentences from reprints are not candidates: a wire story printed three times counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.settings import DEFAULT_SPACY_MODEL
from storyline.similarity import tfidf_rows
from storyline.summarize.features import SentenceEmbedder, sentence_features
from storyline.summarize.scoring import TreeScorer, load_scorer

# MMR trade-off between relevance and novelty when the scorer names none; 0.7 is the common
# default in MDS work.
MMR_LAMBDA = 0.7
# A candidate this similar (TF-IDF cosine) to a chosen sentence repeats it and is skipped.
MAX_REDUNDANCY = 0.5
# Candidate length limits in words: shorter ones are mostly datelines, captions and
# fragments; longer ones are usually run-on splits of several sentences.
_MIN_WORDS, _MAX_WORDS = 6, 55


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
    max_redundancy: float = MAX_REDUNDANCY,
) -> list[int]:
    """Indices of the chosen candidates, in the order they were chosen.

    `scorer` defaults to the packaged lexical model; `embedder` is used only by a scorer
    that reads embedding features (`fit_summarizer.py --minilm` fits one), so without it
    nothing changes. `mmr_lambda` defaults to the value fitted with the scorer. The
    chosen sentences hold about `max_words` words (the last one may run up to 10% over;
    callers cut at the budget).
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
    features = sentence_features(
        pool, vectors, embedder=embedder if scorer.needs_embeddings else None
    )
    score = scorer.score(features)
    span = score.max() - score.min()
    relevance = (score - score.min()) / span if span > 0 else np.ones(len(pool))
    similarity = (vectors @ vectors.T).toarray()
    lengths = np.array([len(c.text.split()) for c in pool])
    picked = _mmr(relevance, similarity, lengths, max_words, mmr_lambda, max_redundancy)
    return [eligible[k] for k in picked]


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
) -> list[int]:
    """Greedy MMR under a word budget; ties go to the earlier candidate."""
    chosen: list[int] = []
    words = 0
    overlap = np.zeros(len(relevance))
    open_ = np.ones(len(relevance), dtype=bool)
    while open_.any() and words < max_words:
        gain = np.where(open_, mmr_lambda * relevance - (1 - mmr_lambda) * overlap, -np.inf)
        best = int(np.argmax(gain))
        open_[best] = False
        if chosen and overlap[best] > max_redundancy:
            continue
        if chosen and words + lengths[best] > max_words * 1.1:
            continue
        chosen.append(best)
        words += int(lengths[best])
        overlap = np.maximum(overlap, similarity[best])
    return chosen


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
