"""Bounded searches: costly queries queue in their own small lane, and a request that the
client leaves stops its SQLite work.

A search of the commonest words reads most of the index (12 of them: 0.08 s on a
10k-article store, far more on a large one) while a search of rare words reads a few
hundred postings. `SearchGate` prices a query first (store/sqlite.py `search_cost`, one
look-up in the index's vocabulary) and lets at most `heavy_slots` costly ones run at a
time per process, resting between them in proportion to what they cost; the rest are
answered 503 at once (priced on the event loop, so a refusal takes no worker thread), and
fifty clients sending worst-case searches cannot starve normal searches or /health. Every
search also runs under the store's time budget.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from storyline.records import SearchHit
from storyline.serve.errors import ApiError
from storyline.store import Store

T = TypeVar("T")
# How often (seconds) a waiting request checks whether its client is still connected.
DISCONNECT_POLL_SECONDS = 0.1


class SearchGate:
    """Run store searches with the costly ones limited to `heavy_slots` at a time, and the
    costly lane resting `rest_factor` times as long as its last search took (so costly
    searches use at most 1 / (1 + rest_factor) of a core however many clients send them)."""

    def __init__(
        self, heavy_cost: int, heavy_slots: int, budget_seconds: float, rest_factor: float = 0
    ) -> None:
        self.heavy_cost = heavy_cost
        self.budget_seconds = budget_seconds
        self.rest_factor = rest_factor
        self._heavy = threading.BoundedSemaphore(heavy_slots)
        self._rest_until = 0.0

    def acquire(self, store: Store, query: str) -> float | None:
        """Admit one search of `query`, priced on the calling thread (a refusal is cheap).

        Returns None for a cheap search, else the time the costly slot was taken (pass it
        to `release`); raises ApiError 503 when the costly lane is busy or resting.
        """
        cost = store.search_cost(query) if hasattr(store, "search_cost") else 0
        if cost <= self.heavy_cost:
            return None
        if time.monotonic() < self._rest_until or not self._heavy.acquire(blocking=False):
            raise ApiError(
                503,
                "busy",
                "the server is already running searches of very common words; retry in a "
                "few seconds or add rarer words to the query",
                headers={"Retry-After": "2"},
            )
        return time.monotonic()

    def release(self, taken: float | None) -> None:
        if taken is None:
            return
        now = time.monotonic()
        self._rest_until = now + (now - taken) * self.rest_factor
        self._heavy.release()

    @contextmanager
    def slot(self, store: Store, query: str) -> Iterator[None]:
        taken = self.acquire(store, query)
        try:
            yield
        finally:
            self.release(taken)

    def search(
        self,
        store: Store,
        query: str,
        limit: int,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[SearchHit]:
        with self.slot(store, query):
            return self.run(store, query, limit, cancelled)

    def run(self, store, query, limit, cancelled=None) -> list[SearchHit]:
        """The search itself, under the time budget (admit it with `slot` first)."""
        return store.search(
            query, limit=limit, budget_seconds=self.budget_seconds, cancelled=cancelled
        )


async def until_disconnect(request: Request, work: Callable[[Callable[[], bool]], T]) -> T:
    """Run `work(cancelled)` on the thread pool; `cancelled()` turns true once the client
    disconnects, so store work that polls it (a search) stops instead of running on."""
    gone = threading.Event()
    task = asyncio.ensure_future(run_in_threadpool(work, gone.is_set))
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=DISCONNECT_POLL_SECONDS)
            if done:
                return task.result()
            if not gone.is_set() and await request.is_disconnected():
                gone.set()
    finally:
        gone.set()  # this request was cancelled itself: stop the work too


async def find_stories(request: Request, catalog, stores: Callable[[], Store], story_filter):
    """Stories matching `story_filter`, for every path that offers a search (the API's
    /stories, the web list's /?q=, the search feed): a full-text query runs via
    `until_disconnect`, so a client that leaves stops it; plain filters answer from memory."""
    if story_filter.query or story_filter.entity:
        return await until_disconnect(
            request, lambda cancelled: catalog.search(stores(), story_filter, cancelled)
        )
    return catalog.search(stores(), story_filter)
