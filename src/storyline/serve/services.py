"""What every request handler needs, built once per app: store access, stories, caps."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from fastapi import Request

from storyline.serve.briefings import BriefingService
from storyline.serve.cache import LruCache
from storyline.serve.catalog import StoryCatalog
from storyline.serve.config import ServeConfig
from storyline.serve.ratelimit import RateLimiter
from storyline.serve.searching import SearchGate
from storyline.store import Store, open_store


class ThreadStores:
    """One store connection per server thread (SQLite and psycopg connections are not
    shared); the backend is the one the path names (a postgresql:// URL opens PostgreSQL)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()
        self()  # open (and create or migrate) the store now, so a bad file fails at start

    def __call__(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(self.path)
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()


@dataclass
class Services:
    config: ServeConfig
    stores: ThreadStores
    catalog: StoryCatalog
    searches: SearchGate
    briefings: BriefingService
    uploads: RateLimiter
    # Uploads write and re-cluster: one at a time in this process.
    write_lock: threading.Lock
    # Ready-to-send story pages and story JSON, keyed by the Story (its articles included),
    # so a story that changes is simply a new key.
    pages: LruCache[bytes]
    responses: LruCache[bytes]

    @classmethod
    def start(cls, config: ServeConfig) -> Services:
        stores = ThreadStores(str(config.db_path))
        searches = SearchGate(
            config.heavy_search_cost,
            config.heavy_searches,
            config.search_budget_seconds,
            config.heavy_search_rest,
        )
        return cls(
            config=config,
            stores=stores,
            catalog=StoryCatalog(
                lambda: open_store(stores.path),
                config.refresh_seconds,
                config.track_new_articles,
                search=searches.search,
            ),
            searches=searches,
            briefings=BriefingService(
                stores,
                config.max_briefing_articles,
                builds=config.briefing_builds,
                since_per_story=config.since_briefings_per_story,
            ),
            uploads=RateLimiter(config.uploads_per_minute, max_keys=config.rate_limit_clients),
            write_lock=threading.Lock(),
            pages=LruCache(256),
            responses=LruCache(1024),
        )


async def services(request: Request) -> Services:
    """FastAPI dependency; async so FastAPI does not hop to the thread pool to call it."""
    return request.app.state.services
