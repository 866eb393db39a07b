"""Store-backed story commands end to end (in-process): ingest, cluster, list, brief, timeline."""

import json
import re
from datetime import UTC, datetime

import pytest
from clirun import run_cli

from storyline.records import Story
from storyline.render.stories import sort_stories


def ok(*args) -> str:
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_dir):
    db = tmp_path_factory.mktemp("stories") / "news.db"
    created = run_cli("ingest", demo_dir, "--db", db)
    assert created.exit_code == 0 and f"created a new store at {db}" in created.err
    ok("cluster", "--db", db)
    return db


def test_cli_stories_lists_the_demo_story(demo_db):
    stories = json.loads(ok("stories", "--db", demo_db, "--json"))
    biggest = stories[0]
    assert biggest["article_count"] >= 10 and len(biggest["outlets"]) >= 5
    assert len(biggest["article_ids"]) == biggest["article_count"]
    assert "Voltaro" in biggest["label"]


def test_cli_stories_table_says_n_of_m(demo_db):
    table = ok("stories", "--db", demo_db, "--limit", "1")
    assert "1 of 1 story, by last update" in " ".join(table.split())


def test_cli_ingest_again_does_not_say_created(demo_db, demo_dir):
    again = run_cli("ingest", demo_dir, "--db", demo_db)
    assert again.exit_code == 0 and "created" not in again.err


def test_cli_cluster_again_adds_nothing_new(demo_db):
    before = json.loads(ok("stories", "--db", demo_db, "--json"))
    summary = json.loads(ok("cluster", "--db", demo_db, "--json"))
    after = json.loads(ok("stories", "--db", demo_db, "--json"))
    assert summary["articles"] == sum(s["article_count"] for s in before)
    assert [s["story_id"] for s in after] == [s["story_id"] for s in before]
    again = run_cli("cluster", "--db", demo_db)
    assert again.stdout.strip() == f"{summary['articles']} articles in 1 story"
    assert re.search(r"clustered in \d+\.\d s", again.stderr)


def test_cli_story_briefs_a_stored_story(demo_db):
    story_id = json.loads(ok("stories", "--db", demo_db, "--json"))[0]["story_id"]
    briefing = json.loads(ok("story", story_id, "--db", demo_db, "--format", "json", "-q"))
    assert briefing["article_count"] >= 10
    assert briefing["summary"] and briefing["cross_source"]["disagreements"]


def test_cli_timeline_json_is_chart_ready(demo_db):
    story_id = json.loads(ok("stories", "--db", demo_db, "--json"))[0]["story_id"]
    chart = json.loads(ok("timeline", story_id, "--db", demo_db, "--json"))
    starts = [event["start"] for event in chart["events"]]
    assert starts == sorted(starts) and chart["start"] <= chart["end"]


def test_cli_story_unknown_id_is_a_clear_error(demo_db):
    result = run_cli("story", "999", "--db", demo_db)
    assert result.exit_code == 1
    assert result.err.startswith("error story 999: no such story")
    assert "'" not in result.err.split("no such story")[0]  # not wrapped in quotes


@pytest.mark.parametrize(
    "command",
    [["stories"], ["story", "1"], ["timeline", "1"], ["cluster"], ["serve", "--port", "9"]],
)
def test_read_only_commands_refuse_a_missing_store(tmp_path, command):
    missing = tmp_path / "nope.db"
    result = run_cli(*command, "--db", missing)
    assert result.exit_code == 1
    assert f"{missing}: no such store" in result.err
    assert not missing.exists() and not list(tmp_path.iterdir())


def test_read_only_commands_refuse_a_missing_default_store(tmp_path, monkeypatch):
    monkeypatch.delenv("STORYLINE_DB", raising=False)
    result = run_cli("stories", cwd=tmp_path)
    assert result.exit_code == 1 and "storyline.db: no such store" in result.err
    assert not (tmp_path / "storyline.db").exists()


def _story(story_id, size, outlets, last, active=True):
    when = datetime(2026, 3, last, tzinfo=UTC)
    ids = tuple(f"a{story_id}-{n}" for n in range(size))
    names = tuple(f"Outlet {n}" for n in range(outlets))
    return Story(story_id, f"story {story_id}", ids, when, when, names, active)


def test_stories_sort_by_update_size_and_outlets_without_hiding_dormant_ones():
    stories = [
        _story(1, 3, 1, 10),
        _story(2, 21, 2, 5, active=False),  # the largest story has gone dormant
        _story(3, 5, 6, 8),
    ]
    assert [s.story_id for s in sort_stories(stories)] == [1, 3, 2]
    assert [s.story_id for s in sort_stories(stories, "size")] == [2, 3, 1]
    assert [s.story_id for s in sort_stories(stories, "outlets")] == [3, 2, 1]


def test_cli_stories_json_is_the_api_story(demo_db, tmp_path):
    """`stories --json` and /api/v1/stories serialise a story with one function: same keys,
    same values; the CLI adds only the member ids."""
    import shutil

    from fastapi.testclient import TestClient

    from storyline.serve import ServeConfig, create_app

    listed = json.loads(ok("stories", "--db", demo_db, "--json"))
    path = tmp_path / "copy.db"
    shutil.copy(demo_db, path)
    app = create_app(ServeConfig(db_path=path, track_new_articles=False, requests_per_minute=0))
    with TestClient(app) as client:
        served = {s["story_id"]: s for s in client.get("/api/v1/stories").json()["data"]}
    for story in listed:
        ids = story.pop("article_ids")
        assert len(ids) == story["article_count"]
        assert story == served[story["story_id"]]
        datetime.fromisoformat(story["first_at"])  # ISO 8601, as the API has always given
