"""The Store contract, run against every registered backend, plus SQLite's migrations.

PostgreSQL runs on a throwaway server from tests/conftest.py (a fresh schema per test); its
specifics (migrations, concurrent writers) are in test_postgres.py.
"""

import inspect
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.errors import ConfigError, StoreError
from storyline.records import Article, Quarantined, RawInput
from storyline.store import (
    MIGRATIONS,
    STORES,
    PostgresStore,
    SqliteStore,
    content_sha256,
    open_store,
)
from storyline.store.base import Store

DAM = (
    "State inspectors found three hairline cracks in the concrete spillway of the Marrow Falls "
    "dam during a routine survey on Thursday, the county water board said.\n\n"
    "The board will lower the reservoir by two metres so divers can inspect the spillway."
)
FERRY = (
    "The passenger ferry between Marrow Falls and Heron Island resumed its timetable on "
    "Wednesday after a four-month winter pause, carrying 212 passengers on its first day."
)


def article(article_id="a1", text=DAM, **fields) -> Article:
    defaults = dict(
        source="sentinel.rss#1",
        title="Inspectors find cracks in Marrow Falls dam spillway",
        outlet="Lakeview Sentinel",
        published_at=datetime(2026, 4, 10, 9, 30, tzinfo=UTC),
        author="Priya Castellano",
        url=f"https://lakeviewsentinel.example/{article_id}",
    )
    return Article(article_id=article_id, text=text, **{**defaults, **fields})


BACKENDS = ["postgres", "sqlite"]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    if request.param == "postgres":
        target = request.getfixturevalue("postgres_url")
    else:
        target = tmp_path / "store.db"
    with open_store(target) as opened:
        assert type(opened) is {"postgres": PostgresStore, "sqlite": SqliteStore}[request.param]
        yield opened


def _protocol_methods() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(Store).items()
        if callable(member) and not name.startswith("_")
    }


def test_store_contract_covers_every_backend():
    assert sorted(STORES) == BACKENDS


def test_store_backends_satisfy_protocol(store):
    """Every Protocol method exists with the Protocol's parameters (names, kinds, defaults)."""
    assert isinstance(store, Store)
    assert isinstance(store.path, str) and store.schema_version >= 1
    for name, expected in _protocol_methods().items():
        actual = inspect.signature(getattr(type(store), name))
        assert [(p.name, p.kind, p.default) for p in actual.parameters.values()] == [
            (p.name, p.kind, p.default) for p in expected.parameters.values()
        ], name


def test_store_protocol_check_sees_a_missing_method():
    class Partial:
        path = "x"
        schema_version = 1

        def count(self) -> int:
            return 0

    assert not isinstance(Partial(), Store)


def test_store_round_trips_an_article(store):
    original = article()
    store.add_articles([original])
    assert store.get_article("a1") == original
    assert store.count() == 1


def test_store_unknown_id_gives_none(store):
    assert store.get_article("nope") is None


def test_store_same_article_twice_is_already_stored(store):
    (first,) = store.add_articles([article()])
    (second,) = store.add_articles([article()])
    assert (first.outcome, second.outcome) == ("added", "already stored")
    assert store.count() == 1


def test_store_same_text_other_spacing_same_outlet_is_already_stored(store):
    store.add_articles([article()])
    respaced = article("a2", DAM.replace("\n\n", "\n").replace("  ", " ").upper(), url=None)
    (outcome,) = store.add_articles([respaced])
    assert outcome.outcome == "already stored" and outcome.article_id == "a1"


def test_store_reprint_in_another_outlet_is_a_new_article(store):
    store.add_articles([article()])
    reprint = article("a2", outlet="Coastline Daily", url="https://coastlinedaily.example/dam")
    (outcome,) = store.add_articles([reprint])
    assert outcome.outcome == "added" and store.count() == 2


def test_store_same_url_is_already_stored(store):
    store.add_articles([article()])
    (outcome,) = store.add_articles(
        [article("a2", FERRY, url="https://lakeviewsentinel.example/a1")]
    )
    assert outcome.outcome == "already stored" and outcome.article_id == "a1"


def test_store_same_raw_input_is_already_stored_even_if_cleaned_differently(store):
    raw = RawInput.of("sentinel.rss#1", "feed", b"<p>raw entry</p>")
    store.add_articles([article()], [raw])
    (outcome,) = store.add_articles([article("a2", FERRY, url=None)], [raw])
    assert outcome.outcome == "already stored"


def test_store_keeps_raw_input_bytes(store):
    raw = RawInput.of("page.html", "html", b"<html><p>\xe2\x80\x9cquoted\xe2\x80\x9d</p></html>")
    store.add_articles([article()], [raw])
    assert store.get_raw("a1") == raw


