"""Single-pass (online) story clustering over TF-IDF vectors with a sliding time window.

Each article is compared with the centroids of the stories active in the last `window_days`
(cosine similarity, Allan et al. 1998, "Topic Detection and Tracking pilot study"); it joins
the most similar one when the similarity reaches `threshold`, else it starts a new story.
Term weights use document frequencies counted so far, so no batch fit is needed; vectors are
hashed (Weinberger et al. 2009) so the vocabulary never has to be stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from storyline.errors import ConfigError


class OnlineClusterer:
    """Assign articles to stories as they arrive; `labels_` holds one story id per article.

    >>> clusterer = OnlineClusterer(threshold=0.3)
    >>> clusterer.partial_fit(["Fire at port", "Port fire spreads"], [None, None]).labels_
    [0, 0]
    """

    def __init__(
        self, threshold: float = 0.25, window_days: float = 7.0, n_features: int = 2**18
    ) -> None:
        if not 0 < threshold < 1:
            raise ConfigError(f"threshold must be in (0, 1), got {threshold!r}")
        if window_days <= 0:
            raise ConfigError(f"window_days must be positive, got {window_days!r}")
        self.threshold = threshold
        self.window_days = window_days
        self.n_features = n_features
        self._hasher = HashingVectorizer(
            n_features=n_features, alternate_sign=False, norm=None, stop_words="english"
        )
        self.document_frequency_ = np.zeros(n_features)
        self.documents_seen_ = 0
        self.centroids_: list[sp.csr_matrix] = []
        self.last_seen_: list[datetime | None] = []
        self.labels_: list[int] = []

    def partial_fit(
        self, texts: Sequence[str], dates: Sequence[datetime | None]
    ) -> OnlineClusterer:
        """Assign each text, in order, to an active story or a new one."""
        counts = self._hasher.transform(texts).tocsr()
        for row, when in zip(range(counts.shape[0]), dates, strict=True):
            term_counts = counts[row]
            self.document_frequency_[term_counts.indices] += 1
            self.documents_seen_ += 1
            vector = self._weigh(term_counts)
            story = self._best_story(vector, when)
            if story is None:
                story = len(self.centroids_)
                self.centroids_.append(vector)
                self.last_seen_.append(when)
            else:
                self.centroids_[story] = self.centroids_[story] + vector
                if when is not None:
                    last = self.last_seen_[story]
                    self.last_seen_[story] = when if last is None else max(last, when)
            self.labels_.append(story)
        return self

    def _weigh(self, term_counts: sp.csr_matrix) -> sp.csr_matrix:
        weighted = term_counts.astype(float)
        idf = (
            np.log((self.documents_seen_ + 1) / (self.document_frequency_[weighted.indices] + 1))
            + 1
        )
        weighted.data = (1 + np.log(weighted.data)) * idf
        norm = np.sqrt(weighted.multiply(weighted).sum())
        return weighted / norm if norm else weighted

    def _best_story(self, vector: sp.csr_matrix, when: datetime | None) -> int | None:
        active = [
            i
            for i, last in enumerate(self.last_seen_)
            if when is None
            or last is None
            or abs((when - last).total_seconds()) <= self.window_days * 86400
        ]
        if not active or vector.nnz == 0:
            return None
        centroids = sp.vstack([self.centroids_[i] for i in active]).tocsr()
        norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
        similarity = np.asarray(centroids @ vector.T.toarray()).ravel() / np.maximum(norms, 1e-12)
        best = int(np.argmax(similarity))
        return active[best] if similarity[best] >= self.threshold else None


def cluster_stream(
    texts: Sequence[str],
    dates: Sequence[datetime | None],
    threshold: float = 0.25,
    window_days: float = 7.0,
) -> list[int]:
    """Story id per text, assigning texts in the order given (sort by date first)."""
    return OnlineClusterer(threshold, window_days).partial_fit(texts, dates).labels_
