"""LocalEngine: this process, as `storyline ingest` has always run (ingest/run.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from storyline.embed.base import Embedder
from storyline.ingest.jsonl import FieldMap
from storyline.ingest.run import Progress, _no_progress, ingest_paths
from storyline.records import IngestReport
from storyline.settings import Settings
from storyline.store.base import Store


class LocalEngine:
    """`ingest_paths` in the calling process; the reference the Ray engine is tested against."""

    name = "local"

    def __init__(self, progress: Progress = _no_progress) -> None:
        self.progress = progress

    def ingest(
        self,
        paths: Iterable[str | Path],
        store: Store,
        settings: Settings | None = None,
        fields: FieldMap | None = None,
        now: datetime | None = None,
        input_format: str | None = None,
    ) -> IngestReport:
        return ingest_paths(
            paths, store, settings, self.progress, fields=fields, now=now, input_format=input_format
        )

    def embedder(self, local: Embedder | None) -> Embedder | None:
        return local

    def close(self) -> None:
        return None
