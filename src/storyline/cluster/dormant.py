"""The dormant archive: stories outside the time window, kept revivable by a signature.

A story outside the time window is dormant. A later article that clearly continues it
(similarity at `revive_threshold`, above the join threshold) joins it again and a
`StoryEvent("revive")` is recorded, so a story survives gaps of months. Dormant stories
leave the posting indexes at the next build and keep a signature (their 64 heaviest terms,
32 heaviest cues and the embedder centroid) in an archive index; past `archive_limit`
archived stories the oldest keep only their metadata, so working memory follows the
active window, not the stream's length.
"""

from __future__ import annotations

import numpy as np

from storyline.cluster.rows import _EMPTY_INDICES, _EMPTY_VALUES, _Query, _StoryState, _top, _unit
from storyline.records import StoryEvent

# A continuation of a dormant story must be clearer than a join within the window: it is
# scored against a truncated signature and bridges a gap of weeks or months.
DEFAULT_REVIVE_MARGIN = 0.05
# Archived signature sizes: a story's most heavily weighted terms and cues.
SIGNATURE_TERMS = 64
SIGNATURE_CUES = 32


class DormantArchive:
    """Mixin of `OnlineClusterer`: archiving dormant stories and reviving them."""

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
        similarity = similarity * query.scale
        if when is not None and self.revive_gap_margin > 0:
            # the longer the gap, the clearer the continuation must be: a yearly event
            # (this year's Oscars host, last year's) is a new story, not a revival
            similarity = similarity - self._gap_margins(entries, when)
        best = int(np.argmax(similarity))
        if similarity[best] < limit:
            return None
        story = self.stories_[self._entry_story[int(entries[best])]]
        del self._entry_of[story.story_id]
        story.archived = False
        self._open_slot(story)
        self._record_revive(story, when, article_id, similarity[best])
        return story

    def _gap_margins(self, entries: np.ndarray, when) -> np.ndarray:
        """Extra similarity each archived story needs: `revive_gap_margin` per doubling of
        the gap since its newest article beyond the time window."""
        window = self.window_days * 86400
        stamp = when.timestamp()
        gaps = np.array(
            [
                abs(stamp - last.timestamp()) if last is not None else window
                for last in (self.stories_[self._entry_story[e]].last_at for e in entries.tolist())
            ]
        )
        return self.revive_gap_margin * np.log2(np.maximum(gaps / window, 1.0))

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
