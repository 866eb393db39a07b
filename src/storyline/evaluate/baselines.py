"""Reference systems that Storyline's own stages are scored against.

Summaries: lead (round-robin over documents), TextRank and LexRank (sumy), random (the
floor) and a greedy ROUGE oracle (the ceiling). Clustering: TF-IDF + average-link
agglomerative clustering with a tuned distance threshold, singletons, one cluster.
Timelines: dates ranked by mention count, each with its most central sentences.

All summary systems pick from the same candidates (`candidate_sentences`) and are cut to the
same word budget by `fill_budget`, so differences come from the choice of sentences only.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache

import numpy as np

from storyline.errors import BackendUnavailable
from storyline.evaluate.metrics import bcubed, f_score
from storyline.evaluate.tokenize import SumyTokenizer, count_words, split_sentences

# --- summaries ----------------------------------------------------------------------------

# A candidate sentence: (document index, sentence index in that document, text).
Candidate = tuple[int, int, str]


def candidate_sentences(documents: Sequence[str]) -> list[list[Candidate]]:
    """Each document's sentences, with exact repeats across the cluster removed.

    Syndicated copies repeat whole sentences; keeping only the first occurrence stops every
    baseline from spending budget on the same sentence twice.
    """
    seen: set[str] = set()
    per_document = []
    for doc_index, document in enumerate(documents):
        kept = []
        for sent_index, sentence in enumerate(split_sentences(document)):
            key = " ".join(sentence.lower().split())
            if key in seen:
                continue
            seen.add(key)
            kept.append((doc_index, sent_index, sentence))
        per_document.append(kept)
    return per_document


def fill_budget(
    ranked: Sequence[Candidate], max_words: int, reading_order: bool = True
) -> list[str]:
    """Take candidates best first until `max_words`; the last one is cut at the budget.

    The kept sentences are returned in reading order (document, then position) unless
    `reading_order` is False, in which case they stay in ranked order.
    """
    kept: list[Candidate] = []
    used = 0
    for doc_index, sent_index, sentence in ranked:
        if used >= max_words:
            break
        words = sentence.split()
        if used + len(words) > max_words:
            words = words[: max_words - used]
        kept.append((doc_index, sent_index, " ".join(words)))
        used += len(words)
    if reading_order:
        kept.sort(key=lambda c: (c[0], c[1]))
    return [sentence for _, _, sentence in kept]


def truncate_to_budget(sentences: Sequence[str], max_words: int) -> list[str]:
    """Keep sentences in the given order, cutting the one that crosses `max_words`."""
    ranked = [(0, i, s) for i, s in enumerate(sentences) if s.strip()]
    return fill_budget(ranked, max_words, reading_order=False)


def lead_summary(documents: Sequence[str], max_words: int) -> list[str]:
    """First sentences round-robin: sentence 1 of each document, then sentence 2, ...

    The multi-document "Lead" of Fabbri et al. 2019 (Multi-News) takes leading sentences
    from every article in turn, so no single outlet fills the budget.
    """
    per_document = candidate_sentences(documents)
    ranked = []
    for position in range(max((len(d) for d in per_document), default=0)):
        ranked.extend(d[position] for d in per_document if position < len(d))
    return fill_budget(ranked, max_words, reading_order=False)


def random_summary(documents: Sequence[str], max_words: int, seed: int) -> list[str]:
    """Sentences in a seeded random order: the floor any real system must clear."""
    candidates = [c for d in candidate_sentences(documents) for c in d]
    random.Random(seed).shuffle(candidates)
    return fill_budget(candidates, max_words)


@cache
def _sumy_parts():
    try:
        from sumy.nlp.stemmers import Stemmer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise BackendUnavailable(
            f"sumy is not installed ({error}); install the extra: pip install 'storyline[eval]'"
        ) from error
    return {
        "textrank": TextRankSummarizer,
        "lexrank": LexRankSummarizer,
        "parser": PlaintextParser,
        "stemmer": Stemmer("english"),
        "stop_words": get_stop_words("english"),
    }


def sumy_ranking(documents: Sequence[str], method: str) -> list[Candidate]:
    """All candidate sentences ranked best first by sumy's TextRank or LexRank.

    TextRank: Mihalcea & Tarau 2004; LexRank: Erkan & Radev 2004 (sumy's implementations,
    English Snowball stemmer and stop words). sumy is given our `SumyTokenizer`, so it needs
    no NLTK data, and one sentence per paragraph, so its candidates are exactly ours.
    """
    parts = _sumy_parts()
    if method not in ("textrank", "lexrank"):
        raise ValueError(f"unknown sumy method {method!r}; valid: textrank, lexrank")
    candidates = [c for d in candidate_sentences(documents) for c in d]
    if not candidates:
        return []
    by_text = {}
    for candidate in candidates:
        by_text.setdefault(candidate[2], candidate)
    text = "\n\n".join(c[2] for c in candidates)
    document = parts["parser"].from_string(text, SumyTokenizer()).document
    summarizer = parts[method](parts["stemmer"])
    summarizer.stop_words = parts["stop_words"]
    order: list[str] = []

    def keep_all(infos):  # sumy calls this with sentences sorted best first
        order.extend(str(info.sentence) for info in infos)
        return infos

    summarizer(document, keep_all)
    ranked = [by_text[s] for s in order if s in by_text]
    # sumy drops all-capital lines as headings; rank them last rather than lose them
    ranked_texts = {c[2] for c in ranked}
    ranked.extend(c for c in candidates if c[2] not in ranked_texts)
    return ranked


def sumy_summary(documents: Sequence[str], max_words: int, method: str) -> list[str]:
    """TextRank or LexRank summary cut to the budget, in reading order."""
    return fill_budget(sumy_ranking(documents, method), max_words)


@cache
def _rouge_tokenizer():
    from rouge_score import tokenizers

    return tokenizers.DefaultTokenizer(use_stemmer=True)


def rouge_tokens(text: str) -> tuple[str, ...]:
    """Tokens exactly as `rouge-score` makes them (lower case, alphanumeric, Porter stem)."""
    return tuple(_rouge_tokenizer().tokenize(text))


class _GreedyState:
    """Clipped ROUGE-1/2 hits of a growing summary, updated in O(sentence length)."""

    def __init__(self, reference: Sequence[str]) -> None:
        self.reference_1 = Counter(reference)
        self.reference_2 = Counter(zip(reference, reference[1:], strict=False))
        self.total_1 = sum(self.reference_1.values())
        self.total_2 = sum(self.reference_2.values())
        self.counts_1: Counter = Counter()
        self.counts_2: Counter = Counter()
        self.hits_1 = self.hits_2 = 0
        self.length = 0
        self.last: str | None = None

    def _grams(self, tokens: Sequence[str]) -> tuple[Counter, Counter]:
        unigrams = Counter(tokens)
        chain = ([self.last] if self.last is not None else []) + list(tokens)
        bigrams = Counter(zip(chain, chain[1:], strict=False))
        return unigrams, bigrams

    @staticmethod
    def _gain(current: Counter, added: Counter, reference: Counter) -> int:
        return sum(
            min(current[g] + n, reference[g]) - min(current[g], reference[g])
            for g, n in added.items()
            if g in reference
        )

    def score_with(self, tokens: Sequence[str]) -> float:
        """ROUGE-1 F1 + ROUGE-2 F1 (0-2) if `tokens` were appended."""
        unigrams, bigrams = self._grams(tokens)
        hits_1 = self.hits_1 + self._gain(self.counts_1, unigrams, self.reference_1)
        hits_2 = self.hits_2 + self._gain(self.counts_2, bigrams, self.reference_2)
        length_1 = self.length + len(tokens)
        length_2 = max(length_1 - 1, 0)
        r1 = f_score(
            hits_1 / length_1 if length_1 else 0.0, hits_1 / self.total_1 if self.total_1 else 0.0
        )
        r2 = f_score(
            hits_2 / length_2 if length_2 else 0.0, hits_2 / self.total_2 if self.total_2 else 0.0
        )
        return r1 + r2

    def append(self, tokens: Sequence[str]) -> None:
        unigrams, bigrams = self._grams(tokens)
        self.hits_1 += self._gain(self.counts_1, unigrams, self.reference_1)
        self.hits_2 += self._gain(self.counts_2, bigrams, self.reference_2)
        self.counts_1.update(unigrams)
        self.counts_2.update(bigrams)
        self.length += len(tokens)
        if tokens:
            self.last = tokens[-1]


def oracle_summary(documents: Sequence[str], reference: str, max_words: int) -> list[str]:
    """Greedy extractive oracle: the ceiling for sentence extraction under the budget.

    As in Nallapati et al. 2017 (SummaRuNNer) and Liu & Lapata 2019: repeatedly add the
    sentence that most raises ROUGE-1 F1 + ROUGE-2 F1 against the reference (on
    `rouge-score` tokens), stopping when no sentence raises it or the budget is spent. A
    sentence that crosses the budget is scored as cut. It reads the reference, so it is an
    upper bound, never a system.
    """
    candidates = [c for d in candidate_sentences(documents) for c in d]
    tokens = [rouge_tokens(c[2]) for c in candidates]
    words = [count_words(c[2]) for c in candidates]
    state = _GreedyState(rouge_tokens(reference))
    chosen: list[Candidate] = []
    remaining = set(range(len(candidates)))
    used, best_score = 0, 0.0
    while remaining and used < max_words:
        best_index, best_tokens, step_best = None, (), best_score
        for index in sorted(remaining):
            candidate_tokens = tokens[index]
            if used + words[index] > max_words:
                cut = " ".join(candidates[index][2].split()[: max_words - used])
                candidate_tokens = rouge_tokens(cut)
            score = state.score_with(candidate_tokens)
            if score > step_best:
                best_index, best_tokens, step_best = index, candidate_tokens, score
        if best_index is None:
            break
        state.append(best_tokens)
        remaining.discard(best_index)
        chosen.append(candidates[best_index])
        used += words[best_index]
        best_score = step_best
    return fill_budget(chosen, max_words)


# --- clustering ---------------------------------------------------------------------------

# Thresholds tried when tuning the agglomerative baseline: cosine distance 0.05 ... 0.95 in
# steps of 0.05, plus 0.975 and 0.99 because headline streams (UCI) tune to the top of the
# range: two short titles of one story often share a single content word.
THRESHOLD_GRID: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20)) + (
    0.975,
    0.99,
)


def cosine_distances(texts: Sequence[str]) -> np.ndarray:
    """Pairwise cosine distances of TF-IDF vectors fitted on these texts alone.

    Sublinear TF, English stop words removed (scikit-learn defaults otherwise). Fitting on
    the texts being clustered uses no labels, only their vocabulary.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances as pairwise_cosine

    if not texts:
        return np.zeros((0, 0))
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        vectors = vectorizer.fit_transform(texts)
    except ValueError:  # every text is empty or only stop words
        return np.ones((len(texts), len(texts))) - np.eye(len(texts))
    distances = pairwise_cosine(vectors)
    np.clip(distances, 0.0, 2.0, out=distances)
    np.fill_diagonal(distances, 0.0)
    return distances


