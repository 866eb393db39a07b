"""PostgreSQL specifics: URLs, migrations, NUL text, and concurrent writers on a real server."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from datetime import UTC
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.errors import StoreError
from storyline.records import Article
from storyline.store import PostgresStore, SqliteStore, open_store, save_state_if_unchanged
from storyline.store import postgres as postgres_module
from storyline.store.postgres import redact

TEXT = (
    "The county water board approved a second inspection of the Marrow Falls dam on Monday, "
    "after divers reported more cracks below the waterline of the spillway."
)


def _schema_version(url: str) -> int | None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        exists = db.execute("SELECT to_regclass('storyline_schema')").fetchone()[0]
        if exists is None:
            return None
        return db.execute("SELECT max(version) FROM storyline_schema").fetchone()[0]


def test_postgres_opened_from_a_url_or_a_collapsed_path(postgres_url):
    with open_store(postgres_url) as store:
        assert isinstance(store, PostgresStore)
    # typer's Path options turn 'postgresql://' into 'postgresql:/'.
    with open_store(Path(postgres_url)) as store:
        assert isinstance(store, PostgresStore) and store.count() == 0


def test_postgres_path_hides_the_password():
    assert redact("postgresql://news:s3cret@db.example:5433/news") == (
        "postgresql://news:***@db.example:5433/news"
    )


def test_postgres_unreachable_server_is_a_store_error():
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        PostgresStore("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_postgres_newer_schema_version_is_refused_untouched(postgres_url):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as db:
        db.execute("CREATE TABLE storyline_schema (version INTEGER NOT NULL)")
        db.execute("INSERT INTO storyline_schema VALUES (99)")
    with pytest.raises(StoreError, match="schema version 99 is newer than this Storyline"):
        PostgresStore(postgres_url)
    assert _schema_version(postgres_url) == 99


def test_postgres_failed_migration_leaves_database_at_old_version(postgres_url, monkeypatch):
    with PostgresStore(postgres_url) as store:
        store.add_articles([Article("a1", TEXT, "dam.txt")])
    known = len(postgres_module.MIGRATIONS)
    broken = [
        *postgres_module.MIGRATIONS,
        ("CREATE TABLE extra (x int)", "CREATE TABLE articles ()"),
    ]
    known = len(postgres_module.MIGRATIONS)
    monkeypatch.setattr(postgres_module, "MIGRATIONS", broken)
    with pytest.raises(StoreError, match=f"from schema version {known} to {known + 1} failed"):
        PostgresStore(postgres_url)
    monkeypatch.undo()
    assert _schema_version(postgres_url) == known
    with PostgresStore(postgres_url) as store:
        assert store.get_article("a1").text == TEXT
        assert [h.article_id for h in store.search("divers")] == ["a1"]


def test_postgres_concurrent_first_opens_migrate_once(postgres_url):
    errors, stores = [], []

    def open_one() -> None:
        try:
            stores.append(PostgresStore(postgres_url))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert errors == [] and len(stores) == 6
    assert _schema_version(postgres_url) == len(postgres_module.MIGRATIONS)


def test_postgres_text_with_nul_is_refused_with_its_field(postgres_url):
    with PostgresStore(postgres_url) as store:
        with pytest.raises(StoreError, match="field 'text' holds a NUL"):
            store.add_articles([Article("a1", "before\x00after", "nul.txt")])
        assert store.count() == 0


_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_NO_NUL = st.text(alphabet=_CHARS, max_size=40)
_ARTICLE_STRATEGY = st.builds(
    Article,
    article_id=st.text(alphabet=_CHARS, min_size=1, max_size=20),
    text=st.text(alphabet=_CHARS, min_size=1, max_size=300),
    source=_NO_NUL,
    title=st.none() | _NO_NUL,
    outlet=st.none() | _NO_NUL,
    published_at=st.none() | st.datetimes(timezones=st.just(UTC)),
    author=st.none() | _NO_NUL,
    url=st.none() | _NO_NUL,
    wire=st.none() | _NO_NUL,
    degraded=st.booleans(),
    removed_lines=st.lists(_NO_NUL, max_size=3).map(tuple),
    provenance=st.lists(st.tuples(_NO_NUL, _NO_NUL), max_size=3).map(tuple),
    warnings=st.lists(_NO_NUL, max_size=2).map(tuple),
)


@pytest.fixture(scope="module")
def round_trip_store(postgres_server):
    import psycopg

    with psycopg.connect(postgres_server, autocommit=True) as db:
        db.execute("CREATE SCHEMA round_trip")
    with PostgresStore(f"{postgres_server}?options=-csearch_path%3Dround_trip") as store:
        yield store


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(_ARTICLE_STRATEGY)
def test_postgres_round_trips_any_article_without_nul(round_trip_store, original):
    round_trip_store._db.execute("TRUNCATE articles")
    (outcome,) = round_trip_store.add_articles([original])
    assert outcome.outcome == "added"
    assert round_trip_store.get_article(original.article_id) == original


# -- concurrent writers (real processes) ----------------------------------------------------

_INGEST = textwrap.dedent(
    """
    import sys
    from storyline.ingest.run import ingest_paths
    from storyline.settings import Settings
    from storyline.store import open_store
    url, paths = sys.argv[1], sys.argv[2:]
    with open_store(url) as store:
        report = ingest_paths(paths, store, Settings(ingest_batch_size=7))
    print(report.count("added"), report.count("already stored"))
    """
)


def _shards(folder: Path, count: int, per_shard: int) -> list[Path]:
    """JSONL shards; shard i also repeats shard i-1's records under another source name."""
    paths = []
    for shard in range(count):
        records = []
        for index in range(per_shard):
            n = shard * per_shard + index
            records.append(_record(n))
            if shard:  # the previous shard's record again: same text, same outlet
                records.append(_record(n - per_shard))
        path = folder / f"shard-{shard}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        paths.append(path)
    return paths


