"""Browser tests of what issue 23 added: story cards, sorting, the coverage and headlines
views, following a feed link, and a crawl proving no page loads anything from another host.

Same set-up as test_web_browser.py (whose fixtures are reused): Debian Chromium through
Playwright over a uvicorn server on a loopback port.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import feedparser
import httpx
from test_web_browser import browser, demo_story, page, screenshot, server  # noqa: F401


def test_browser_story_cards_show_snippet_outlets_and_age(page, server, demo_story):  # noqa: F811
    page.goto(server + "/")
    card = page.locator(f'.story-card[data-story-id="{demo_story["story_id"]}"]')
    assert len(card.locator(".snippet").inner_text()) > 60
    assert re.search(r"updated \d+ \w+ ago", card.locator(".updated").inner_text())
    assert demo_story["outlets"][0] in card.locator(".outlets").inner_text()
    assert "Key people:" in card.locator(".people").inner_text()


def test_browser_sorting_by_largest_puts_the_biggest_story_first(page, server, demo_story):  # noqa: F811
    page.goto(server + "/")
    page.locator('#sorts a[data-sort="largest"]').click()
    page.wait_for_url(re.compile(r"sort=largest"))
    first = page.locator(".story-card").first
    assert first.get_attribute("data-story-id") == str(demo_story["story_id"])
    assert page.locator('#sorts a[aria-current="true"]').inner_text() == "Largest"
    page.locator('#sorts a[data-sort="newest"]').click()
    page.wait_for_url(re.compile(r"/$|/\?$"))
    assert page.locator('#sorts a[aria-current="true"]').inner_text() == "Newest"


def test_browser_coverage_and_headlines_views(page, server, demo_story):  # noqa: F811
    page.goto(f"{server}/stories/{demo_story['story_id']}")
    coverage = page.locator("#coverage")
    coverage.scroll_into_view_if_needed()
    dots = coverage.locator("svg.coverage-chart circle.cov-dot")
    assert dots.count() >= len(demo_story["outlets"])
    assert re.search(r": \d+ articles?$", dots.first.locator("title").text_content())
    labels = coverage.locator("svg text.row-label").all_text_contents()
    assert set(demo_story["outlets"]) <= set(labels)
    headlines = page.locator("#headlines")
    assert headlines.locator("dt").count() >= len(demo_story["outlets"])
    first_headline = headlines.locator("dd a").first
    title = first_headline.inner_text()
    first_headline.click()
    page.wait_for_url(re.compile(r"/articles/"))
    assert page.locator("h1").inner_text() == title
    page.goto(f"{server}/stories/{demo_story['story_id']}")
    page.locator("#coverage").scroll_into_view_if_needed()
    screenshot(page, "coverage")


def test_browser_following_the_story_feed_link(page, server, demo_story):  # noqa: F811
    page.goto(f"{server}/stories/{demo_story['story_id']}")
    link = page.locator("#story-feed")
    href = urljoin(page.url, link.get_attribute("href"))
    alternate = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert urljoin(page.url, alternate.get_attribute("href")) == href
    with page.expect_response(href) as answer:
        link.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert feed.bozo == 0 and feed.version == "atom10"
    assert len(feed.entries) == demo_story["article_count"]
    page.goto(feed.entries[0].link)  # an entry leads back to its article page
    assert page.locator(".in-story a").first.get_attribute("href") == (
        f"/stories/{demo_story['story_id']}"
    )


def _links(base: str, html: str) -> set[str]:
    found = set()
    for href in re.findall(r'href="([^"#]*)', html):
        url = urljoin(base + "/", href.replace("&amp;", "&"))
        if urlparse(url).netloc == urlparse(base).netloc and not url.endswith(".atom"):
            if "/api/" not in url and "/static/" not in url and "openapi" not in url:
                found.add(url)
    return found


def test_browser_no_page_loads_anything_from_another_host(page, server):  # noqa: F811
    """Crawl every page the UI links to (each story, article, sort, filter, docs, upload)."""
    host = urlparse(server).netloc
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(f"{r.resource_type} {r.url}")
            if urlparse(r.url).netloc not in (host, "") and not r.url.startswith("data:")
            else None
        ),
    )
    to_visit = [server + "/", server + "/docs", server + "/upload", server + "/stories/999999"]
    seen: set[str] = set()
    while to_visit and len(seen) < 120:
        url = to_visit.pop()
        if url in seen:
            continue
        seen.add(url)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert not page.locator(
            "script[src^='http'], link[href^='http'][rel='stylesheet'], img[src^='http']"
        ).count(), url
        to_visit += sorted(_links(server, page.content()) - seen)
    assert len(seen) >= 10, seen
    assert any("/stories/" in u for u in seen) and any("/articles/" in u for u in seen)
    assert foreign == []
    docs = httpx.get(server + "/docs").text
    assert "/api/v1/stories" in docs


def test_browser_api_docs_render_offline(page, server):  # noqa: F811
    page.goto(server + "/docs")
    assert "API" in page.locator("h1").inner_text()
    operations = page.locator(".api-op h2").all_inner_texts()
    assert len(operations) >= 8
    assert any("POST" in op and "/api/v1/ingest" in op for op in operations)