def test_store_search_finds_words_best_match_first(store):
    store.add_articles([article(), article("a2", FERRY, title="Ferry resumes", url=None)])
    hits = store.search("spillway cracks")
    assert [h.article_id for h in hits] == ["a1"]
    assert "[spillway]" in hits[0].snippet and hits[0].score > 0
    assert [h.article_id for h in store.search("Heron ferry")] == ["a2"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('spillway "dam', ["a1"]),
        ("dam*", ["a1"]),
        ("(reservoir) spillway:", ["a1"]),
        ("reservoir OR ferry", []),
        ("AND OR NOT", []),
        ("(", []),
        ("", []),
        ("—", []),
    ],
)
def test_store_search_treats_any_text_as_words(store, query, expected):
    """Query syntax characters are words to the store, never FTS operators or errors."""
    store.add_articles([article()])
    assert [h.article_id for h in store.search(query)] == expected


def test_store_search_ignores_accents(store):
    store.add_articles([article(text=DAM + " The café at the dam stays open.")])
    assert [h.article_id for h in store.search("cafe")] == ["a1"]


def test_store_quarantine_keeps_reason_stage_source_and_hash(store):
    raw = RawInput.of("dump.csv:6", "csv", b'{"title": "x"}')
    item = Quarantined("dump.csv:6", "ingest", "dump.csv:6: row has 6 fields", raw.sha256)
    assert store.add_quarantined([item], [raw]) == 1
    assert store.add_quarantined([item], [raw]) == 0
    assert store.quarantined() == [item]


def test_store_state_round_trips_json(store):
    state = {"centroids": [[0.1, 0.2]], "story_ids": ["s1"], "seen": 3}
    store.set_state("cluster", state)
    store.set_state("cluster", {**state, "seen": 4})
    assert store.get_state("cluster") == {**state, "seen": 4}
    assert store.get_state("missing") is None


def test_store_state_updated_at_moves_on_each_save(store):
    assert store.state_updated_at("cluster") is None
    store.set_state("cluster", {"seen": 1})
    first = store.state_updated_at("cluster")
    store.set_state("cluster", {"seen": 2})
    assert first is not None and store.state_updated_at("cluster") > first


def test_store_state_that_is_not_json_raises_store_error(store):
    with pytest.raises(StoreError, match="not JSON-serialisable"):
        store.set_state("cluster", {"when": datetime.now(UTC)})


def test_store_iter_articles_filters_by_time_outlet_and_limit(store):
    store.add_articles([article()])
    cutoff = datetime.now(UTC)
    store.add_articles([article("a2", FERRY, outlet="Coastline Daily", url=None)])
    assert [a.article_id for a in store.iter_articles()] == ["a1", "a2"]
    assert [a.article_id for a in store.iter_articles(since=cutoff)] == ["a2"]
    assert [a.article_id for a in store.iter_articles(outlet="lakeview sentinel")] == ["a1"]
    assert [a.article_id for a in store.iter_articles(limit=1, newest_first=True)] == ["a2"]


def test_store_exception_mid_batch_leaves_previous_content_intact(store):
    store.add_articles([article()])
    with pytest.raises(RuntimeError, match="disk on fire"):
        with store.transaction():
            store.add_articles([article("a2", FERRY, url=None)])
            store.add_quarantined([Quarantined("x", "ingest", "x: bad")])
            raise RuntimeError("disk on fire")
    assert [a.article_id for a in store.iter_articles()] == ["a1"]
    assert store.quarantined() == [] and store.get_article("a1") == article()
    assert [h.article_id for h in store.search("ferry")] == []


def test_store_failing_article_rolls_back_its_whole_batch(store):
    bad = article("a3", FERRY, url=None, published_at="not a datetime")
    with pytest.raises(AttributeError):
        store.add_articles([article("a2", FERRY + " More.", url=None), bad])
    assert store.count() == 0


# -- SQLite specifics ---------------------------------------------------------------------

_ARTICLE_STRATEGY = st.builds(
    Article,
    article_id=st.text(min_size=1, max_size=20),
    text=st.text(min_size=1, max_size=300),
    source=st.text(max_size=40),
    title=st.none() | st.text(max_size=60),
    outlet=st.none() | st.text(max_size=30),
    published_at=st.none() | st.datetimes(timezones=st.just(UTC)),
    author=st.none() | st.text(max_size=30),
    url=st.none() | st.text(max_size=40),
    wire=st.none() | st.text(max_size=20),
    degraded=st.booleans(),
    removed_lines=st.lists(st.text(max_size=40), max_size=3).map(tuple),
    provenance=st.lists(st.tuples(st.text(max_size=8), st.text(max_size=12)), max_size=3).map(
        tuple
    ),
    warnings=st.lists(st.text(max_size=40), max_size=2).map(tuple),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ARTICLE_STRATEGY)