def _record(n: int) -> dict:
    return {
        "title": f"Inspection {n} of the Marrow Falls dam",
        "text": f"Report {n}. Divers found {n % 7 + 2} new cracks in section {n} of the "
        f"spillway, the county water board said on Monday. {TEXT}",
        "outlet": f"Outlet {n % 3}",
        "date": "2026-04-10T09:30:00Z",
    }


@pytest.mark.slow
def test_postgres_concurrent_ingest_stores_each_article_once(postgres_url, tmp_path):
    shards = _shards(tmp_path, count=4, per_shard=30)
    # Four processes, each ingesting two overlapping shards (and all four overlap pairwise).
    runs = [[shards[i], shards[(i + 1) % 4]] for i in range(4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _INGEST, postgres_url, *map(str, paths)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for paths in runs
    ]
    results = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 4, [err for _, err in results]
    added = sum(int(out.split()[0]) for out, _ in results)
    with PostgresStore(postgres_url) as store:
        texts = [a.text for a in store.iter_articles()]
        assert store.count() == 120 == added
    assert len(set(texts)) == 120


_INCREMENT = textwrap.dedent(
    """
    import sys
    from storyline.store import open_store, save_state_if_unchanged
    url, times = sys.argv[1], int(sys.argv[2])
    retries = 0
    with open_store(url) as store:
        for _ in range(times):
            while True:
                read_at = store.state_updated_at("counter")
                value = store.get_state("counter") or {"n": 0}
                if save_state_if_unchanged(store, "counter", {"n": value["n"] + 1}, read_at):
                    break
                retries += 1
    print(retries)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_store_concurrent_state_updates_are_never_lost(backend, request, tmp_path):
    if backend == "postgres":
        target = request.getfixturevalue("postgres_url")
    else:
        target = str(tmp_path / "s.db")
        SqliteStore(target).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _INCREMENT, target, "40"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 4, [err for _, err in results]
    with open_store(target) as store:
        assert store.get_state("counter") == {"n": 160}


@pytest.mark.parametrize("backend", ["postgres", "sqlite"])
def test_store_save_state_if_unchanged_refuses_a_stale_read(backend, request, tmp_path):
    if backend == "postgres":
        target = request.getfixturevalue("postgres_url")
    else:
        target = str(tmp_path / "s.db")
    with open_store(target) as store:
        store.set_state("k", 1)
        read_at = store.state_updated_at("k")
        store.set_state("k", 2)  # someone else saved meanwhile
        assert not save_state_if_unchanged(store, "k", 3, read_at)
        assert store.get_state("k") == 2
        assert save_state_if_unchanged(store, "k", 3, store.state_updated_at("k"))
        assert store.get_state("k") == 3


def test_postgres_cli_ingest_into_a_postgresql_url(postgres_url, demo_dir):
    from typer.testing import CliRunner

    from storyline.cli.app import app

    result = CliRunner().invoke(app, ["ingest", str(demo_dir), "--db", postgres_url, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["articles_in_store"] == summary["totals"]["added"] > 0
    assert summary["db"] == postgres_url  # not the "postgresql:/" a Path makes of it
    with PostgresStore(postgres_url) as store:
        assert store.count() == summary["totals"]["added"]