def agglomerative_labels(distances: np.ndarray, distance_threshold: float) -> list[int]:
    """Average-link agglomerative clustering cut at `distance_threshold` (cosine distance)."""
    from sklearn.cluster import AgglomerativeClustering

    n = distances.shape[0]
    if n < 2:
        return list(range(n))
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=distance_threshold,
    )
    return [int(label) for label in model.fit_predict(distances)]


def threshold_scores(
    distances: np.ndarray, gold: Sequence[str], grid: Sequence[float] = THRESHOLD_GRID
) -> list[float]:
    """BCubed F1 of the agglomerative clustering at each threshold of `grid`."""
    return [bcubed(agglomerative_labels(distances, t), gold).f1 for t in grid]


def best_threshold(
    scores_per_corpus: Sequence[Sequence[float]], grid: Sequence[float] = THRESHOLD_GRID
) -> float:
    """The grid threshold of highest mean BCubed F1 over the tuning corpora (lowest on ties)."""
    if not scores_per_corpus:
        raise ValueError("no tuning corpus to choose a distance threshold on")
    means = np.mean(np.asarray(scores_per_corpus, dtype=float), axis=0)
    return float(grid[int(np.argmax(means))])


# Clusters per item tried when tuning the k-means baseline: k = round(ratio * n). The range
# spans UCI's density (43 stories in 3,522 headlines, 0.012) to ECB+ topics (2 in ~23, 0.09).
KMEANS_RATIO_GRID: tuple[float, ...] = (0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3)


