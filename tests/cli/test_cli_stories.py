"""Store-backed story commands end to end: ingest, cluster, list, brief, timeline."""

import json
import subprocess
import sys

import pytest


def run(*args):
    result = subprocess.run(
        [sys.executable, "-m", "storyline", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_dir):
    db = tmp_path_factory.mktemp("stories") / "news.db"
    run("ingest", demo_dir, "--db", db, "--quiet")
    run("cluster", "--db", db)
    return db


def test_cli_stories_lists_the_demo_story(demo_db):
    stories = json.loads(run("stories", "--db", demo_db, "--json"))
    biggest = stories[0]
    assert biggest["articles"] >= 10 and len(biggest["outlets"]) >= 5
    assert "Voltaro" in biggest["label"]


def test_cli_cluster_again_adds_nothing_new(demo_db):
    before = json.loads(run("stories", "--db", demo_db, "--json"))
    summary = json.loads(run("cluster", "--db", demo_db, "--json"))
    after = json.loads(run("stories", "--db", demo_db, "--json"))
    assert summary["articles"] == sum(s["articles"] for s in before)
    assert [s["story_id"] for s in after] == [s["story_id"] for s in before]


def test_cli_story_briefs_a_stored_story(demo_db):
    story_id = json.loads(run("stories", "--db", demo_db, "--json"))[0]["story_id"]
    briefing = json.loads(run("story", story_id, "--db", demo_db, "--format", "json", "-q"))
    assert briefing["article_count"] >= 10
    assert briefing["summary"] and briefing["cross_source"]["disagreements"]


def test_cli_timeline_json_is_chart_ready(demo_db):
    story_id = json.loads(run("stories", "--db", demo_db, "--json"))[0]["story_id"]
    chart = json.loads(run("timeline", story_id, "--db", demo_db, "--json"))
    starts = [event["start"] for event in chart["events"]]
    assert starts == sorted(starts) and chart["start"] <= chart["end"]


def test_cli_story_unknown_id_is_a_clear_error(demo_db):
    result = subprocess.run(
        [sys.executable, "-m", "storyline", "story", "999", "--db", str(demo_db)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1 and "story 999: no such story" in result.stderr
