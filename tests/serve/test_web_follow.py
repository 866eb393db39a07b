"""What analysts expect beyond a briefing (issue 23): story cards, sorting, coverage,
headlines, related stories, Atom feeds and API docs that need no other host."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import feedparser
import pytest
from fastapi.testclient import TestClient

from storyline.records import Article, Story
from storyline.serve import ServeConfig, create_app
from storyline.serve.coverage import coverage, headlines
from storyline.serve.formatting import ago
from storyline.serve.story_view import story_view

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def client(web_store_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("web-follow") / "store.db"
    shutil.copy(web_store_path, path)
    app = create_app(ServeConfig(db_path=path, token="t", requests_per_minute=0))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def stories(client) -> list[dict]:
    return client.get("/api/v1/stories").json()["data"]


@pytest.fixture(scope="module")
def demo(stories) -> dict:
    return max(stories, key=lambda s: s["article_count"])


def cards(html: str) -> list[str]:
    return re.findall(
        r'<li class="card story-card"[^>]*>.*?</li>\s*(?=<li class="card|</ol>)', html, re.S
    )


def test_story_cards_show_snippet_people_outlets_and_age(client, demo):
    html = client.get("/").text
    card = next(c for c in cards(html) if demo["label"] in c)
    assert re.search(r'<p class="snippet">[^<]{60,}', card)  # a lead, not a title repeat
    assert "Key people:" in card and "Lindqvist" in card  # from the built briefing
    assert f"<b>{len(demo['outlets'])}</b> outlets" in card
    assert re.search(r"updated \d+ (year|month|week|day|hour|minute)s? ago", card)


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("largest", lambda s: -s["article_count"]),
        ("outlets", lambda s: -len(s["outlets"])),
        ("newest", lambda s: -datetime.fromisoformat(s["last_at"]).timestamp()),
    ],
)
def test_list_sorts_by_newest_largest_and_outlets(client, stories, sort, key):
    html = client.get("/", params={"sort": sort}).text
    shown = [int(i) for i in re.findall(r'data-story-id="(\d+)"', html)]
    expected = [s["story_id"] for s in sorted(stories, key=key)]
    assert [key(s) for s in sorted(stories, key=lambda s: shown.index(s["story_id"]))] == [
        key(s) for s in sorted(stories, key=key)
    ]
    assert set(shown) == set(expected)
    assert f'data-sort="{sort}" aria-current="true"' in html


def test_list_refuses_an_unknown_sort(client):
    response = client.get("/", params={"sort": "sideways"})
    assert response.status_code == 422 and "newest, largest, outlets" in response.text


def test_story_page_has_coverage_chart_headlines_and_a_feed_link(client, demo):
    html = client.get(f"/stories/{demo['story_id']}").text
    section = html[html.index('id="coverage"') : html.index('id="headlines"')]
    assert '<svg class="coverage-chart"' in section
    assert section.count('<circle class="cov-dot"') >= len(demo["outlets"])
    for outlet in demo["outlets"]:
        assert outlet in section
    heads = html[html.index('id="headlines"') : html.index('id="timeline"')]
    assert "How each outlet headlined it" in heads
    assert heads.count('href="/articles/') >= len(demo["outlets"])
    assert f'href="/stories/{demo["story_id"]}/feed.atom"' in html
    # the header counts the outlets it then lists (it once said "0 outlets" above eight)
    count = int(re.search(r'id="outlet-count">(\d+) outlet', html).group(1))
    assert count == len(demo["outlets"])


def _atom_checks(body: bytes) -> ET.Element:
    """RFC 4287's required elements: feed id/title/updated/author, entry id/title/updated."""
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    for entry in root.findall(f"{ATOM}entry"):
        for tag in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{tag}") or "").strip(), tag
        assert stamp.match(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    ids = [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    return root


def test_story_feed_is_valid_atom_with_one_entry_per_article(client, demo):
    response = client.get(f"/stories/{demo['story_id']}/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    _atom_checks(response.content)
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == demo["article_count"]
    assert all("/articles/" in e.link for e in parsed.entries)
    assert demo["label"] in parsed.feed.title


def test_search_feed_lists_matching_stories(client):
    response = client.get("/feed.atom", params={"q": "sourdough"})
    _atom_checks(response.content)
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0
    assert len(parsed.entries) == 1 and "bakery" in parsed.entries[0].title.lower()
    # article markup in the title is escaped text, never XML
    assert "<script>" in parsed.entries[0].title
    assert b"<script>" not in response.content


def test_unknown_story_feed_is_404(client):
    assert client.get("/stories/99999/feed.atom").status_code == 404


def test_api_docs_need_no_other_host(client):
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert "GET" in html and "/api/v1/stories/{story_id}/briefing" in html
    assert "POST" in html and "/api/v1/ingest" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert client.get("/openapi.json").status_code == 200


def test_places_are_not_filed_under_other():
    data = {
        "sources": [],
        "summary": [],
        "entities": [
            {"name": "Oslo", "label": "PLACE", "mention_count": 3, "source_count": 2},
            {"name": "Voltaro", "label": "ORG", "mention_count": 3, "source_count": 2},
        ],
    }
    story = Story(1, "s", ("a",), None, None)
    groups = dict(story_view(story, data)["entities"])
    assert [e["name"] for e in groups["Places"]] == ["Oslo"] and "Other" not in groups


def _article(n, outlet, day, title=None):
    when = datetime(2026, 3, day, 9, tzinfo=UTC)
    return Article(f"a{n}", f"Text {n}.", f"in/{n}.txt", title or f"Title {n}", outlet, when)


def test_coverage_counts_articles_per_outlet_and_period():
    articles = [
        _article(1, "Bay Herald", 2),
        _article(2, "Bay Herald", 2, "Title 1"),
        _article(3, "Metro Ledger", 4),
        _article(4, None, 5),
    ]
    view = coverage(articles)
    assert [(r["outlet"], r["articles"]) for r in view["rows"]] == [
        ("Bay Herald", 2),
        ("Metro Ledger", 1),
        ("unknown outlet", 1),
    ]
    assert view["unit"] == "day" and view["outlet_count"] == 2
    titles = [d["title"] for d in view["chart"]["dots"]]
    assert "Bay Herald, Mar 2, 2026: 2 articles" in titles
    by_outlet = {h["outlet"]: h for h in headlines(articles)}
    assert [a.title for a in by_outlet["Bay Herald"]["headlines"]] == ["Title 1"]  # repeat once


def test_ago_names_the_largest_unit():
    now = datetime(2026, 3, 12, 12, tzinfo=UTC)
    assert ago(now - timedelta(hours=3), now) == "3 hours ago"
    assert ago(now - timedelta(days=1, hours=2), now) == "1 day ago"
    assert ago(now - timedelta(days=800), now) == "2 years ago"
    assert ago(now - timedelta(seconds=20), now) == "just now"


def test_every_source_shows_its_file_name_not_the_servers_folders(client, demo):
    html = client.get(f"/stories/{demo['story_id']}").text
    sources = html[html.index('id="sources"') :]
    paths = re.findall(r'<span class="source-path" title="([^"]+)">([^<]+)</span>', sources)
    assert len(paths) == demo["article_count"]
    assert ("08_northfield-gazette_fund.txt") in {shown for _, shown in paths}
    assert all("/" not in shown for _, shown in paths)


def test_an_uploads_temporary_folder_is_never_shown():
    from storyline.serve.formatting import source_path

    assert source_path("/tmp/storyline-upload-x1y2/notes.txt") == "notes.txt"
    assert source_path("/data/news/a.txt") == "/data/news/a.txt"


def test_cross_source_counts_sources_and_folds_unknown_outlets(client, demo):
    html = client.get(f"/stories/{demo['story_id']}").text
    consensus = html[html.index('id="consensus"') : html.index('id="single-source"')]
    assert re.search(r"\d+ sources: ", consensus)
    assert "unknown outlet, unknown outlet" not in html


def test_a_card_lead_skips_a_source_url_line_and_a_leftover_headline():
    from storyline.serve.feeds import headline, lead

    text = (
        "http: / / www. harbor-courier. example / news / 2026 / ferry - strike. html\n"
        "Ferry crews strike\n"
        "Ferry crews on the northern route walked off the job on Friday, stranding about "
        "3,000 commuters."
    )
    assert lead(text).startswith("Ferry crews on the northern route")
    url_titled = Article("a", text, "a.txt", title=text.splitlines()[0])
    assert headline(url_titled) is None


def test_related_stories_rank_by_shared_label_words():
    from types import SimpleNamespace

    from storyline.serve.coverage import related_stories

    stories = {
        1: Story(1, "Voltaro battery recall widens", ("a1",), None, None),
        2: Story(2, "Voltaro battery fund doubles", ("b1", "b2"), None, None),
        3: Story(3, "Ferry strike ends", ("c1",), None, None),
        4: Story(4, "Battery prices fall", ("d1",), None, None),
    }
    index = {"voltaro": ["a1", "b1", "b2"], "battery": ["a1", "b1", "d1"], "recall": ["a1"]}

    class Store:
        def search(self, word, limit=100):
            return [SimpleNamespace(article_id=a) for a in index.get(word.casefold(), [])]

    snapshot = SimpleNamespace(
        by_id=stories,
        story_of_article={a: s.story_id for s in stories.values() for a in s.article_ids},
    )
    related = related_stories(Store(), snapshot, stories[1])
    assert [(s.story_id, n) for s, n in related] == [(2, 2), (4, 1)]
