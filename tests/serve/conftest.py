"""Shared serve fixtures: SQLite stores holding the demo corpus, built once per session.

`demo_store_path` is the demo corpus ingested and tracked into stories; `web_store_path`
adds an article full of markup (to prove pages escape it) and has every story's briefing
already built, so page tests never wait for spaCy. Both are shared: a test that writes
(uploads) copies the file first (`shutil.copy`).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from storyline.ingest.run import ingest_paths
from storyline.serve.briefings import BriefingService
from storyline.store import open_store
from storyline.tracking import stored_stories, track_stories

# The "what's new since" date the web tests use; its update briefing is built in advance.
SINCE = date(2026, 3, 9)
SCRIPT_TITLE = "<script>alert(1)</script> Riverside bakery wins the regional bread prize"
# An article whose every field tries to inject markup or script into the page.
SCRIPT_ARTICLE = f"""---
title: {SCRIPT_TITLE}
outlet: The <b>Riverside</b> Chronicle
date: 2026-03-11
author: <img src=x onerror=alert(2)>
url: javascript:alert(3)
---
The Riverside bakery <script>alert(1)</script> won the regional bread prize on Wednesday \
for its sourdough, beating forty other bakeries from across the valley.

Judges praised the crust and the open crumb of the loaf, which the bakery has baked \
every morning since it opened in 1998 <img src=x onerror=alert(4)>.

The owner, Clara Hughes, said the prize money would pay for a second oven. "We never \
expected to win," she said.
"""


def build_demo_store(path: Path, demo_dir: Path) -> Path:
    with open_store(path) as store:
        ingest_paths([demo_dir], store)
        track_stories(store)
    return path


@pytest.fixture(scope="session")
def demo_store_path(tmp_path_factory, demo_dir) -> Path:
    """A store file with the demo corpus ingested and tracked (read it, or copy it to write)."""
    return build_demo_store(tmp_path_factory.mktemp("demo-store") / "demo.db", demo_dir)


@pytest.fixture(scope="session")
def web_store_path(tmp_path_factory, demo_store_path) -> Path:
    """The demo store plus `SCRIPT_ARTICLE`, every briefing (and the SINCE update) built."""
    folder = tmp_path_factory.mktemp("web-store")
    path = folder / "web.db"
    shutil.copy(demo_store_path, path)
    source = folder / "input" / "riverside-chronicle_bakery.txt"
    source.parent.mkdir()
    source.write_text(SCRIPT_ARTICLE, encoding="utf-8")
    with open_store(path) as store:
        report = ingest_paths([source], store)
        assert report.count("added") == 1, report
        track_stories(store)
        briefings = BriefingService(lambda: store)
        for story in stored_stories(store):
            briefings.get(story)
        briefings.get(demo_story(stored_stories(store)), SINCE)
    return path


def demo_story(stories):
    """The demo corpus's story: the largest one."""
    return max(stories, key=lambda s: len(s.article_ids))


@pytest.fixture(scope="session")
def web_since() -> date:
    return SINCE


@pytest.fixture(scope="session")
def script_title() -> str:
    return SCRIPT_TITLE
