"""State upgrades: the clusterer as a JSON-able dict, and older state versions loaded.

Learned state lives in attributes ending in `_` and round-trips through `to_state()` /
`from_state()` (a JSON-able dict for the store's key-value table).
"""

from __future__ import annotations

import numpy as np

from storyline.cluster.arrays import pack, unpack
from storyline.cluster.rows import _parse, _StoryState, _WindowRow
from storyline.embed.base import Embedder
from storyline.errors import ConfigError
from storyline.records import StoryEvent

# 2: stories keep entity cues (cue_indices/cue_values); the state keeps the re-clustering
# window and each article's current story; params carry entity_weight and recluster_*.
# Version-1 states load with entity_weight 0 and re-clustering off, i.e. as they were built.
# 3: stories carry `archived` (their sums cut to a signature); params carry
# revive_threshold and archive_limit. Version-2 states load unchanged (none archived yet).
# 4: arrays are packed strings (cluster/arrays.py), about 40% smaller than JSON lists;
# earlier versions' lists still load.
# A state saved with `members_from` (tracking.py) keeps per-article lists only from that
# position on; the rest lives in the store's story_members table. Same version: a state
# without the field is whole, as before.
STATE_VERSION = 4


class MemberTail:
    """A per-article list (labels_, assignments_, article_ids_) holding positions from
    `start` on: the clusterer only indexes its re-clustering window and appends, so the
    saved state need not carry every article of the archive.

    `len()` counts every position (new articles are numbered after the archive);
    iteration yields the held positions only.
    """

    __slots__ = ("items", "start")

    def __init__(self, start: int, items: list) -> None:
        self.start = start
        self.items = items

    def __len__(self) -> int:
        return self.start + len(self.items)

    def __iter__(self):
        return iter(self.items)

    def _at(self, position: int) -> int:
        if position < 0:
            position += len(self)
        if not self.start <= position < len(self):
            raise IndexError(
                f"article position {position} is outside the saved window "
                f"({self.start} to {len(self) - 1}); older positions live in story_members"
            )
        return position - self.start

    def __getitem__(self, position: int):
        return self.items[self._at(position)]

    def __setitem__(self, position: int, value) -> None:
        self.items[self._at(position)] = value

    def append(self, value) -> None:
        self.items.append(value)


def _from(values, start: int) -> list:
    """`values` (a list or MemberTail) from position `start` on."""
    if isinstance(values, MemberTail):
        return values.items[max(start - values.start, 0) :]
    return list(values[start:])


class StatePersistence:
    """Mixin of `OnlineClusterer`: `to_state` and `from_state`."""

    def to_state(self, members_from: int | None = None) -> dict:
        """Settings and learned state as a JSON-able dict (the embedder is not stored).

        With `members_from`, articles before that position are left out of the per-article
        lists and the stories' `article_ids` (the caller keeps them elsewhere; it must not
        be later than the first position of the re-clustering window).
        """
        frequencies = np.flatnonzero(self.document_frequency_)
        start = 0 if members_from is None else members_from
        labels = _from(self.labels_, start)
        assignments = _from(self.assignments_, start)
        article_ids = _from(self.article_ids_, start)
        kept = None if members_from is None else set(article_ids)
        state = {
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
                "length_terms": self.length_terms,
                "length_power": self.length_power,
                "revive_gap_margin": self.revive_gap_margin,
                "embedder": getattr(self.embedder, "name", None),
            },
            "documents_seen": self.documents_seen_,
            "df_indices": pack(frequencies),
            "df_counts": pack(self.document_frequency_[frequencies].astype(np.int64)),
            "cue_df_indices": pack(np.flatnonzero(self.cue_frequency_)),
            "cue_df_counts": pack(self.cue_frequency_[self.cue_frequency_ > 0].astype(np.int64)),
            "labels": pack(np.asarray(labels, dtype=np.int64)),
            "assignments": pack(np.asarray(assignments, dtype=np.int64)),
            "article_ids": article_ids,
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
                    "lead": r.lead,
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
                    "article_ids": [a for a in s.article_ids if kept is None or a in kept],
                    "headlines": list(s.headlines),
                    "leads": list(s.leads),
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
        if members_from is not None:
            state["members_from"] = members_from
        return state

    @classmethod
    def from_state(cls, state: dict, embedder: Embedder | None = None) -> StatePersistence:
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
        # states saved before the length calibration keep scoring without it
        params.setdefault("length_power", 0.0)
        params.setdefault("revive_gap_margin", 0.0)
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
                    lead=row.get("lead"),
                )
            )
        clusterer.article_ids_ = list(state["article_ids"])
        if "members_from" in state:
            start = state["members_from"]
            clusterer.labels_ = MemberTail(start, clusterer.labels_)
            clusterer.assignments_ = MemberTail(start, clusterer.assignments_)
            clusterer.article_ids_ = MemberTail(start, clusterer.article_ids_)
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
                    leads=list(record.get("leads", [])),
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
