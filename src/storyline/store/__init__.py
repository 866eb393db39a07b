"""The article store: a Store protocol and its backends, picked by name or by `--db` value.

A file path opens SQLite (embedded, one machine); a `postgresql://user@host/db` URL opens
PostgreSQL (shared by many workers and servers).

>>> from storyline.store import open_store
>>> with open_store("storyline.db") as store:  # doctest: +SKIP
...     hits = store.search("battery recall")
>>> with open_store("postgresql://storyline@db.example/news") as store:  # doctest: +SKIP
...     hits = store.search("battery recall")
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from storyline.errors import ConfigError
from storyline.store.base import Store, content_sha256, save_state_if_unchanged
from storyline.store.postgres import PostgresStore, is_postgres_url, normalise_url
from storyline.store.sqlite import MIGRATIONS, SqliteStore

# Backend registry: name -> factory taking a path or URL. DuckDB was measured and not adopted
# (benchmarks/store_benchmark.py: no full-text index without downloading an extension).
# PostgresStore imports psycopg only when opened (BackendUnavailable names the extra).
STORES: dict[str, Callable[[str | Path], Store]] = {
    "postgres": lambda url: PostgresStore(str(url)),
    "sqlite": SqliteStore,
}

DEFAULT_DB = "storyline.db"

__all__ = [
    "DEFAULT_DB",
    "MIGRATIONS",
    "STORES",
    "PostgresStore",
    "SqliteStore",
    "Store",
    "backend_for",
    "content_sha256",
    "default_db_path",
    "open_store",
    "save_state_if_unchanged",
]


def default_db_path() -> Path:
    """$STORYLINE_DB, else storyline.db in the current directory."""
    return Path(os.environ.get("STORYLINE_DB") or DEFAULT_DB)


def backend_for(path: str | Path) -> str:
    """The backend a `--db` value names: "postgres" for a postgresql:// URL, else "sqlite"."""
    return "postgres" if is_postgres_url(path) else "sqlite"


def open_store(path: str | Path | None = None, backend: str | None = None) -> Store:
    """Open (creating or upgrading) the store at `path`, default `default_db_path()`.

    `backend` defaults to the one `path` names (`backend_for`): a `postgresql://` URL opens
    PostgreSQL, anything else is a SQLite file. Raises ConfigError for an unknown backend,
    StoreError when the file or database cannot be used.
    """
    target = path if path is not None else default_db_path()
    name = backend or backend_for(target)
    factory = STORES.get(name)
    if factory is None:
        raise ConfigError(
            f"unknown store backend {name!r}; valid backends: {', '.join(sorted(STORES))}"
        )
    if name == "postgres":
        # A URL that went through pathlib.Path (typer's Path options) lost one '/'.
        target = normalise_url(target)
    return factory(target)
