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

Its parts, one job each: the live index and scoring (cluster/live.py), merge checks
(cluster/merge.py), the dormant archive (cluster/dormant.py), window re-clustering
(cluster/recluster.py), state and its upgrades (cluster/state.py), and the records they
share (cluster/rows.py); each module's docstring says how its part works.

Learned state lives in attributes ending in `_` and round-trips through `to_state()` /
`from_state()` (a JSON-able dict for the store's key-value table).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from storyline.cluster.dormant import DEFAULT_REVIVE_MARGIN, DormantArchive
from storyline.cluster.features import hash_cues
from storyline.cluster.index import ArchiveIndex, PostingIndex
from storyline.cluster.label import lead_text, story_label
from storyline.cluster.length import length_factor
from storyline.cluster.live import LiveIndex
from storyline.cluster.merge import DEFAULT_MERGE_MARGIN, MergeChecks
from storyline.cluster.recluster import WindowReclustering
from storyline.cluster.rows import LABEL_POOL, _row, _StoryState, _utc, _WindowRow
from storyline.cluster.state import STATE_VERSION, StatePersistence
from storyline.embed.base import Embedder
from storyline.errors import ConfigError
from storyline.records import Story, StoryEvent
from storyline.settings import Settings

__all__ = [
    "DEFAULT_MERGE_MARGIN",
    "DEFAULT_REVIVE_MARGIN",
    "STATE_VERSION",
    "OnlineClusterer",
    "cluster_stream",
    "resolve_embedder",
]

# Defaults live in Settings, with where each value came from (settings.py).
_SETTINGS = Settings()
DEFAULT_THRESHOLD = _SETTINGS.cluster_threshold
DEFAULT_TEXT_WEIGHT = _SETTINGS.cluster_text_weight
DEFAULT_ENTITY_WEIGHT = _SETTINGS.cluster_entity_weight
DEFAULT_RECLUSTER_EVERY = _SETTINGS.cluster_recluster_every
DEFAULT_RECLUSTER_SIZE = _SETTINGS.cluster_recluster_size
DEFAULT_ARCHIVE_LIMIT = _SETTINGS.cluster_archive_limit
DEFAULT_LENGTH_TERMS = _SETTINGS.cluster_length_terms
DEFAULT_LENGTH_POWER = _SETTINGS.cluster_length_power
DEFAULT_REVIVE_GAP_MARGIN = _SETTINGS.cluster_revive_gap_margin
# Articles between progress reports: assigned (fast) and embedded (about 0.3 s per full
# article per core for MiniLM, so smaller chunks; each chunk is one embedder call).
PROGRESS_EVERY = 256
PROGRESS_EMBED_EVERY = 64


class OnlineClusterer(LiveIndex, MergeChecks, DormantArchive, WindowReclustering, StatePersistence):
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
            continue it after a gap (default: threshold + 0.05); 1.0 or more turns it off.
        archive_limit: dormant stories kept revivable; past it the longest-dormant ones
            keep only their metadata.
        length_terms, length_power: the similarity of a text with fewer than
            `length_terms` distinct content terms (a pair: its shorter text) is scaled by
            (length_terms / n) ** length_power, so one threshold serves headlines and full
            articles (cluster/length.py); power 0 turns it off.
        revive_gap_margin: extra similarity a dormant story needs to revive, per doubling
            of the gap beyond `window_days` (dated articles only), so a recurring event a
            year later starts a new story; 0 turns it off.

    >>> clusterer = OnlineClusterer(threshold=0.3)
    >>> clusterer.partial_fit(["Fire at port", "Port fire spreads"], [None, None]).labels_
    [0, 0]
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        window_days: float = _SETTINGS.cluster_window_days,
        embedder: Embedder | None = None,
        text_weight: float = DEFAULT_TEXT_WEIGHT,
        merge_threshold: float | None = None,
        n_features: int = 2**18,
        entity_weight: float = DEFAULT_ENTITY_WEIGHT,
        recluster_every: int = DEFAULT_RECLUSTER_EVERY,
        recluster_size: int = DEFAULT_RECLUSTER_SIZE,
        revive_threshold: float | None = None,
        archive_limit: int = DEFAULT_ARCHIVE_LIMIT,
        length_terms: float = DEFAULT_LENGTH_TERMS,
        length_power: float = DEFAULT_LENGTH_POWER,
        revive_gap_margin: float = DEFAULT_REVIVE_GAP_MARGIN,
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
        if length_terms <= 0 or length_power < 0:
            raise ConfigError(
                f"length_terms must be positive and length_power 0 or more, got "
                f"{length_terms!r} and {length_power!r}"
            )
        if revive_gap_margin < 0:
            raise ConfigError(f"revive_gap_margin must be 0 or more, got {revive_gap_margin!r}")
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
        self.length_terms = length_terms
        self.length_power = length_power
        self.revive_gap_margin = revive_gap_margin
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
        progress: Callable[[str, int, int], None] | None = None,
    ) -> OnlineClusterer:
        """Assign each text, in the order given (sort by date first), to a story.

        `vectors` are precomputed embedder rows for `texts` (to reuse them across runs);
        without them the embedder is called once for the whole batch. The call ends with
        a window re-clustering when that is on (quadratic in `recluster_size`), so feed
        batches rather than one article per call. `progress(stage, done, total)` is called
        as texts are embedded ("embedded", in chunks of `PROGRESS_EMBED_EVERY`) and assigned
        ("assigned"), so a long run can show where it is.
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
                vectors = _embed(self.embedder, list(texts), progress)
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
                lead_text(texts[row]),  # labels the story if no headline can
            )
            self.since_recluster_ += 1
            if self.recluster_every and self.since_recluster_ >= self.recluster_every:
                self.recluster_window()
            if progress is not None and ((row + 1) % PROGRESS_EVERY == 0 or row + 1 == n):
                progress("assigned", row + 1, n)
        if self.recluster_every and self.since_recluster_:
            self.recluster_window()
        return self

    def _add_one(self, terms, cues, vector, when, article_id, headline, outlet, lead) -> None:
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
            lead=lead,
        )
        query = self._query((indices, values), (cue_indices, cue_values), vector)
        query.scale = float(length_factor(indices.size, self.length_terms, self.length_power))
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
                label = story_label(story.headlines, story.leads)
                story.label = label or f"Story {story.story_id}"
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


def _embed(embedder: Embedder, texts: list[str], progress) -> np.ndarray:
    """Embedder rows for `texts`: one call, or chunks reported to `progress`."""
    if progress is None:
        return embedder.embed(texts)
    chunks = []
    for start in range(0, len(texts), PROGRESS_EMBED_EVERY):
        chunk = embedder.embed(texts[start : start + PROGRESS_EMBED_EVERY])
        chunks.append(chunk.toarray() if sp.issparse(chunk) else np.asarray(chunk))
        progress("embedded", min(start + PROGRESS_EMBED_EVERY, len(texts)), len(texts))
    return np.vstack(chunks)


def cluster_stream(
    texts: Sequence[str],
    dates: Sequence[datetime | None],
    threshold: float = DEFAULT_THRESHOLD,
    window_days: float = _SETTINGS.cluster_window_days,
    embedder: Embedder | str | None = "auto",
    text_weight: float = DEFAULT_TEXT_WEIGHT,
    merge_threshold: float | None = None,
    vectors: np.ndarray | None = None,
    entity_weight: float = DEFAULT_ENTITY_WEIGHT,
    recluster_every: int = DEFAULT_RECLUSTER_EVERY,
    recluster_size: int = DEFAULT_RECLUSTER_SIZE,
    length_terms: float = DEFAULT_LENGTH_TERMS,
    length_power: float = DEFAULT_LENGTH_POWER,
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
        length_terms=length_terms,
        length_power=length_power,
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
