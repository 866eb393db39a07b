"""Shared fixtures: the demo corpus, the shared example articles, UCI headline items, cached
briefings, and a throwaway PostgreSQL server (Debian's initdb/pg_ctl) with a fresh schema per
test."""

from __future__ import annotations

import gzip
import itertools
import json
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from storyline.cli.demo import demo_corpus
from storyline.pipeline import brief_paths
from storyline.records import Article
from storyline.store.pg_local import LocalPostgres, postgres_bindir

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = SHARED / "examples" / "trade-talks"
UCI = SHARED / "data" / "uci-news-aggregator-stories"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return Path(str(demo_corpus()))


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/examples/trade-talks is not present")
    return EXAMPLES


@pytest.fixture(scope="session")
def uci_articles():
    """`uci_articles(n)`: the first n UCI headline items as Articles, in file order."""
    if not UCI.is_dir():
        pytest.skip("../shared/data/uci-news-aggregator-stories absent")

    def load(n: int) -> list[Article]:
        with gzip.open(UCI / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
            rows = [json.loads(line) for line in itertools.islice(lines, n)]
        return [
            Article(
                article_id=r["id"],
                text=r["text"],
                source=r["url"],
                title=r["title"],
                outlet=r["publisher"],
                published_at=datetime.fromisoformat(r["date"].replace("Z", "+00:00")),
            )
            for r in rows
        ]

    return load


@pytest.fixture(scope="session")
def demo_briefing(demo_dir):
    return brief_paths([demo_dir])


@pytest.fixture(scope="session")
def examples_briefing(examples_dir):
    return brief_paths([examples_dir])


_schemas = itertools.count()


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a throwaway server; skipped only where the server binaries are absent."""
    if postgres_bindir() is None:
        pytest.skip("PostgreSQL server binaries not found (apt-get install -y postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg 3 not installed (pip install 'storyline[postgres]')")
    with LocalPostgres() as server:
        yield server.url


@pytest.fixture
def postgres_url(postgres_server):
    """A URL whose search_path is a new, empty schema: each test starts from no tables."""
    import psycopg

    name = f"t{next(_schemas)}"
    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {name}")
    yield f"{postgres_server}?options={quote(f'-csearch_path={name}')}"
    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {name} CASCADE")
