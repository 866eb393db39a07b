"""Server settings: where the store is, who may write, and the caps that keep it up."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from storyline.settings import SETTING_RULES, Rule, validate

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
    # Uploads per minute per client address (0: no cap): each runs cleaning and clustering.
    uploads_per_minute: int = 10
    # A story's briefing reads at most this many of its articles (the newest): spaCy takes
    # ~0.1-0.3 s per article here, so 60 keeps a cold briefing under half a minute.
    max_briefing_articles: int = 60
    # How often (seconds) a request may check the store for new stories or articles (0: on
    # every request, as the tests do).
    refresh_seconds: float = 1.0
    # Cluster newly stored articles (e.g. from `storyline ingest` in another process) in
    # the background, so story pages show them on reload without a restart.
    track_new_articles: bool = True
    # A search whose words occur more than this many times in the index is costly: on the
    # 10k-article load store the 10 commonest English words occur 196,000 times and took
    # 0.05-0.08 s, a one-word news search (2,400 occurrences) 0.006 s. 0: every search is costly.
    heavy_search_cost: int = 50_000
    # Costly searches running at once per process; more are answered 503 at once (the 2
    # cores of the benchmark machine: one for them, one for everything else).
    heavy_searches: int = 1
    # After a costly search the costly lane rests this many times as long as it ran, so such
    # searches take at most a quarter of one core (the benchmark: /health p95 under attack).
    heavy_search_rest: float = 3.0
    # A refused costly search is answered after this delay (seconds; the coroutine sleeps,
    # holding nothing): a client that retries at once then sends one a second, instead of
    # the ~170/s fifty such clients sent in the benchmark, which starved /health (p95 1.3 s).
    busy_delay_seconds: float = 2.0
    # Seconds a search may run before SQLite is interrupted (the store's default is 2 s); 0
    # interrupts every search at once (how the tests reach the timeout answer).
    search_budget_seconds: float = 2.0
    # Cold briefing builds running at once per process (each is spaCy over up to 60
    # articles: 1.8-14 s in issue 18); more are answered 503 with Retry-After.
    briefing_builds: int = 2
    # Update briefings (`?since=`) kept per story, newest first: each distinct date is a new
    # build, so an unbounded cache grew by one briefing per date any client asked for.
    since_briefings_per_story: int = 4
    # Client addresses the per-client rate limiters remember at once; the least recently
    # seen are forgotten first (10,000 keys of deques cost a few MB).
    rate_limit_clients: int = 10_000
    # Bytes an upload may expand to once decompressed (a .gz upload): a 10 MiB JSONL body
    # compresses about 5x, so 64 MiB admits any real upload while a 510 KB gzip bomb
    # (1 GiB expanded, 4 GB of server memory in issue 18) is refused.
    max_expanded_upload_bytes: int = 64 * 1024 * 1024

    def __post_init__(self) -> None:
        validate(self, SERVE_RULES)

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


# Every numeric server setting must be positive except these, which document 0 above; the
# same rule checker as Settings (settings.py), so both refuse a value with one message.
SERVE_RULES: dict[str, Rule] = {
    "requests_per_minute": Rule(low_open=False, off="0: no cap"),
    "uploads_per_minute": Rule(low_open=False, off="0: no cap"),
    "refresh_seconds": Rule(low_open=False, off="0: every request"),
    "heavy_search_cost": Rule(low_open=False, off="0: every search is costly"),
    "search_budget_seconds": SETTING_RULES["search_budget_seconds"],
}