def test_store_round_trips_any_article(original):
    with SqliteStore(":memory:") as store:
        (outcome,) = store.add_articles([original])
        assert outcome.outcome == "added"
        assert store.get_article(original.article_id) == original


def test_store_content_hash_ignores_case_and_spacing():
    assert content_sha256("Dam  cracks\n\nfound.") == content_sha256("dam cracks found.")
    assert content_sha256("Dam cracks found.") != content_sha256("Dam cracks found!")


def test_store_file_uses_wal_journal(tmp_path):
    with SqliteStore(tmp_path / "s.db") as store:
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_store_unknown_backend_lists_valid_ones(tmp_path):
    with pytest.raises(ConfigError, match="valid backends: postgres, sqlite"):
        open_store(tmp_path / "s.db", backend="duckdb")


def test_store_default_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STORYLINE_DB", str(tmp_path / "env.db"))
    with open_store() as store:
        assert store.path == str(tmp_path / "env.db")


def test_store_refuses_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("Dam inspection notes, not a database. " * 100)
    with pytest.raises(StoreError, match="not a Storyline store"):
        SqliteStore(path)
    assert path.read_text().startswith("Dam inspection notes")


def _version_1_file(path) -> None:
    """A store as version 1 of the schema left it, written with raw SQL."""
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute(
        "INSERT INTO articles (article_id, content_sha256, outlet_key, source, title, text, "
        "ingested_at) VALUES ('old1', 'h', '', 'old.txt', 'Dam cracks', ?, '2026-01-01')",
        (DAM,),
    )
    db.executemany(
        "INSERT INTO quarantine (source, stage, error, quarantined_at) VALUES (?, ?, ?, ?)",
        [("bad.txt", "ingest", "bad.txt: file is empty", "2026-01-01")] * 2,
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()


def test_store_migrates_a_version_1_file_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    _version_1_file(path)
    with SqliteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.get_article("old1").title == "Dam cracks"
        assert [h.article_id for h in store.search("spillway")] == ["old1"]
        assert len(store.quarantined()) == 1
        store.set_state("k", 1)


def test_store_failed_migration_leaves_file_at_old_version(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    _version_1_file(path)
    broken = [*MIGRATIONS[:2], (*MIGRATIONS[2], "CREATE TABLE articles (x)")]
    monkeypatch.setattr("storyline.store.sqlite.MIGRATIONS", broken)
    with pytest.raises(StoreError, match="from schema version 1 to 3 failed"):
        SqliteStore(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "raw_inputs" not in tables and "state" not in tables
    assert db.execute("SELECT title FROM articles").fetchone() == ("Dam cracks",)


def test_store_newer_schema_version_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema version 99 is newer than this Storyline"):
        SqliteStore(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 99


def test_store_committed_batches_survive_a_killed_writer(tmp_path):
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        store.add_articles([article()])
    script = f"""
import os
from tests_article import FERRY
from storyline.records import Article
from storyline.store import SqliteStore
store = SqliteStore({str(path)!r})
with store.transaction():
    store.add_articles([Article("a2", FERRY, "ferry.txt")])
    os._exit(9)  # killed mid-batch: no commit, no rollback, no close
"""
    (tmp_path / "tests_article.py").write_text(f"FERRY = {FERRY!r}\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, check=False)
    assert done.returncode == 9
    with SqliteStore(path) as store:
        assert [a.article_id for a in store.iter_articles()] == ["a1"]
        assert store._db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_store_analyses_round_trip_by_id_and_by_text(store):
    from datetime import date

    from storyline.records import Analysis, Figure, Mention, ResolvedDate, Sentence

    text = article().text
    first = text.split(".")[0] + "."
    analysis = Analysis(
        article_id="a1",
        text_sha256="f" * 64,
        published_on=date(2026, 3, 10),
        sentences=(Sentence("a1", 0, 0, len(first), first),),
        mentions=(Mention("a1", 0, 3, text[:3], "ORG"),),
        quotes=(),
        figures=(
            Figure(
                "a1", 0, 3, "by Friday", "deadline", None, "date", None, first, date(2026, 3, 13)
            ),
        ),
        dates=(ResolvedDate("a1", 0, 3, "Friday", date(2026, 3, 13), "day"),),
        unplaced=(),
        model="m#v1",
    )
    store.add_articles([article()])
    store.add_analyses([analysis])
    assert store.get_analyses(["a1", "missing"], "m#v1") == {"a1": analysis}
    assert store.get_analyses(["f" * 64], "m#v1", by="text_sha256") == {"f" * 64: analysis}
    assert store.get_analyses(["a1"], "other-model#v1") == {}  # another model's is not reused
    store.add_analyses([analysis])  # re-analysing replaces, never duplicates
    assert len(store.get_analyses(["a1"], "m#v1")) == 1
