"""Story briefings for the server: built once per story version, then read from a cache.

A briefing is built from the articles' stored analyses (spaCy ran once, at ingest; an
article of an older store is analysed on its first read and its analysis stored), and it is
still built at most once per (story, since, set of articles): the result is kept as JSON in
the store's state table (it survives restarts and is shared by every server process) and as
ready-to-send bytes in memory. A story that gains an article gets a new fingerprint, so its
next read builds a fresh briefing. Concurrent requests for one cold briefing wait for one build.

Builds are bounded: at most `builds` run at once in a process (a caller past that gets a
503 with Retry-After), and update briefings (`since`) are kept for only the
`since_per_story` most recently built dates of a story, all in one state row per story,
so a client cycling through dates cannot grow the store.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from storyline.pipeline import brief_articles
from storyline.records import Article, Story
from storyline.render.json import briefing_to_dict
from storyline.serve.cache import LruCache
from storyline.serve.errors import ApiError
from storyline.settings import Settings
from storyline.store import Store
from storyline.tracking import story_articles

# Bump when the served briefing's shape or the pipeline's output changes. 4: evidence spans
# ({article_id, start, end, text}) on every cited part, replacing summary's guessed sentences.
BRIEFING_VERSION = 4


@dataclass(frozen=True, slots=True)
class ServedBriefing:
    data: dict
    body: bytes  # data as UTF-8 JSON, ready to send


def _json_default(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def fingerprint(story: Story, since: date | None, max_articles: int) -> str:
    key = f"{BRIEFING_VERSION}|{since}|{max_articles}|" + ",".join(story.article_ids)
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _newest(articles: list[Article], limit: int) -> list[Article]:
    dated = sorted(articles, key=lambda a: a.published_at.timestamp() if a.published_at else 0)
    return dated[-limit:]


def build_briefing(
    articles: list[Article], since: date | None, total: int, store: Store | None = None
) -> dict:
    """The briefing as JSON-ready data; each citation carries its evidence span.

    With `store`, built from the stored analyses (no spaCy); an article without one (a
    store from before analyses were kept) is analysed now and its analysis stored.
    """
    data = briefing_to_dict(brief_articles(articles, Settings(), since=since, store=store))
    if total > len(articles):
        data["warnings"] = [
            f"briefed the {len(articles)} newest of the story's {total} articles",
            *data["warnings"],
        ]
    return json.loads(json.dumps(data, default=_json_default))


class BriefingService:
    """Get a story's briefing: memory, then the store's state table, then a fresh build."""

    def __init__(
        self,
        store: Callable[[], Store],
        max_articles: int = 60,
        builds: int = 2,
        since_per_story: int = 4,
    ) -> None:
        self._store = store
        self._max_articles = max_articles
        self._builds = threading.BoundedSemaphore(builds)
        self._since_per_story = since_per_story
        self._memory: LruCache[ServedBriefing] = LruCache()
        self._build_locks_lock = threading.Lock()
        self._build_locks: dict[tuple, threading.Lock] = {}

    def _key(self, story: Story, since: date | None) -> tuple:
        return (story.story_id, since, fingerprint(story, since, self._max_articles))

    def in_memory(self, story: Story, since: date | None) -> ServedBriefing | None:
        """The briefing if this process holds it; touches neither the store nor spaCy."""
        return self._memory.get(self._key(story, since))

    def _cached(self, key: tuple) -> ServedBriefing | None:
        """The briefing if it is already built (memory or store); never builds."""
        served = self._memory.get(key)
        if served is not None:
            return served
        story_id, since, version = key
        stored = self._store().get_state(_state_key(story_id, since))
        if since is not None:
            stored = _since_entry(stored, since)
        if stored and stored.get("fingerprint") == version:
            return self._remember(key, stored["briefing"])
        return None

    def get(self, story: Story, since: date | None = None) -> ServedBriefing:
        key = self._key(story, since)
        served = self._cached(key)
        if served is not None:
            return served
        with self._build_locks_lock:
            lock = self._build_locks.setdefault(key, threading.Lock())
        try:
            with lock:
                served = self._cached(key)
                if served is not None:
                    return served
                if not self._builds.acquire(blocking=False):
                    raise ApiError(
                        503,
                        "busy",
                        "the server is building other briefings; this one has not been built "
                        "yet, retry in a few seconds",
                        headers={"Retry-After": "5"},
                    )
                try:
                    served = self._build(story, since, key)
                finally:
                    self._builds.release()
        finally:
            with self._build_locks_lock:
                self._build_locks.pop(key, None)
        return served

    def _build(self, story: Story, since: date | None, key: tuple) -> ServedBriefing:
        store = self._store()
        articles = story_articles(store, story)
        data = build_briefing(_newest(articles, self._max_articles), since, len(articles), store)
        data["title"] = story.label  # one name: the label `stories` and the story list show
        entry = {"fingerprint": key[2], "briefing": data}
        state_key = _state_key(story.story_id, since)
        if since is None:
            store.set_state(state_key, entry)
        else:
            with store.transaction():  # read-modify-write of the story's update briefings
                kept = [
                    e
                    for e in (store.get_state(state_key) or {}).get("entries", [])
                    if e.get("since") != since.isoformat()
                ]
                kept = [{**entry, "since": since.isoformat()}, *kept][: self._since_per_story]
                store.set_state(state_key, {"entries": kept})
        return self._remember(key, data)

    def _remember(self, key: tuple, data: dict) -> ServedBriefing:
        body = json.dumps({"data": data}, ensure_ascii=False).encode()
        return self._memory.put(key, ServedBriefing(data, body))


def _state_key(story_id: int, since: date | None) -> str:
    """One row for the plain briefing, one for all the story's kept update briefings."""
    return f"briefing:{story_id}:{'since' if since else 'all'}"


def _since_entry(stored: dict | None, since: date) -> dict | None:
    for entry in (stored or {}).get("entries", []):
        if entry.get("since") == since.isoformat():
            return entry
    return None
