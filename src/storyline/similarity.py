"""TF-IDF sentence vectors shared by the stages that compare sentences."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer


def tfidf_rows(texts: Sequence[str]):
    """L2-normalised sparse TF-IDF rows, one per text (English stop words dropped).

    Falls back to keeping stop words when the texts hold nothing else.
    """
    try:
        return TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:
        return TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w+\b").fit_transform(texts)
