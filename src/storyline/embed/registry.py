"""Embedder registry: backend names to factories, built-ins loaded like plugins.

Built-ins are listed as entry-point strings in `DEFAULT_EMBEDDERS` and loaded exactly like
third-party backends registered under the `storyline.embedders` entry-point group
(datasette `datasette/plugins.py` `DEFAULT_PLUGINS`). Optional imports happen only when a
backend is built, so a missing dependency surfaces as `BackendUnavailable` then.

>>> from storyline.embed import get_embedder
>>> get_embedder("hashing").embed(["Port fire spreads"]).shape
(1, 262144)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points

from storyline.embed.base import Embedder
from storyline.errors import ConfigError

ENTRY_POINT_GROUP = "storyline.embedders"

DEFAULT_EMBEDDERS: dict[str, str] = {
    "hashing": "storyline.embed.hashing:HashingEmbedder",
    "minilm": "storyline.embed.packaged:packaged_minilm",
    "model-dir": "storyline.embed.model_dir:model_dir_embedder",
}


def _load(reference: str) -> Callable[..., Embedder]:
    module_name, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def embedder_names() -> list[str]:
    """Every backend name: built-ins plus installed `storyline.embedders` entry points."""
    names = set(DEFAULT_EMBEDDERS)
    names.update(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
    return sorted(names)


def get_embedder(name: str, **options) -> Embedder:
    """Build the backend registered as `name` with `options` (e.g. path= for model-dir).

    Raises:
        ConfigError: `name` is not registered (the message lists the valid names).
        BackendUnavailable: the backend's optional dependency is missing (names the extra).
    """
    reference = DEFAULT_EMBEDDERS.get(name)
    if reference is None:
        found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
        if not found:
            raise ConfigError(
                f"unknown embedder {name!r}; valid: {', '.join(embedder_names())} "
                f"(plugins register under the {ENTRY_POINT_GROUP!r} entry-point group)"
            )
        reference = found[0].value
    return _load(reference)(**options)
