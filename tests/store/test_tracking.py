"""Story tracking over the store: ids survive a re-clustering, and concurrent writers of the
clusterer's state never undo each other (a version check with retry)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from tracked_stories import DAM, FERRY, hourly_articles

from storyline import tracking
from storyline.errors import StateConflict
from storyline.records import Article
from storyline.store import SqliteStore
from storyline.tracking import (
    recluster_stories,
    stored_stories,
    story_events,
    track_stories,
)


def story_of(stories, article_id: str) -> int:
    return next(s.story_id for s in stories if article_id in s.article_ids)


@pytest.fixture()
def path(tmp_path):
    return tmp_path / "s.db"


def test_recluster_keeps_the_ids_of_the_stories_it_finds_again(path):
    with SqliteStore(path) as store:
        # The later story arrives first, so it gets id 0; a re-clustering reads the
        # articles by publication date and numbers the earlier story first.
        store.add_articles(hourly_articles("f", FERRY, datetime(2026, 5, 1, tzinfo=UTC)))
        track_stories(store, embedder=None)
        store.add_articles(hourly_articles("d", DAM, datetime(2026, 4, 1, tzinfo=UTC)))
        before = track_stories(store, embedder=None)
        ferry, dam = story_of(before, "f0"), story_of(before, "d0")
        assert ferry != dam
        after, _ = recluster_stories(store, embedder=None)
        assert story_of(after, "f0") == ferry and story_of(after, "d0") == dam
        assert story_of(stored_stories(store), "d2") == dam
        # a story that starts after the re-clustering gets an id no story had
        store.add_articles(
            [Article("n0", "A wildfire near Cedar Ridge forced hundreds to evacuate.", "n.txt")]
        )
        later = track_stories(store, embedder=None)
        assert story_of(later, "n0") not in {ferry, dam}
        assert story_of(later, "f0") == ferry


def test_recluster_records_its_merges_with_the_state(path):
    with SqliteStore(path) as store:
        store.add_articles(hourly_articles("d", DAM, datetime(2026, 4, 1, tzinfo=UTC)))
        store.add_articles(hourly_articles("f", FERRY, datetime(2026, 4, 1, tzinfo=UTC)))
        # a threshold so high (and short texts not scaled up) that every article is a story
        before = track_stories(store, embedder=None, threshold=0.95, length_power=0)
        assert len(before) == 6
        after, events = recluster_stories(store, embedder=None)
        assert len(after) == 2
        assert [e.kind for e in events] == ["merge", "merge"]
        for event in events:  # each new story keeps one old id and absorbs the other two
            kept = {
                story_of(before, a)
                for a in next(s for s in after if s.story_id == event.story_id).article_ids
            }
            assert {event.story_id, *event.from_ids} == kept
        assert story_events(store) == events


def test_a_writer_that_saved_second_redoes_its_work_on_the_first_ones_state(path, monkeypatch):
    with SqliteStore(path) as store:
        store.add_articles(hourly_articles("d", DAM, datetime(2026, 4, 1, tzinfo=UTC)))
        track_stories(store, embedder=None)
    real = tracking.assign_stories
    other_saved, first_read = threading.Event(), threading.Event()

    def slow_for_first(articles, *args, **kwargs):
        result = real(articles, *args, **kwargs)
        if threading.current_thread().name == "first" and not other_saved.is_set():
            first_read.set()
            assert other_saved.wait(60)
        return result

    monkeypatch.setattr(tracking, "assign_stories", slow_for_first)
    errors = []

    def first() -> None:
        try:
            with SqliteStore(path) as store:
                track_stories(store, embedder=None)
        except Exception as exc:  # reported below
            errors.append(exc)

    with SqliteStore(path) as store:
        store.add_articles(hourly_articles("f", FERRY[:1], datetime(2026, 5, 1, tzinfo=UTC)))
    thread = threading.Thread(target=first, name="first")
    thread.start()
    # The first writer has loaded the state and read f0; meanwhile f1 is stored and a
    # second writer (an upload, `storyline cluster`) assigns and saves first.
    assert first_read.wait(60)
    with SqliteStore(path) as store:
        store.add_articles(hourly_articles("g", FERRY[1:], datetime(2026, 5, 2, tzinfo=UTC)))
        handed_out = track_stories(store, embedder=None)
        other_saved.set()
    thread.join(60)
    assert not errors
    with SqliteStore(path) as store:
        final = stored_stories(store)
    tracked = {a for s in final for a in s.article_ids}
    assert {"d0", "d1", "d2", "f0", "g0", "g1"} <= tracked  # the last save lost nothing
    for article_id in ("f0", "g0", "d0"):  # ids already handed out did not change
        assert story_of(final, article_id) == story_of(handed_out, article_id)


def test_a_writer_that_keeps_losing_the_race_gives_up_without_saving(path, monkeypatch):
    with SqliteStore(path) as store:
        store.add_articles(hourly_articles("d", DAM, datetime(2026, 4, 1, tzinfo=UTC)))
        track_stories(store, embedder=None)
        store.add_articles(hourly_articles("f", FERRY, datetime(2026, 5, 1, tzinfo=UTC)))
        saved = store.state_updated_at(tracking.STATE_KEY)
        monkeypatch.setattr(tracking, "_save", lambda *args: False)
        with pytest.raises(StateConflict, match="another writer"):
            track_stories(store, embedder=None)
        assert store.state_updated_at(tracking.STATE_KEY) == saved
