"""Web pages: server-rendered Jinja templates (autoescaped) with a little JavaScript.

Pages read the catalog snapshot on every request, so a reload shows newly ingested
articles. Article data only ever reaches the page through autoescaped template variables
(never `|safe`), and every page is sent with a Content-Security-Policy that allows scripts
from /static only, so an article containing `<script>` shows as text and never runs.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from storyline.records import Story, TimelineEvent
from storyline.serve.api import check_range
from storyline.serve.briefings import source_sentence
from storyline.serve.catalog import StoryFilter
from storyline.serve.errors import ApiError
from storyline.serve.services import Services, services
from storyline.timeline.chart import timeline_chart

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(
    env=Environment(
        loader=PackageLoader("storyline.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
)
ServicesDep = Annotated[Services, Depends(services)]

# Scripts and styles from this server only: no inline script can run, whatever a page shows.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# Stories per list page: a screenful of cards on a laptop.
PAGE_SIZE = 20
# Longest ?highlight= sentence honoured; summary sentences are far shorter.
MAX_HIGHLIGHT_CHARS = 2000
# Timeline chart columns; more distinct dates than this are grouped by month.
MAX_CHART_COLUMNS = 36
_PATH = re.compile(r"(?:[A-Za-z]:)?[\\/](?:[^\s:\\/]+[\\/])+([^\s:\\/]+)")
_PARAGRAPH = re.compile(r"\n\s*\n")
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def page(request: Request, name: str, context: dict, status: int = 200, headers=None):
    return templates.TemplateResponse(
        request,
        name,
        context,
        status_code=status,
        headers={**SECURITY_HEADERS, **(headers or {})},
    )


def render_error(request: Request, status: int, message: str, headers=None):
    return page(request, "error.html", {"status": status, "message": message}, status, headers)


# --- formatting helpers (also Jinja filters) ------------------------------------------------


def parse_day(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD form field; empty means unset (browsers send empty date inputs)."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ApiError(422, "invalid", f"{name}: {value!r} is not a date; use YYYY-MM-DD") from None


def nice_day(value: date | str | None) -> str:
    if value is None:
        return "date unknown"
    when = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{_MONTHS[when.month - 1]} {when.day}, {when.year}"


def nice_when(when: str, granularity: str) -> str:
    day = date.fromisoformat(when)
    if granularity == "year":
        return str(day.year)
    if granularity == "month":
        return f"{_MONTHS[day.month - 1]} {day.year}"
    if granularity == "week":
        return f"week of {nice_day(day)}"
    return nice_day(day)


def short_paths(message: str) -> str:
    """Warnings name files by their base name, not the server's folders."""
    return _PATH.sub(lambda m: m.group(1), message)


def article_href(article_id: str, highlight: str | None = None) -> str:
    base = f"/articles/{article_id}"
    if not highlight:
        return base
    return f"{base}?{urlencode({'highlight': highlight[:MAX_HIGHLIGHT_CHARS]})}#highlight"


