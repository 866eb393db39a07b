"""Extractive multi-document summarization: centroid + position scoring with MMR.

Each sentence is scored by its TF-IDF cosine to the centroid of the cluster (Radev et al.
2004, MEAD) times a lead-position prior (news puts key facts first), then picked greedily
by Maximal Marginal Relevance (Carbonell & Goldstein 1998) until the word budget is used.
Sentences from reprints are not candidates: a wire story printed three times counts once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storyline.settings import DEFAULT_SPACY_MODEL
from storyline.similarity import tfidf_rows

# MMR trade-off between relevance and novelty; 0.7 is the common default in MDS work.
_MMR_LAMBDA = 0.7
# A candidate this similar (cosine) to a chosen sentence repeats it and is skipped.
_MAX_REDUNDANCY = 0.5
# Position prior 1 / (1 + _POSITION_DECAY * index): the 5th sentence keeps ~70% weight.
_POSITION_DECAY = 0.1
_MIN_WORDS, _MAX_WORDS = 6, 55


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence eligible for the summary, with its document and position in it."""

    text: str
    document: int
    position: int


def select_sentences(candidates: Sequence[Candidate], max_words: int) -> list[int]:
    """Indices of the chosen candidates, in the order they were chosen."""
    eligible = [
        i
        for i, c in enumerate(candidates)
        if _MIN_WORDS <= len(c.text.split()) <= _MAX_WORDS and not c.text.endswith("?")
    ]
    if not eligible:
        eligible = list(range(len(candidates)))
    if not eligible:
        return []
    vectors = tfidf_rows([candidates[i].text for i in eligible])
    centroid = np.asarray(vectors.mean(axis=0)).ravel()
    relevance = np.asarray(vectors @ centroid).ravel()
    relevance = relevance / (relevance.max() or 1.0)
    prior = np.array([1.0 / (1.0 + _POSITION_DECAY * candidates[i].position) for i in eligible])
    score = relevance * prior
    similarity = (vectors @ vectors.T).toarray()
    chosen: list[int] = []
    words = 0
    remaining = set(range(len(eligible)))
    while remaining and words < max_words:

        def mmr(k: int) -> float:
            overlap = max((similarity[k, j] for j in chosen), default=0.0)
            return _MMR_LAMBDA * score[k] - (1 - _MMR_LAMBDA) * overlap

        best = max(remaining, key=mmr)
        remaining.discard(best)
        if chosen and max(similarity[best, j] for j in chosen) > _MAX_REDUNDANCY:
            continue
        length = len(candidates[eligible[best]].text.split())
        if chosen and words + length > max_words * 1.1:
            continue
        chosen.append(best)
        words += length
    return [eligible[k] for k in chosen]


def summarize_texts(
    documents: Sequence[str], max_words: int, model: str = DEFAULT_SPACY_MODEL
) -> list[str]:
    """Summarize plain-text documents; the chosen sentences come back in reading order."""
    from storyline.extract.nlp import load_sentence_splitter

    splitter = load_sentence_splitter(model)
    candidates = []
    for number, doc in enumerate(splitter.pipe(documents)):
        for position, sentence in enumerate(doc.sents):
            text = " ".join(sentence.text.split())
            if text:
                candidates.append(Candidate(text, number, position))
    chosen = sorted(
        select_sentences(candidates, max_words),
        key=lambda i: (candidates[i].document, candidates[i].position),
    )
    return [candidates[i].text for i in chosen]
