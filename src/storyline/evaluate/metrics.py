"""Evaluation metrics: ROUGE, clustering, timeline and main-text extraction scores.

Every function here is pure (no I/O) and takes plain Python values, so each can be unit
tested on hand-worked examples. The definitions follow the upstream tools that published
the reference numbers; each function names its source and says where it departs from it.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from storyline.evaluate.tokenize import split_sentences


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1, each in [0, 1]."""

    precision: float
    recall: float
    f1: float


def f_score(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall; 0.0 when both are 0."""
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _ratio(numerator: float, denominator: float, empty: float) -> float:
    return numerator / denominator if denominator else empty


# --- ROUGE for summaries ------------------------------------------------------------------


@cache
def _rouge_scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)


def summary_rouge(prediction: Sequence[str], reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-Lsum F1 (0-100) of predicted sentences against a reference.

    Google's `rouge-score` package (Lin 2004 re-implemented) with its Porter stemmer.
    ROUGE-Lsum treats each line as a sentence, so the prediction is one sentence per line
    and the reference is split with `split_sentences` and joined with newlines.
    """
    predicted_text = "\n".join(s.strip() for s in prediction if s.strip())
    reference_text = "\n".join(split_sentences(reference))
    scores = _rouge_scorer().score(reference_text, predicted_text)
    return {
        "rouge1": 100 * scores["rouge1"].fmeasure,
        "rouge2": 100 * scores["rouge2"].fmeasure,
        "rougeLsum": 100 * scores["rougeLsum"].fmeasure,
    }


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    """Multiset of the n-grams of a token sequence."""
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def ngram_overlap(predicted: Counter, reference: Counter) -> int:
    """Clipped n-gram matches: sum over n-grams of min(count in prediction, in reference)."""
    if len(predicted) > len(reference):
        predicted, reference = reference, predicted
    return sum(
        min(count, reference[gram]) for gram, count in predicted.items() if gram in reference
    )


def ngram_f1(predicted: Sequence[str], reference: Sequence[str], n: int) -> float:
    """ROUGE-n F1 (0-1) on already tokenized text; what `rouge-score` computes, minus I/O."""
    predicted_grams, reference_grams = ngrams(predicted, n), ngrams(reference, n)
    hits = ngram_overlap(predicted_grams, reference_grams)
    precision = _ratio(hits, sum(predicted_grams.values()), 0.0)
    recall = _ratio(hits, sum(reference_grams.values()), 0.0)
    return f_score(precision, recall)


# --- clustering ---------------------------------------------------------------------------


def _contingency(
    predicted: Sequence[Hashable], gold: Sequence[Hashable]
) -> tuple[Counter, Counter, Counter]:
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predicted labels for {len(gold)} gold labels")
    joint = Counter(zip(predicted, gold, strict=True))
    return joint, Counter(predicted), Counter(gold)


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> PRF:
    """BCubed precision, recall and F1 (Bagga & Baldwin 1998; Amigo et al. 2009).

    For each item i with predicted cluster C(i) and gold cluster L(i):
    P_i = |C(i) & L(i)| / |C(i)| and R_i = |C(i) & L(i)| / |L(i)|; P and R are the means
    over items and F1 their harmonic mean. Computed from the contingency table:
    P = (1/N) * sum over cells n_cg^2 / |C|.
    """
    joint, predicted_sizes, gold_sizes = _contingency(predicted, gold)
    n = len(predicted)
    if n == 0:
        return PRF(0.0, 0.0, 0.0)
    precision = sum(count * count / predicted_sizes[c] for (c, _), count in joint.items()) / n
    recall = sum(count * count / gold_sizes[g] for (_, g), count in joint.items()) / n
    return PRF(precision, recall, f_score(precision, recall))


def pairwise(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> PRF:
    """Pairwise (pair-counting) precision, recall and F1 over all item pairs.

    A pair is positive when both items share a cluster. P = pairs together in both /
    pairs together in the prediction; R = pairs together in both / pairs together in gold.
    With no predicted pairs (all singletons) P is vacuously 1.0, with no gold pairs R is
    1.0; F1 is 0.0 when P + R is 0.
    """
    joint, predicted_sizes, gold_sizes = _contingency(predicted, gold)

    def pairs(sizes: Iterable[int]) -> int:
        return sum(size * (size - 1) // 2 for size in sizes)

    together = pairs(joint.values())
    precision = _ratio(together, pairs(predicted_sizes.values()), 1.0)
    recall = _ratio(together, pairs(gold_sizes.values()), 1.0)
    return PRF(precision, recall, f_score(precision, recall))


# --- timelines ----------------------------------------------------------------------------


def date_f1(predicted: Iterable[date], gold: Iterable[date]) -> PRF:
    """Date selection P/R/F1 (tilse `evaluation/dates.py`): exact date matches.

    P = |pred & gold| / |pred|, R = |pred & gold| / |gold|; an empty side scores 0.
    """
    predicted_dates, gold_dates = set(predicted), set(gold)
    shared = len(predicted_dates & gold_dates)
    precision = _ratio(shared, len(predicted_dates), 0.0)
    recall = _ratio(shared, len(gold_dates), 0.0)
    return PRF(precision, recall, f_score(precision, recall))


_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


@cache
def _stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@cache
def _porter():
    from nltk.stem import porter

    return porter.PorterStemmer("ORIGINAL_ALGORITHM")


def timeline_tokens(text: str) -> tuple[str, ...]:
    """ROUGE tokens as tilse's ROUGE-1.5.5 call makes them (`-m -s`): stemmed, no stopwords.

    Lower-case, split on non-alphanumerics (as `rouge-score`), drop stopwords, Porter-stem
    words longer than 3 characters. Departure: ROUGE-1.5.5 drops its 598-word SMART list;
    we use scikit-learn's 318-word English list, so absolute scores differ a little.
    """
    tokens = _NON_ALNUM_RE.sub(" ", text.lower()).split()
    stemmer = _porter()
    stop = _stopwords()
    return tuple(stemmer.stem(t) if len(t) > 3 else t for t in tokens if t not in stop)


def _rouge_approximation(predicted: Sequence[str], reference: Sequence[str]) -> float:
    """tilse `util.compute_rouge_approximation` for one reference: unigram F1 on raw tokens.

    Tokens are white-space split, case kept, no stemming (exactly as tilse does).
    """
    predicted_counts = Counter(tok for sentence in predicted for tok in sentence.split())
    reference_counts = Counter(tok for sentence in reference for tok in sentence.split())
    match = ngram_overlap(predicted_counts, reference_counts)
    precision = _ratio(match, sum(predicted_counts.values()), 0.0)
    recall = _ratio(match, sum(reference_counts.values()), 0.0)
    return f_score(precision, recall)


def _date_weight(first: date, second: date) -> float:
    return 1 / (abs(first.toordinal() - second.toordinal()) + 1)


def _align_many_to_one(
    sources: Sequence[date],
    targets: Sequence[date],
    content_f1: Mapping[tuple[date, date], float],
    source_is_predicted: bool,
) -> list[tuple[date, date]]:
    """Map each source date to the target date of least cost (first one on ties)."""
    alignment = []
    for source in sources:
        best_cost, best_target = None, None
        for target in targets:
            key = (source, target) if source_is_predicted else (target, source)
            cost = (1 - _date_weight(source, target)) * (1 - content_f1[key])
            if best_cost is None or cost < best_cost:
                best_cost, best_target = cost, target
        alignment.append((source, best_target))
    return alignment


def alignment_rouge(
    predicted: Mapping[date, Sequence[str]],
    reference: Mapping[date, Sequence[str]],
    orders: Sequence[int] = (1, 2),
) -> dict[int, PRF]:
    """Alignment-based ROUGE "align+ m:1" (Martschat & Markert 2017, EACL, section 3).

    Implemented from the paper's definition as coded in tilse
    (`TimelineRougeEvaluator.evaluate_align_date_content_costs_many_to_one`), for one
    reference timeline. For dates d (predicted) and r (reference), with day summaries
    P_d and G_r:

        w(d, r)    = 1 / (|d - r| + 1)                      # |d - r| in days
        cost(d, r) = (1 - w(d, r)) * (1 - F1_raw(P_d, G_r))   # F1_raw: unigram F1 on raw
                                                            #   white-space tokens
        a(d) = argmin_r cost(d, r)    for every predicted date (many-to-one)
        b(r) = argmin_d cost(d, r)    for every reference date (many-to-one)

        P_n = sum_d w(d, a(d)) * hits_n(P_d, G_a(d)) / sum_d count_n(P_d)
        R_n = sum_r w(b(r), r) * hits_n(P_b(r), G_r) / sum_r count_n(G_r)
        F_n = 2 P_n R_n / (P_n + R_n)

    hits_n is the clipped count of shared n-grams and count_n the number of n-grams, on
    `timeline_tokens` (stemmed, stopwords removed, as tilse's ROUGE-1.5.5 `-m -s` call).
    Ties in argmin go to the earliest date (numpy `argmin` over sorted dates in tilse).
    An empty predicted or reference timeline scores 0.
    """
    predicted_dates = sorted(predicted)
    reference_dates = sorted(reference)
    if not predicted_dates or not reference_dates:
        return {n: PRF(0.0, 0.0, 0.0) for n in orders}
    content_f1 = {
        (d, r): _rouge_approximation(predicted[d], reference[r])
        for d in predicted_dates
        for r in reference_dates
    }
    precision_alignment = _align_many_to_one(predicted_dates, reference_dates, content_f1, True)
    recall_alignment = _align_many_to_one(reference_dates, predicted_dates, content_f1, False)
    predicted_tokens = {d: timeline_tokens(" ".join(predicted[d])) for d in predicted_dates}
    reference_tokens = {r: timeline_tokens(" ".join(reference[r])) for r in reference_dates}
    scores = {}
    for n in orders:
        predicted_grams = {d: ngrams(tokens, n) for d, tokens in predicted_tokens.items()}
        reference_grams = {r: ngrams(tokens, n) for r, tokens in reference_tokens.items()}
        precision_hits = sum(
            _date_weight(d, r) * ngram_overlap(predicted_grams[d], reference_grams[r])
            for d, r in precision_alignment
        )
        recall_hits = sum(
            _date_weight(d, r) * ngram_overlap(predicted_grams[d], reference_grams[r])
            for r, d in recall_alignment
        )
        precision_total = sum(sum(g.values()) for g in predicted_grams.values())
        recall_total = sum(sum(g.values()) for g in reference_grams.values())
        precision = _ratio(precision_hits, precision_total, 0.0)
        recall = _ratio(recall_hits, recall_total, 0.0)
        scores[n] = PRF(precision, recall, f_score(precision, recall))
    return scores


# --- main-text extraction: article-extraction-benchmark -------------------------------------

# scrapinghub/article-extraction-benchmark `evaluate.py`: word tokens, 4-gram shingles.
_AEB_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
AEB_SHINGLE_SIZE = 4


def _aeb_tokens(text: str | None) -> list[str]:
    return _AEB_TOKEN_RE.findall(text or "")


def _aeb_shingles(text: str | None, n: int = AEB_SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = _aeb_tokens(text)
    # upstream `_ngrams`: a text shorter than n words is one shingle of all its words
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def shingle_counts(expected: str | None, predicted: str | None) -> tuple[float, float, float]:
    """Per-page (tp, fp, fn) over 4-word shingles, normalised to sum to 1 (upstream AEB).

    Shingles are counted as multisets: tp = sum min(counts), fp and fn the excesses. Upstream
    divides by tp + fp + fn "so that longer texts do not have more weight"; two empty texts
    give (0, 0, 0).
    """
    expected_shingles, predicted_shingles = _aeb_shingles(expected), _aeb_shingles(predicted)
    tp = fp = fn = 0.0
    for key in expected_shingles.keys() | predicted_shingles.keys():
        true_count, pred_count = expected_shingles[key], predicted_shingles[key]
        tp += min(true_count, pred_count)
        fp += max(0, pred_count - true_count)
        fn += max(0, true_count - pred_count)
    total = tp + fp + fn
    if total > 0:
        return tp / total, fp / total, fn / total
    return tp, fp, fn


def exact_match(expected: str | None, predicted: str | None) -> float:
    """Upstream AEB `get_accuracy`: 1.0 when both texts have the same word tokens."""
    return float(_aeb_tokens(expected) == _aeb_tokens(predicted))


def _page_precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _page_recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def shingle_scores(
    counts: Sequence[tuple[float, float, float]], matches: Sequence[float]
) -> dict[str, float]:
    """Corpus precision/recall/F1/accuracy exactly as upstream `metrics_from_tp_fp_fns`.

    Precision is the mean per-page precision over pages with tp + fp > 0 (the extractor
    returned something), recall the mean per-page recall over pages with tp + fn > 0 (the
    page has gold text), F1 the harmonic mean of those two means; accuracy is the mean of
    `exact_match`. An empty page set scores 0.
    """
    precisions = [_page_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_page_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    accuracy = statistics.fmean(matches) if matches else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f_score(precision, recall),
        "accuracy": accuracy,
    }


# --- main-text extraction: trafilatura evaluation -------------------------------------------

_WHITESPACE_RE = re.compile(r"\s+")


def normalize_whitespace(text: str) -> str:
    """Collapse runs of white space to one space and strip (trafilatura `eval_common.norm`)."""
    return _WHITESPACE_RE.sub(" ", text).strip()


def snippet_counts(
    extracted: str | None, with_snippets: Sequence[str], without_snippets: Sequence[str]
) -> tuple[int, int, int, int]:
    """Per-page (tp, fp, fn, tn) by snippet (trafilatura `tests/eval_common.count_item`).

    Each `with` snippet found in the output is a true positive, each missing one a false
    negative; each `without` snippet found is a false positive, each absent one a true
    negative. Matching is case-sensitive substring search on whitespace-normalised text;
    no output (None, e.g. a crash) finds nothing.
    """
    if isinstance(extracted, str):
        text = normalize_whitespace(extracted)
        tp = sum(1 for s in with_snippets if normalize_whitespace(s) in text)
        fp = sum(1 for s in without_snippets if normalize_whitespace(s) in text)
    else:
        tp = fp = 0
    return tp, fp, len(with_snippets) - tp, len(without_snippets) - fp


def snippet_scores(counts: Iterable[tuple[int, int, int, int]]) -> dict[str, float]:
    """Precision, recall, F1 and accuracy over all snippets (trafilatura `ConfusionMatrix`).

    P = tp / (tp + fp), R = tp / (tp + fn), accuracy = (tp + tn) / all,
    F1 = 2 tp / (2 tp + fp + fn); each is 0.0 when its denominator is 0.
    """
    tp = fp = fn = tn = 0
    for page_tp, page_fp, page_fn, page_tn in counts:
        tp, fp, fn, tn = tp + page_tp, fp + page_fp, fn + page_fn, tn + page_tn
    return {
        "precision": _ratio(tp, tp + fp, 0.0),
        "recall": _ratio(tp, tp + fn, 0.0),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn, 0.0),
        "accuracy": _ratio(tp + tn, tp + fp + fn + tn, 0.0),
    }