def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links: a `javascript:` URL must stay text."""
    if url and re.match(r"https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


templates.env.filters.update(day=nice_day, short_paths=short_paths)
templates.env.globals.update(article_href=article_href)


# --- story list ---------------------------------------------------------------------------


@router.get("/")
def story_list(
    request: Request,
    s: ServicesDep,
    q: str = "",
    entity: str = "",
    outlet: str = "",
    start: Annotated[str, Query(alias="from")] = "",
    end: Annotated[str, Query(alias="to")] = "",
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
):
    start_day, end_day = parse_day(start, "from"), parse_day(end, "to")
    check_range(start_day, end_day)
    story_filter = StoryFilter(
        q.strip() or None, entity.strip() or None, outlet.strip() or None, start_day, end_day
    )
    snapshot = s.catalog.snapshot()
    found = s.catalog.search(s.stores(), story_filter)
    pages = max(1, math.ceil(len(found) / PAGE_SIZE))
    page_number = min(page_number, pages)
    shown = found[(page_number - 1) * PAGE_SIZE : page_number * PAGE_SIZE]
    params = {"q": q, "entity": entity, "outlet": outlet, "from": start, "to": end}
    kept = {k: v for k, v in params.items() if v}

    def page_href(number: int) -> str:
        return "/?" + urlencode({**kept, "page": number})

    return page(
        request,
        "list.html",
        {
            "stories": shown,
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


# --- story page ---------------------------------------------------------------------------


class _Citer:
    """Turns article ids into citation markers with their source sentence, per page."""

    def __init__(self, sources: list[dict]) -> None:
        self.by_id = {source["article_id"]: source for source in sources}
        self._ids = itertools.count(1)

    def __call__(self, article_ids: list[str], sentence: str | dict | None) -> list[dict]:
        cites = []
        for article_id in article_ids:
            source = self.by_id.get(article_id, {})
            text = sentence.get(article_id) if isinstance(sentence, dict) else sentence
            cites.append(
                {
                    "marker": source.get("marker", "?"),
                    "href": article_href(article_id, text),
                    "sentence": text,
                    "credit": source.get("credit") or "unknown outlet",
                    "published_on": source.get("published_on"),
                    "title": source.get("title"),
                    "pop_id": f"pop-{next(self._ids)}",
                }
            )
        return sorted(cites, key=lambda c: (not isinstance(c["marker"], int), c["marker"]))


def _marked(text: str, values: list[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_value) parts, so a disagreement's values can be marked."""
    wanted = [v for v in values if v]
    if not wanted:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(v) for v in sorted(wanted, key=len, reverse=True)))
    parts, at = [], 0
    for match in pattern.finditer(text):
        parts += [(text[at : match.start()], False), (match.group(), True)]
        at = match.end()
    parts.append((text[at:], False))
    return [p for p in parts if p[0]]


def _quote_groups(quotes: list[dict], cite: _Citer) -> tuple[list[dict], list[dict]]:
    named: dict[str, dict] = {}
    unnamed: list[dict] = []
    for quote in quotes:
        item = {**quote, "cites": cite([quote["article_id"]], quote["text"])}
        if quote.get("speaker_kind") == "named" and quote.get("speaker"):
            group = named.setdefault(
                quote["speaker"], {"speaker": quote["speaker"], "as": [], "quotes": []}
            )
            said_as = quote.get("speaker_text")
            if said_as and said_as != quote["speaker"] and said_as not in group["as"]:
                if len(said_as.split()) > 1:  # "Marta Lindqvist, chief executive", not "she"
                    group["as"].append(said_as)
            group["quotes"].append(item)
        else:
            unnamed.append(item)
    ordered = sorted(named.values(), key=lambda g: (-len(g["quotes"]), g["speaker"]))
    return ordered, unnamed


def _figure_groups(figures: list[dict], cite: _Citer) -> list[dict]:
    """Figures with the same value and unit, with every article that reports them."""
    groups: dict[tuple, dict] = {}
    for figure in figures:
        key = (figure["kind"], figure.get("value"), figure.get("unit"), figure.get("when"))
        group = groups.setdefault(
            key, {**figure, "measures_all": [], "article_ids": [], "sentences": {}}
        )
        measures = figure.get("measures")
        if measures and measures not in group["measures_all"] and len(group["measures_all"]) < 2:
            group["measures_all"].append(measures)
        if figure["article_id"] not in group["article_ids"]:
            group["article_ids"].append(figure["article_id"])
            group["sentences"][figure["article_id"]] = figure.get("sentence") or figure["text"]
    out = []
    for group in groups.values():
        group["cites"] = cite(group["article_ids"], group["sentences"])
        out.append(group)
    kinds = {"money": 0, "percent": 1, "count": 2, "deadline": 3}
    return sorted(out, key=lambda g: (kinds.get(g["kind"], 9), -len(g["article_ids"])))


