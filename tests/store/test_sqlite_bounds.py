"""SQLite store under hostile use: concurrent first opens, costly searches, odd text."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest

from storyline.errors import QueryInterrupted
from storyline.records import Article
from storyline.store import MIGRATIONS, SqliteStore
from storyline.store.base import search_terms

TEXT = (
    "The county water board said on Thursday that inspectors found three hairline cracks in "
    "the concrete spillway of the Marrow Falls dam and that the reservoir will be lowered."
)

OPEN_AND_ADD = """
import sys, time
from storyline.records import Article
from storyline.store import SqliteStore
path, name, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))
with SqliteStore(path) as store:
    store.add_articles([Article(f"{name}{i}", f"{name} article number {i}", f"{name}{i}.txt")
                        for i in range(200)])
print("stored")
"""


def test_two_processes_opening_a_new_file_at_once_both_store_everything(tmp_path):
    for round_ in range(2):  # the race is narrow: two new files, two writers each
        path = tmp_path / f"new-{round_}.db"
        start = time.time() + 2.5  # both have imported Storyline by then
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AND_ADD, str(path), name, str(start)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("a", "b")
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        for run, (out, err) in zip(runs, outputs, strict=True):
            assert run.returncode == 0 and out.strip() == "stored", err
        with SqliteStore(path) as store:
            assert store.count() == 400
            assert store.schema_version == len(MIGRATIONS)


def test_a_migration_that_waited_for_the_lock_finds_the_work_done(tmp_path):
    """Another process migrated between this one's version read and its write lock."""
    path = tmp_path / "s.db"
    SqliteStore(path).close()
    store = SqliteStore.__new__(SqliteStore)
    store.path = str(path)
    store._db = sqlite3.connect(path, isolation_level=None)
    real_execute = store._db.execute
    calls = []

    class Stale:
        """A connection whose first version read predates the other process's migration."""

        def execute(self, sql, *args):
            if sql == "PRAGMA user_version" and not calls:
                calls.append(sql)
                return real_execute("SELECT 0")
            return real_execute(sql, *args)

        def __getattr__(self, name):
            return getattr(store._db_real, name)

    store._db_real, store._db = store._db, Stale()
    assert store._migrate() == len(MIGRATIONS)  # old code: "table articles already exists"


@pytest.fixture()
def store(tmp_path):
    with SqliteStore(tmp_path / "s.db") as opened:
        opened.add_articles(
            [
                Article(f"a{i}", f"{TEXT} Report {i} of the day.", f"a{i}.txt", title=f"Dam {i}")
                for i in range(300)
            ]
        )
        yield opened


def test_search_terms_are_distinct_and_capped():
    assert search_terms("the THE the dam") == ["the", "dam"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(100)))) == 12
    assert search_terms('nul\x00byte "quote" AND (') == ["nul", "byte", "quote", "and"]


def test_a_hundred_repeated_words_search_like_one(store):
    once = store.search("the dam", limit=5)
    assert once and store.search("the " * 100 + "dam", limit=5) == once


@pytest.mark.parametrize(
    "query", ['Falls "dam', "dam AND the", "dam*", "(dam)", "dam\x00", "Marrow-Falls dam"]
)
def test_search_treats_syntax_and_control_characters_as_words(store, query):
    hits = store.search(query)
    assert hits and all(h.article_id.startswith("a") for h in hits)
    assert all("[dam]" in h.snippet.casefold() or "[dam" in h.title.casefold() for h in hits)


@pytest.mark.parametrize("query", ["", "—", "(", '"', "\x00"])
def test_search_of_no_words_finds_nothing(store, query):
    assert store.search(query) == []


def test_search_past_its_budget_is_interrupted(store):
    with pytest.raises(QueryInterrupted, match="budget"):
        store.search("the county water board", limit=300, budget_seconds=0)
    assert store.search("spillway", limit=1)  # the connection still works afterwards


def test_search_stops_when_its_caller_gives_up(store):
    with pytest.raises(QueryInterrupted, match="went away"):
        store.search("the county water board", limit=300, cancelled=lambda: True)


def test_search_cost_counts_occurrences_of_the_words(store):
    assert store.search_cost("spillway") == 300
    assert store.search_cost("the the the") == store.search_cost("the") >= 900
    assert store.search_cost("zebra") == 0 and store.search_cost("") == 0


def test_store_keeps_the_article_language(store):
    store.add_articles([Article("de1", "Der Damm hat Risse.", "de1.txt", language="de")])
    assert store.get_article("de1").language == "de"
    assert store.get_article("a1").language is None  # none given: none invented


def test_an_old_store_upgrades_and_reads_its_language(tmp_path):
    path = tmp_path / "v4.db"
    db = sqlite3.connect(path)
    for migration in MIGRATIONS[:4]:
        for statement in migration:
            db.execute(statement)
    db.execute(
        "INSERT INTO articles (article_id, content_sha256, outlet_key, source, text, "
        "ingested_at, language, published_at) VALUES ('old', 'h', '', 'o.txt', ?, ?, 'en', ?)",
        (TEXT, "2026-01-01", datetime(2026, 1, 1, tzinfo=UTC).isoformat()),
    )
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    with SqliteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.get_article("old").language == "en"
        assert store.search_cost("spillway") == 1
