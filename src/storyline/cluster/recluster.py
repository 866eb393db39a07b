"""Window re-clustering: the recent articles regrouped, and the moves mapped onto stories.

Every `recluster_every` arrivals, and at the end of each `partial_fit` call, the last
`recluster_size` articles still inside the time window (and the older dated ones of a story
that holds an undated one, `_rows_to_recluster`) are re-clustered on the same
similarity (cluster/window.py: average-link topics, then the events inside each topic, cut
at the join threshold): an article whose group sits in another story moves there, a group
no story holds most of becomes a new story (`StoryEvent("split")`), and a story left empty
is marked merged into the story that took its articles (`StoryEvent("merge")`). This undoes
the order effects of single pass (a second event's first article joining the first event
and dragging its followers along) at a cost bounded by the window size, not the stream
length.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import scipy.sparse as sp

from storyline.cluster.length import pair_factor
from storyline.cluster.rows import _add_member, _StoryState, _WindowRow
from storyline.cluster.sparse import add_sparse
from storyline.cluster.window import name_groups, window_groups
from storyline.records import StoryEvent

# Whether the contrast step of the window re-clustering (cluster/window.py) reads the
# similarity without the embedder cosine. Sentence embeddings place two events of one kind
# close together (ECB+: MiniLM cosine .77 within an event vs .68 across the two events of
# the six topics that merged), while words and names still differ; the choice and its
# cross-validated figures are in benchmarks/README-cluster.md. A module constant so the
# benchmarks can switch it off for the same-run comparison.
LEXICAL_CONTRAST = True


class WindowReclustering:
    """Mixin of `OnlineClusterer`: re-clustering the window and moving articles."""

    def recluster_window(self) -> list[StoryEvent]:
        """Re-cluster the recent articles (module doc); returns the events it recorded."""
        self.since_recluster_ = 0
        rows = self._rows_to_recluster()
        stamps = [r.at for r in rows if r.at is not None]
        if len(rows) < 2:
            self._rebuild()
            return []
        similarity = self._row_similarity(rows)
        # the events inside a topic are told apart on words and names alone (window.py)
        groups = window_groups(similarity, self.threshold, self._contrast_basis(rows, similarity))
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

    def _rows_to_recluster(self) -> list[_WindowRow]:
        """The window rows inside `window_days` of the newest dated one, the undated ones,
        and the older dated rows of a story an undated row is in.

        An undated story is inside the window of every article, so a dated article of
        another event can join it long after the window has moved on (ingest dates some
        articles from their URLs and leaves others undated); without its older dated
        rows the re-clustering could never move them out again.
        """
        rows = list(self.window_)
        stamps = [r.at for r in rows if r.at is not None]
        if not stamps:
            return rows
        newest = max(stamps)
        recent = [
            r.at is None or (newest - r.at).total_seconds() <= self.window_days * 86400
            for r in rows
        ]
        undated_stories = {
            self.story_of(self.assignments_[r.position]) for r in rows if r.at is None
        }
        return [
            r
            for r, keep in zip(rows, recent, strict=True)
            if keep
            or (undated_stories and self.story_of(self.assignments_[r.position]) in undated_stories)
        ]

    def _contrast_basis(self, rows: list[_WindowRow], similarity: np.ndarray) -> np.ndarray:
        """The matrix the contrast step reads: between two full articles (both with
        `length_terms` content terms or more) the similarity without the embedder cosine,
        so words and names tell two events of one kind apart; a pair with a short text
        (a headline: two or three shared words) keeps the embedder."""
        if not (LEXICAL_CONTRAST and self._embedder_in_similarity(rows)):
            return similarity
        full = np.array([r.term_indices.size >= self.length_terms for r in rows])
        if not full.any():
            return similarity
        both = np.outer(full, full)
        return np.where(both, self._row_similarity(rows, embedder=False), similarity)

    def _embedder_in_similarity(self, rows: list[_WindowRow]) -> bool:
        return self.text_weight < 1 and all(r.vector is not None for r in rows)

    def _row_similarity(self, rows: list[_WindowRow], embedder: bool = True) -> np.ndarray:
        """Article-to-article similarity, mixed as `_similarity` mixes it (current IDF);
        `embedder=False` leaves the embedder cosine out (TF-IDF and cues only)."""
        terms = self._unit_rows(
            [r.term_indices for r in rows], [r.term_values for r in rows], self.document_frequency_
        )
        similarity = (terms @ terms.T).toarray()
        vectors = [r.vector for r in rows]
        if embedder and self._embedder_in_similarity(rows):
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
        if self.length_power > 0:
            diagonal = np.diag(similarity).copy()
            sizes = np.array([r.term_indices.size for r in rows])
            similarity = similarity * pair_factor(sizes, self.length_terms, self.length_power)
            np.fill_diagonal(similarity, diagonal)
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
