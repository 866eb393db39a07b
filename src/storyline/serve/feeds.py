"""Atom feeds (RFC 4287) so a story or a search can be followed in any feed reader.

`/stories/{id}/feed.atom`: the story's articles, newest first, each linking to its article
page. `/feed.atom?q=`: the stories matching a search (all stories without `q`), most
recently updated first, each linking to its story page. Built with ElementTree, so every
piece of article text is escaped; ids are the pages' own absolute URLs, which are stable.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from storyline.metadata.outlet import url_from_first_line
from storyline.records import Article, Story
from storyline.render.stories import sort_stories
from storyline.serve.catalog import StoryFilter
from storyline.serve.errors import ApiError
from storyline.serve.searching import find_stories
from storyline.serve.services import Services, services

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
# Entries per feed: readers poll often and keep what they saw.
FEED_ENTRIES = 50
# Characters of an article's lead given as an entry's summary.
SUMMARY_CHARS = 400
# Words a paragraph needs to be an article's lead rather than a headline or a URL line.
LEAD_MIN_WORDS = 12
# The time used when nothing in a feed carries a date (RFC 4287 needs an <updated>).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

router = APIRouter(include_in_schema=False)
ServicesDep = Annotated[Services, Depends(services)]
ET.register_namespace("", ATOM)


def _stamp(when: datetime | None) -> str:
    when = when or EPOCH
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _feed(title: str, self_url: str, page_url: str, updated: datetime | None) -> ET.Element:
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    _add(feed, "updated", _stamp(updated))
    _add(_add(feed, "author"), "name", "Storyline")
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    _add(feed, "generator", "Storyline")
    return feed


def lead(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The article's first real paragraph, cut at a word boundary.

    A source URL line (ECB+ texts start with one) or a leftover headline is not a lead:
    the first paragraph of at least `LEAD_MIN_WORDS` words that is not a URL is.
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", text.strip()) if p.strip()]
    first = next(
        (
            p
            for p in paragraphs
            if len(p.split()) >= LEAD_MIN_WORDS and url_from_first_line(p) is None
        ),
        paragraphs[0] if paragraphs else "",
    )
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0] + "…"


def headline(article: Article) -> str | None:
    """The article's title, unless it is a source URL taken for one (ECB+'s first lines)."""
    title = article.title
    if title and url_from_first_line(title) is None:
        return title
    return None


def _xml(feed: ET.Element) -> Response:
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=MEDIA_TYPE)


def story_feed(base: str, story: Story, articles: list[Article]) -> ET.Element:
    articles = sorted(articles, key=lambda a: _stamp(a.published_at), reverse=True)
    feed = _feed(
        f"{story.label} · Storyline",
        f"{base}stories/{story.story_id}/feed.atom",
        f"{base}stories/{story.story_id}",
        story.last_at,
    )
    for article in articles[:FEED_ENTRIES]:
        entry = _add(feed, "entry")
        url = f"{base}articles/{article.article_id}"
        _add(entry, "id", url)
        _add(entry, "title", headline(article) or f"Untitled article from {article.credit}")
        _add(entry, "updated", _stamp(article.published_at or story.last_at))
        if article.published_at:
            _add(entry, "published", _stamp(article.published_at))
        _add(_add(entry, "author"), "name", article.author or article.credit)
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        _add(entry, "summary", lead(article.text))
    return feed


def search_feed(base: str, query: str, stories: list[Story]) -> ET.Element:
    stories = sort_stories(stories, "updated")[:FEED_ENTRIES]
    suffix = f"?{urlencode({'q': query})}" if query else ""
    feed = _feed(
        f"Stories matching “{query}” · Storyline" if query else "All stories · Storyline",
        f"{base}feed.atom{suffix}",
        f"{base}{suffix}",
        stories[0].last_at if stories else None,
    )
    for story in stories:
        entry = _add(feed, "entry")
        url = f"{base}stories/{story.story_id}"
        _add(entry, "id", url)
        _add(entry, "title", story.label)
        _add(entry, "updated", _stamp(story.last_at))
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        outlets = ", ".join(story.outlets[:6]) or "outlets not known"
        count = len(story.article_ids)
        _add(entry, "summary", f"{count} article{'' if count == 1 else 's'} from {outlets}.")
    return feed


@router.get("/stories/{story_id}/feed.atom")
async def story_feed_route(request: Request, s: ServicesDep, story_id: int):
    from storyline.tracking import story_articles

    story = s.catalog.snapshot().by_id.get(story_id)
    if story is None:
        raise ApiError(404, "not_found", f"There is no story {story_id}.")
    articles = await run_in_threadpool(lambda: story_articles(s.stores(), story))
    return _xml(story_feed(str(request.base_url), story, articles))


@router.get("/feed.atom")
async def search_feed_route(request: Request, s: ServicesDep, q: str = ""):
    query = q.strip()
    story_filter = StoryFilter(query or None)
    found = await find_stories(request, s.catalog, s.stores, story_filter)
    return _xml(search_feed(str(request.base_url), query, found))
