"""Story tracking over the store: stored articles join stories as they arrive.

The online clusterer's state lives in the store's key-value table, so `track_stories` run
after each ingest only assigns the articles it has not seen, and story ids stay stable.
`recluster_stories` starts over with new settings, keeping old ids where stories overlap
and recording merges and splits.
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.cluster import OnlineClusterer, assign_stories, recluster
from storyline.cluster.online import resolve_embedder
from storyline.errors import InputError
from storyline.records import Article, Story, StoryEvent
from storyline.store import Store

STATE_KEY = "story_clusterer"


class StoryNotFound(InputError, KeyError):
    """No story has the requested id."""


def load_clusterer(store: Store) -> OnlineClusterer | None:
    """The clusterer saved in `store`, with the embedder it was built with; None if none."""
    state = store.get_state(STATE_KEY)
    if state is None:
        return None
    name = state.get("params", {}).get("embedder")
    return OnlineClusterer.from_state(state, embedder=resolve_embedder(name) if name else None)


def track_stories(
    store: Store, embedder: str | None = "auto", progress=None, **settings
) -> list[Story]:
    """Assign every stored article not yet in a story; save the state; return all stories.

    `progress(stage, done, total)` is passed to the clusterer (OnlineClusterer.partial_fit)."""
    clusterer = load_clusterer(store)
    clusterer, stories = assign_stories(
        list(store.iter_articles()), clusterer, embedder, progress, **settings
    )
    with store.transaction():
        store.set_state(STATE_KEY, clusterer.to_state())
    return stories


def recluster_stories(
    store: Store, embedder: str | None = "auto", progress=None, **settings
) -> tuple[list[Story], list[StoryEvent]]:
    """Cluster all stored articles again with `settings`, keeping ids where stories overlap."""
    previous = load_clusterer(store)
    clusterer, _, events = recluster(
        list(store.iter_articles()), previous, embedder, progress, **settings
    )
    with store.transaction():
        store.set_state(STATE_KEY, clusterer.to_state())
    return clusterer.stories(), events


def stored_stories(store: Store) -> list[Story]:
    """The stories as last tracked, without assigning new articles."""
    clusterer = load_clusterer(store)
    return clusterer.stories() if clusterer else []


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
