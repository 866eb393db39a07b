"""The live index: active stories' sums in posting indexes, scored against each arrival.

Speed (the issue asks >= 300 articles/s/core): IDF weights are frozen between index
builds, so each story's weighted sums sit in term-major posting indexes
(cluster/index.py) with running squared norms; an article's dot products with every
story cost its terms' posting lists, and a join appends the article's entries as a delta
instead of rewriting the story. A build re-weights everything with the current IDF when
the documents seen have grown by a tenth, or when the queries since the last build have
spent a build's cost on reading deltas. Cosine numerators use the current document
frequencies exactly (see `rows._Side`); story norms are those of the last build, kept
current as articles join.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from storyline.cluster.index import PostingIndex
from storyline.cluster.rows import _add_member, _dot, _Query, _Side, _StoryState, _WindowRow
from storyline.cluster.sparse import add_sparse

# A story leaves the posting indexes (and is archived) once its newest article is this many
# windows older than the newest arrival; the slack keeps late arrivals joinable.
DORMANT_AFTER_WINDOWS = 2
# A build costs about what queries spend reading this many delta entries per built entry,
# plus a fixed part (IDF and term offsets over all features): measured on the 40k scale
# stream, 45 ms for 211k entries and 8 ms for an empty index, vs 9.4 ns per delta entry
# read by a query. So a build is due once the queries since the last one have read that
# many delta entries (see `_needs_rebuild`).
_BUILD_READS_PER_ENTRY = 20
_BUILD_READS_FIXED = 1_000_000


class LiveIndex:
    """Mixin of `OnlineClusterer`: IDF, the posting indexes of live stories, joins and
    scoring (the attributes are set in `OnlineClusterer.__init__`)."""

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
        if query.scale != 1.0:
            text = text * query.scale
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
