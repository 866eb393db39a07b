"""Server settings: where the store is, who may write, and the caps that keep it up."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

TOKEN_ENV = "STORYLINE_TOKEN"


@dataclass(frozen=True, slots=True)
class ServeConfig:
    db_path: Path
    # Write endpoints (upload) need this token; with none set they are refused outright.
    token: str | None = None
    # One upload (a file or a JSONL body). 10 MiB holds thousands of articles as JSONL while
    # a mistaken multi-GB upload is refused before it is read into memory.
    max_upload_bytes: int = 10 * 1024 * 1024
    # Requests per minute per client address (0: no cap). 600 is ten page views a second,
    # far above one reader's pace; the load benchmark turns the cap off and says so.
    requests_per_minute: int = 600
    # Uploads per minute per client address: each runs cleaning and clustering.
    uploads_per_minute: int = 10
    # A story's briefing reads at most this many of its articles (the newest): spaCy takes
    # ~0.1-0.3 s per article here, so 60 keeps a cold briefing under half a minute.
    max_briefing_articles: int = 60
    # How often (seconds) a request may check the store for new stories or articles.
    refresh_seconds: float = 1.0
    # Cluster newly stored articles (e.g. from `storyline ingest` in another process) in
    # the background, so story pages show them on reload without a restart.
    track_new_articles: bool = True

    @classmethod
    def from_env(cls, db_path: Path, token: str | None = None, **options) -> ServeConfig:
        """`token` falls back to $STORYLINE_TOKEN; an empty token counts as none."""
        return cls(db_path=db_path, token=token or os.environ.get(TOKEN_ENV) or None, **options)

    def to_json(self) -> str:
        """Every field, for server processes that are started by import string."""
        return json.dumps({**asdict(self), "db_path": str(self.db_path)})

    @classmethod
    def from_json(cls, text: str) -> ServeConfig:
        options = json.loads(text)
        return cls(**{**options, "db_path": Path(options["db_path"])})
