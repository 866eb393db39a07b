"""Sentence ends and punctuation marks: from the fine-tuned tagger, or the lexical fallback.

The main model is the MiniLM encoder fine-tuned as a token classifier (`encoder`; O, COMMA,
PERIOD or QUESTION after each word, as in Courtland et al. 2020 and Alam et al. 2020);
`tagger_marks` turns its probabilities into marks and per-gap confidences, which give each
sentence's confidence.

The lexical model (`lexical_ends`) is the repair shipped before issue 22: logistic
regression on hashed word-window features, decoded by a Viterbi search over (gap, sentence
length) states, i.e. a semi-Markov segmentation (Sarawagi & Cohen 2004). It restores
sentence ends only and is kept as the fallback when onnxruntime is missing, and as a
benchmark baseline.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.clean.repair.detect import APOSTROPHE_PIECES
from storyline.clean.repair.features import DISTANCE_EDGES, gap_feature_indices
from storyline.clean.repair.model_files import LexicalModel

MARKS = ("", ",", ".", "?")  # the tagger's classes: O, COMMA, PERIOD, QUESTION
# A run of more words than this with no end is cut at its likeliest end gap (at least
# MIN_CUT_WORDS from either side), again until none is left: the tagger, fitted on
# 128-piece windows, sometimes runs quote-heavy passages together (a 90-word "sentence" of
# four Biden/Trump quotes in the TIME trade-talks copy). Forced ends keep the tagger's own
# low end probability as their confidence, so the briefing does not quote them.
MAX_SENTENCE_WORDS = 60
MIN_CUT_WORDS = 4


def breakable_gaps(tokens: Sequence[str]) -> np.ndarray:
    """Gaps where a sentence may end: not before an apostrophe piece ("china | s")."""
    n = len(tokens)
    allowed = np.ones(n, dtype=bool)
    for i in range(n - 1):
        if tokens[i + 1] in APOSTROPHE_PIECES:
            allowed[i] = False
    return allowed


def decode_boundaries(
    base_scores: np.ndarray,
    distance_weights: np.ndarray,
    allowed: np.ndarray,
    boundary_bias: float,
    min_words: int,
    max_words: int,
) -> list[bool]:
    """Most probable sentence ends: Viterbi search over (gap, sentence length so far) states.

    The classifier's probability of an end at gap i depends on the current sentence length
    (the distance feature), which itself depends on earlier decisions; so instead of deciding
    greedily, this finds the segmentation maximising the summed log-probabilities (a
    semi-Markov segmentation, Sarawagi & Cohen 2004), with sentences of `min_words` to
    `max_words` words. `boundary_bias` is added to each end's log-probability, trading
    precision for recall (tuned on dev data by the fit script).
    """
    n = len(base_scores)
    if n == 0:
        return []
    ends = [False] * n
    ends[-1] = True
    if n == 1:
        return ends
    lengths = np.arange(1, max_words + 1)
    length_weight = distance_weights[np.searchsorted(DISTANCE_EDGES, lengths, side="right")]
    logits = base_scores[: n - 1, None] + length_weight[None, :]  # (gaps, lengths)
    end_score = -np.logaddexp(0.0, -logits) + boundary_bias
    go_on = -np.logaddexp(0.0, logits)
    end_score[:, : min_words - 1] = -np.inf
    # Never before an apostrophe piece, unless the sentence is already at its longest.
    end_score[~allowed[: n - 1], : max_words - 1] = -np.inf
    best = np.full(max_words, -np.inf)  # best[d-1]: best score with d words in the sentence
    best[0] = 0.0
    came_from = np.empty(n - 1, dtype=np.intp)  # length ended at gap i when a sentence ends
    following = np.empty_like(best)
    for i in range(n - 1):
        ending = best + end_score[i]
        k = ending.argmax()
        came_from[i] = k
        np.add(best[:-1], go_on[i, :-1], out=following[1:])
        following[0] = ending[k]
        best, following = following, best
    length = int(np.argmax(best))  # words of the last sentence, minus one
    for i in range(n - 2, -1, -1):
        if length == 0:
            ends[i] = True
            length = int(came_from[i])
        else:
            length -= 1
    return ends


def lexical_ends(tokens: Sequence[str], model: LexicalModel) -> list[bool]:
    """Sentence ends from the pre-issue-22 lexical model."""
    indices = gap_feature_indices(tokens, model.case_ids, model.class_ids, model.hash_bits)
    base = model.weights[indices].sum(axis=1) + model.intercept
    return decode_boundaries(
        base,
        model.distance_weights,
        breakable_gaps(tokens),
        model.boundary_bias,
        model.min_words,
        model.max_words,
    )


def tagger_marks(
    tokens: Sequence[str], probabilities: np.ndarray, class_bias: np.ndarray
) -> tuple[list[str], list[float]]:
    """The mark after each word and the confidence of each gap's end / no-end decision.

    The mark is the argmax of log-probability plus a per-class bias (`class_bias`, chosen
    on dev data by the fit script, trades precision for recall per class). No mark goes
    before an apostrophe piece ("china | s"); the last word always ends a sentence (a
    question mark when the tagger prefers it). A gap's confidence is the tagger's
    probability of a sentence end there (PERIOD + QUESTION) when one is put there, one
    minus it otherwise.
    """
    n = len(tokens)
    if n == 0:
        return [], []
    scores = np.log(np.maximum(probabilities, 1e-9)) + class_bias
    choice = scores.argmax(axis=1)
    marks = [MARKS[k] for k in choice]
    for i in range(n - 1):
        if tokens[i + 1] in APOSTROPHE_PIECES and tokens[i].isalpha():
            marks[i] = ""
    marks[-1] = "?" if scores[-1, 3] > scores[-1, 2] else "."
    p_end = probabilities[:, 2] + probabilities[:, 3]
    _cut_long_runs(tokens, marks, p_end)
    confidences = [
        float(p if mark in (".", "?") else 1.0 - p) for mark, p in zip(marks, p_end, strict=True)
    ]
    return marks, confidences


def _cut_long_runs(tokens: Sequence[str], marks: list[str], p_end: np.ndarray) -> None:
    """End every run longer than MAX_SENTENCE_WORDS, in place: left to right, each cut
    sentence ends at the likeliest end gap within its first MAX_SENTENCE_WORDS words (the
    latest of equals, so no run of short pieces is made)."""
    allowed = breakable_gaps(tokens)
    start = 0
    while start < len(marks):
        end = start
        while marks[end] not in (".", "?"):
            end += 1
        if end - start + 1 > MAX_SENTENCE_WORDS:
            last = min(start + MAX_SENTENCE_WORDS, end - MIN_CUT_WORDS + 1)
            inner = np.arange(start + MIN_CUT_WORDS - 1, last)
            inner = inner[allowed[inner]]
            if inner.size:
                cut = int(inner[::-1][np.argmax(p_end[inner][::-1])])
                marks[cut] = "."
                start = cut + 1
                continue
        start = end + 1
