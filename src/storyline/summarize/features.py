"""Per-sentence features for supervised extractive scoring of a multi-document cluster.

Each candidate sentence gets position features (news puts key facts first), centrality
features (MEAD's centroid cosine, Radev et al. 2004; LexRank-style degree, Erkan & Radev
2004), cross-document support (how many other articles report the same words: the signal
behind SumBasic, Nenkova & Vanderwende 2005, and behind ROUGE-2 itself), surface cues
(length, figures, quotes, a leading pronoun that dangles out of context) and, when an
embedder is given, the same centrality measured on sentence embeddings.

Features are named, so a fitted scorer (`summarize/scoring.py`) reads the ones it was
trained on and ignores the rest; all are computed from the cluster alone, no reference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from storyline.similarity import tfidf_rows

# Lexical features, in the order the fit script stores them.
LEXICAL_FEATURES: tuple[str, ...] = (
    "position_inverse",
    "position_log",
    "is_first",
    "relative_position",
    "document_sentences_log",
    "centroid_cosine",
    "centroid_cosine_relative",
    "degree_centrality",
    "other_document_support",
    "lead_cosine",
    "word_document_frequency",
    "bigram_document_support",
    "length_log",
    "is_short",
    "has_number",
    "has_quote",
    "starts_with_quote",
    "pronoun_start",
    "first_person",
    "attribution",
    "capital_share",
)
# Computed only when an embedder (or precomputed embedding rows) is passed.
EMBEDDING_FEATURES: tuple[str, ...] = (
    "embedding_centroid_cosine",
    "embedding_degree",
    "embedding_centroid_relative",
    "embedding_support",
    "reporting_documents",
    "document_embedding_centrality",
    "document_embedding_centrality_relative",
    "document_lead_embedding_centrality",
    "document_lead_embedding_centrality_is_best",
)
# Computed always, from the words alone: signals meant to transfer across outlets/lengths.
TRANSFER_FEATURES: tuple[str, ...] = (
    "specificity",
    "dangling_start",
    "document_centrality",
    "document_centrality_relative",
    "document_lead_centrality",
    "document_lead_centrality_is_best",
)

# Sentences at positions below this count as a document's lead for `lead_cosine`: the first
# two sentences of a news article usually carry who/what/when (inverted pyramid).
_LEAD_SENTENCES = 2
# Below this many words a sentence is often a fragment, dateline or caption.
_SHORT_WORDS = 12

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_NUMBER_RE = re.compile(r"\d")
_QUOTE_CHARS = '"“”'
_PRONOUNS = frozenset(
    "he she it they this that these those his her its their him them there such".split()
)
# Openers that lean on an earlier sentence: a pronoun or a discourse connective.
_DISCOURSE_OPENERS = frozenset(
    """but and also however still yet meanwhile instead so thus then moreover furthermore
    besides nevertheless nonetheless otherwise similarly likewise indeed here""".split()
)
_MONTHS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday""".split()
)
_FIRST_PERSON = frozenset("i we me my our us i'm we're i've we've".split())
_ATTRIBUTION = frozenset("said says told according reported announced stated".split())
# A small stop list for the document-frequency features; TF-IDF uses scikit-learn's own.
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    has have had do does did not no that this these those it its he she they we you i his her
    their our your them him us me my who whom which what when where why how than then there
    so such can could will would should may might must also just about into over after before
    up down out more most said says""".split()
)


class SentenceEmbedder(Protocol):
    """Anything with `embed(texts)` returning L2-normalised rows (see `storyline.embed`)."""

    def embed(self, texts: Sequence[str]): ...


class SentenceLike(Protocol):
    text: str
    document: int
    position: int


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def _content(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in _STOP and not w.isdigit()]


def _dense_rows(matrix) -> np.ndarray:
    return matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix, dtype=float)


def _centrality(
    similarity: np.ndarray, documents: np.ndarray, positions: np.ndarray
) -> dict[str, np.ndarray]:
    """Degree, cross-document support and lead cosine from a cosine-similarity matrix."""
    n = similarity.shape[0]
    off_diagonal = similarity - np.eye(n) * np.diag(similarity)
    degree = off_diagonal.sum(axis=1) / max(n - 1, 1)
    unique_documents = np.unique(documents)
    support = np.zeros(n)
    others = max(len(unique_documents) - 1, 1)
    for document in unique_documents:
        columns = documents == document
        best = similarity[:, columns].max(axis=1)
        support += np.where(documents == document, 0.0, best)
    support /= others
    lead = positions < _LEAD_SENTENCES
    lead_cosine = np.zeros(n)
    for i in range(n):
        columns = lead & (documents != documents[i])
        if not columns.any():
            columns = lead.copy()
            columns[i] = False
        if columns.any():
            lead_cosine[i] = similarity[i, columns].mean()
    return {"degree": degree, "support": support, "lead": lead_cosine}


def sentence_features(
    candidates: Sequence[SentenceLike],
    vectors=None,
    embedder: SentenceEmbedder | None = None,
    embeddings: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Named feature columns, one value per candidate; `vectors` are TF-IDF rows if known.

    >>> from storyline.summarize import Candidate
    >>> cells = sentence_features([Candidate("Crews struck on Friday over pay.", 0, 0)])
    >>> float(cells["is_first"][0])
    1.0
    """
    n = len(candidates)
    if n == 0:
        return {name: np.zeros(0) for name in LEXICAL_FEATURES + TRANSFER_FEATURES}
    texts = [c.text for c in candidates]
    documents = np.array([c.document for c in candidates])
    positions = np.array([c.position for c in candidates], dtype=float)
    last_position: dict[int, float] = {}
    for c in candidates:
        last_position[c.document] = max(last_position.get(c.document, 0.0), float(c.position))
    document_sentences = np.array([last_position[c.document] + 1 for c in candidates])

    if vectors is None:
        vectors = tfidf_rows(texts)
    centroid = np.asarray(vectors.mean(axis=0)).ravel()
    centroid /= np.linalg.norm(centroid) or 1.0
    centroid_cosine = np.asarray(vectors @ centroid).ravel()
    similarity = _dense_rows(vectors @ vectors.T)
    central = _centrality(similarity, documents, positions)

    words = [_words(t) for t in texts]
    content = [_content(w) for w in words]
    document_count = len(set(documents.tolist()))
    word_documents: dict[str, set[int]] = {}
    bigram_documents: dict[tuple[str, str], set[int]] = {}
    for document, tokens in zip(documents.tolist(), content, strict=True):
        for token in tokens:
            word_documents.setdefault(token, set()).add(document)
        for pair in zip(tokens, tokens[1:], strict=False):
            bigram_documents.setdefault(pair, set()).add(document)
    word_df = np.zeros(n)
    bigram_support = np.zeros(n)
    for i, tokens in enumerate(content):
        if tokens:
            word_df[i] = np.mean([len(word_documents[t]) for t in tokens]) / document_count
        pairs = list(zip(tokens, tokens[1:], strict=False))
        if pairs:
            shared = sum(len(bigram_documents[p]) >= 2 for p in pairs)
            bigram_support[i] = shared / len(pairs)

    lengths = np.array([max(len(t.split()), 1) for t in texts], dtype=float)
    first_words = [w[0] if w else "" for w in words]
    capitals = np.array(
        [
            sum(token[:1].isupper() for token in t.split()[1:]) / max(len(t.split()) - 1, 1)
            for t in texts
        ]
    )
    features = {
        "position_inverse": 1.0 / (1.0 + positions),
        "position_log": np.log1p(positions),
        "is_first": (positions == 0).astype(float),
        "relative_position": positions / np.maximum(document_sentences - 1, 1),
        "document_sentences_log": np.log1p(document_sentences),
        "centroid_cosine": centroid_cosine,
        "centroid_cosine_relative": centroid_cosine / (centroid_cosine.max() or 1.0),
        "degree_centrality": central["degree"],
        "other_document_support": central["support"],
        "lead_cosine": central["lead"],
        "word_document_frequency": word_df,
        "bigram_document_support": bigram_support,
        "length_log": np.log(lengths),
        "is_short": (lengths < _SHORT_WORDS).astype(float),
        "has_number": np.array([bool(_NUMBER_RE.search(t)) for t in texts], dtype=float),
        "has_quote": np.array([any(q in t for q in _QUOTE_CHARS) for t in texts], dtype=float),
        "starts_with_quote": np.array([t.lstrip()[:1] in _QUOTE_CHARS for t in texts], dtype=float),
        "pronoun_start": np.array([w in _PRONOUNS for w in first_words], dtype=float),
        "first_person": np.array([bool(_FIRST_PERSON.intersection(w)) for w in words], dtype=float),
        "attribution": np.array([bool(_ATTRIBUTION.intersection(w)) for w in words], dtype=float),
        "capital_share": capitals,
        "specificity": np.array([specificity(t) for t in texts]),
        "dangling_start": np.array([float(leans_on_context(t)) for t in texts]),
        **document_features(centroid_cosine, documents, positions, "centrality"),
    }
    if embeddings is None and embedder is not None:
        embeddings = _dense_rows(embedder.embed(list(texts))).astype(float)
    if embeddings is not None:
        features.update(embedding_features(embeddings, documents, positions))
    return features


