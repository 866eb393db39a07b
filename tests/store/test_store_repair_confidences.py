"""Stores keep a repaired article's per-sentence confidences (issue 22), on every backend."""

from __future__ import annotations

import sqlite3

import pytest

from storyline.records import Article
from storyline.store import MIGRATIONS, PostgresStore, SqliteStore, open_store

REPAIRED = (
    "Chinese Vice Premier Liu He is still expected to arrive in Washington on Thursday. "
    "The tariffs on 200 billion dollars of imports would rise from 10 to 25 percent at "
    "12:01 a.m. on Friday."
)
SPANS = ((0, 82, 0.9312), (83, len(REPAIRED), 0.4471))


def repaired_article(article_id: str = "time-copy") -> Article:
    return Article(
        article_id=article_id,
        text=REPAIRED,
        source="time.txt",
        outlet="TIME",
        degraded=True,
        repair_confidences=SPANS,
    )


@pytest.fixture(params=["postgres", "sqlite"])
def store(request, tmp_path):
    if request.param == "postgres":
        target = request.getfixturevalue("postgres_url")
    else:
        target = tmp_path / "store.db"
    with open_store(target) as opened:
        assert type(opened) is {"postgres": PostgresStore, "sqlite": SqliteStore}[request.param]
        yield opened


def test_store_round_trips_repair_confidences(store):
    store.add_articles([repaired_article(), Article("clean", "A clean sentence.", "a.txt")])
    back = store.get_article("time-copy")
    assert back.repair_confidences == SPANS
    assert back.text[SPANS[0][0] : SPANS[0][1]].endswith("Thursday.")
    assert store.get_article("clean").repair_confidences == ()
    assert {a.article_id: a.repair_confidences for a in store.iter_articles()} == {
        "time-copy": SPANS,
        "clean": (),
    }


def test_store_migration_gives_old_articles_no_confidences(tmp_path):
    """A file written before the confidences column opens with () for its articles."""
    path = tmp_path / "old.db"
    ours = next(k for k, m in enumerate(MIGRATIONS) if any("repair_confidences" in s for s in m))
    with sqlite3.connect(path) as db:
        for statements in MIGRATIONS[:ours]:
            for statement in statements:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {ours}")
        db.execute(
            "INSERT INTO articles (article_id, content_sha256, source, text, ingested_at) "
            "VALUES ('old', 'x', 'old.txt', 'Stored before the migration.', '2026-01-01')"
        )
    db.close()
    with SqliteStore(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.get_article("old").repair_confidences == ()
        store.add_articles([repaired_article()])
        assert store.get_article("time-copy").repair_confidences == SPANS
