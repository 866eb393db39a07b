"""Story tracking over the store: stored articles join stories as they arrive.

The online clusterer's state lives in the store's key-value table, so `track_stories` run
after each ingest only assigns the articles it has not seen, and story ids stay stable.
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
from storyline.errors import InputError, StateConflict
from storyline.records import Article, Story, StoryEvent
from storyline.settings import Settings
from storyline.store import Store

STATE_KEY = "story_clusterer"
# Extra fields of the saved state (the clusterer ignores them): the public id of each
# clusterer story after a re-clustering, and the events that re-clustering recorded.
IDS_FIELD = "story_ids"
EVENTS_FIELD = "recluster_events"


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

    def public(self, story_id: int) -> int:
        return self.ids.get(story_id, story_id + self.offset)

    def extra(self) -> dict:
        if not self.ids and not self.events:
            return {}
        return {
            IDS_FIELD: {
                "ids": {str(k): v for k, v in self.ids.items()},
                "offset": self.offset,
            },
            EVENTS_FIELD: self.events,
        }

    def stories(self, stories: list[Story]) -> list[Story]:
        if not self.ids and not self.offset:
            return stories
        return [dataclasses.replace(s, story_id=self.public(s.story_id)) for s in stories]


def _load(store: Store) -> _Loaded:
    version = store.state_updated_at(STATE_KEY)  # first: a newer state fails the save check
    state = store.get_state(STATE_KEY)
    if state is None:
        return _Loaded(None, version)
    name = state.get("params", {}).get("embedder")
    clusterer = OnlineClusterer.from_state(state, embedder=resolve_embedder(name) if name else None)
    mapping = state.get(IDS_FIELD) or {}
    return _Loaded(
        clusterer,
        version,
        {int(k): v for k, v in mapping.get("ids", {}).items()},
        mapping.get("offset", 0),
        list(state.get(EVENTS_FIELD) or []),
    )


def _save(store: Store, loaded: _Loaded, clusterer: OnlineClusterer) -> bool:
    """Save unless another writer saved since `loaded` was read (then nothing is written)."""
    with store.transaction():
        if store.state_updated_at(STATE_KEY) != loaded.version:
            return False
        store.set_state(STATE_KEY, {**clusterer.to_state(), **loaded.extra()})
    return True


def _conflict(attempts: int) -> StateConflict:
    return StateConflict(
        f"the story state was saved by another writer {attempts} times while this one "
        "worked; nothing was saved, run it again"
    )


def load_clusterer(store: Store) -> OnlineClusterer | None:
    """The clusterer saved in `store`, with the embedder it was built with; None if none."""
    return _load(store).clusterer


def track_stories(
    store: Store, embedder: str | None = "auto", progress=None, **settings
) -> list[Story]:
    """Assign every stored article not yet in a story; save the state; return all stories.

    `progress(stage, done, total)` is passed to the clusterer (OnlineClusterer.partial_fit).
    """
    attempts = Settings().tracking_save_attempts
    for _ in range(attempts):
        loaded = _load(store)
        articles = list(store.iter_articles())
        if loaded.clusterer is not None and not _unseen(loaded.clusterer, articles):
            return loaded.stories(loaded.clusterer.stories())
        clusterer, stories = assign_stories(
            articles, loaded.clusterer, embedder, progress, **settings
        )
        if _save(store, loaded, clusterer):
            return loaded.stories(stories)
    raise _conflict(attempts)


def _unseen(clusterer: OnlineClusterer, articles: list[Article]) -> bool:
    seen = set(clusterer.article_ids_)
    return any(a.article_id not in seen for a in articles)


def recluster_stories(
    store: Store, embedder: str | None = "auto", progress=None, **settings
) -> tuple[list[Story], list[StoryEvent]]:
    """Cluster all stored articles again with `settings`, keeping ids where stories overlap.

    The merges and splits against the previous stories are returned and kept with the
    state (`story_events`).
    """
    attempts = Settings().tracking_save_attempts
    for _ in range(attempts):
        previous = _load(store)
        articles = list(store.iter_articles())
        clusterer, public_of, events = recluster(articles, None, embedder, progress, **settings)
        mapped = _Loaded(clusterer, previous.version, events=list(previous.events))
        if previous.clusterer is not None:
            old_of = {
                a: previous.public(s)
                for a, s in zip(
                    previous.clusterer.article_ids_,
                    previous.clusterer.resolved_labels(),
                    strict=True,
                )
            }
            public_of, events = map_story_ids(old_of, public_of)
            mapped.ids, mapped.offset = _story_ids(clusterer, public_of, old_of)
            mapped.events += [_event_dict(e) for e in events]
        if _save(store, mapped, clusterer):
            return mapped.stories(clusterer.stories()), events
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
    return loaded.stories(loaded.clusterer.stories()) if loaded.clusterer else []


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
