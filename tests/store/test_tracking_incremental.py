"""Incremental story tracking: a run reads only the articles stored since the last one, the
membership lives in the store's story_members table, and the result is the one a run that
read the whole store gets (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tracked_stories import DAM, FERRY, hourly_articles

from storyline.cluster import OnlineClusterer, assign_stories
from storyline.records import Article
from storyline.store import open_store
from storyline.tracking import STATE_KEY, recluster_stories, stored_stories, track_stories

# TF-IDF only, and a window re-clustering after every 4 arrivals over the newest 4, so the
# window moves articles between stories and is much smaller than the store.
SETTINGS = dict(recluster_every=4, recluster_size=4)


@pytest.fixture(params=["sqlite", "postgres"])
def target(request, tmp_path):
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url")
    return tmp_path / "s.db"


def partition(stories) -> dict[str, frozenset[str]]:
    """Each article's story as the set of its fellow members (ids and order aside)."""
    return {a: frozenset(s.article_ids) for s in stories for a in s.article_ids}


def reference(batches: list[list[Article]]) -> OnlineClusterer:
    """What tracking computed before it was incremental: the same batches, all in memory."""
    clusterer = None
    for batch in batches:
        clusterer, _ = assign_stories(batch, clusterer, None, **SETTINGS)
    return clusterer


def counting_reads(store, monkeypatch) -> list[int]:
    reads: list[int] = []
    real = store.articles_after

    def articles_after(seq, limit=None):
        rows = real(seq, limit)
        reads.append(len(rows))
        return rows

    monkeypatch.setattr(store, "articles_after", articles_after)
    return reads


def test_tracking_a_second_run_reads_only_the_new_articles(target, monkeypatch):
    first = hourly_articles("d", DAM, datetime(2026, 4, 1, tzinfo=UTC)) + hourly_articles(
        "f", FERRY, datetime(2026, 4, 1, 12, tzinfo=UTC)
    )
    later = [
        "Engineers say the cracked Marrow Falls dam spillway needs a month of repairs.",
        "The Heron Island ferry adds a second boat after the winter pause ends.",
    ]
    second = hourly_articles("g", later, datetime(2026, 4, 2, tzinfo=UTC))
    with open_store(target) as store:
        reads = counting_reads(store, monkeypatch)
        store.add_articles(first)
        track_stories(store, embedder=None, **SETTINGS)
        store.add_articles(second)
        stories = track_stories(store, embedder=None, **SETTINGS)
        assert reads == [6, 2]
        assert track_stories(store, embedder=None, **SETTINGS) == stories  # nothing new
        assert reads == [6, 2, 0]
        assert stored_stories(store) == stories
    expected = reference([first, second])
    assert partition(stories) == partition(expected.stories())
    assert {s.label for s in stories} == {s.label for s in expected.stories()}
    assert partition(stories)["g0"] == {"d0", "d1", "d2", "g0"}
    assert partition(stories)["g1"] == {"f0", "f1", "f2", "g1"}


def test_tracking_state_keeps_the_window_and_the_table_every_article(target):
    with open_store(target) as store:
        for day in range(3):
            when = datetime(2026, 4, 1 + day, tzinfo=UTC)
            store.add_articles(
                hourly_articles(f"d{day}-", [f"{t} Report {day}." for t in DAM], when)
            )
            store.add_articles(
                hourly_articles(f"f{day}-", [f"{t} Report {day}." for t in FERRY], when)
            )
            track_stories(store, embedder=None, **SETTINGS)
        state = store.get_state(STATE_KEY)
        members = store.story_members()
        tracked = stored_stories(store)
    assert len(state["article_ids"]) <= SETTINGS["recluster_size"]
    assert sum(len(s["article_ids"]) for s in state["stories"]) <= SETTINGS["recluster_size"]
    assert len(members) == 18 == len({a for s in tracked for a in s.article_ids})
    assert {len(s.article_ids) for s in tracked} == {9}  # one dam story, one ferry story


def test_tracking_takes_over_a_state_saved_before_the_membership_table(tmp_path):
    old = hourly_articles("d", DAM, datetime(2026, 4, 1, tzinfo=UTC))
    with open_store(tmp_path / "s.db") as store:
        store.add_articles(old)
        clusterer, _ = assign_stories(old, None, None)
        store.set_state(STATE_KEY, clusterer.to_state())  # whole lists, no position
        store.add_articles(hourly_articles("f", FERRY, datetime(2026, 4, 2, tzinfo=UTC)))
        stories = track_stories(store, embedder=None)
        assert len(store.story_members()) == 6
        assert "members_from" in store.get_state(STATE_KEY)
    assert partition(stories)["d0"] == {"d0", "d1", "d2"}
    assert partition(stories)["f0"] == {"f0", "f1", "f2"}


def test_tracking_recluster_rewrites_the_membership_table(tmp_path):
    with open_store(tmp_path / "s.db") as store:
        store.add_articles(hourly_articles("d", DAM, datetime(2026, 4, 1, tzinfo=UTC)))
        store.add_articles(hourly_articles("f", FERRY, datetime(2026, 4, 1, tzinfo=UTC)))
        before = track_stories(store, embedder=None, threshold=0.95, length_power=0)
        assert len(before) == 6
        after, _ = recluster_stories(store, embedder=None)
        assert partition(after)["d0"] == {"d0", "d1", "d2"}
        assert stored_stories(store) == after
        assert len(store.story_members()) == 6


def test_tracking_real_headlines_in_four_runs_equal_the_in_memory_runs(
    tmp_path, monkeypatch, uci_articles
):
    articles = uci_articles(600)
    batches = [articles[i : i + 150] for i in range(0, 600, 150)]
    with open_store(tmp_path / "s.db") as store:
        reads = counting_reads(store, monkeypatch)
        added = []  # reprints of one headline by one outlet are stored once
        for batch in batches:
            outcomes = store.add_articles(batch)
            added.append([a for a, o in zip(batch, outcomes, strict=True) if o.outcome == "added"])
            stories = track_stories(store, embedder=None, **SETTINGS)
        state = store.get_state(STATE_KEY)
        stored = store.count()
    assert sum(reads) == len({a for s in stories for a in s.article_ids}) == stored
    assert reads == [len(batch) for batch in added]
    assert len(state["article_ids"]) <= SETTINGS["recluster_size"]
    expected = reference(added).stories()
    assert partition(stories) == partition(expected)
    assert sorted(s.label for s in stories) == sorted(s.label for s in expected)