def specificity(text: str) -> float:
    """Share of words after the first that are names, numbers or dates (what makes a
    sentence concrete rather than commentary)."""
    tokens = text.split()[1:]
    if not tokens:
        return 0.0
    hits = 0
    for token in tokens:
        bare = token.strip(".,;:!?()\"'“”‘’")
        if bare and (bare[0].isupper() or any(ch.isdigit() for ch in bare)):
            hits += 1
        elif bare.lower() in _MONTHS:
            hits += 1
    return hits / len(tokens)


def leans_on_context(text: str) -> bool:
    """True when the sentence opens with a pronoun or discourse connective ("But", "He",
    "This"), so it reads wrongly without the sentence before it."""
    words = _words(text[:40])
    if not words:
        return False
    first = re.split(r"['’]", words[0])[0]  # "He's", "It’s": the pronoun before the clitic
    return first in _PRONOUNS or first in _DISCOURSE_OPENERS


def embedding_features(rows: np.ndarray, documents, positions) -> dict[str, np.ndarray]:
    """Centrality and cross-document support on sentence embeddings (e.g. MiniLM rows).

    `reporting_documents` is the share of the other articles with a sentence saying the
    same (cosine at least `SUMMARY_SAME_CONTENT_COSINE`): how many independent outlets
    report the content, when reprints were removed before (the pipeline does).
    """
    from storyline.settings import SUMMARY_SAME_CONTENT_COSINE

    rows = np.asarray(rows, dtype=float)
    documents = np.asarray(documents)
    centroid = rows.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    similarity = rows @ rows.T
    central = _centrality(similarity, documents, np.asarray(positions, dtype=float))
    centroid_cosine = rows @ centroid
    unique_documents = np.unique(documents)
    reporting = np.zeros(len(rows))
    for document in unique_documents:
        columns = documents == document
        said = similarity[:, columns].max(axis=1) >= SUMMARY_SAME_CONTENT_COSINE
        reporting += np.where(columns, 0.0, said)
    reporting /= max(len(unique_documents) - 1, 1)
    return {
        "embedding_centroid_cosine": centroid_cosine,
        "embedding_degree": central["degree"],
        "embedding_centroid_relative": centroid_cosine / (centroid_cosine.max() or 1.0),
        "embedding_support": central["support"],
        "reporting_documents": reporting,
        **document_features(centroid_cosine, documents, positions, "embedding_centrality"),
    }


