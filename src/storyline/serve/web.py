"""Web page routes: the story list, story pages, article pages and the upload form.

Pages read the catalog snapshot on every request, so a reload shows newly ingested
articles. Templating and security headers live in serve/pages.py, formatting in
serve/formatting.py, the story page's view in serve/story_view.py.
"""

from __future__ import annotations

import itertools
import math
import re
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from storyline.records import Story
from storyline.render.stories import sort_stories
from storyline.serve.api import check_range
from storyline.serve.cards import story_card
from storyline.serve.catalog import StoryFilter
from storyline.serve.coverage import coverage, headlines, related_stories
from storyline.serve.errors import ApiError
from storyline.serve.formatting import parse_day, safe_url
from storyline.serve.pages import SECURITY_HEADERS, page
from storyline.serve.searching import find_stories
from storyline.serve.services import Services, services
from storyline.serve.story_view import story_view

router = APIRouter(include_in_schema=False)
ServicesDep = Annotated[Services, Depends(services)]
# The list page's sort orders: ?sort= value -> storyline.render.stories order.
WEB_ORDERS = {"newest": "updated", "largest": "size", "outlets": "outlets"}
SORT_TITLES = {"newest": "Newest", "largest": "Largest", "outlets": "Most outlets"}
# Stories per list page: a screenful of cards on a laptop.
PAGE_SIZE = 20
_PARAGRAPH = re.compile(r"\n\s*\n")


@router.get("/")
async def story_list(
    request: Request,
    s: ServicesDep,
    q: str = "",
    entity: str = "",
    outlet: str = "",
    start: Annotated[str, Query(alias="from")] = "",
    end: Annotated[str, Query(alias="to")] = "",
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
    sort: str = "newest",
):
    if sort not in WEB_ORDERS:
        choices = ", ".join(WEB_ORDERS)
        raise ApiError(422, "invalid", f"sort: {sort!r} is not a sort order; use one of {choices}")
    start_day, end_day = parse_day(start, "from"), parse_day(end, "to")
    check_range(start_day, end_day)
    story_filter = StoryFilter(
        q.strip() or None, entity.strip() or None, outlet.strip() or None, start_day, end_day
    )
    snapshot = s.catalog.snapshot()
    found = await find_stories(request, s.catalog, s.stores, story_filter)
    found = sort_stories(found, WEB_ORDERS[sort])
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page_number = min(page_number, pages)
    shown = found[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE]
    params = {"q": q, "entity": entity, "outlet": outlet, "from": start, "to": end}
    kept = {k: v for k, v in params.items() if v}
    sorted_by = {"sort": sort} if sort != "newest" else {}

    def page_href(number: int) -> str:
        return "/?" + urlencode({**kept, **sorted_by, "page": number})

    def sort_href(order: str) -> str:
        return "/?" + urlencode({**kept, **({"sort": order} if order != "newest" else {})})

    # the cards read stored articles: off the event loop, like the search above
    cards = await run_in_threadpool(lambda: [story_card(s, story) for story in shown])
    return page(
        request,
        "list.html",
        {
            "cards": cards,
            "sort": sort,
            "sorts": [(name, SORT_TITLES[name], sort_href(name)) for name in WEB_ORDERS],
            "feed_href": "/feed.atom" + (f"?{urlencode({'q': q.strip()})}" if q.strip() else ""),
            "found": len(found),
            "total": len(snapshot.stories),
            "article_count": snapshot.article_count,
            "filtered": bool(kept),
            "params": params,
            "outlets": sorted({o for story in snapshot.stories for o in story.outlets}),
            "page": page_number,
            "pages": pages,
            "prev_href": page_href(page_number - 1) if page_number > 1 else None,
            "next_href": page_href(page_number + 1) if page_number < pages else None,
        },
    )


def _default_since(story: Story) -> str:
    """A few days before the story's last article: a useful first "what's new" view."""
    if story.last_at is None:
        return ""
    since = story.last_at.date() - timedelta(days=3)
    if story.first_at:
        since = max(since, story.first_at.date())
    return since.isoformat()


