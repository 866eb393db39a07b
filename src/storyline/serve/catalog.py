"""The stories the server shows, kept in memory and reloaded when the store changes.

Loading the clusterer's state takes time on a large store, so requests read one immutable
`Snapshot`; at most once per `refresh_seconds` a request checks two cheap values (the
state's save time and the article count) and reloads only when they moved. Articles stored
by another process and not yet in a story are clustered on a background thread, one run
at a time, so pages show them on reload without a restart. A failed run is logged and
kept (`TrackerStatus`) so /health reports it, with the backlog of unclustered articles.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from storyline.records import SearchHit, Story
from storyline.store import Store
from storyline.tracking import STATE_KEY, stored_stories, track_stories

log = logging.getLogger(__name__)


def _story_order(story: Story) -> tuple:
    """Active first, then most recently updated, then largest."""
    last = story.last_at.timestamp() if story.last_at else 0.0
    return (not story.active, -last, -len(story.article_ids), story.story_id)


@dataclass(frozen=True, slots=True)
class Snapshot:
    stories: tuple[Story, ...] = ()
    by_id: dict[int, Story] = field(default_factory=dict)
    story_of_article: dict[str, int] = field(default_factory=dict)
    state_saved_at: str | None = None
    article_count: int = 0

    @classmethod
    def build(cls, stories: list[Story], saved_at: str | None, count: int) -> Snapshot:
        ordered = tuple(sorted(stories, key=_story_order))
        return cls(
            stories=ordered,
            by_id={s.story_id: s for s in ordered},
            story_of_article={a: s.story_id for s in ordered for a in s.article_ids},
            state_saved_at=saved_at,
            article_count=count,
        )

    @property
    def clustered_count(self) -> int:
        return len(self.story_of_article)


@dataclass(frozen=True, slots=True)
class TrackerStatus:
    """What the background tracker did last: for /health and the log."""

    running: bool = False
    runs: int = 0
    last_finished_at: float | None = None  # time.time()
    last_error: str | None = None
    last_error_at: float | None = None


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """What the story list is narrowed to; every field is optional."""

    query: str | None = None
    entity: str | None = None
    outlet: str | None = None
    start: date | None = None
    end: date | None = None


class StoryCatalog:
    """Thread-safe access to the current stories of one store.

    Requests never wait for the store: `snapshot()` returns the stories in memory and, at
    most once per `refresh_seconds`, starts a background check that reloads them (and
    clusters new articles first) when the store changed.
    """

    def __init__(
        self,
        open_store: Callable[[], Store],
        refresh_seconds: float = 1.0,
        track_new_articles: bool = True,
        search: Callable[..., list[SearchHit]] | None = None,
    ) -> None:
        self._open_store = open_store  # a new connection each call; the caller closes it
        # search(store, text, limit, cancelled) -> hits; the server passes its SearchGate's
        self._search = search or (lambda store, text, limit, cancelled: store.search(text, limit))
        self.tracker = TrackerStatus()
        self._refresh_seconds = refresh_seconds
        self._track_new = track_new_articles
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._checked_at = time.monotonic()
        with open_store() as store:
            self._snapshot = self._load(store)

    def _load(self, store: Store) -> Snapshot:
        saved_at = store.state_updated_at(STATE_KEY)
        return Snapshot.build(stored_stories(store), saved_at, store.count())

    def snapshot(self) -> Snapshot:
        """The current stories; starts a background check when the last one is old."""
        if time.monotonic() - self._checked_at >= self._refresh_seconds:
            with self._lock:
                idle = self._worker is None or not self._worker.is_alive()
                if idle and time.monotonic() - self._checked_at >= self._refresh_seconds:
                    self._worker = threading.Thread(
                        target=self._check, name="story-catalog", daemon=True
                    )
                    self._worker.start()
        return self._snapshot

    def refresh(self) -> Snapshot:
        """Reload now (after this process stored or clustered articles)."""
        with self._open_store() as store:
            self._snapshot = self._load(store)
        self._checked_at = time.monotonic()
        return self._snapshot

    def _check(self) -> None:
        try:
            with self._open_store() as store:
                saved_at, count = store.state_updated_at(STATE_KEY), store.count()
                current = self._snapshot
                if saved_at != current.state_saved_at:
                    current = self._snapshot = self._load(store)
                elif count != current.article_count:
                    current = self._snapshot = Snapshot.build(
                        list(current.stories), saved_at, count
                    )
                if self._track_new and current.clustered_count < count:
                    self._track(store)
        except Exception as exc:  # retried at the next check; the server keeps serving
            log.exception("refreshing the story catalog failed")
            self._failed(exc)
        finally:
            self._checked_at = time.monotonic()

    def _track(self, store: Store) -> None:
        """Cluster the backlog, recording the run (and its failure) in `tracker`."""
        status = self.tracker
        self.tracker = replace(status, running=True)
        try:
            track_stories(store)
            self._snapshot = self._load(store)
        except Exception as exc:
            log.exception("clustering %d new articles failed", self.backlog)
            self._failed(exc)
            return
        self.tracker = replace(
            self.tracker, running=False, runs=status.runs + 1, last_finished_at=time.time()
        )

    def _failed(self, exc: Exception) -> None:
        message = f"{type(exc).__name__}: {exc}"[:500]
        self.tracker = replace(
            self.tracker, running=False, last_error=message, last_error_at=time.time()
        )

    @property
    def backlog(self) -> int:
        """Stored articles not in any story yet (as of the last check)."""
        snapshot = self._snapshot
        return max(0, snapshot.article_count - snapshot.clustered_count)

    def wait_for_refresh(self, timeout: float | None = None) -> None:
        """Block until a background check (and any clustering it started) finished."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def search(
        self,
        store: Store,
        story_filter: StoryFilter,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[Story]:
        """Stories matching every given filter, in list order (active, recent, large)."""
        snapshot = self.snapshot()
        stories = list(snapshot.stories)
        for text in (story_filter.query, story_filter.entity):
            if text:
                hits = self._search(store, text, 2000, cancelled)
                ids = {snapshot.story_of_article.get(h.article_id) for h in hits}
                stories = [s for s in stories if s.story_id in ids]
        if story_filter.outlet:
            wanted = story_filter.outlet.casefold()
            stories = [s for s in stories if any(o.casefold() == wanted for o in s.outlets)]
        if story_filter.start:
            stories = [s for s in stories if s.last_at and s.last_at.date() >= story_filter.start]
        if story_filter.end:
            stories = [s for s in stories if s.first_at and s.first_at.date() <= story_filter.end]
        return stories