def _timeline(events: list[dict], sources: list[dict], cite: _Citer) -> dict:
    """The timeline as chart columns (one per date, or month) and a cited event list.

    The axis is ordinal: background events years before the story and the days of its
    coverage both stay readable; a gap of more than one period is drawn as a break.
    """
    records = [
        TimelineEvent(date.fromisoformat(e["when"]), e["granularity"], e["text"], ())
        for e in events
    ]
    chart = timeline_chart(records)
    by_key = {(e["when"], e["text"]): e for e in events}
    items = []
    for number, row in enumerate(chart["events"], start=1):
        event = by_key[(row["start"], row["text"])]
        items.append(
            {
                **event,
                "number": number,
                "label": nice_when(event["when"], event["granularity"]),
                "cites": cite(event["article_ids"], event["text"]),
            }
        )
    published = [date.fromisoformat(s["published_on"]) for s in sources if s.get("published_on")]
    days = {date.fromisoformat(item["when"]) for item in items} | set(published)
    by_month = len(days) > MAX_CHART_COLUMNS

    def key(day: date) -> date:
        return day.replace(day=1) if by_month else day

    columns: dict[date, dict] = {}
    for day in sorted(days):
        columns.setdefault(key(day), {"day": key(day), "events": [], "articles": 0})
    for item in items:
        columns[key(date.fromisoformat(item["when"]))]["events"].append(item)
    for day in published:
        columns[key(day)]["articles"] += 1
    return {
        "items": items,
        "chart": _chart_geometry(list(columns.values()), by_month) if columns else None,
    }


