"""Cheap named-entity and number cues for telling two events of one kind apart.

Two earthquakes, two rehab check-ins or two shootings share almost all of their
vocabulary; what differs is who, where and when: names, places, dates and figures. A
tagger per article (spaCy) is too slow for an online stream (the issue asks >= 300
articles/s/core), so we take the surface cues every English news text carries:
- capitalised words and runs of them ("Tara Reid", "Promises Treatment Center"), both as
  the run and as single words so "Reid" later still matches "Tara Reid". A capitalised
  word that starts a sentence counts unless it is an English stop word ("The", "He");
- numbers: ages, magnitudes, tolls, years ("6.1", "2013", "33").
Headlines in Title Case turn every word into a cue; IDF weighting (the clusterer keeps
document frequencies) keeps common words from counting much there.

Cues are hashed (murmurhash3, as sklearn's HashingVectorizer) into the same number of
buckets as the words, so a story stores them as one more sparse vector.
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.utils import murmurhash3_32

# A run of capitalised words, joined by spaces and the joiners of names ("Bank of England",
# "Ho Chi Minh"); a run never crosses a line or punctuation.
_JOINERS = ("of", "de", "del", "la", "van", "von", "al", "bin", "and")
_WORD = r"[A-Z][\w'’-]*"
_RUN = re.compile(rf"\b{_WORD}(?:(?:[ \t]+(?:{'|'.join(_JOINERS)}))*[ \t]+{_WORD})*")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
# Longer runs are Title Case headlines rather than names; their words still count.
MAX_RUN_WORDS = 4
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"mr", "mrs", "ms", "dr", "said", "says"}


def entity_cues(text: str) -> list[str]:
    """Lower-cased name runs and their words, then the numbers of `text`.

    Capitalised stop words ("The", "He", "Into") never count as names, so a sentence
    start only counts when it is a content word.

    >>> entity_cues("Tara Reid, 33, entered Promises Treatment Center in Malibu.")
    ['tara reid', 'tara', 'reid', 'promises treatment center', 'promises', 'treatment', 'center', 'malibu', '#33']
    """  # noqa: E501
    cues: list[str] = []
    for match in _RUN.finditer(text):
        words = match.group().lower().split()
        while words and (words[0] in _STOP or words[0] in _JOINERS):
            words.pop(0)
        names = [w for w in words if w not in _STOP and w not in _JOINERS]
        if 1 < len(names) <= MAX_RUN_WORDS:
            cues.append(" ".join(words))
        cues.extend(names)
    cues.extend("#" + number.replace(",", "") for number in _NUMBER.findall(text))
    return cues


def hash_cues(texts: list[str], n_features: int) -> sp.csr_matrix:
    """Sublinear counts (1 + log tf) of each text's cues, hashed into `n_features` columns."""
    indptr, indices, values = [0], [], []
    for text in texts:
        buckets: dict[int, int] = {}
        for cue in entity_cues(text):
            bucket = murmurhash3_32(cue, positive=True) % n_features
            buckets[bucket] = buckets.get(bucket, 0) + 1
        indices.extend(buckets)
        values.extend(buckets.values())
        indptr.append(len(indices))
    matrix = sp.csr_matrix(
        (np.asarray(values, dtype=float), np.asarray(indices, dtype=np.int64), indptr),
        shape=(len(texts), n_features),
    )
    matrix.data = 1 + np.log(matrix.data)
    return matrix