def _get_story(s: Services, story_id: int) -> Story:
    story = s.catalog.snapshot().by_id.get(story_id)
    if story is None:
        raise ApiError(404, "not_found", f"There is no story {story_id}.")
    return story


def _render_story(request: Request, s: Services, story: Story, since: date | None) -> bytes:
    from storyline.tracking import story_articles

    data = s.briefings.get(story, since).data
    store = s.stores()
    articles = story_articles(store, story)
    covered = coverage(articles)
    response = page(
        request,
        "story.html",
        {
            "story": story,
            "b": data,
            "since": since,
            "view": story_view(story, data),
            "default_since": _default_since(story),
            "coverage": covered,
            "headlines": headlines(articles),
            "related": related_stories(store, s.catalog.snapshot(), story),
            "outlet_count": covered["outlet_count"],
        },
    )
    return response.body


@router.get("/stories/{story_id}")
async def story_page(request: Request, s: ServicesDep, story_id: int, since: str = ""):
    story = _get_story(s, story_id)
    since_day = parse_day(since, "since")
    body = s.pages.get((story, since_day))
    if body is None:
        body = await run_in_threadpool(_render_story, request, s, story, since_day)
        s.pages.put((story, since_day), body)
    return HTMLResponse(body, headers=SECURITY_HEADERS)


# --- article page -------------------------------------------------------------------------


def _blocks(text: str):
    """(start, end) of each paragraph of `text`, surrounding whitespace left out."""
    at = 0
    for gap in [*_PARAGRAPH.finditer(text), None]:
        end = gap.start() if gap else len(text)
        block = text[at:end]
        lead = len(block) - len(block.lstrip())
        if block.strip():
            yield at + lead, at + lead + len(block.strip())
        at = gap.end() if gap else end


def paragraphs(text: str, span: tuple[int, int] | None) -> tuple[list[list[tuple[str, int]]], bool]:
    """The text as paragraphs of (piece, mark) parts, and whether the span was marked.

    `span` is an evidence span (start, end) into `text`, as the briefing JSON gives it: exactly
    those characters are marked (mark 1 on the first piece, 2 on any piece continuing it into
    the next paragraph), nothing is searched for. A span outside the text marks nothing.
    """
    start, end = span if span and 0 <= span[0] < span[1] <= len(text) else (0, 0)
    out, marked = [], False
    for left, right in _blocks(text):
        cut = sorted({left, right, *(p for p in (start, end) if left < p < right)})
        parts = []
        for a, b in itertools.pairwise(cut):
            inside = start <= a and b <= end
            parts.append((text[a:b], (2 if marked else 1) if inside else 0))
            marked = marked or inside
        out.append(parts)
    return out, marked


@router.get("/articles/{article_id}")
def article_page(
    request: Request,
    s: ServicesDep,
    article_id: str,
    start: Annotated[int | None, Query(ge=0, description="Evidence span start.")] = None,
    end: Annotated[int | None, Query(ge=0, description="Evidence span end.")] = None,
):
    article = s.stores().get_article(article_id)
    if article is None:
        raise ApiError(404, "not_found", f"There is no article {article_id!r} in the store.")
    snapshot = s.catalog.snapshot()
    story_id = snapshot.story_of_article.get(article_id)
    span = (start, end) if start is not None and end is not None else None
    blocks, found = paragraphs(article.text, span)
    return page(
        request,
        "article.html",
        {
            "a": article,
            "story": snapshot.by_id.get(story_id) if story_id is not None else None,
            "paragraphs": blocks,
            "highlight": span is not None,
            "highlight_found": found,
            "link": safe_url(article.url),
            "provenance": sorted(dict(article.provenance).items()),
        },
    )


# --- upload -------------------------------------------------------------------------------


@router.get("/upload")
def upload_page(request: Request, s: ServicesDep):
    config = s.config
    return page(
        request,
        "upload.html",
        {"enabled": bool(config.token), "max_mib": config.max_upload_bytes / 2**20},
    )