def _chart_geometry(columns: list[dict], by_month: bool) -> dict:
    """Positions (in SVG user units) for the timeline chart's bars, dots and labels."""
    # Columns spread over a laptop-wide card, but never narrower than a date label.
    step, left, base = max(44, min(90, 860 // max(1, len(columns)))), 8, 150
    most_articles = max((c["articles"] for c in columns), default=0) or 1
    out, previous = [], None
    for index, column in enumerate(columns):
        day: date = column["day"]
        x = left + index * step + step / 2
        height = 70 * column["articles"] / most_articles
        gap = previous is not None and (
            (day.year * 12 + day.month) - (previous.year * 12 + previous.month) > 1
            if by_month
            else (day - previous).days > 1
        )
        show_year = previous is None or previous.year != day.year
        out.append(
            {
                "x": x,
                "bar_y": base - height,
                "bar_height": height,
                "articles": column["articles"],
                "dots": [
                    {"cy": base - height - 10 - 13 * i, "event": event}
                    for i, event in enumerate(column["events"][:6])
                ],
                "more": max(0, len(column["events"]) - 6),
                "label": _MONTHS[day.month - 1] + ("" if by_month else f" {day.day}"),
                "year": str(day.year) if show_year else "",
                "gap": gap,
                "title": (f"{_MONTHS[day.month - 1]} {day.year}" if by_month else nice_day(day)),
            }
        )
        previous = day
    return {"columns": out, "width": left * 2 + step * len(columns), "base": base, "step": step}


def _source_tree(sources: list[dict], groups: list[dict]) -> list[dict]:
    """Sources in marker order, each reprint listed under its original."""
    copy_of = {c: g for g in groups for c in g["copy_ids"]}
    by_id = {s["article_id"]: s for s in sources}
    tree = []
    for source in sources:
        if source["article_id"] in copy_of:
            continue
        group = next((g for g in groups if g["original_id"] == source["article_id"]), None)
        copies = [by_id[c] for c in group["copy_ids"] if c in by_id] if group else []
        tree.append({**source, "copies": copies, "group": group})
    # A copy whose original is not among the briefed sources still gets listed.
    listed = {s["article_id"] for s in tree} | {c["article_id"] for s in tree for c in s["copies"]}
    tree += [{**s, "copies": [], "group": None} for s in sources if s["article_id"] not in listed]
    return tree


def _entity_groups(entities: list[dict]) -> list[tuple[str, list[dict]]]:
    names = {"PERSON": "People", "ORG": "Organisations", "GPE": "Places", "LOC": "Places"}
    grouped: dict[str, list[dict]] = defaultdict(list)
    for entity in entities:
        grouped[names.get(entity["label"], "Other")].append(entity)
    order = ["People", "Organisations", "Places", "Other"]
    return [(name, grouped[name]) for name in order if grouped.get(name)]


def story_view(story: Story, data: dict) -> dict:
    """Everything the story template shows, with citations resolved to their sources."""
    cite = _Citer(data["sources"])
    cross = data.get("cross_source") or {}
    named, unnamed = _quote_groups(data.get("quotes", []), cite)
    return {
        "summary": [
            {"text": item["text"], "cites": cite(item["article_ids"], item.get("evidence", {}))}
            for item in data["summary"]
        ],
        "consensus": [
            {**item, "cites": cite(item["article_ids"], item["text"])}
            for item in cross.get("consensus", [])
        ],
        "single_source": [
            {**item, "cites": cite(item["article_ids"], item["text"])}
            for item in cross.get("single_source", [])
        ],
        "disagreements": [
            {
                "about": item.get("about"),
                "values": item.get("values", []),
                "claims": [
                    {
                        **claim,
                        "parts": _marked(claim["text"], item.get("values", [])),
                        "cites": cite(claim["article_ids"], claim["text"]),
                    }
                    for claim in item.get("claims", [])
                ],
            }
            for item in cross.get("disagreements", [])
        ],
        "timeline": _timeline(data.get("timeline", []), data["sources"], cite),
        "entities": _entity_groups(data.get("entities", [])),
        "named_quotes": named,
        "unnamed_quotes": unnamed,
        "figures": _figure_groups(data.get("figures", []), cite),
        "sources": _source_tree(data["sources"], data.get("reprint_groups", [])),
        "unplaced": [
            {**u, "cites": cite([u["article_id"]], u.get("sentence"))}
            for u in data.get("unplaced_dates", [])
        ],
    }


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
    data = s.briefings.get(story, since).data
    response = page(
        request,
        "story.html",
        {
            "story": story,
            "b": data,
            "since": since,
            "view": story_view(story, data),
            "default_since": _default_since(story),
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


def _sentence_pattern(sentence: str) -> re.Pattern | None:
    words = sentence.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def paragraphs(text: str, highlight: str | None) -> tuple[list[list[tuple[str, bool]]], bool]:
    """The text as paragraphs of (piece, highlighted) parts, and whether a sentence matched.

    The sentence is found verbatim (up to whitespace); failing that, the article's sentence
    sharing the most words with it is highlighted (a summary may quote a reprint).
    """
    found = False
    target = None
    if highlight:
        highlight = highlight[:MAX_HIGHLIGHT_CHARS]
        target = _sentence_pattern(highlight)
        if target and not target.search(text):
            nearest = source_sentence(highlight, text)
            target = _sentence_pattern(nearest) if nearest else None
    out = []
    for block in _PARAGRAPH.split(text.strip()):
        match = target.search(block) if target and not found else None
        if match:
            found = True
            parts = [(block[: match.start()], False), (match.group(), True)]
            parts.append((block[match.end() :], False))
            out.append([p for p in parts if p[0]])
        else:
            out.append([(block, False)])
    return out, found


@router.get("/articles/{article_id}")
def article_page(request: Request, s: ServicesDep, article_id: str, highlight: str = ""):
    article = s.stores().get_article(article_id)
    if article is None:
        raise ApiError(404, "not_found", f"There is no article {article_id!r} in the store.")
    snapshot = s.catalog.snapshot()
    story_id = snapshot.story_of_article.get(article_id)
    blocks, found = paragraphs(article.text, highlight.strip() or None)
    return page(
        request,
        "article.html",
        {
            "a": article,
            "story": snapshot.by_id.get(story_id) if story_id is not None else None,
            "paragraphs": blocks,
            "highlight": highlight.strip(),
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
