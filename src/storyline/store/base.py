"""The Store protocol: the one durable home of articles, raw inputs, quarantine and state.

Every backend keeps the same promises (one contract suite in tests/store checks them):
- `add_articles` and `add_quarantined` are idempotent: what is already stored is reported,
  not stored twice; articles are keyed by a hash of their normalised text (per outlet, so a
  wire story reprinted by two papers stays two articles for the reprint detector) and by URL;
- a batch is one transaction (`with store.transaction(): ...`), so a failure mid-batch leaves
  what was stored before exactly as it was;
- raw input bytes are kept for re-processing, and every rejected input is kept with its reason.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from storyline.records import Article, Quarantined, RawInput, SearchHit, StoredArticle
from storyline.settings import Settings

_SPACE = re.compile(r"\s+")


def content_sha256(text: str) -> str:
    """sha256 of the text after NFKC, case folding and whitespace collapsing.

    Two copies of an article that differ only in line breaks, spacing or Unicode forms
    (a curly vs straight quote is not folded: that is a different edition) hash alike.
    """
    normalised = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@runtime_checkable
class Store(Protocol):
    """Articles, their raw inputs, the quarantine and key-value state, in one file."""

    path: str
    schema_version: int

    def transaction(self) -> AbstractContextManager[None]:
        """One transaction around several calls; nested calls join the outer one."""
        ...

    def add_articles(
        self, articles: Sequence[Article], raws: Sequence[RawInput | None] | None = None
    ) -> list[StoredArticle]:
        """Store new articles (with the raw input each came from); one outcome per article."""
        ...

    def add_quarantined(
        self, items: Sequence[Quarantined], raws: Sequence[RawInput | None] | None = None
    ) -> int:
        """Record rejected inputs; returns how many were not recorded before."""
        ...

    def get_article(self, article_id: str) -> Article | None: ...

    def article_for_raw(self, raw_sha256: str) -> str | None:
        """The id of the article stored from this raw input, if any (skips re-cleaning)."""
        ...

    def get_raw(self, article_id: str) -> RawInput | None:
        """The raw input an article was read from, if it was kept."""
        ...

    def iter_articles(
        self,
        since: datetime | None = None,
        *,
        outlet: str | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> Iterator[Article]:
        """Articles in the order they were stored; `since` filters on the time stored."""
        ...

    def articles_after(self, seq: int, limit: int | None = None) -> list[tuple[int, Article]]:
        """Articles stored after position `seq` (0: all), with their positions, in order.

        Positions only grow, in commit order, so a reader that saves the last one it saw
        reads each article once (incremental story tracking).
        """
        ...

    def set_story_members(
        self, rows: Sequence[tuple[str, int, int]], replace: bool = False
    ) -> None:
        """Save (article_id, arrival position, clusterer story id) rows; `replace` drops all
        saved rows first (a re-clustering)."""
        ...

    def story_members(self) -> list[tuple[str, int]]:
        """Every (article_id, clusterer story id) saved, in arrival order."""
        ...

    def search(
        self,
        query: str,
        limit: int = 10,
        *,
        budget_seconds: float | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[SearchHit]:
        """Full-text search over titles and texts, best match first.

        Raises QueryInterrupted past `budget_seconds` (default
        `Settings.search_budget_seconds`) or once `cancelled()` is true.
        """
        ...

    def search_cost(self, query: str) -> int:
        """About how many index entries a search for `query` reads (cheap to ask)."""
        ...

    def quarantined(self) -> list[Quarantined]: ...

    def count(self) -> int: ...

    def get_state(self, key: str) -> Any | None:
        """A JSON value saved with `set_state`, or None."""
        ...

    def set_state(self, key: str, value: Any) -> None:
        """Save a JSON-serialisable value (e.g. the online clusterer's learned state)."""
        ...

    def state_updated_at(self, key: str) -> str | None:
        """When `key` was last saved (an ISO timestamp), without reading its value."""
        ...

    def close(self) -> None: ...


def save_state_if_unchanged(store: Store, key: str, value: Any, read_at: str | None) -> bool:
    """Save `value` under `key` only if nobody saved `key` since `read_at`; False if someone did.

    The compare-and-set that keeps a slow read-modify-write (the tracker clustering new
    articles from the state it loaded) from overwriting a concurrent tracker's update: read
    `state_updated_at(key)` with the state, compute, then call this; on False, reload and redo.
    Atomic on every backend: SQLite's transaction holds the file's write lock from its start,
    PostgreSQL's holds the key's advisory lock from the first state read inside it.
    """
    with store.transaction():
        if store.state_updated_at(key) != read_at:
            return False
        store.set_state(key, value)
    return True


def search_terms(query: str, max_terms: int | None = None) -> list[str]:
    """The query's distinct words (case-folded), first `max_terms` of them, in order.

    A word needs a letter or digit; quotes and NUL bytes are dropped, so user text is
    never FTS5 or tsquery syntax and repeating a word costs nothing.
    """
    if max_terms is None:
        max_terms = Settings().search_max_terms
    cleaned = "".join(" " if ch == '"' or unicodedata.category(ch) == "Cc" else ch for ch in query)
    words: dict[str, None] = {}
    for word in cleaned.split():
        if any(ch.isalnum() for ch in word):
            words.setdefault(word.casefold(), None)
            if len(words) >= max_terms:
                break
    return list(words)
