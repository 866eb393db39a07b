"""The web pages as HTML, through FastAPI's TestClient (no browser needed).

The store is the demo corpus plus one article full of markup (tests/serve/conftest.py);
every briefing is built in advance, so these tests run in seconds.
"""

from __future__ import annotations

import re
import shutil
import time
from html import unescape

import pytest
from fastapi.testclient import TestClient

from storyline.ingest.run import ingest_paths
from storyline.serve import ServeConfig, create_app, formatting, web
from storyline.store import open_store
from storyline.tracking import track_stories

TOKEN = "page-token"


@pytest.fixture(scope="module")
def store_path(web_store_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("web-pages") / "store.db"
    shutil.copy(web_store_path, path)
    return path


@pytest.fixture(scope="module")
def client(store_path):
    app = create_app(ServeConfig(db_path=store_path, token=TOKEN, requests_per_minute=0))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def stories(client) -> list[dict]:
    return client.get("/api/v1/stories").json()["data"]


@pytest.fixture(scope="module")
def demo_id(stories) -> int:
    return max(stories, key=lambda s: s["article_count"])["story_id"]


@pytest.fixture(scope="module")
def script_article_id(client) -> str:
    hits = client.get("/api/v1/search", params={"q": "bakery"}).json()["data"]
    return hits[0]["article_id"]


def text_of(response) -> str:
    """The page's visible text, roughly: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.text, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def test_web_list_shows_every_story(client, stories):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = text_of(response)
    assert f"{len(stories)} tracked stories" in page
    demo = max(stories, key=lambda s: s["article_count"])
    assert demo["label"] in page
    assert f"{demo['article_count']} articles" in page
    assert "Mar 2, 2026 – Mar 12, 2026" in page
    assert "active" in page.lower()
    assert '<meta name="viewport"' in response.text


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"q": "senators"}, "Voltaro", "bakery"),
        ({"q": "sourdough"}, "bakery", "Voltaro"),
        ({"entity": "Lindqvist"}, "Voltaro", "bakery"),
        ({"outlet": "metro ledger"}, "Voltaro", "bakery"),
        ({"from": "2026-03-12", "to": ""}, "Voltaro", "bakery"),
    ],
)
def test_web_list_filters_narrow_the_stories(client, params, shown, hidden):
    response = client.get("/", params=params)
    assert response.status_code == 200
    cards = " ".join(re.findall(r'<li class="card story-card"[^>]*>.*?</li>', response.text, re.S))
    assert shown.lower() in cards.lower()
    assert hidden.lower() not in cards.lower()
    assert "1 story matches" in text_of(response)


def test_web_list_without_match_says_so(client):
    page = text_of(client.get("/", params={"q": "zeppelin"}))
    assert "0 stories match" in page
    assert "No story matches these filters" in page


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"from": "yesterday"}, "from: 'yesterday' is not a date"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "is after to"),
        ({"page": "0"}, "page"),
    ],
)
def test_web_list_bad_input_renders_error_page(client, params, words):
    response = client.get("/", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert words in text_of(response)


def test_web_list_paginates(client, monkeypatch):
    monkeypatch.setattr(web, "PAGE_SIZE", 1)
    first = client.get("/", params={"q": "said"})
    pages = int(re.search(r"(\d+) stories match", text_of(first)).group(1))
    assert pages >= 2
    assert f"page 1 of {pages}" in text_of(first)
    assert 'rel="next" href="/?q=said&amp;page=2"' in first.text
    last = client.get("/", params={"q": "said", "page": pages})
    assert f"page {pages} of {pages}" in text_of(last)
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text
    assert client.get("/", params={"page": 99}).status_code == 200  # clamped to the last page


def test_web_story_page_shows_the_cited_briefing(client, demo_id):
    response = client.get(f"/stories/{demo_id}")
    assert response.status_code == 200
    page = text_of(response)
    assert "Briefing" in page
    assert "212,000" in page
    # Citation markers link to the article, highlighting the sentence they come from.
    links = re.findall(r'<a class="cite" href="([^"]+)"', response.text)
    assert links and all(link.startswith("/articles/") for link in links)
    assert any(re.search(r"\?start=\d+&amp;end=\d+#highlight$", link) for link in links), links[:3]
    assert 'role="tooltip"' in response.text
    for section in ("Across sources", "Timeline", "Who and what", "Quotes", "Key figures"):
        assert section in page


def test_web_story_page_shows_the_disagreement(client, demo_id):
    response = client.get(f"/stories/{demo_id}")
    panel = re.search(r'id="disagreements">(.*?)</div>\s*</div>', response.text, re.S)
    assert panel, "no disagreement panel"
    text = unescape(re.sub(r"<[^>]+>", " ", panel.group(1)))
    assert "$40 million" in text and "$45 million" in text
    assert "Metro Ledger" in text and "Northfield Gazette" in text
    assert panel.group(1).count('class="cite"') >= 2  # each side cited
    assert "<mark>$45 million</mark>" in panel.group(1)


def test_web_story_page_groups_quotes_by_speaker(client, demo_id):
    response = client.get(f"/stories/{demo_id}")
    speakers = re.findall(r'<h3 class="speaker-name">([^<]+)', response.text)
    assert "Marta Lindqvist" in [s.strip() for s in speakers]
    assert len(speakers) == len(set(speakers))  # one group per speaker


def test_web_story_page_lists_reprints_under_their_original(client, demo_id):
    response = client.get(f"/stories/{demo_id}")
    copies = re.findall(r'<ul class="copies">(.*?)</ul>', response.text, re.S)
    assert copies, "no reprint group"
    assert "Metro Ledger via Continental Wire Service" in unescape(copies[0])


def test_web_story_page_draws_a_timeline_chart(client, demo_id):
    response = client.get(f"/stories/{demo_id}")
    svg = re.search(r"<svg class=\"timeline-chart\".*?</svg>", response.text, re.S)
    assert svg
    assert svg.group().count('class="dot"') >= 5
    assert 'class="bar"' in svg.group()
    assert 'href="#event-1"' in svg.group() and 'id="event-1"' in response.text


def test_web_story_since_shows_the_update_view(client, demo_id, web_since):
    response = client.get(f"/stories/{demo_id}", params={"since": web_since.isoformat()})
    assert response.status_code == 200
    page = text_of(response)
    assert "Update view:" in page
    assert "What’s new since Mar 9, 2026" in page
    assert f'value="{web_since.isoformat()}"' in response.text
    assert f'href="/stories/{demo_id}">Show the full briefing' in response.text


def test_web_story_without_since_is_the_full_briefing(client, demo_id):
    for params in ({}, {"since": ""}):
        response = client.get(f"/stories/{demo_id}", params=params)
        assert "Update view:" not in text_of(response)
        assert '<form class="since-form card" method="get"' in response.text
        assert 'name="since" type="date"' in response.text


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/stories/987654", 404, "There is no story 987654."),
        ("/stories/abc", 422, "story_id"),
        ("/stories/{demo}?since=2026-13-40", 422, "since: '2026-13-40' is not a date"),
        ("/articles/no-such-article", 404, "There is no article 'no-such-article'"),
        ("/nowhere", 404, "Not Found"),
    ],
)
def test_web_errors_render_the_error_page(client, demo_id, path, status, words):
    response = client.get(path.format(demo=demo_id))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    page = text_of(response)
    assert f"Error {status}" in page
    assert words in page
    assert 'href="/"' in response.text


def test_web_article_page_shows_metadata_and_text(client, demo_id):
    story = client.get(f"/api/v1/stories/{demo_id}").json()["data"]
    article = story["articles"][0]
    response = client.get(f"/articles/{article['article_id']}")
    assert response.status_code == 200
    page = text_of(response)
    for value in (article["title"], article["outlet"], article["author"]):
        assert value in page
    assert f'<a href="{article["url"]}" rel="noopener noreferrer nofollow">' in response.text
    assert f'href="/stories/{demo_id}"' in response.text
    assert "Where each field came from" in page
    assert "boilerplate" in page
    assert response.text.count("<p>") >= 3  # paragraphs


def test_web_article_page_highlights_exactly_the_evidence_span(client, demo_id):
    data = client.get(f"/api/v1/stories/{demo_id}/briefing").json()["data"]
    item = data["summary"][0]
    span = item["evidence"][0]
    assert span["article_id"] == item["article_ids"][0] and span["text"] == item["text"]
    article = client.get(f"/api/v1/articles/{span['article_id']}").json()["data"]
    response = client.get(
        f"/articles/{span['article_id']}", params={"start": span["start"], "end": span["end"]}
    )
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", response.text, re.S)
    assert [unescape(m) for m in marked] == [article["text"][span["start"] : span["end"]]]
    assert unescape(marked[0]) == item["text"]
    assert "The cited passage is" in text_of(response)


@pytest.mark.parametrize(
    ("where", "pieces"),
    [
        # inside one paragraph: before, the span, after
        ((4, 9), [[("One ", 0), ("two t", 1), ("hree.", 0)], [("Four five.", 0)]]),
        # across a paragraph break: one mark per paragraph, the first carries the anchor
        ((8, 23), [[("One two ", 0), ("three.", 1)], [("Four ", 2), ("five.", 0)]]),
        # outside the text: nothing is marked, nothing is guessed
        ((30, 40), [[("One two three.", 0)], [("Four five.", 0)]]),
    ],
)
def test_web_paragraphs_mark_the_span_and_nothing_else(where, pieces):
    from storyline.serve.web import paragraphs

    text = "One two three.\n\n  Four five.\n"
    blocks, found = paragraphs(text, where)
    assert blocks == pieces
    assert found == any(m for block in pieces for _, m in block)


def test_web_article_span_outside_the_text_says_so(client, script_article_id):
    response = client.get(
        f"/articles/{script_article_id}", params={"start": 10**6, "end": 10**6 + 5}
    )
    assert response.status_code == 200
    assert "<mark" not in response.text
    assert "outside this article" in text_of(response)


def test_web_script_article_is_shown_as_text(client, script_article_id, script_title):
    response = client.get(f"/articles/{script_article_id}")
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert script_title in text_of(response)
    assert 'href="javascript:' not in response.text  # the url stays plain text


@pytest.mark.parametrize("path", ["/", "/?q=bakery", "/stories/{story}"])
def test_web_script_article_is_escaped_everywhere(client, stories, path):
    story = next(s for s in stories if "bakery" in s["label"].lower() or "<" in s["label"])
    response = client.get(path.format(story=story["story_id"]))
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "onerror=" not in response.text.replace("onerror=alert(4)&gt;", "")


def test_web_span_parameter_is_checked_and_escaped(client, script_article_id):
    response = client.get(
        f"/articles/{script_article_id}", params={"start": "<script>alert(9)</script>", "end": 3}
    )
    assert response.status_code == 422
    assert "alert(9)</script>" not in response.text


def test_web_pages_forbid_inline_scripts(client):
    for path in ("/", "/upload", "/nowhere"):
        policy = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy


def test_web_upload_page_has_a_token_form(client):
    response = client.get("/upload")
    assert response.status_code == 200
    assert 'id="upload-token"' in response.text and 'type="password"' in response.text
    assert 'type="file"' in response.text
    assert "Uploads are disabled" not in response.text


def test_web_upload_page_says_when_uploads_are_off(store_path):
    app = create_app(ServeConfig(db_path=store_path, token=None))
    with TestClient(app) as test_client:
        assert "Uploads are disabled" in test_client.get("/upload").text


def test_web_static_files_are_served(client):
    assert client.get("/static/app.css").status_code == 200
    script = client.get("/static/app.js")
    assert script.status_code == 200
    assert "innerHTML" not in script.text  # server data is set as text only


def test_web_reload_shows_new_articles(web_store_path, tmp_path):
    path = tmp_path / "live.db"
    shutil.copy(web_store_path, path)
    app = create_app(ServeConfig(db_path=path, refresh_seconds=0, track_new_articles=False))
    with TestClient(app) as test_client:
        before = text_of(test_client.get("/"))
        extra = tmp_path / "extra.txt"
        extra.write_text(
            "---\ntitle: Ferry timetable changes at Riverside pier\noutlet: Pier Post\n"
            "date: 2026-03-12\n---\nThe Riverside ferry will run every twenty minutes from "
            "Monday, the operator said, after complaints about crowded morning crossings.\n",
            encoding="utf-8",
        )
        with open_store(path) as store:  # another writer, as `storyline ingest` would be
            report = ingest_paths([extra], store)
            track_stories(store)
        # The catalog notices the change on a background thread: reload until it shows.
        expected = int(re.search(r"from (\d+) articles", before).group(1)) + 1
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            after = text_of(test_client.get("/"))
            if f"from {expected} articles" in after:
                break
            time.sleep(0.1)
        assert f"from {expected} articles" in after
        assert "Ferry timetable" in text_of(test_client.get(f"/articles/{report.article_ids[0]}"))


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("/srv/data/in/04_x.txt: no publication date", "04_x.txt: no publication date"),
        ("C:\\data\\in\\a.txt: bad", "a.txt: bad"),
        ("no path here", "no path here"),
    ],
)
def test_web_short_paths_hides_server_folders(message, shown):
    assert formatting.short_paths(message) == shown


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("javascript:alert(1)", None),
        ("data:text/html,x", None),
        (None, None),
    ],
)
def test_web_safe_url_links_only_http(url, link):
    assert formatting.safe_url(url) == link


def test_web_every_citation_on_the_story_page_quotes_its_span(client, demo_id):
    """Summary, claims, timeline, quotes and figures: each marker's link names a span whose
    characters in the article are exactly what its popover quotes."""
    response = client.get(f"/stories/{demo_id}")
    cites = re.findall(
        r'<a class="cite" href="/articles/(\w+)\?start=(\d+)&amp;end=(\d+)#highlight"[^>]*>'
        r'[^<]*</a><span class="pop" role="tooltip" id="[^"]+">'
        r'<span class="pop-quote">(.*?)</span>',
        response.text,
        re.S,
    )
    texts: dict[str, str] = {}
    for article_id, start, end, quoted in cites:
        if article_id not in texts:
            texts[article_id] = client.get(f"/api/v1/articles/{article_id}").json()["data"]["text"]
        assert texts[article_id][int(start) : int(end)] == unescape(quoted)
    assert len(cites) >= 30 and len(texts) >= 8
    assert len(cites) == response.text.count('<a class="cite"')  # every marker has a span


def test_web_story_page_marks_repaired_wording(client, demo_id, monkeypatch):
    """A summary sentence or claim worded from a repaired copy carries the badge; others not."""
    real_view = web.story_view

    def with_repaired(story, data):
        data = {**data, "summary": [dict(s) for s in data["summary"]]}
        data["summary"][0]["repaired"] = True
        cross = dict(data["cross_source"])
        cross["single_source"] = [{**cross["single_source"][0], "repaired": True}]
        data["cross_source"] = cross
        return real_view(story, data)

    plain = client.get(f"/stories/{demo_id}").text
    monkeypatch.setattr(web, "story_view", with_repaired)
    pages = client.app.state.services.pages  # neither read nor keep the cached page
    monkeypatch.setattr(pages, "get", lambda key: None)
    monkeypatch.setattr(pages, "put", lambda key, value: value)
    marked = client.get(f"/stories/{demo_id}").text
    badge = ">repaired text</span>"

    def summary(page):
        return re.findall(r'<p class="summary-sentence">(.*?)</p>', page, re.S)

    def single(page):
        return page.split('id="single-source"')[1].split("</ul>")[0]

    assert not any(badge in s for s in summary(plain)) and badge not in single(plain)
    # the demo's degraded copy words one timeline event itself, and it is marked
    events = plain.split('<ol class="events">')[1].split("</ol>")[0]
    assert events.count(badge) == 1 and "Hanlon Cells on Sunday" in events.split(badge)[0]
    assert badge in summary(marked)[0] and all(badge not in s for s in summary(marked)[1:])
    assert single(marked).count(badge) == 1
