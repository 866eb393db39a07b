"""Story labels end to end on real untitled articles: ingest, cluster, list, brief.

ECB+ and Multi-News records carry no titles, so every label here comes from the articles'
text. The articles are read from ../shared/data at test time (skipped when absent): the first
ECB+ topics and Multi-News clusters, small enough for one spaCy pass per test module.
"""

from __future__ import annotations

import gzip
import json
import re

import pytest
from clirun import run_cli

from storyline.cluster.label import is_label_furniture
from storyline.errors import DataUnavailable
from storyline.evaluate.datasets import DATASET_FILES, find_data_dir

ECB_TOPICS = {"1", "2", "3"}
MULTINEWS_CLUSTERS = 8


def _records(dataset: str) -> list[dict]:
    try:
        path = find_data_dir() / DATASET_FILES[dataset]
    except DataUnavailable as error:
        pytest.skip(f"shared data not available: {error}")
    if not path.is_file():
        pytest.skip(f"{path} not available")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def ok(*args) -> str:
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def untitled(tmp_path_factory):
    """(store, Multi-News cluster file) with real untitled articles ingested and clustered."""
    folder = tmp_path_factory.mktemp("labels")
    ecb = [r for r in _records("ecbplus") if str(r["topic"]) in ECB_TOPICS]
    clusters = _records("multinews")[:MULTINEWS_CLUSTERS]
    lines = [{"id": r["id"], "text": r["text"]} for r in ecb]
    lines += [
        {"id": f"{c['id']}-{i}", "text": d["text"]}
        for c in clusters
        for i, d in enumerate(c["documents"])
    ]
    assert all("title" not in line for line in lines)
    source = folder / "untitled.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    one = folder / "one-cluster.jsonl"
    one.write_text(
        "\n".join(json.dumps({"text": d["text"]}) for d in clusters[0]["documents"]) + "\n",
        encoding="utf-8",
    )
    db = folder / "news.db"
    ok("ingest", source, "--db", db, "--workers", "1", "-q")
    ok("cluster", "--db", db)
    return db, one


def _assert_names_the_story(label: str) -> None:
    assert label and not re.fullmatch(r"(?:Story \d+|Briefing)", label), label
    assert not is_label_furniture(label.rstrip(" …")), label
    assert len(label.split()) <= 15, label


def test_cli_stories_of_untitled_articles_are_named_from_their_text(untitled):
    db, _ = untitled
    stories = json.loads(ok("stories", "--db", db, "--json", "--all"))
    assert len(stories) >= 8
    for story in stories:
        _assert_names_the_story(story["label"])


def test_cli_a_story_has_one_name_in_stories_story_and_timeline(untitled):
    db, _ = untitled
    stories = json.loads(ok("stories", "--db", db, "--json"))
    story = max(stories, key=lambda s: s["article_count"])
    briefing = json.loads(ok("story", story["story_id"], "--db", db, "--format", "json", "-q"))
    assert briefing["title"] == story["label"]
    markdown = ok("story", story["story_id"], "--db", db, "-q")
    assert markdown.startswith(f"# {story['label']}\n")
    timeline = ok("timeline", story["story_id"], "--db", db)
    assert timeline.startswith(f"# {story['label']}\n")


def test_cli_brief_of_a_multinews_cluster_is_not_called_briefing(untitled):
    _, one = untitled
    markdown = ok("brief", one, "-q")
    title = markdown.splitlines()[0]
    assert title.startswith("# ")
    _assert_names_the_story(title[2:])


def test_api_briefing_of_a_story_has_its_stored_label_as_title(untitled):
    from storyline.serve.briefings import BriefingService
    from storyline.store import open_store
    from storyline.tracking import stored_stories

    db, _ = untitled
    with open_store(db) as store:
        stories = stored_stories(store)
        story = max(stories, key=lambda s: len(s.article_ids))
        served = BriefingService(lambda: store).get(story)
    _assert_names_the_story(story.label)
    assert served.data["title"] == story.label
    assert json.loads(served.body)["data"]["title"] == story.label
