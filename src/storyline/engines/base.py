"""The Engine protocol: how a whole corpus is read and cleaned into a store.

An engine decides where the per-article stages run (this process, a Ray cluster); what they
compute is the same functions either way, so `--engine local` and `--engine ray` store the
same articles (tests/engines). The store is written by one consumer, the calling process, in
batches: reprint grouping and story assignment after it stay single, ordered consumers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from storyline.embed.base import Embedder
from storyline.ingest.jsonl import FieldMap
from storyline.records import Article, IngestReport, ReprintGroup
from storyline.settings import Settings
from storyline.store.base import Store


@runtime_checkable
class Engine(Protocol):
    """Runs ingest over many inputs; one implementation per execution backend."""

    name: str

    def ingest(
        self,
        paths: Iterable[str | Path],
        store: Store,
        settings: Settings | None = None,
        fields: FieldMap | None = None,
        now: datetime | None = None,
        input_format: str | None = None,
    ) -> IngestReport:
        """Read, clean and store every article under `paths`, as `ingest_paths` does."""
        ...

    def reprint_groups(
        self, articles: Sequence[Article], settings: Settings | None = None
    ) -> list[ReprintGroup]:
        """Reprint groups of `articles` (arrival order): `ReprintIndex.groups()` of one
        `partial_fit` over them, with the settings' shingle size, containment and LSH
        threshold, wherever it is computed."""
        ...

    def embedder(self, local: Embedder | None) -> Embedder | None:
        """`local` as this engine computes it: the same rows, wherever they are computed.

        Story assignment stays one ordered consumer on the caller; only the embedding,
        which depends on each article alone, is spread out.
        """
        ...

    def close(self) -> None:
        """Release what the engine started (a local Ray instance); joined clusters stay up."""
        ...
