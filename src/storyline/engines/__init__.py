"""Engines: where the per-article stages run. `local` (this process) or `ray` (a cluster).

>>> from storyline.engines import open_engine
>>> engine = open_engine("ray", address="auto")  # doctest: +SKIP
>>> report = engine.ingest(["shards/"], store)  # doctest: +SKIP
"""

from __future__ import annotations

from storyline.engines.base import Engine
from storyline.engines.local import LocalEngine
from storyline.errors import ConfigError

ENGINES = ("local", "ray")

__all__ = ["ENGINES", "Engine", "LocalEngine", "open_engine"]


def open_engine(
    name: str = "local", address: str | None = None, workers: int | None = None, **options
) -> Engine:
    """The engine called `name`; `address` and `workers` apply to Ray only.

    Raises ConfigError for an unknown name, BackendUnavailable when Ray is not installed.
    """
    if name == "local":
        return LocalEngine(**options)
    if name == "ray":
        from storyline.engines.ray_engine import RayEngine

        return RayEngine(address=address, workers=workers, **options)
    raise ConfigError(f"unknown engine {name!r}; valid engines: {', '.join(ENGINES)}")
