"""Single-pass (online) story clustering with a sliding time window and recorded merges.

Each article is compared with the stories active in the last `window_days` (single-pass
clustering as in Allan et al. 1998, "Topic Detection and Tracking pilot study"). The
similarity to a story is a weighted mean of two centroid cosines:
- TF-IDF: hashed words (Weinberger et al. 2009) weighted with document frequencies counted
  so far, so no batch fit and no stored vocabulary are needed; a story keeps the sum of its
  members' sublinear term counts, weighted with the IDF of the last index build;
- an `Embedder` (packaged MiniLM sentence vectors by default in `cluster_stream` when
  installed; see `storyline.embed`), whose centroid is the sum of member vectors;
- entity cues (cluster/features.py: capitalised names and numbers, hashed and
  IDF-weighted like the words), which tell two events of one kind apart (two
  earthquakes share their words but not their places, dates and tolls). Their cosine gets
  `entity_weight` of the similarity when both sides have cues.
The article joins the most similar story when the similarity reaches `threshold`, else it
starts a new story.

Speed (the issue asks >= 300 articles/s/core): IDF weights are frozen between index
builds, so each story's weighted sums sit in term-major posting indexes
(cluster/index.py) with running squared norms; an article's dot products with every
story cost its terms' posting lists, and a join appends the article's entries as a delta
instead of rewriting the story. A build re-weights everything with the current IDF when
the documents seen have grown by a tenth, or when the queries since the last build have
spent a build's cost on reading deltas. Cosine numerators use the current document
frequencies exactly (see `_Side`); story norms are those of the last build, kept current
as articles join. After a join, the grown story (its heaviest terms and cues, so the cost
stays bounded as a long-running story grows) is compared with the other active stories;
one at `merge_threshold` or more is merged into the older story and a
`StoryEvent("merge")` is recorded.

Long-running stories: a story outside the time window is dormant. A later article that
clearly continues it (similarity at `revive_threshold`, above the join threshold) joins
it again and a `StoryEvent("revive")` is recorded, so a story survives gaps of months.
Dormant stories leave the posting indexes at the next build and keep a signature (their
64 heaviest terms, 32 heaviest cues and the embedder centroid) in an archive index; past
`archive_limit` archived stories the oldest keep only their metadata, so working memory
follows the active window, not the stream's length.

Every `recluster_every` arrivals, and at the end of each `partial_fit` call, the last
`recluster_size` articles still inside the time window are re-clustered on the same
similarity (cluster/window.py: average-link topics, then the events inside each topic, cut
at the join threshold): an article whose
group sits in another story moves there, a group no story holds most of becomes a new
story (`StoryEvent("split")`), and a story left empty is marked merged into the story
that took its articles (`StoryEvent("merge")`). This undoes the order effects of single
pass (a second event's first article joining the first event and dragging its followers
along) at a cost bounded by the window size, not the stream length.

Story ids never change: `labels_` keeps the id each article got on arrival,
`assignments_` the story it is in now, and `story_of` follows merges.

Learned state lives in attributes ending in `_` and round-trips through `to_state()` /
`from_state()` (a JSON-able dict for the store's key-value table).
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from storyline.cluster.arrays import pack, unpack
from storyline.cluster.features import hash_cues
from storyline.cluster.index import ArchiveIndex, PostingIndex
from storyline.cluster.label import story_label
from storyline.cluster.sparse import add_sparse
from storyline.cluster.window import name_groups, window_groups
from storyline.embed.base import Embedder
from storyline.errors import ConfigError
from storyline.records import Story, StoryEvent
from storyline.settings import Settings

# 2: stories keep entity cues (cue_indices/cue_values); the state keeps the re-clustering
# window and each article's current story; params carry entity_weight and recluster_*.
# Version-1 states load with entity_weight 0 and re-clustering off, i.e. as they were built.
# 3: stories carry `archived` (their sums cut to a signature); params carry
# revive_threshold and archive_limit. Version-2 states load unchanged (none archived yet).
# 4: arrays are packed strings (cluster/arrays.py), about 40% smaller than JSON lists;
# earlier versions' lists still load.
STATE_VERSION = 4

# Defaults live in Settings, with where each value came from (settings.py).
_SETTINGS = Settings()
DEFAULT_THRESHOLD = _SETTINGS.cluster_threshold
DEFAULT_TEXT_WEIGHT = _SETTINGS.cluster_text_weight
DEFAULT_ENTITY_WEIGHT = _SETTINGS.cluster_entity_weight
DEFAULT_RECLUSTER_EVERY = _SETTINGS.cluster_recluster_every
DEFAULT_RECLUSTER_SIZE = _SETTINGS.cluster_recluster_size
# Merging needs stronger evidence than joining: two stories' centroids are smoother than
# one article, so their cosine runs higher for the same story. With a margin of 0.1 the
# held-out BCubed F1 fell (Multi-News-mix .867 -> .855, ECB+ within-topic .845 -> .840,
# eval-harness units with cached MiniLM vectors); 0.2 scored as merging off does, and
# keeps merges for stories that really converge.
DEFAULT_MERGE_MARGIN = 0.2
# A continuation of a dormant story must be clearer than a join within the window: it is
# scored against a truncated signature and bridges a gap of weeks or months.
DEFAULT_REVIVE_MARGIN = 0.05
DEFAULT_ARCHIVE_LIMIT = _SETTINGS.cluster_archive_limit
# A story leaves the posting indexes (and is archived) once its newest article is this many
# windows older than the newest arrival; the slack keeps late arrivals joinable.
DORMANT_AFTER_WINDOWS = 2
# Archived signature sizes: a story's most heavily weighted terms and cues.
SIGNATURE_TERMS = 64
SIGNATURE_CUES = 32
# A merge check queries with the grown story's heaviest terms and cues only, so its cost
# stays bounded as a long-running story gathers thousands of terms (with its full sums the
# check was the largest cost at 100k+ articles); smaller stories are scored exactly, larger
# ones from below (see `_check_merge`).
MERGE_QUERY_TERMS = 256
MERGE_QUERY_CUES = 64
# A build costs about what queries spend reading this many delta entries per built entry,
# plus a fixed part (IDF and term offsets over all features): measured on the 40k scale
# stream, 45 ms for 211k entries and 8 ms for an empty index, vs 9.4 ns per delta entry
# read by a query. So a build is due once the queries since the last one have read that
# many delta entries (see `_needs_rebuild`).
_BUILD_READS_PER_ENTRY = 20
_BUILD_READS_FIXED = 1_000_000
_EMPTY_INDICES = np.zeros(0, dtype=np.int64)
_EMPTY_VALUES = np.zeros(0)
# Stories keep their first articles' headlines to label them (see cluster/label.py).
LABEL_POOL = 5


@dataclass(slots=True)
class _StoryState:
    story_id: int
    # Sum of members' unit term vectors as sorted hashed indices and their values.
    term_indices: np.ndarray
    term_values: np.ndarray
    vector: np.ndarray | None
    size: int
    first_at: datetime | None
    last_at: datetime | None
    article_ids: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    merged_into: int | None = None
    label: str | None = None
    # Sum of members' unit entity-cue vectors (features.py), as the terms.
    cue_indices: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cue_values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # Dormant: out of the posting indexes, sums cut to a signature (see _archive).
    archived: bool = False


@dataclass(slots=True)
class _WindowRow:
    """One recent article's unit vectors, kept for re-clustering the window."""

    position: int  # index into labels_ / article_ids_ / assignments_
    term_indices: np.ndarray
    term_values: np.ndarray
    cue_indices: np.ndarray
    cue_values: np.ndarray
    vector: np.ndarray | None
    at: datetime | None
    headline: str | None = None
    outlet: str | None = None