def tfidf_vectors(texts: Sequence[str]):
    """L2-normalised TF-IDF rows (sublinear TF, English stop words), fitted on `texts`."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    except ValueError:  # every text is empty or only stop words
        from scipy.sparse import identity

        return identity(len(texts), format="csr")


def kmeans_labels(vectors, ratio: float, seed: int) -> list[int]:
    """k-means (k-means++ init, 3 restarts) with k = round(ratio * n) clusters."""
    from sklearn.cluster import KMeans

    n = vectors.shape[0]
    k = max(1, min(n, round(ratio * n)))
    if k in (1, n):
        return [0] * n if k == 1 else list(range(n))
    model = KMeans(n_clusters=k, n_init=3, random_state=seed)
    return [int(label) for label in model.fit_predict(vectors)]


def ratio_scores(
    vectors, gold: Sequence[str], seed: int, grid: Sequence[float] = KMEANS_RATIO_GRID
) -> list[float]:
    """BCubed F1 of k-means at each clusters-per-item ratio of `grid`."""
    return [bcubed(kmeans_labels(vectors, r, seed), gold).f1 for r in grid]


def singleton_labels(n: int) -> list[int]:
    """Every item alone: BCubed precision 1, the recall floor."""
    return list(range(n))


def one_cluster_labels(n: int) -> list[int]:
    """Every item together: BCubed recall 1, the precision floor."""
    return [0] * n


# --- timelines ----------------------------------------------------------------------------

DatedPool = Sequence[tuple[date, Sequence[str]]]


def mention_count_timeline(
    pool: DatedPool, n_dates: int, sentences_per_date: int
) -> list[tuple[date, list[str]]]:
    """Dates with the most pool sentences, each with its most central sentences.

    The "mention count" date ranker of Ghalandari & Ifrim 2020 (news-tls
    `MentionCountDateRanker`, ties to the earlier date) with a centroid summariser: TF-IDF
    fitted on the whole pool, and per date the sentences of highest cosine to the mean
    vector of that date's sentences (Radev et al. 2004, centroid-based summarisation).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    days = [(day, _unique(sentences)) for day, sentences in pool if sentences]
    if not days or n_dates <= 0 or sentences_per_date <= 0:
        return []
    ranked = sorted(days, key=lambda item: (-len(item[1]), item[0]))[:n_dates]
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        vectorizer.fit([s for _, sentences in days for s in sentences])
    except ValueError:  # no usable vocabulary: keep the first sentences
        return sorted((day, sentences[:sentences_per_date]) for day, sentences in ranked)
    timeline = []
    for day, sentences in ranked:
        timeline.append((day, _central(vectorizer.transform, sentences, sentences_per_date)))
    return sorted(timeline)


def _unique(sentences: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(s.strip() for s in sentences if s.strip()))


def _central(transform: Callable, sentences: list[str], k: int) -> list[str]:
    vectors = transform(sentences)
    centroid = np.asarray(vectors.mean(axis=0)).ravel()
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    centroid_norm = float(np.linalg.norm(centroid))
    dots = np.asarray(vectors @ centroid).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        cosines = np.where(norms * centroid_norm > 0, dots / (norms * centroid_norm), 0.0)
    order = sorted(range(len(sentences)), key=lambda i: (-cosines[i], i))[:k]
    return [sentences[i] for i in sorted(order)]
