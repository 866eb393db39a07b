"""The JSON API under /api/v1: stories, their briefings and parts, articles, search, ingest.

Every list answers {"data": [...], "count": total, "limit", "offset"}; every single object
{"data": {...}}; every failure the shape in serve/errors.py.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from storyline.records import Article, Story
from storyline.render.json import story_to_dict
from storyline.serve.briefings import ServedBriefing
from storyline.serve.catalog import Snapshot, StoryFilter
from storyline.serve.errors import ERROR_RESPONSES, ApiError
from storyline.serve.searching import find_stories, until_disconnect
from storyline.serve.services import Services, services
from storyline.serve.upload import ingest_upload

# Every endpoint may answer these (the request cap, bad parameters, a store failure); the
# endpoints add their own (404, 503, the upload's) below.
router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES(422, 429, 500))

ServicesDep = Annotated[Services, Depends(services)]
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page (1-200).")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
Since = Annotated[
    date | None, Query(description="Update briefing: only what is new after this date.")
]

# Briefing parts served on their own: URL name -> key in the briefing data.
PARTS = {
    "timeline": "timeline",
    "entities": "entities",
    "quotes": "quotes",
    "figures": "figures",
    "reprints": "reprint_groups",
    "cross-source": "cross_source",
    "sources": "sources",
}


def article_summary(article: Article) -> dict:
    return {
        "article_id": article.article_id,
        "title": article.title,
        "outlet": article.outlet,
        "credit": article.credit,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "author": article.author,
        "wire": article.wire,
        "url": article.url,
    }


def get_story(snapshot: Snapshot, story_id: int) -> Story:
    story = snapshot.by_id.get(story_id)
    if story is None:
        raise ApiError(404, "not_found", f"no story {story_id}; list stories at /api/v1/stories")
    return story


def get_article(services: Services, article_id: str) -> Article:
    article = services.stores().get_article(article_id)
    if article is None:
        raise ApiError(404, "not_found", f"no article {article_id!r} in the store")
    return article


def check_range(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise ApiError(422, "invalid", f"from ({start}) is after to ({end})")


# Read endpoints are async: their store work is an indexed look-up or in memory, cheaper
# than a hop to the thread pool. Anything that may take long (a cold briefing) is sent there.


@router.get("/health")
async def health(s: ServicesDep) -> dict:
    """Counts read live from the store; `tracker` says whether clustering keeps up."""
    snapshot = s.catalog.snapshot()
    store = s.stores()
    articles = store.count()  # live: the snapshot's count waits for the tracker
    tracker = s.catalog.tracker
    backlog = max(0, articles - snapshot.clustered_count)
    failing = tracker.last_error is not None and (
        tracker.last_finished_at is None or tracker.last_error_at > tracker.last_finished_at
    )
    return {
        "data": {
            "status": "degraded" if failing else "ok",
            "articles": articles,
            "stories": len(snapshot.stories),
            "clustered_articles": snapshot.clustered_count,
            "schema_version": store.schema_version,
            "uploads": "enabled" if s.config.token else "disabled (no token set)",
            "tracker": {
                "backlog": backlog,
                "running": tracker.running,
                "runs": tracker.runs,
                "last_finished_at": _stamp(tracker.last_finished_at),
                "last_error": tracker.last_error,
                "last_error_at": _stamp(tracker.last_error_at),
            },
        }
    }


def _stamp(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


@router.get("/stories", responses=ERROR_RESPONSES(503))
async def list_stories(
    request: Request,
    s: ServicesDep,
    q: Annotated[str | None, Query(description="Full-text query over the articles.")] = None,
    entity: Annotated[str | None, Query(description="A person, place or organisation.")] = None,
    outlet: Annotated[str | None, Query(description="Outlet name (exact, any case).")] = None,
    start: Annotated[date | None, Query(alias="from", description="Last article on/after.")] = None,
    end: Annotated[date | None, Query(alias="to", description="First article on/before.")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict:
    check_range(start, end)
    story_filter = StoryFilter(q, entity, outlet, start, end)
    found = await find_stories(request, s.catalog, s.stores, story_filter)
    page = found[offset : offset + limit]
    return {
        "data": [story_to_dict(story) for story in page],
        "count": len(found),
        "limit": limit,
        "offset": offset,
    }


@router.get("/stories/{story_id}", responses=ERROR_RESPONSES(404))
async def one_story(s: ServicesDep, story_id: int) -> Response:
    story = get_story(s.catalog.snapshot(), story_id)
    body = s.responses.get(story) or s.responses.put(
        story, await run_in_threadpool(_story_body, s, story)
    )
    return Response(body, media_type="application/json")


def _story_body(s: Services, story: Story) -> bytes:
    store = s.stores()
    articles = [a for a in map(store.get_article, story.article_ids) if a is not None]
    articles.sort(key=lambda a: a.published_at.timestamp() if a.published_at else float("inf"))
    story_id = story.story_id
    data = {
        "data": {
            **story_to_dict(story),
            "articles": [article_summary(a) for a in articles],
            "links": {
                "briefing": f"/api/v1/stories/{story_id}/briefing",
                **{part: f"/api/v1/stories/{story_id}/{part}" for part in PARTS},
            },
        }
    }
    return json.dumps(data, ensure_ascii=False).encode()


@router.get("/stories/{story_id}/briefing", responses=ERROR_RESPONSES(404, 503))
async def story_briefing(s: ServicesDep, story_id: int, since: Since = None) -> Response:
    """The cited briefing (an update briefing with `since`); built on first read, then cached."""
    served = await _briefing(s, story_id, since)
    return Response(served.body, media_type="application/json")


async def _briefing(s: Services, story_id: int, since: date | None) -> ServedBriefing:
    story = get_story(s.catalog.snapshot(), story_id)
    return s.briefings.in_memory(story, since) or await run_in_threadpool(
        s.briefings.get, story, since
    )


@router.get("/stories/{story_id}/{part}", responses=ERROR_RESPONSES(404, 503))
async def story_part(s: ServicesDep, story_id: int, part: str, since: Since = None) -> dict:
    if part not in PARTS:
        raise ApiError(
            404, "not_found", f"no story part {part!r}; parts: briefing, {', '.join(PARTS)}"
        )
    value = (await _briefing(s, story_id, since)).data[PARTS[part]]
    if isinstance(value, list):
        return {"data": value, "count": len(value)}
    return {"data": value}


@router.get("/articles/{article_id}", responses=ERROR_RESPONSES(404))
async def one_article(s: ServicesDep, article_id: str) -> dict:
    article = get_article(s, article_id)
    raw = s.stores().get_raw(article_id)
    return {
        "data": {
            **article_summary(article),
            "story_id": s.catalog.snapshot().story_of_article.get(article_id),
            "text": article.text,
            "source": article.source,
            "language": article.language,
            "degraded": article.degraded,
            "removed_lines": list(article.removed_lines),
            "provenance": dict(article.provenance),
            "warnings": list(article.warnings),
            "raw": None
            if raw is None
            else {
                "source": raw.source,
                "format": raw.format,
                "sha256": raw.sha256,
                "bytes": len(raw.content),
            },
        }
    }


@router.get("/search", responses=ERROR_RESPONSES(503))
async def search_articles(
    request: Request,
    s: ServicesDep,
    q: Annotated[str, Query(min_length=1, description="Words to find in titles and texts.")],
    limit: Limit = 20,
) -> dict:
    """Costly queries (the commonest words) may get 503: busy, or stopped past the budget."""
    gate = s.searches
    try:
        taken = gate.acquire(s.stores(), q)  # priced here: refusing a search takes no thread
    except ApiError:
        await asyncio.sleep(s.config.busy_delay_seconds)  # slows down clients that retry at once
        raise
    try:
        hits = await until_disconnect(
            request, lambda cancelled: gate.run(s.stores(), q, limit, cancelled)
        )
    finally:
        gate.release(taken)
    story_of = s.catalog.snapshot().story_of_article
    data = [
        {
            "article_id": h.article_id,
            "title": h.title,
            "snippet": h.snippet,
            "score": round(h.score, 4),
            "story_id": story_of.get(h.article_id),
        }
        for h in hits
    ]
    return {"data": data, "count": len(data), "limit": limit, "offset": 0}


@router.post("/ingest", status_code=201, responses=ERROR_RESPONSES(401, 403, 413, 415))
async def ingest(request: Request, s: ServicesDep) -> JSONResponse:
    """Store uploaded files (multipart) or a JSONL/JSON/text body; needs the write token."""
    result = await ingest_upload(request, s)
    return JSONResponse({"data": result}, status_code=201)
