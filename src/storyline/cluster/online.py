"""Single-pass (online) story clustering with a sliding time window and recorded merges.

Each article is compared with the stories active in the last `window_days` (single-pass
clustering as in Allan et al. 1998, "Topic Detection and Tracking pilot study"). The
similarity to a story is a weighted mean of two centroid cosines:
- TF-IDF: hashed words (Weinberger et al. 2009) weighted with document frequencies counted
  so far, so no batch fit and no stored vocabulary are needed; a story keeps the sum of its
  members' sublinear term counts and is re-weighted with the current IDF at each query;
- an `Embedder` (packaged MiniLM sentence vectors by default in `cluster_stream` when
  installed; see `storyline.embed`), whose centroid is the sum of member vectors;
- entity cues (cluster/features.py: capitalised names and numbers, hashed and
  IDF-weighted like the words), which tell two events of one kind apart (two
  earthquakes share their words but not their places, dates and tolls). Their cosine gets
  `entity_weight` of the similarity when both sides have cues.
The article joins the most similar story when the similarity reaches `threshold`, else it
starts a new story. After a join, the grown story is compared with the other active
stories; one at `merge_threshold` or more is merged into the older story and a
`StoryEvent("merge")` is recorded.

Every `recluster_every` arrivals, and at the end of each `partial_fit` call, the last
`recluster_size` articles still inside the time window are re-clustered with average-link
on the same similarity, cut at the join threshold (cluster/window.py): an article whose
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

from storyline.cluster.features import hash_cues
from storyline.cluster.label import story_label
from storyline.cluster.window import average_link_groups, name_groups
from storyline.embed.base import Embedder
from storyline.errors import ConfigError
from storyline.records import Story, StoryEvent
from storyline.settings import Settings

# 2: stories keep entity cues (cue_indices/cue_values); the state keeps the re-clustering
# window and each article's current story; params carry entity_weight and recluster_*.
# Version-1 states load with entity_weight 0 and re-clustering off, i.e. as they were built.
STATE_VERSION = 2

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
# Stories changed since the inverted indexes were built are scored without them; past this
# many the indexes are rebuilt (O(all stories' non-zeros), so amortised over as many joins).
_REBUILD_DIRTY = 256
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
        window_days: a story is dormant (never joined again) once its newest article is
            this much older than the incoming one; undated articles see every story.
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
        self.threshold = threshold
        self.window_days = window_days
        self.embedder = embedder
        self.text_weight = text_weight if embedder is not None else 1.0
        self.merge_threshold = merge_threshold
        self.n_features = n_features
        self.entity_weight = entity_weight
        self.recluster_every = recluster_every
        self.recluster_size = recluster_size
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
        # Derived from stories_ (rebuilt by from_state): arrays for vectorised look-ups.
        self._lookup = np.zeros(n_features)
        self._merged = np.zeros(0, dtype=bool)
        self._last_s = np.zeros(0)
        self._vectors: np.ndarray | None = None
        # Inverted indexes (hashed term -> stories holding it) for finding the stories an
        # article can score above zero with; stories changed since the last rebuild are
        # kept in _dirty and always scored (see _candidates).
        self._term_index: sp.csr_matrix | None = None
        self._cue_index: sp.csr_matrix | None = None
        self._dirty: set[int] = set()

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
        without them the embedder is called once for the whole batch. With re-clustering
        on, the call ends with a window re-clustering (quadratic in `recluster_size`), so
        feed batches rather than one article per call.
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
        cues = hash_cues(list(texts), self.n_features) if self.entity_weight > 0 else None
        for row in range(n):
            self._add_one(
                counts[row],
                None if cues is None else cues[row],
                None if vectors is None else vectors[row],
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
        seen = self.documents_seen_
        frequency = self.document_frequency_ if frequency is None else frequency
        return np.log((seen + 1) / (frequency[indices] + 1)) + 1

    def _unit_row(self, row, frequency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sorted indices and values of a count row, scaled to unit IDF-weighted norm."""
        if row is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        indices = row.indices.astype(np.int64)
        order = np.argsort(indices)
        indices, values = indices[order], row.data[order]
        frequency[indices] += 1
        norm = float(np.sqrt(np.sum((values * self._idf(indices, frequency)) ** 2)))
        return indices, values / norm if norm else values

    def _add_one(self, terms, cues, vector, when, article_id, headline, outlet) -> None:
        self.documents_seen_ += 1
        indices, values = self._unit_row(terms, self.document_frequency_)
        cue_indices, cue_values = self._unit_row(cues, self.cue_frequency_)
        active = self._active_mask(when)
        story = None
        if indices.size:
            candidates = self._candidates(active, indices, cue_indices, vector)
            if candidates:
                similarity = self._similarity(
                    indices, values, vector, candidates, cue_indices, cue_values
                )
                best = int(np.argmax(similarity))
                if similarity[best] >= self.threshold:
                    story = candidates[best]
        if story is None:
            story = _StoryState(
                story_id=len(self.stories_),
                term_indices=indices,
                term_values=values,
                vector=None if vector is None else np.array(vector, dtype=np.float64),
                size=1,
                first_at=when,
                last_at=when,
                cue_indices=cue_indices,
                cue_values=cue_values,
            )
            self.stories_.append(story)
        else:
            story.term_indices, story.term_values = _add_sparse(
                story.term_indices, story.term_values, indices, values
            )
            story.cue_indices, story.cue_values = _add_sparse(
                story.cue_indices, story.cue_values, cue_indices, cue_values
            )
            if vector is not None:
                story.vector = story.vector + vector
            story.size += 1
            if when is not None:
                story.first_at = when if story.first_at is None else min(story.first_at, when)
                story.last_at = when if story.last_at is None else max(story.last_at, when)
        self._sync(story)
        story.article_ids.append(article_id)
        if headline and len(story.headlines) < LABEL_POOL:
            story.headlines.append(headline)
        if outlet and outlet not in story.outlets:
            story.outlets.append(outlet)
        self.labels_.append(story.story_id)
        self.assignments_.append(story.story_id)
        self.article_ids_.append(article_id)
        if self.recluster_every:
            self.window_.append(
                _WindowRow(
                    position=len(self.labels_) - 1,
                    term_indices=indices,
                    term_values=values,
                    cue_indices=cue_indices,
                    cue_values=cue_values,
                    vector=None if vector is None else np.array(vector, dtype=np.float64),
                    at=when,
                    headline=headline,
                    outlet=outlet,
                )
            )
        if story.size > 1:
            active[story.story_id] = False
            others = self._candidates(active, story.term_indices, story.cue_indices, story.vector)
            self._merge_into(story, others, when, article_id)

    def _active_mask(self, when: datetime | None) -> np.ndarray:
        """Per story id: not merged away and (undated or) inside the window of `when`."""
        n = len(self.stories_)
        keep = ~self._merged[:n]
        if when is not None:
            gap = np.abs(self._last_s[:n] - when.timestamp())
            keep &= np.isnan(gap) | (gap <= self.window_days * 86400)
        return keep

    def _candidates(self, active, indices, cue_indices, vector) -> list[_StoryState]:
        """Active stories, in id order, whose similarity to a query can be above zero.

        Without embedder vectors a story sharing no hashed term and no entity cue with the
        query scores exactly 0 (its dot products are sums of zeros), and join and merge
        thresholds are positive, so only stories that share one need scoring: the rest
        can neither be chosen nor tie a chosen one. Scoring them with `_similarity` gives
        the same numbers as scoring all active stories (each story's sums run over its own
        entries in the same order), so assignments are unchanged; the cost falls from all
        active stories' non-zeros to the sharing stories' (the issue's brute-force scan).
        """
        if vector is not None and self.text_weight < 1:
            ids = np.flatnonzero(active)
        else:
            if len(self._dirty) > _REBUILD_DIRTY:
                self._rebuild_index()
            found = [np.fromiter(self._dirty, dtype=np.int64, count=len(self._dirty))]
            found.append(_postings(self._term_index, indices))
            if self.entity_weight > 0 and cue_indices.size:
                found.append(_postings(self._cue_index, cue_indices))
            ids = np.unique(np.concatenate(found))
            ids = ids[active[ids]]
        return [self.stories_[i] for i in ids]

    def _rebuild_index(self) -> None:
        """Term-major inverted indexes over every story (merged ones are masked later)."""
        stories = self.stories_
        self._term_index = _inverted([s.term_indices for s in stories], self.n_features)
        self._cue_index = _inverted([s.cue_indices for s in stories], self.n_features)
        self._dirty.clear()

    def _sync(self, story: _StoryState) -> None:
        """Copy a story's vector, newest time and merge flag into the lookup arrays."""
        i = story.story_id
        self._dirty.add(i)
        if i >= self._merged.size:
            grow = max(64, 2 * self._merged.size)
            self._merged = np.concatenate([self._merged, np.zeros(grow, dtype=bool)])
            self._last_s = np.concatenate([self._last_s, np.full(grow, np.nan)])
            if self._vectors is not None:
                extra = np.zeros((grow, self._vectors.shape[1]))
                self._vectors = np.concatenate([self._vectors, extra])
        self._merged[i] = story.merged_into is not None
        self._last_s[i] = story.last_at.timestamp() if story.last_at else np.nan
        if story.vector is not None:
            if self._vectors is None:
                self._vectors = np.zeros((self._merged.size, story.vector.size))
            self._vectors[i] = story.vector

    def _cosines(self, indices, values, frequency, story_indices, story_values) -> np.ndarray:
        """IDF-weighted cosines of one sparse vector to each stories' sparse vector.

        Computed on the stories' concatenated rows with the current IDF (O(total
        non-zeros), no matrix is rebuilt per article).
        """
        lengths = np.array([i.size for i in story_indices])
        all_indices = np.concatenate(story_indices)
        all_values = np.concatenate(story_values)
        weighted = all_values * self._idf(all_indices, frequency)
        query = values * self._idf(indices, frequency)
        query_norm = float(np.linalg.norm(query)) or 1.0
        lookup = self._lookup
        lookup[indices] = query
        rows = np.repeat(np.arange(len(story_indices)), lengths)
        count = len(story_indices)
        dots = np.bincount(rows, weights=weighted * lookup[all_indices], minlength=count)
        lookup[indices] = 0.0
        norms = np.sqrt(np.bincount(rows, weights=weighted**2, minlength=count))
        return dots / np.maximum(norms, 1e-12) / query_norm

    def _similarity(
        self, indices, values, vector, stories: list[_StoryState], cue_indices=None, cue_values=None
    ) -> np.ndarray:
        """Weighted cosines of one article or story to each of `stories` (module doc)."""
        text = self._cosines(
            indices,
            values,
            self.document_frequency_,
            [s.term_indices for s in stories],
            [s.term_values for s in stories],
        )
        if vector is None or self.text_weight >= 1:
            mixed = text
        else:
            ids = np.fromiter((s.story_id for s in stories), dtype=np.int64, count=len(stories))
            centroids = self._vectors[ids]
            semantic = centroids @ vector
            semantic /= np.maximum(np.sqrt(np.einsum("ij,ij->i", centroids, centroids)), 1e-12)
            semantic /= max(float(np.sqrt(vector @ vector)), 1e-12)
            mixed = self.text_weight * text + (1 - self.text_weight) * semantic
        if self.entity_weight <= 0 or cue_indices is None or not cue_indices.size:
            return mixed
        story_cues = [s.cue_indices for s in stories]
        has_cues = np.array([c.size > 0 for c in story_cues])
        if not has_cues.any():
            return mixed
        entity = self._cosines(
            cue_indices,
            cue_values,
            self.cue_frequency_,
            story_cues,
            [s.cue_values for s in stories],
        )
        weight = np.where(has_cues, self.entity_weight, 0.0)
        return (1 - weight) * mixed + weight * entity

    def _merge_into(self, story, others, when, article_id) -> None:
        limit = (
            self.merge_threshold
            if self.merge_threshold is not None
            else self.threshold + DEFAULT_MERGE_MARGIN
        )
        if not others or limit >= 1:
            return
        similarity = self._similarity(
            story.term_indices,
            story.term_values,
            story.vector,
            others,
            story.cue_indices,
            story.cue_values,
        )
        best = int(np.argmax(similarity))
        if similarity[best] < limit:
            return
        other = others[best]
        keep, gone = (story, other) if story.story_id < other.story_id else (other, story)
        keep.term_indices, keep.term_values = _add_sparse(
            keep.term_indices, keep.term_values, gone.term_indices, gone.term_values
        )
        keep.cue_indices, keep.cue_values = _add_sparse(
            keep.cue_indices, keep.cue_values, gone.cue_indices, gone.cue_values
        )
        if keep.vector is not None and gone.vector is not None:
            keep.vector = keep.vector + gone.vector
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
        self._sync(keep)
        self._sync(gone)
        self.events_.append(
            StoryEvent(
                kind="merge",
                story_id=keep.story_id,
                from_ids=(gone.story_id,),
                at=when,
                article_id=article_id,
                similarity=round(float(similarity[best]), 4),
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
            return []
        groups = average_link_groups(self._row_similarity(rows), self.threshold)
        current = [self.story_of(self.assignments_[r.position]) for r in rows]
        targets: dict[int, int] = {}
        for group, story_id in sorted(name_groups(groups, current).items()):
            if story_id is None:
                story_id = self._new_empty_story().story_id
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
            self._sync(story)
        for story_id in set(targets.values()):
            self._sync(self.stories_[story_id])
        self.events_.extend(events)
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
        source.term_indices, source.term_values = _add_sparse(
            source.term_indices, source.term_values, row.term_indices, -row.term_values
        )
        source.cue_indices, source.cue_values = _add_sparse(
            source.cue_indices, source.cue_values, row.cue_indices, -row.cue_values
        )
        target.term_indices, target.term_values = _add_sparse(
            target.term_indices, target.term_values, row.term_indices, row.term_values
        )
        target.cue_indices, target.cue_values = _add_sparse(
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
        target.size += 1
        target.article_ids.append(article_id)
        if row.headline and len(target.headlines) < LABEL_POOL:
            target.headlines.append(row.headline)
        if row.outlet and row.outlet not in target.outlets:
            target.outlets.append(row.outlet)
        if row.at is not None:
            target.first_at = row.at if target.first_at is None else min(target.first_at, row.at)
            target.last_at = row.at if target.last_at is None else max(target.last_at, row.at)
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
                "embedder": getattr(self.embedder, "name", None),
            },
            "documents_seen": self.documents_seen_,
            "df_indices": frequencies.tolist(),
            "df_counts": self.document_frequency_[frequencies].astype(int).tolist(),
            "cue_df_indices": np.flatnonzero(self.cue_frequency_).tolist(),
            "cue_df_counts": self.cue_frequency_[self.cue_frequency_ > 0].astype(int).tolist(),
            "labels": list(self.labels_),
            "assignments": list(self.assignments_),
            "article_ids": list(self.article_ids_),
            "since_recluster": self.since_recluster_,
            "window": [
                {
                    "position": r.position,
                    "term_indices": r.term_indices.tolist(),
                    "term_values": r.term_values.tolist(),
                    "cue_indices": r.cue_indices.tolist(),
                    "cue_values": r.cue_values.tolist(),
                    "vector": None if r.vector is None else r.vector.tolist(),
                    "at": r.at.isoformat() if r.at else None,
                    "headline": r.headline,
                    "outlet": r.outlet,
                }
                for r in self.window_
            ],
            "stories": [
                {
                    "id": s.story_id,
                    "term_indices": s.term_indices.tolist(),
                    "term_values": s.term_values.tolist(),
                    "vector": None if s.vector is None else s.vector.tolist(),
                    "cue_indices": s.cue_indices.tolist(),
                    "cue_values": s.cue_values.tolist(),
                    "size": s.size,
                    "first_at": s.first_at.isoformat() if s.first_at else None,
                    "last_at": s.last_at.isoformat() if s.last_at else None,
                    "article_ids": list(s.article_ids),
                    "headlines": list(s.headlines),
                    "outlets": list(s.outlets),
                    "merged_into": s.merged_into,
                    "label": s.label,
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
        if version not in (1, STATE_VERSION):
            raise ConfigError(
                f"clusterer state version {version!r} is not supported "
                f"(expected 1 or {STATE_VERSION}); re-cluster with recluster()"
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
        clusterer.document_frequency_[state["df_indices"]] = state["df_counts"]
        clusterer.cue_frequency_[state.get("cue_df_indices", [])] = state.get("cue_df_counts", [])
        clusterer.labels_ = list(state["labels"])
        clusterer.assignments_ = list(state.get("assignments", state["labels"]))
        clusterer.since_recluster_ = state.get("since_recluster", 0)
        for row in state.get("window", []):
            clusterer.window_.append(
                _WindowRow(
                    position=row["position"],
                    term_indices=np.asarray(row["term_indices"], dtype=np.int64),
                    term_values=np.asarray(row["term_values"], dtype=float),
                    cue_indices=np.asarray(row["cue_indices"], dtype=np.int64),
                    cue_values=np.asarray(row["cue_values"], dtype=float),
                    vector=None if row["vector"] is None else np.asarray(row["vector"]),
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
                    term_indices=np.asarray(record["term_indices"], dtype=np.int64),
                    term_values=np.asarray(record["term_values"], dtype=float),
                    vector=None if record["vector"] is None else np.asarray(record["vector"]),
                    size=record["size"],
                    first_at=_parse(record["first_at"]),
                    last_at=_parse(record["last_at"]),
                    article_ids=list(record["article_ids"]),
                    headlines=list(record["headlines"]),
                    outlets=list(record["outlets"]),
                    merged_into=record["merged_into"],
                    label=record["label"],
                    cue_indices=np.asarray(record.get("cue_indices", []), dtype=np.int64),
                    cue_values=np.asarray(record.get("cue_values", []), dtype=float),
                )
            )
        for story in clusterer.stories_:
            clusterer._sync(story)
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


def _add_sparse(a_indices, a_values, b_indices, b_values) -> tuple[np.ndarray, np.ndarray]:
    """Sum of two sparse vectors given as sorted indices and values (zeros dropped)."""
    indices, inverse = np.unique(np.concatenate([a_indices, b_indices]), return_inverse=True)
    values = np.bincount(inverse, weights=np.concatenate([a_values, b_values]))
    keep = np.abs(values) > 1e-9
    return indices[keep].astype(np.int64), values[keep]


def _inverted(story_indices: list[np.ndarray], n_features: int) -> sp.csr_matrix:
    """CSR matrix whose row t lists the ids of the stories holding hashed index t."""
    lengths = np.fromiter((i.size for i in story_indices), dtype=np.int64)
    terms = np.concatenate(story_indices) if story_indices else np.zeros(0, dtype=np.int64)
    ids = np.repeat(np.arange(len(story_indices)), lengths)
    order = np.argsort(terms, kind="stable")
    indptr = np.zeros(n_features + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=n_features), out=indptr[1:])
    data = np.ones(order.size, dtype=np.int8)
    return sp.csr_matrix((data, ids[order], indptr), shape=(n_features, len(story_indices)))


def _postings(index: sp.csr_matrix | None, indices: np.ndarray) -> np.ndarray:
    """Story ids (with repeats) in `index` rows `indices`; none before the first build."""
    if index is None or not indices.size:
        return np.zeros(0, dtype=np.int64)
    starts, ends = index.indptr[indices], index.indptr[indices + 1]
    lengths = ends - starts
    if not lengths.sum():
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return index.indices[offsets + np.arange(lengths.sum())].astype(np.int64)


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
