"""Story tracking over the store: stored articles join stories as they arrive.

The online clusterer's state lives in the store's key-value table, so `track_stories` run
after each ingest only assigns the articles it has not seen, and story ids stay stable.
Each run reads only the articles stored since the position it saved last
(`Store.articles_after`), and story membership lives in the store's `story_members` table
(article, arrival position, clusterer story); the saved state keeps per-article lists only
for the re-clustering window, so its size follows the active window, not the archive.
`recluster_stories` starts over with new settings, keeping old ids where stories overlap
(the clusterer numbers its stories 0, 1, ... by position, so the public id of each story is
kept beside its state in `story_ids`) and recording merges and splits.

One writer at a time: every save checks, inside the store's write transaction, that the
state is still the version that was loaded; when another process or thread saved first, the
work is redone on top of its state (only what is still unassigned), so a concurrent
`storyline cluster`, the server's background tracker and `serve --workers N` never undo
each other's assignments or change ids already handed out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from storyline.cluster import OnlineClusterer, assign_stories, map_story_ids, recluster
from storyline.cluster.online import resolve_embedder
from storyline.embed.base import Embedder
from storyline.errors import InputError, StateConflict
from storyline.records import Article, Story, StoryEvent
from storyline.settings import Settings
from storyline.store import Store

STATE_KEY = "story_clusterer"
# Extra fields of the saved state (the clusterer ignores them): the public id of each
# clusterer story after a re-clustering, and the events that re-clustering recorded.
IDS_FIELD = "story_ids"
EVENTS_FIELD = "recluster_events"
# The store position (`articles_after`) of the last article a run read.
POSITION_FIELD = "read_position"


class StoryNotFound(InputError, KeyError):
    """No story has the requested id."""


@dataclass
class _Loaded:
    """The saved clusterer, the version it was saved at, and its public story ids."""

    clusterer: OnlineClusterer | None
    version: str | None
    ids: dict[int, int] = field(default_factory=dict)  # clusterer story id -> public id
    offset: int = 0  # public id of a later story = its clusterer id + offset
    events: list[dict] = field(default_factory=list)
    position: int = 0  # store position of the last article read

    def public(self, story_id: int) -> int:
        return self.ids.get(story_id, story_id + self.offset)

    def extra(self) -> dict:
        extra = {POSITION_FIELD: self.position}
        if self.ids or self.events:
            extra[IDS_FIELD] = {
                "ids": {str(k): v for k, v in self.ids.items()},
                "offset": self.offset,
            }
            extra[EVENTS_FIELD] = self.events
        return extra

    def stories(self, stories: list[Story]) -> list[Story]:
        if not self.ids and not self.offset:
            return stories
        return [dataclasses.replace(s, story_id=self.public(s.story_id)) for s in stories]


def _load(store: Store, embedder: Embedder | str | None = None) -> _Loaded:
    """The saved state; an `embedder` instance of the saved backend (by name) is used as is
    (a RayEmbedder computes the same rows elsewhere)."""
    version = store.state_updated_at(STATE_KEY)  # first: a newer state fails the save check
    state = store.get_state(STATE_KEY)
    if state is None:
        return _Loaded(None, version)
    name = state.get("params", {}).get("embedder")
    if name and not isinstance(embedder, str) and getattr(embedder, "name", None) == name:
        chosen = embedder
    else:
        chosen = resolve_embedder(name) if name else None
    clusterer = OnlineClusterer.from_state(state, embedder=chosen)
    mapping = state.get(IDS_FIELD) or {}
    return _Loaded(
        clusterer,
        version,
        {int(k): v for k, v in mapping.get("ids", {}).items()},
        mapping.get("offset", 0),
        list(state.get(EVENTS_FIELD) or []),
        state.get(POSITION_FIELD, 0),
    )


def _save(
    store: Store,
    loaded: _Loaded,
    clusterer: OnlineClusterer,
    members_from: int = 0,
    replace: bool = False,
) -> bool:
    """Save unless another writer saved since `loaded` was read (then nothing is written).

    Membership rows from position `members_from` on are written (earlier ones cannot have
    changed: only the re-clustering window moves articles), and the state keeps per-article
    lists from the window's first position on.
    """
    with store.transaction():
        if store.state_updated_at(STATE_KEY) != loaded.version:
            return False
        rows = [
            (clusterer.article_ids_[p], p, clusterer.assignments_[p])
            for p in range(members_from, len(clusterer.labels_))
        ]
        store.set_story_members(rows, replace=replace)
        window_from = min((r.position for r in clusterer.window_), default=len(clusterer.labels_))
        state = clusterer.to_state(members_from=max(window_from, _held_from(clusterer)))
        store.set_state(STATE_KEY, {**state, **loaded.extra()})
    return True


def _held_from(clusterer: OnlineClusterer) -> int:
    """The first article position whose membership the clusterer holds in memory."""
    return getattr(clusterer.labels_, "start", 0)


def _members(store: Store, clusterer: OnlineClusterer) -> dict[str, int]:
    """Each tracked article's current clusterer story (moves and merges followed).

    The table holds every article; the clusterer's own lists (its window, or every article
    in a state saved before the table existed) are the same or newer.
    """
    raw = dict(store.story_members())
    raw.update(zip(clusterer.article_ids_, clusterer.assignments_, strict=True))
    return {article_id: clusterer.story_of(story) for article_id, story in raw.items()}


def _stories(store: Store, loaded: _Loaded, clusterer: OnlineClusterer) -> list[Story]:
    """The clusterer's stories with their articles from the membership table, in arrival
    order, under their public ids."""
    grouped: dict[int, list[str]] = {}
    for article_id, story in _members(store, clusterer).items():
        grouped.setdefault(story, []).append(article_id)
    return loaded.stories(
        [
            dataclasses.replace(s, article_ids=tuple(grouped.get(s.story_id, ())))
            for s in clusterer.stories()
        ]
    )


def _conflict(attempts: int) -> StateConflict:
    return StateConflict(
        f"the story state was saved by another writer {attempts} times while this one "
        "worked; nothing was saved, run it again"
    )


def load_clusterer(store: Store) -> OnlineClusterer | None:
    """The clusterer saved in `store`, with the embedder it was built with; None if none.

    Its per-article lists hold the re-clustering window only (see `stored_stories` for
    every article's story).
    """
    return _load(store).clusterer


def track_stories(
    store: Store, embedder: Embedder | str | None = "auto", progress=None, **settings
) -> list[Story]:
    """Assign the articles stored since the last run; save the state; return all stories.

    Only articles after the saved store position are read. `progress(stage, done, total)`
    is passed to the clusterer (OnlineClusterer.partial_fit).
    """
    attempts = Settings().tracking_save_attempts
    for _ in range(attempts):
        loaded = _load(store, embedder)
        batch = store.articles_after(loaded.position)
        if not batch:
            return _stories(store, loaded, loaded.clusterer) if loaded.clusterer else []
        members_from = len(loaded.clusterer.labels_) if loaded.clusterer else 0
        if loaded.clusterer is not None:  # the window's articles may move again
            members_from = min([members_from, *(r.position for r in loaded.clusterer.window_)])
            # a state saved before the membership table: write every article once
            members_from = min(members_from, _held_from(loaded.clusterer))
        clusterer, _ = assign_stories(
            [article for _, article in batch], loaded.clusterer, embedder, progress, **settings
        )
        loaded.position = batch[-1][0]
        if _save(store, loaded, clusterer, members_from):
            return _stories(store, loaded, clusterer)
    raise _conflict(attempts)


def recluster_stories(
    store: Store, embedder: Embedder | str | None = "auto", progress=None, **settings
) -> tuple[list[Story], list[StoryEvent]]:
    """Cluster all stored articles again with `settings`, keeping ids where stories overlap.

    The merges and splits against the previous stories are returned and kept with the
    state (`story_events`).
    """
    attempts = Settings().tracking_save_attempts
    for _ in range(attempts):
        previous = _load(store)
        batch = store.articles_after(0)
        articles = [article for _, article in batch]
        clusterer, public_of, events = recluster(articles, None, embedder, progress, **settings)
        mapped = _Loaded(
            clusterer,
            previous.version,
            events=list(previous.events),
            position=batch[-1][0] if batch else previous.position,
        )
        if previous.clusterer is not None:
            old_of = {a: previous.public(s) for a, s in _members(store, previous.clusterer).items()}
            public_of, events = map_story_ids(old_of, public_of)
            mapped.ids, mapped.offset = _story_ids(clusterer, public_of, old_of)
            mapped.events += [_event_dict(e) for e in events]
        if _save(store, mapped, clusterer, replace=True):
            return _stories(store, mapped, clusterer), events
    raise _conflict(attempts)


def _story_ids(
    clusterer: OnlineClusterer, public_of: dict[str, int], old_of: dict[str, int]
) -> tuple[dict[int, int], int]:
    """Public id of every clusterer story, and the offset for stories born later."""
    new_of = dict(zip(clusterer.article_ids_, clusterer.resolved_labels(), strict=True))
    ids = {new_of[a]: public for a, public in public_of.items()}
    next_id = max([*ids.values(), *old_of.values(), -1]) + 1
    for story in range(len(clusterer.stories_)):  # merged-away stories get unused ids too
        if story not in ids:
            ids[story] = next_id
            next_id += 1
    return ids, next_id - len(clusterer.stories_)


def _event_dict(event: StoryEvent) -> dict:
    return {
        "kind": event.kind,
        "story_id": event.story_id,
        "from_ids": list(event.from_ids),
        "to_ids": list(event.to_ids),
    }


def story_events(store: Store) -> list[StoryEvent]:
    """The merges and splits recorded by re-clusterings (in public story ids)."""
    return [
        StoryEvent(e["kind"], e["story_id"], tuple(e["from_ids"]), tuple(e["to_ids"]))
        for e in _load(store).events
    ]


def stored_stories(store: Store) -> list[Story]:
    """The stories as last tracked, without assigning new articles."""
    loaded = _load(store)
    return _stories(store, loaded, loaded.clusterer) if loaded.clusterer else []


def find_story(stories: Sequence[Story], story_id: int) -> Story:
    for story in stories:
        if story.story_id == story_id:
            return story
    known = ", ".join(str(s.story_id) for s in stories[:20]) or "none yet"
    raise StoryNotFound(
        f"story {story_id}",
        "no such story",
        f"known ids: {known}; run `storyline cluster` after ingesting",
    )


def story_articles(store: Store, story: Story) -> list[Article]:
    """The story's stored articles (ids the store no longer has are skipped)."""
    articles = (store.get_article(article_id) for article_id in story.article_ids)
    return [a for a in articles if a is not None]