def document_features(
    centrality: np.ndarray, documents: np.ndarray, positions: np.ndarray, name: str
) -> dict[str, np.ndarray]:
    """How central each sentence's whole article is, and its lead: which article to quote.

    On NeuS the summary is mostly one article's first sentences, and which article decides
    more than which sentence (leading with the best article's lead scores 46 ROUGE-1, the
    worst's 29); the article whose lead is nearest the cluster centroid is the best single
    guess (39.8 R1 against 36.6 for the first article). Columns: the article's mean
    centrality, that relative to the best article, its lead sentences' mean, and whether
    its lead is the cluster's most central.
    """
    documents = np.asarray(documents)
    positions = np.asarray(positions)
    whole, lead = np.zeros(len(centrality)), np.zeros(len(centrality))
    for document in np.unique(documents):
        rows = documents == document
        leading = rows & (positions < _LEAD_SENTENCES)
        whole[rows] = centrality[rows].mean()
        lead[rows] = centrality[leading].mean() if leading.any() else whole[rows][0]
    return {
        f"document_{name}": whole,
        f"document_{name}_relative": whole / (whole.max() or 1.0),
        f"document_lead_{name}": lead,
        f"document_lead_{name}_is_best": (lead >= lead.max() - 1e-12).astype(float),
    }


def feature_matrix(features: dict[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
    """Columns `names` of `features` as an (n, len(names)) matrix."""
    return np.column_stack([features[name] for name in names]) if names else np.zeros((0, 0))