def _utc(when: datetime | None) -> datetime | None:
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


class OnlineClusterer:
    """Assign articles to stories as they arrive; `labels_` holds one story id per article.

    Args:
        threshold: similarity (0-1) an article needs to join a story.
        window_days: a story is dormant once its newest article is this much older than
            the incoming one; undated articles see every story that is not archived.
        embedder: an `Embedder` for the semantic half of the similarity, or None for
            TF-IDF alone (then `text_weight` is forced to 1).
        text_weight: weight of the TF-IDF cosine; the embedder cosine gets the rest.
        merge_threshold: story-to-story similarity that merges two active stories
            (default: threshold + 0.2); 1.0 or more turns merging off.
        entity_weight: share of the similarity given to the entity-cue cosine (names,
            numbers) when the article and the story both have cues; 0 turns cues off.
        recluster_every: arrivals between window re-clusterings (each `partial_fit` call
            also ends with one); 0 turns re-clustering off.
        recluster_size: how many of the newest articles a re-clustering looks at (its cost
            is quadratic in this).
        revive_threshold: similarity an article needs to a dormant story's signature to
            continue it after a gap (default: threshold + 0.15); 1.0 or more turns it off.
        archive_limit: dormant stories kept revivable; past it the longest-dormant ones
            keep only their metadata.

    >>> clusterer = OnlineClusterer(threshold=0.3)
    >>> clusterer.partial_fit(["Fire at port", "Port fire spreads"], [None, None]).labels_
    [0, 0]
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        window_days: float = 7.0,
        embedder: Embedder | None = None,
        text_weight: float = DEFAULT_TEXT_WEIGHT,
        merge_threshold: float | None = None,
        n_features: int = 2**18,
        entity_weight: float = DEFAULT_ENTITY_WEIGHT,
        recluster_every: int = DEFAULT_RECLUSTER_EVERY,
        recluster_size: int = DEFAULT_RECLUSTER_SIZE,
        revive_threshold: float | None = None,
        archive_limit: int = DEFAULT_ARCHIVE_LIMIT,
    ) -> None:
        if not 0 < threshold < 1:
            raise ConfigError(f"threshold must be in (0, 1), got {threshold!r}")
        if window_days <= 0:
            raise ConfigError(f"window_days must be positive, got {window_days!r}")
        if not 0 <= text_weight <= 1:
            raise ConfigError(f"text_weight must be in [0, 1], got {text_weight!r}")
        if merge_threshold is not None and merge_threshold <= 0:
            raise ConfigError(f"merge_threshold must be positive, got {merge_threshold!r}")
        if n_features <= 0:
            raise ConfigError(f"n_features must be positive, got {n_features!r}")
        if not 0 <= entity_weight < 1:
            raise ConfigError(f"entity_weight must be in [0, 1), got {entity_weight!r}")
        if recluster_every < 0:
            raise ConfigError(f"recluster_every must be 0 (off) or more, got {recluster_every!r}")
        if recluster_size < 2:
            raise ConfigError(f"recluster_size must be 2 or more, got {recluster_size!r}")
        if revive_threshold is not None and revive_threshold <= 0:
            raise ConfigError(f"revive_threshold must be positive, got {revive_threshold!r}")
        if archive_limit < 0:
            raise ConfigError(f"archive_limit must be 0 or more, got {archive_limit!r}")
        self.threshold = threshold
        self.window_days = window_days
        self.embedder = embedder
        self.text_weight = text_weight if embedder is not None else 1.0
        self.merge_threshold = merge_threshold
        self.n_features = n_features
        self.entity_weight = entity_weight
        self.recluster_every = recluster_every
        self.recluster_size = recluster_size
        self.revive_threshold = revive_threshold
        self.archive_limit = archive_limit
        self._hasher = HashingVectorizer(
            n_features=n_features, alternate_sign=False, norm=None, stop_words="english"
        )
        self.document_frequency_ = np.zeros(n_features)
        self.cue_frequency_ = np.zeros(n_features)
        self.documents_seen_ = 0
        self.stories_: list[_StoryState] = []
        self.labels_: list[int] = []
        self.article_ids_: list[str] = []
        self.events_: list[StoryEvent] = []
        self.assignments_: list[int] = []
        self.window_: deque[_WindowRow] = deque(maxlen=recluster_size)
        self.since_recluster_ = 0
        # Derived state, rebuilt by `_rebuild` (and so by from_state): the live stories
        # (not merged away, not archived) sit in slots 0..n_slots-1 of the posting indexes
        # and of these per-slot arrays.
        self._scratch = np.zeros(n_features)
        self._terms = PostingIndex(n_features)
        self._cues = PostingIndex(n_features)
        self._idf_terms = np.ones(n_features)
        self._idf_cues = np.ones(n_features)
        self._built_at_documents = 0
        self._slot_story = np.zeros(0, dtype=np.int64)
        self._slot_of: dict[int, int] = {}
        self._n_slots = 0
        self._live = np.zeros(0, dtype=bool)
        self._last_s = np.zeros(0)
        self._term_norm2 = np.zeros(0)
        self._cue_norm2 = np.zeros(0)
        self._vectors: np.ndarray | None = None
        self._newest_s = -np.inf
        # dormant stories' signatures (see _archive): entry -> story id, story id -> entry
        self._archive_terms = ArchiveIndex(n_features)
        self._archive_cues = ArchiveIndex(n_features)
        self._entry_story: list[int] = []
        self._entry_of: dict[int, int] = {}
        self._entry_vectors: dict[int, np.ndarray] = {}

    # --- fitting ------------------------------------------------------------------------

    def partial_fit(
        self,
        texts: Sequence[str],
        dates: Sequence[datetime | None],
        article_ids: Sequence[str] | None = None,
        headlines: Sequence[str | None] | None = None,
        outlets: Sequence[str | None] | None = None,
        vectors: np.ndarray | None = None,
    ) -> OnlineClusterer:
        """Assign each text, in the order given (sort by date first), to a story.

        `vectors` are precomputed embedder rows for `texts` (to reuse them across runs);
        without them the embedder is called once for the whole batch. The call ends with
        a window re-clustering when that is on (quadratic in `recluster_size`), so feed
        batches rather than one article per call.
        """
        n = len(texts)
        if len(dates) != n:
            raise ConfigError(f"got {n} texts but {len(dates)} dates")
        start = len(self.labels_)
        article_ids = (
            list(article_ids) if article_ids is not None else [str(start + i) for i in range(n)]
        )
        headlines = list(headlines) if headlines is not None else [None] * n
        outlets = list(outlets) if outlets is not None else [None] * n
        if not (len(article_ids) == len(headlines) == len(outlets) == n):
            raise ConfigError("article_ids, headlines and outlets must match texts in length")
        if self.embedder is not None and self.text_weight < 1 and n:
            if vectors is None:
                vectors = self.embedder.embed(list(texts))
            vectors = np.asarray(vectors.toarray() if sp.issparse(vectors) else vectors)
            if vectors.shape[0] != n:
                raise ConfigError(f"got {vectors.shape[0]} vectors for {n} texts")
        else:
            vectors = None
        counts = self._hasher.transform(list(texts)).tocsr().astype(float)
        counts.data = 1 + np.log(counts.data)
        counts.sort_indices()
        cues = hash_cues(list(texts), self.n_features) if self.entity_weight > 0 else None
        if cues is not None:
            cues.sort_indices()
        for row in range(n):
            self._add_one(
                _row(counts, row),
                None if cues is None else _row(cues, row),
                None if vectors is None else np.asarray(vectors[row], dtype=np.float64),
                _utc(dates[row]),
                article_ids[row],
                headlines[row],
                outlets[row],
            )
            self.since_recluster_ += 1
            if self.recluster_every and self.since_recluster_ >= self.recluster_every:
                self.recluster_window()
        if self.recluster_every and self.since_recluster_:
            self.recluster_window()
        return self

    def _idf(self, indices: np.ndarray, frequency: np.ndarray | None = None) -> np.ndarray:
        frequency = self.document_frequency_ if frequency is None else frequency
        return self._idf_of(frequency[indices])

    def _idf_of(self, frequency: np.ndarray) -> np.ndarray:
        """Smoothed IDF of document frequencies, computed in place on one copy (a build
        takes it over all features)."""
        idf = frequency + 1
        np.divide(self.documents_seen_ + 1, idf, out=idf)
        np.log(idf, out=idf)
        idf += 1
        return idf

    def _unit_row(self, row, frequency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sorted indices and values of a count row, scaled to unit IDF-weighted norm."""
        if row is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        indices, values = row
        frequency[indices] += 1
        norm = float(np.sqrt(np.sum((values * self._idf(indices, frequency)) ** 2)))
        return indices, values / norm if norm else values

    def _add_one(self, terms, cues, vector, when, article_id, headline, outlet) -> None:
        self.documents_seen_ += 1
        indices, values = self._unit_row(terms, self.document_frequency_)
        cue_indices, cue_values = self._unit_row(cues, self.cue_frequency_)
        if self._needs_rebuild():
            self._rebuild()
        row = _WindowRow(
            position=len(self.labels_),
            term_indices=indices,
            term_values=values,
            cue_indices=cue_indices,
            cue_values=cue_values,
            vector=vector,
            at=when,
            headline=headline,
            outlet=outlet,
        )
        query = self._query((indices, values), (cue_indices, cue_values), vector)
        story = None
        if indices.size:
            slots, similarity = self._score(query)
            near = self._in_window(slots, when)
            # a story inside the window is joined at the threshold; a dormant one that is
            # still live (not yet archived) only by a clear continuation
            for mask, limit in ((near, self.threshold), (~near, self._revive_limit())):
                if not mask.any():
                    continue
                best = np.flatnonzero(mask)[int(np.argmax(similarity[mask]))]
                if similarity[best] >= limit:
                    story = self.stories_[int(self._slot_story[slots[best]])]
                    if mask is not near:
                        self._record_revive(story, when, article_id, similarity[best])
                    break
            if story is None:
                story = self._revive(query, when, article_id)
        if story is None:
            story = self._new_empty_story()
            self._open_slot(story)
        self._join(story, row, query)
        story.article_ids.append(article_id)
        self.labels_.append(story.story_id)
        self.assignments_.append(story.story_id)
        self.article_ids_.append(article_id)
        if when is not None:
            self._newest_s = max(self._newest_s, when.timestamp())
        if self.recluster_every:
            self.window_.append(row)
        self._check_merge(story)

    def _query(self, terms, cues, vector) -> _Query:
        """Terms and cues (indices, values) as a query, weighted with the built and the
        current IDF."""
        return _Query(
            terms=_Side.of(*terms, self._idf_terms, self._idf(terms[0])),
            cues=_Side.of(*cues, self._idf_cues, self._idf(cues[0], self.cue_frequency_)),
            vector=vector,
        )

    def _join(self, story, row: _WindowRow, query: _Query) -> None:
        """Add one article to a live story: its sums, slot, norms and metadata."""
        slot = self._slot_of[story.story_id]
        # |s + a|^2 = |s|^2 + 2 s.a + |a|^2 under the built IDF (the index holds s weighted
        # so: its raw sums times the built IDF)
        term_dot = _dot(
            story.term_indices,
            story.term_values * self._idf_terms[story.term_indices],
            query.terms.indices,
            query.terms.built,
        )
        cue_dot = _dot(
            story.cue_indices,
            story.cue_values * self._idf_cues[story.cue_indices],
            query.cues.indices,
            query.cues.built,
        )
        story.term_indices, story.term_values = add_sparse(
            story.term_indices, story.term_values, row.term_indices, row.term_values
        )
        story.cue_indices, story.cue_values = add_sparse(
            story.cue_indices, story.cue_values, row.cue_indices, row.cue_values
        )
        self._term_norm2[slot] += 2 * term_dot + query.terms.built_norm**2
        self._cue_norm2[slot] += 2 * cue_dot + query.cues.built_norm**2
        self._terms.add(slot, query.terms.indices, query.terms.built)
        self._cues.add(slot, query.cues.indices, query.cues.built)
        if row.vector is not None:
            story.vector = row.vector.copy() if story.vector is None else story.vector + row.vector
            self._slot_vector(slot, story.vector)
        _add_member(story, row)
        if story.last_at is not None:
            self._last_s[slot] = story.last_at.timestamp()

    # --- scoring ------------------------------------------------------------------------

    def _in_window(self, slots: np.ndarray, when: datetime | None) -> np.ndarray:
        """Which of `slots` hold a story inside the time window of `when` (undated: all)."""
        if when is None:
            return np.ones(slots.size, dtype=bool)
        gap = np.abs(self._last_s[slots] - when.timestamp())
        return np.isnan(gap) | (gap <= self.window_days * 86400)

    def _score(self, query: _Query, exclude: int | None = None):
        """Live slots that can score above zero and their similarities to `query`.

        Returns (slots, similarity). Cosine numerators use the current IDF (see `_Side`), story
        norms the built one, kept current as articles join. Without embedder
        vectors a story sharing no term and no cue with the query scores exactly 0, below
        any threshold, so only slots with a posting are kept; with vectors, every active
        slot is.
        """
        n = self._n_slots
        term_dots = self._terms.dots(query.terms.indices, query.terms.probe, n, self._scratch)
        use_cues = self.entity_weight > 0 and query.cues.indices.size > 0
        cue_dots = np.zeros(n)
        if use_cues:
            cue_dots = self._cues.dots(query.cues.indices, query.cues.probe, n, self._scratch)
        keep = self._live[:n].copy()
        if exclude is not None:
            keep[exclude] = False
        semantic = query.vector is not None and self.text_weight < 1
        if not semantic:
            keep &= (term_dots > 0) | (cue_dots > 0)
        slots = np.flatnonzero(keep)
        text = term_dots[slots] / np.maximum(np.sqrt(self._term_norm2[slots]), 1e-12)
        text /= query.terms.norm or 1.0
        if semantic:
            centroids = (
                self._vectors[slots]
                if self._vectors is not None
                else np.zeros((slots.size, query.vector.size))
            )
            cosine = centroids @ query.vector
            cosine /= np.maximum(np.sqrt(np.einsum("ij,ij->i", centroids, centroids)), 1e-12)
            cosine /= max(float(np.sqrt(query.vector @ query.vector)), 1e-12)
            text = self.text_weight * text + (1 - self.text_weight) * cosine
        if use_cues:
            cue_norm2 = self._cue_norm2[slots]
            entity = cue_dots[slots] / np.maximum(np.sqrt(cue_norm2), 1e-12) / query.cues.norm
            weight = np.where(cue_norm2 > 1e-18, self.entity_weight, 0.0)
            text = (1 - weight) * text + weight * entity
        return slots, text

    # --- index maintenance --------------------------------------------------------------

    def _needs_rebuild(self) -> bool:
        """Rebuild when IDF has drifted (documents seen grew by a tenth) or when the
        queries since the last build have spent on reading deltas what a build costs:
        the rent-or-buy rule, within twice the best cost whatever the query mix."""
        if self.documents_seen_ > 1.1 * self._built_at_documents + 1:
            return True
        read = self._terms.delta_read + self._cues.delta_read
        built = self._terms.size + self._cues.size
        return read > _BUILD_READS_PER_ENTRY * built + _BUILD_READS_FIXED

    def _rebuild(self, stories: list[_StoryState] | None = None) -> None:
        """Re-weight with the current IDF, archive dormant stories, rebuild the posting
        indexes over the live stories (those in live slots, or `stories`)."""
        self._idf_terms = self._idf_of(self.document_frequency_)
        self._idf_cues = self._idf_of(self.cue_frequency_)
        self._built_at_documents = self.documents_seen_
        horizon = self._newest_s - DORMANT_AFTER_WINDOWS * self.window_days * 86400
        if stories is None:
            n = self._n_slots
            stories = [self.stories_[i] for i in self._slot_story[:n][self._live[:n]].tolist()]
        live, dormant = [], []
        # in id order, so ties between equal scores go to the older story
        for story in sorted(stories, key=lambda s: s.story_id):
            if story.merged_into is not None or story.archived:
                continue
            stamp = story.last_at.timestamp() if story.last_at else np.nan
            (dormant if stamp < horizon else live).append(story)
        self._archive(dormant)
        count = len(live)
        self._slot_story = np.fromiter((s.story_id for s in live), dtype=np.int64, count=count)
        self._slot_of = {s.story_id: i for i, s in enumerate(live)}
        self._n_slots = count
        self._live = np.ones(count, dtype=bool)
        self._last_s = np.array(
            [s.last_at.timestamp() if s.last_at else np.nan for s in live], dtype=float
        )
        self._term_norm2 = self._build(self._terms, live, "term", self._idf_terms)
        self._cue_norm2 = self._build(self._cues, live, "cue", self._idf_cues)
        vectors = [s.vector for s in live]
        self._vectors = None
        if any(v is not None for v in vectors):
            size = next(v.size for v in vectors if v is not None)
            self._vectors = np.stack([np.zeros(size) if v is None else v for v in vectors])

    def _build(self, index: PostingIndex, stories, kind: str, idf: np.ndarray) -> np.ndarray:
        """Build one posting index over `stories` (slot = position); their squared norms."""
        indices = [getattr(s, f"{kind}_indices") for s in stories]
        lengths = np.fromiter((i.size for i in indices), dtype=np.int64, count=len(indices))
        terms = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        values = [getattr(s, f"{kind}_values") for s in stories]
        weights = (np.concatenate(values) if values else np.zeros(0)) * idf[terms]
        slots = np.repeat(np.arange(len(stories)), lengths)
        index.build(terms, slots, weights, len(stories))
        return np.bincount(slots, weights=weights**2, minlength=len(stories))

    def _open_slot(self, story: _StoryState) -> int:
        """Give a story created (or revived) since the last build a slot of its own."""
        slot = self._n_slots
        if slot >= self._live.size:
            grow = max(64, 2 * self._live.size)
            self._slot_story = np.resize(self._slot_story, grow)
            self._live = np.concatenate([self._live, np.zeros(grow - self._live.size, bool)])
            pad = grow - self._last_s.size
            self._last_s = np.concatenate([self._last_s, np.full(pad, np.nan)])
            self._term_norm2 = np.concatenate([self._term_norm2, np.zeros(pad)])
            self._cue_norm2 = np.concatenate([self._cue_norm2, np.zeros(pad)])
            if self._vectors is not None:
                self._vectors = np.concatenate(
                    [self._vectors, np.zeros((pad, self._vectors.shape[1]))]
                )
        self._n_slots += 1
        self._slot_story[slot] = story.story_id
        self._slot_of[story.story_id] = slot
        self._live[slot] = True
        self._last_s[slot] = story.last_at.timestamp() if story.last_at else np.nan
        for kind, index, idf, norms in (
            ("term", self._terms, self._idf_terms, self._term_norm2),
            ("cue", self._cues, self._idf_cues, self._cue_norm2),
        ):
            indices = getattr(story, f"{kind}_indices")
            weights = getattr(story, f"{kind}_values") * idf[indices]
            index.add(slot, indices, weights)
            norms[slot] = float(weights @ weights)
        if story.vector is not None:
            self._slot_vector(slot, story.vector)
        elif self._vectors is not None:
            self._vectors[slot] = 0.0
        return slot

    def _slot_vector(self, slot: int, vector: np.ndarray) -> None:
        if self._vectors is None:
            self._vectors = np.zeros((self._live.size, vector.size))
        self._vectors[slot] = vector

    # --- merges -------------------------------------------------------------------------

    def _check_merge(self, story: _StoryState) -> None:
        """Merge a story that grew with the most similar other active story, if at the
        merge threshold; the older id is kept and a `StoryEvent("merge")` recorded."""
        limit = (
            self.merge_threshold
            if self.merge_threshold is not None
            else self.threshold + DEFAULT_MERGE_MARGIN
        )
        slot = self._slot_of.get(story.story_id)
        if limit >= 1 or slot is None or story.merged_into is not None or story.size < 2:
            return
        query = self._query(
            _top(story.term_indices, story.term_values, self._idf_terms, MERGE_QUERY_TERMS),
            _top(story.cue_indices, story.cue_values, self._idf_cues, MERGE_QUERY_CUES),
            story.vector,
        )
        # divide by the whole story's norms: with non-negative weights the score is then a
        # lower bound of the exact cosine, so the cut never adds a merge
        query.terms.norm = _norm(story.term_values * self._idf(story.term_indices))
        query.cues.norm = _norm(
            story.cue_values * self._idf(story.cue_indices, self.cue_frequency_)
        )
        slots, similarity = self._score(query, exclude=slot)
        near = self._in_window(slots, story.last_at)
        slots, similarity = slots[near], similarity[near]
        if not slots.size:
            return
        best = int(np.argmax(similarity))
        if similarity[best] < limit:
            return
        other = self.stories_[int(self._slot_story[slots[best]])]
        keep, gone = (story, other) if story.story_id < other.story_id else (other, story)
        keep.term_indices, keep.term_values = add_sparse(
            keep.term_indices, keep.term_values, gone.term_indices, gone.term_values
        )
        keep.cue_indices, keep.cue_values = add_sparse(
            keep.cue_indices, keep.cue_values, gone.cue_indices, gone.cue_values
        )
        if gone.vector is not None:
            keep.vector = gone.vector.copy() if keep.vector is None else keep.vector + gone.vector
        keep.size += gone.size
        keep.article_ids.extend(gone.article_ids)
        for headline in gone.headlines:
            if len(keep.headlines) < LABEL_POOL:
                keep.headlines.append(headline)
        keep.outlets.extend(o for o in gone.outlets if o not in keep.outlets)
        stamps = [t for t in (keep.first_at, gone.first_at) if t is not None]
        keep.first_at = min(stamps) if stamps else None
        stamps = [t for t in (keep.last_at, gone.last_at) if t is not None]
        keep.last_at = max(stamps) if stamps else None
        gone.merged_into = keep.story_id
        self._live[self._slot_of.pop(gone.story_id)] = False
        # the kept story moves to a fresh slot holding its merged sums
        self._live[self._slot_of.pop(keep.story_id)] = False
        self._open_slot(keep)
        self.events_.append(
            StoryEvent(
                kind="merge",
                story_id=keep.story_id,
                from_ids=(gone.story_id,),
                at=story.last_at,
                article_id=story.article_ids[-1] if story.article_ids else None,
                similarity=round(float(similarity[best]), 4),
            )
        )

    # --- dormant stories ----------------------------------------------------------------

    def _archive(self, stories: list[_StoryState]) -> None:
        """Keep a small signature of each newly dormant story so a clear continuation can
        revive it (`_revive`); past `archive_limit` the oldest signatures are dropped."""
        if not stories:
            return
        entries, term_rows, cue_rows = [], [], []
        for story in stories:
            story.archived = True
            story.term_indices, story.term_values = _top(
                story.term_indices, story.term_values, self._idf_terms, SIGNATURE_TERMS
            )
            story.cue_indices, story.cue_values = _top(
                story.cue_indices, story.cue_values, self._idf_cues, SIGNATURE_CUES
            )
            entry = len(self._entry_story)
            self._entry_story.append(story.story_id)
            self._entry_of[story.story_id] = entry
            entries.append(entry)
            term_rows.append(_unit(story.term_indices, story.term_values, self._idf_terms))
            cue_rows.append(_unit(story.cue_indices, story.cue_values, self._idf_cues))
            if story.vector is not None:
                norm = float(np.linalg.norm(story.vector)) or 1.0
                self._entry_vectors[entry] = (story.vector / norm).astype(np.float32)
        self._archive_terms.add(entries, term_rows)
        self._archive_cues.add(entries, cue_rows)
        while self._archive_terms.entries > self.archive_limit:
            first = self._archive_terms.chunks[0][1]
            self._archive_terms.drop_oldest()
            self._archive_cues.drop_oldest()
            for entry in first.tolist():
                story = self.stories_[self._entry_story[entry]]
                if self._entry_of.get(story.story_id) == entry:
                    del self._entry_of[story.story_id]
                    story.term_indices, story.term_values = _EMPTY_INDICES, _EMPTY_VALUES
                    story.cue_indices, story.cue_values = _EMPTY_INDICES, _EMPTY_VALUES
                    story.vector = None
                self._entry_vectors.pop(entry, None)

    def _revive(self, query: _Query, when, article_id) -> _StoryState | None:
        """The dormant story this article clearly continues (its signature scores at
        `revive_threshold`), moved back into the live slots; None if there is none."""
        limit = self._revive_limit()
        if limit >= 1 or not self._entry_of:
            return None
        entries, term_dots = self._archive_terms.search(query.terms.indices, query.terms.unit)
        cue_dots = np.zeros(entries.size)
        use_cues = self.entity_weight > 0 and query.cues.indices.size > 0
        if use_cues:
            cue_entries, found = self._archive_cues.search(query.cues.indices, query.cues.unit)
            both = np.concatenate([entries, cue_entries])
            entries, inverse = np.unique(both, return_inverse=True)
            split = term_dots.size
            term_dots = np.bincount(inverse[:split], term_dots, entries.size)
            cue_dots = np.bincount(inverse[split:], found, entries.size)
        valid = np.array(
            [self._entry_of.get(self._entry_story[e]) == e for e in entries.tolist()], dtype=bool
        )
        if not valid.any():
            return None
        entries, similarity, cue_dots = entries[valid], term_dots[valid], cue_dots[valid]
        if query.vector is not None and self.text_weight < 1:
            norm = float(np.linalg.norm(query.vector)) or 1.0
            semantic = np.array(
                [
                    float(self._entry_vectors[e] @ query.vector) / norm
                    if e in self._entry_vectors
                    else 0.0
                    for e in entries.tolist()
                ]
            )
            similarity = self.text_weight * similarity + (1 - self.text_weight) * semantic
        if use_cues:
            has_cues = np.array(
                [self.stories_[self._entry_story[e]].cue_indices.size > 0 for e in entries.tolist()]
            )
            weight = np.where(has_cues, self.entity_weight, 0.0)
            similarity = (1 - weight) * similarity + weight * cue_dots
        best = int(np.argmax(similarity))
        if similarity[best] < limit:
            return None
        story = self.stories_[self._entry_story[int(entries[best])]]
        del self._entry_of[story.story_id]
        story.archived = False
        self._open_slot(story)
        self._record_revive(story, when, article_id, similarity[best])
        return story

    def _revive_limit(self) -> float:
        if self.revive_threshold is not None:
            return self.revive_threshold
        return self.threshold + DEFAULT_REVIVE_MARGIN

    def _record_revive(self, story, when, article_id, similarity) -> None:
        self.events_.append(
            StoryEvent(
                kind="revive",
                story_id=story.story_id,
                at=when,
                article_id=article_id,
                similarity=round(float(similarity), 4),
            )
        )

    # --- window re-clustering -------------------------------------------------------------

    def recluster_window(self) -> list[StoryEvent]:
        """Re-cluster the recent articles (module doc); returns the events it recorded."""
        self.since_recluster_ = 0
        rows = list(self.window_)
        stamps = [r.at for r in rows if r.at is not None]
        if stamps:
            newest = max(stamps)
            rows = [
                r
                for r in rows
                if r.at is None or (newest - r.at).total_seconds() <= self.window_days * 86400
            ]
        if len(rows) < 2:
            self._rebuild()
            return []
        groups = window_groups(self._row_similarity(rows), self.threshold)
        current = [self.story_of(self.assignments_[r.position]) for r in rows]
        targets: dict[int, int] = {}
        for group, story_id in sorted(name_groups(groups, current).items()):
            if story_id is None:
                story = self._new_empty_story()
                self._open_slot(story)
                story_id = story.story_id
            targets[group] = story_id
        moved: dict[int, Counter] = {}
        for row, group, source in zip(rows, groups.tolist(), current, strict=True):
            target = targets[group]
            if target != source:
                self._move(row, self.stories_[source], self.stories_[target])
                moved.setdefault(source, Counter())[target] += 1
        events = []
        at = max(stamps) if stamps else None
        for source, counts in sorted(moved.items()):
            story = self.stories_[source]
            if story.size == 0:
                keep = counts.most_common(1)[0][0]
                story.merged_into = keep
                events.append(StoryEvent("merge", story_id=keep, from_ids=(source,), at=at))
                rest = tuple(sorted(set(counts) - {keep}))
                if rest:
                    events.append(StoryEvent("split", story_id=source, to_ids=rest, at=at))
            else:
                events.append(
                    StoryEvent("split", story_id=source, to_ids=tuple(sorted(counts)), at=at)
                )
        self.events_.extend(events)
        self._rebuild()
        return events

    def _row_similarity(self, rows: list[_WindowRow]) -> np.ndarray:
        """Article-to-article similarity, mixed as `_similarity` mixes it (current IDF)."""
        terms = self._unit_rows(
            [r.term_indices for r in rows], [r.term_values for r in rows], self.document_frequency_
        )
        similarity = (terms @ terms.T).toarray()
        vectors = [r.vector for r in rows]
        if self.text_weight < 1 and all(v is not None for v in vectors):
            matrix = np.stack(vectors)
            matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
            similarity = self.text_weight * similarity + (1 - self.text_weight) * (
                matrix @ matrix.T
            )
        if self.entity_weight > 0:
            cues = self._unit_rows(
                [r.cue_indices for r in rows], [r.cue_values for r in rows], self.cue_frequency_
            )
            has_cues = np.array([r.cue_indices.size > 0 for r in rows], dtype=float)
            weight = self.entity_weight * np.outer(has_cues, has_cues)
            similarity = (1 - weight) * similarity + weight * (cues @ cues.T).toarray()
        return similarity

    def _unit_rows(self, indices, values, frequency) -> sp.csr_matrix:
        """Rows as a CSR matrix, IDF-weighted with the current counts and L2-normalised."""
        lengths = [i.size for i in indices]
        all_indices = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64)
        data = np.concatenate(values) * self._idf(all_indices, frequency)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        matrix = sp.csr_matrix((data, all_indices, indptr), shape=(len(indices), self.n_features))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        return sp.diags(1 / np.maximum(norms, 1e-12)) @ matrix

    def _new_empty_story(self) -> _StoryState:
        story = _StoryState(
            story_id=len(self.stories_),
            term_indices=np.zeros(0, dtype=np.int64),
            term_values=np.zeros(0),
            vector=None,
            size=0,
            first_at=None,
            last_at=None,
        )
        self.stories_.append(story)
        return story

    def _move(self, row: _WindowRow, source: _StoryState, target: _StoryState) -> None:
        """Take one window article out of `source` and add it to `target`."""
        source.term_indices, source.term_values = add_sparse(
            source.term_indices, source.term_values, row.term_indices, -row.term_values
        )
        source.cue_indices, source.cue_values = add_sparse(
            source.cue_indices, source.cue_values, row.cue_indices, -row.cue_values
        )
        target.term_indices, target.term_values = add_sparse(
            target.term_indices, target.term_values, row.term_indices, row.term_values
        )
        target.cue_indices, target.cue_values = add_sparse(
            target.cue_indices, target.cue_values, row.cue_indices, row.cue_values
        )
        if row.vector is not None:
            if source.vector is not None:
                source.vector = source.vector - row.vector
            target.vector = (
                row.vector.copy() if target.vector is None else target.vector + row.vector
            )
        article_id = self.article_ids_[row.position]
        source.size -= 1
        if article_id in source.article_ids:
            source.article_ids.remove(article_id)
        _add_member(target, row)
        target.article_ids.append(article_id)
        self.assignments_[row.position] = target.story_id

    # --- results ------------------------------------------------------------------------

    def story_of(self, story_id: int) -> int:
        """The story `story_id` lives on in after merges (itself when never merged)."""
        story = self.stories_[story_id]
        while story.merged_into is not None:
            story = self.stories_[story.merged_into]
        return story.story_id

    def resolved_labels(self) -> list[int]:
        """Current story id of every article, in arrival order (moves and merges followed)."""
        return [self.story_of(story) for story in self.assignments_]

    def stories(self, now: datetime | None = None) -> list[Story]:
        """Live (not merged-away) stories with labels; `now` decides which are dormant."""
        now = _utc(now)
        if now is None:
            stamps = [s.last_at for s in self.stories_ if s.last_at is not None]
            now = max(stamps) if stamps else None
        result = []
        for story in self.stories_:
            if story.merged_into is not None:
                continue
            if story.label is None or len(story.headlines) < LABEL_POOL:
                # fixed once the label pool is full, so the label stops moving
                story.label = story_label(story.headlines) or f"Story {story.story_id}"
            active = (
                now is None
                or story.last_at is None
                or (now - story.last_at).total_seconds() <= self.window_days * 86400
            )
            result.append(
                Story(
                    story_id=story.story_id,
                    label=story.label,
                    article_ids=tuple(story.article_ids),
                    first_at=story.first_at,
                    last_at=story.last_at,
                    outlets=tuple(story.outlets),
                    active=active,
                )
            )
        return result

    # --- persistence --------------------------------------------------------------------

    def to_state(self) -> dict:
        """Settings and learned state as a JSON-able dict (the embedder is not stored)."""
        frequencies = np.flatnonzero(self.document_frequency_)
        return {
            "version": STATE_VERSION,
            "params": {
                "threshold": self.threshold,
                "window_days": self.window_days,
                "text_weight": self.text_weight,
                "merge_threshold": self.merge_threshold,
                "n_features": self.n_features,
                "entity_weight": self.entity_weight,
                "recluster_every": self.recluster_every,
                "recluster_size": self.recluster_size,
                "revive_threshold": self.revive_threshold,
                "archive_limit": self.archive_limit,
                "embedder": getattr(self.embedder, "name", None),
            },
            "documents_seen": self.documents_seen_,
            "df_indices": pack(frequencies),
            "df_counts": pack(self.document_frequency_[frequencies].astype(np.int64)),
            "cue_df_indices": pack(np.flatnonzero(self.cue_frequency_)),
            "cue_df_counts": pack(self.cue_frequency_[self.cue_frequency_ > 0].astype(np.int64)),
            "labels": pack(np.asarray(self.labels_, dtype=np.int64)),
            "assignments": pack(np.asarray(self.assignments_, dtype=np.int64)),
            "article_ids": list(self.article_ids_),
            "since_recluster": self.since_recluster_,
            "window": [
                {
                    "position": r.position,
                    "term_indices": pack(r.term_indices),
                    "term_values": pack(r.term_values),
                    "cue_indices": pack(r.cue_indices),
                    "cue_values": pack(r.cue_values),
                    "vector": None if r.vector is None else pack(r.vector),
                    "at": r.at.isoformat() if r.at else None,
                    "headline": r.headline,
                    "outlet": r.outlet,
                }
                for r in self.window_
            ],
            "stories": [
                {
                    "id": s.story_id,
                    "term_indices": pack(s.term_indices),
                    "term_values": pack(s.term_values),
                    "vector": None if s.vector is None else pack(s.vector),
                    "cue_indices": pack(s.cue_indices),
                    "cue_values": pack(s.cue_values),
                    "size": s.size,
                    "first_at": s.first_at.isoformat() if s.first_at else None,
                    "last_at": s.last_at.isoformat() if s.last_at else None,
                    "article_ids": list(s.article_ids),
                    "headlines": list(s.headlines),
                    "outlets": list(s.outlets),
                    "merged_into": s.merged_into,
                    "label": s.label,
                    "archived": s.archived,
                }
                for s in self.stories_
            ],
            "events": [
                {
                    "kind": e.kind,
                    "story_id": e.story_id,
                    "from_ids": list(e.from_ids),
                    "to_ids": list(e.to_ids),
                    "at": e.at.isoformat() if e.at else None,
                    "article_id": e.article_id,
                    "similarity": e.similarity,
                }
                for e in self.events_
            ],
        }

    @classmethod
    def from_state(cls, state: dict, embedder: Embedder | None = None) -> OnlineClusterer:
        """Rebuild a clusterer from `to_state()`; pass the same embedder it was built with."""
        version = state.get("version")
        if version not in (1, 2, 3, STATE_VERSION):
            raise ConfigError(
                f"clusterer state version {version!r} is not supported "
                f"(expected 1 to {STATE_VERSION}); re-cluster with recluster()"
            )
        params = dict(state["params"])
        # version 1 had no entity cues: keep scoring its stories the way they were built
        params.setdefault("entity_weight", 0.0)
        params.setdefault("recluster_every", 0)
        stored_embedder = params.pop("embedder")
        if stored_embedder is not None and getattr(embedder, "name", None) != stored_embedder:
            raise ConfigError(
                f"clusterer state was built with embedder {stored_embedder!r}; "
                f"pass that embedder to from_state (got {getattr(embedder, 'name', None)!r})"
            )
        clusterer = cls(embedder=embedder, **params)
        clusterer.documents_seen_ = state["documents_seen"]
        clusterer.document_frequency_[unpack(state["df_indices"], np.int64)] = unpack(
            state["df_counts"], float
        )
        clusterer.cue_frequency_[unpack(state.get("cue_df_indices", []), np.int64)] = unpack(
            state.get("cue_df_counts", []), float
        )
        clusterer.labels_ = unpack(state["labels"], np.int64).tolist()
        clusterer.assignments_ = unpack(
            state.get("assignments", state["labels"]), np.int64
        ).tolist()
        clusterer.since_recluster_ = state.get("since_recluster", 0)
        for row in state.get("window", []):
            clusterer.window_.append(
                _WindowRow(
                    position=row["position"],
                    term_indices=unpack(row["term_indices"], np.int64),
                    term_values=unpack(row["term_values"], float),
                    cue_indices=unpack(row["cue_indices"], np.int64),
                    cue_values=unpack(row["cue_values"], float),
                    vector=None if row["vector"] is None else unpack(row["vector"], float),
                    at=_parse(row["at"]),
                    headline=row["headline"],
                    outlet=row["outlet"],
                )
            )
        clusterer.article_ids_ = list(state["article_ids"])
        for record in state["stories"]:
            clusterer.stories_.append(
                _StoryState(
                    story_id=record["id"],
                    term_indices=unpack(record["term_indices"], np.int64),
                    term_values=unpack(record["term_values"], float),
                    vector=None if record["vector"] is None else unpack(record["vector"], float),
                    size=record["size"],
                    first_at=_parse(record["first_at"]),
                    last_at=_parse(record["last_at"]),
                    article_ids=list(record["article_ids"]),
                    headlines=list(record["headlines"]),
                    outlets=list(record["outlets"]),
                    merged_into=record["merged_into"],
                    label=record["label"],
                    cue_indices=unpack(record.get("cue_indices", []), np.int64),
                    cue_values=unpack(record.get("cue_values", []), float),
                    archived=record.get("archived", False),
                )
            )
        stamps = [s.last_at.timestamp() for s in clusterer.stories_ if s.last_at is not None]
        clusterer._newest_s = max(stamps, default=-np.inf)
        clusterer._archive(
            [
                s
                for s in clusterer.stories_
                if s.archived
                and s.merged_into is None
                and (s.term_indices.size or s.cue_indices.size)
            ]
        )
        clusterer._rebuild(clusterer.stories_)
        clusterer.events_ = [
            StoryEvent(
                kind=e["kind"],
                story_id=e["story_id"],
                from_ids=tuple(e["from_ids"]),
                to_ids=tuple(e["to_ids"]),
                at=_parse(e["at"]),
                article_id=e["article_id"],
                similarity=e["similarity"],
            )
            for e in state["events"]
        ]
        return clusterer


