"""The embedded article store: a Store protocol and its backends, picked by name.

>>> from storyline.store import open_store
>>> with open_store("storyline.db") as store:  # doctest: +SKIP
...     hits = store.search("battery recall")
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from storyline.errors import ConfigError
from storyline.store.base import Store, content_sha256
from storyline.store.sqlite import MIGRATIONS, SqliteStore

# Backend registry: name -> factory taking a path. DuckDB was measured and not adopted
# (benchmarks/store_benchmark.py: no full-text index without downloading an extension).
STORES: dict[str, Callable[[str | Path], Store]] = {"sqlite": SqliteStore}

DEFAULT_DB = "storyline.db"

__all__ = [
    "DEFAULT_DB",
    "MIGRATIONS",
    "STORES",
    "SqliteStore",
    "Store",
    "content_sha256",
    "default_db_path",
    "open_store",
]


def default_db_path() -> Path:
    """$STORYLINE_DB, else storyline.db in the current directory."""
    return Path(os.environ.get("STORYLINE_DB") or DEFAULT_DB)


def open_store(path: str | Path | None = None, backend: str = "sqlite") -> Store:
    """Open (creating or upgrading) the store at `path`, default `default_db_path()`.

    Raises ConfigError for an unknown backend, StoreError when the file cannot be used.
    """
    factory = STORES.get(backend)
    if factory is None:
        raise ConfigError(
            f"unknown store backend {backend!r}; valid backends: {', '.join(sorted(STORES))}"
        )
    return factory(path if path is not None else default_db_path())
