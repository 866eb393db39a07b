"""Sentence ends and punctuation marks: the encoder head and the lexical fallback.

The main model (`tagger_marks`) is a small neural head (one hidden layer, numpy at run time)
over the MiniLM encoder's states of the words on either side of each gap, plus a PCA
projection of the states of the eight words around it (`head_inputs`), choosing O, COMMA,
PERIOD or QUESTION: punctuation restoration as token classification over a pretrained
encoder, as in Courtland et al. 2020 and Alam et al. 2020, with the encoder kept frozen so it
ships as the int8 file already in the package. Its probabilities give each sentence's
confidence.

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
from storyline.clean.repair.model_files import LexicalModel, TaggerModel

MARKS = ("", ",", ".", "?")  # the head's classes: O, COMMA, PERIOD, QUESTION

# Combining the head with the lexical model: a gap's end score is HEAD_WEIGHT times the
# head's end log-odds plus the lexical model's hashed-feature score, decoded by the lexical
# model's length-aware Viterbi search with END_BIAS added per end; a comma goes where the
# head's COMMA log-probability plus COMMA_BIAS beats O. These constants are the fallback
# for a tagger file without its own `combine` weights (the fit script now chooses and stores
# them with the head: (3, 3, 1) on 150 IWSLT dev chunks for the context-window head). Chosen
# for the first head on IWSLT dev chunks
# 1177..1470 only (the lexical model was fitted on news dev story groups, so news could not
# be used) from HEAD_WEIGHT in {0.5, 1, 2, 3, 4}, END_BIAS in {0, 1, 2, 3}, COMMA_BIAS in
# {0.5, 1, 1.5}: overall F1 0.428 / boundary F1 0.551 there, against 0.420 / 0.516 for the
# head alone and 0.286 / 0.483 for the lexical model alone (200 dev chunks).
HEAD_WEIGHT = 2.0
END_BIAS = 3.0
COMMA_BIAS = 1.0


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


def head_inputs(
    first: np.ndarray,
    last: np.ndarray,
    projection: tuple[np.ndarray, np.ndarray] | None = None,
    offsets: Sequence[int] = (),
) -> np.ndarray:
    """The head's input for the gap after each word.

    Always: the word's last piece state and the next word's first piece state. With a
    `projection` (centre, components: a PCA of the words' [first, last] states), also each
    word at `offsets` from it, projected, so the head sees a window of words around the gap
    (zeros past the text's ends) and not just its two sides.
    """
    following = np.vstack([first[1:], np.zeros((1, first.shape[1]), first.dtype)])
    parts = [last, following]
    if projection is not None and len(offsets):
        centre, components = projection
        words = (np.hstack([first, last]).astype(np.float32) - centre) @ components
        n, dim = words.shape
        padded = np.zeros((n + 2 * _MAX_OFFSET, dim), np.float32)
        padded[_MAX_OFFSET : _MAX_OFFSET + n] = words
        parts += [padded[_MAX_OFFSET + o : _MAX_OFFSET + o + n] for o in offsets]
    return np.hstack([p.astype(np.float32) for p in parts]) if len(parts) > 2 else np.hstack(parts)


_MAX_OFFSET = 16  # widest context offset head_inputs supports


def tagger_probabilities(first: np.ndarray, last: np.ndarray, model: TaggerModel) -> np.ndarray:
    """(n, 4) probabilities of O, COMMA, PERIOD, QUESTION after each word."""
    projection = None if model.components is None else (model.centre, model.components)
    inputs = head_inputs(first, last, projection, model.offsets)
    x = (inputs - model.mean) / model.scale
    hidden = np.maximum(x @ model.w1 + model.b1, 0.0)
    logits = hidden @ model.w2 + model.b2
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def tagger_marks(
    tokens: Sequence[str], probabilities: np.ndarray, class_bias: np.ndarray
) -> list[str]:
    """The mark after each word: argmax of log-probability plus a per-class bias.

    `class_bias` (chosen on held-in dev chunks by the fit script) trades precision for
    recall per class. No mark goes before an apostrophe piece ("china | s"); the last word
    always ends a sentence (a question mark when the head prefers it).
    """
    n = len(tokens)
    if n == 0:
        return []
    scores = np.log(np.maximum(probabilities, 1e-9)) + class_bias
    choice = scores.argmax(axis=1)
    marks = [MARKS[k] for k in choice]
    for i in range(n - 1):
        if tokens[i + 1] in APOSTROPHE_PIECES and tokens[i].isalpha():
            marks[i] = ""
    marks[-1] = "?" if scores[-1, 3] > scores[-1, 2] else "."
    return marks


def combined_marks(
    tokens: Sequence[str],
    probabilities: np.ndarray,
    model: LexicalModel,
    weights: Sequence[float] | None = None,
) -> tuple[list[str], list[float]]:
    """Marks from the head and the lexical model together, and each gap's confidence.

    `weights` is (head weight, end bias, comma bias): the tagger file's own when it has
    them (`TaggerModel.combine`, chosen by the fit script), else the module's constants.
    The confidence of gap i is the combined end probability (the logistic of the summed
    score, without the length terms) when a sentence ends there, one minus it otherwise.
    """
    head_weight, end_bias, comma_bias = weights or (HEAD_WEIGHT, END_BIAS, COMMA_BIAS)
    n = len(tokens)
    if n == 0:
        return [], []
    p_end = np.clip(probabilities[:, 2] + probabilities[:, 3], 1e-6, 1 - 1e-6)
    indices = gap_feature_indices(tokens, model.case_ids, model.class_ids, model.hash_bits)
    base = model.weights[indices].sum(axis=1) + model.intercept
    score = head_weight * np.log(p_end / (1 - p_end)) + base
    ends = decode_boundaries(
        score,
        model.distance_weights,
        breakable_gaps(tokens),
        end_bias,
        model.min_words,
        model.max_words,
    )
    q = 1.0 / (1.0 + np.exp(-score))
    log_p = np.log(np.maximum(probabilities, 1e-9))
    marks, confidences = [], []
    for i, end in enumerate(ends):
        if end:
            marks.append("?" if probabilities[i, 3] > probabilities[i, 2] else ".")
            confidences.append(float(q[i]))
        else:
            comma = log_p[i, 1] + comma_bias > log_p[i, 0] and i < n - 1
            comma = comma and not (tokens[i + 1] in APOSTROPHE_PIECES and tokens[i].isalpha())
            marks.append("," if comma else "")
            confidences.append(float(1.0 - q[i]))
    return marks, confidences