@dataclass(slots=True)
class _Side:
    """The terms (or cues) of a query, weighted for the posting indexes.

    The indexes hold story sums weighted with the IDF of their last build. `built` weighs
    the query the same way (for the deltas and running norms); `probe` is weighted with
    the current IDF squared over the built one, so its dot product with an index row is
    the dot product under the current IDF: the numerator of the cosine stays exact as
    document frequencies move, and only story norms wait for the next build.
    """

    indices: np.ndarray
    built: np.ndarray
    probe: np.ndarray
    unit: np.ndarray  # unit vector under the current IDF (for archived signatures)
    built_norm: float
    norm: float

    @classmethod
    def of(cls, indices, values, built_idf: np.ndarray, current_idf: np.ndarray) -> _Side:
        built = values * built_idf[indices]
        current = values * current_idf
        norm = _norm(current)
        return cls(
            indices=indices,
            built=built,
            probe=current * current_idf / built_idf[indices],
            unit=current / (norm or 1.0),
            built_norm=_norm(built),
            norm=norm,
        )


@dataclass(slots=True)
class _Query:
    """An article or a story as a query: its terms, its cues, its embedder vector."""

    terms: _Side
    cues: _Side
    vector: np.ndarray | None


def _row(matrix: sp.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of one CSR row with sorted indices (without scipy's row
    slicing)."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:end].astype(np.int64), matrix.data[start:end]


def _add_member(story: _StoryState, row: _WindowRow) -> None:
    """Count one more article in a story's size, dates, label pool and outlets."""
    story.size += 1
    if row.at is not None:
        story.first_at = row.at if story.first_at is None else min(story.first_at, row.at)
        story.last_at = row.at if story.last_at is None else max(story.last_at, row.at)
    if row.headline and len(story.headlines) < LABEL_POOL:
        story.headlines.append(row.headline)
    if row.outlet and row.outlet not in story.outlets:
        story.outlets.append(row.outlet)


def _dot(a_indices, a_values, b_indices, b_values) -> float:
    """Dot product of two sparse vectors given as sorted unique indices and values.

    A binary search per entry of b: a join costs the article's length times log of the
    story's, not a pass over the story (stories reach thousands of terms)."""
    at = np.searchsorted(a_indices, b_indices)
    found = at < a_indices.size
    found[found] = a_indices[at[found]] == b_indices[found]
    return float(a_values[at[found]] @ b_values[found])


def _norm(weights: np.ndarray) -> float:
    return float(np.sqrt(weights @ weights))


def _top(indices, values, idf, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The `k` entries with the largest IDF-weighted values, in index order."""
    if indices.size <= k:
        return indices, values
    keep = np.sort(np.argpartition(-(values * idf[indices]), k)[:k])
    return indices[keep], values[keep]


def _unit(indices, values, idf) -> tuple[np.ndarray, np.ndarray]:
    weights = values * idf[indices]
    return indices, weights / (_norm(weights) or 1.0)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def cluster_stream(
    texts: Sequence[str],
    dates: Sequence[datetime | None],
    threshold: float = DEFAULT_THRESHOLD,
    window_days: float = 7.0,
    embedder: Embedder | str | None = "auto",
    text_weight: float = DEFAULT_TEXT_WEIGHT,
    merge_threshold: float | None = None,
    vectors: np.ndarray | None = None,
    entity_weight: float = DEFAULT_ENTITY_WEIGHT,
    recluster_every: int = DEFAULT_RECLUSTER_EVERY,
    recluster_size: int = DEFAULT_RECLUSTER_SIZE,
) -> list[int]:
    """Story id per text (merges followed), assigning texts in the order given.

    `embedder` is an `Embedder`, a registry name, None (TF-IDF only) or "auto": the
    packaged MiniLM when its extra is installed, else TF-IDF only.

    >>> cluster_stream(["Fire at port", "Port fire spreads"], [None, None], embedder=None)
    [0, 0]
    """
    clusterer = OnlineClusterer(
        threshold=threshold,
        window_days=window_days,
        embedder=resolve_embedder(embedder),
        text_weight=text_weight,
        merge_threshold=merge_threshold,
        entity_weight=entity_weight,
        recluster_every=recluster_every,
        recluster_size=recluster_size,
    )
    return clusterer.partial_fit(texts, dates, vectors=vectors).resolved_labels()


def resolve_embedder(embedder: Embedder | str | None) -> Embedder | None:
    """An Embedder from a name, "auto" (MiniLM if installed, else None) or an instance."""
    from storyline.embed import get_embedder

    if embedder is None or not isinstance(embedder, str):
        return embedder
    if embedder != "auto":
        return get_embedder(embedder)
    return _auto_embedder()


@cache
def _auto_embedder() -> Embedder | None:
    """The packaged MiniLM, loaded once per process (read-only), or None without it."""
    from storyline.embed import get_embedder
    from storyline.errors import BackendUnavailable

    try:
        return get_embedder("minilm")
    except BackendUnavailable:
        return None
