"""The story page's view: a served briefing turned into what story.html shows.

Citations are resolved to their sources (marker, outlet, date, the cited sentence), quotes
grouped by speaker, figures by value, the timeline laid out as chart columns, and sources
listed with their reprints under the original.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from datetime import date

from storyline.records import Story, TimelineEvent
from storyline.serve.formatting import MONTHS, article_href, nice_day, nice_when
from storyline.timeline.chart import timeline_chart

# Timeline chart columns; more distinct dates than this are grouped by month.
MAX_CHART_COLUMNS = 36


class _Citer:
    """Turns cited article ids into citation markers, each with its evidence span (the
    characters of that article the citation points to) and the span's text, per page."""

    def __init__(self, sources: list[dict]) -> None:
        self.by_id = {source["article_id"]: source for source in sources}
        self._ids = itertools.count(1)

    def __call__(self, article_ids: list[str], evidence: list[dict] | None) -> list[dict]:
        spans = {span["article_id"]: span for span in evidence or ()}
        cites = []
        for article_id in article_ids:
            source = self.by_id.get(article_id, {})
            span = spans.get(article_id)
            cites.append(
                {
                    "marker": source.get("marker", "?"),
                    "href": article_href(article_id, span),
                    "sentence": span["text"] if span else None,
                    "credit": source.get("credit") or "unknown outlet",
                    "published_on": source.get("published_on"),
                    "title": source.get("title"),
                    "pop_id": f"pop-{next(self._ids)}",
                }
            )
        return sorted(cites, key=lambda c: (not isinstance(c["marker"], int), c["marker"]))

    def item(self, item: dict) -> list[dict]:
        """Citations of a summary sentence, event, claim, quote or figure."""
        ids = item.get("article_ids") or [item["article_id"]]
        return self(ids, item.get("evidence"))


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
        item = {**quote, "cites": cite.item(quote)}
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
            key, {**figure, "measures_all": [], "article_ids": [], "spans": []}
        )
        measures = figure.get("measures")
        if measures and measures not in group["measures_all"] and len(group["measures_all"]) < 2:
            group["measures_all"].append(measures)
        if figure["article_id"] not in group["article_ids"]:
            group["article_ids"].append(figure["article_id"])
            group["spans"] += figure.get("evidence") or []
    out = []
    for group in groups.values():
        group["cites"] = cite(group["article_ids"], group["spans"])
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
                "cites": cite.item(event),
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
                "label": MONTHS[day.month - 1] + ("" if by_month else f" {day.day}"),
                "year": str(day.year) if show_year else "",
                "gap": gap,
                "title": (f"{MONTHS[day.month - 1]} {day.year}" if by_month else nice_day(day)),
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
    # The pipeline labels places PLACE (spaCy's GPE/LOC/FAC folded); GPE/LOC from older
    # stored briefings are places too. Only a label none of these knows is "Other".
    names = {
        "PERSON": "People",
        "ORG": "Organisations",
        "PLACE": "Places",
        "GPE": "Places",
        "LOC": "Places",
    }
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
            {
                "text": item["text"],
                "repaired": item.get("repaired", False),
                "cites": cite.item(item),
            }
            for item in data["summary"]
        ],
        "consensus": [{**item, "cites": cite.item(item)} for item in cross.get("consensus", [])],
        "single_source": [
            {**item, "cites": cite.item(item)} for item in cross.get("single_source", [])
        ],
        "disagreements": [
            {
                "about": item.get("about"),
                "values": item.get("values", []),
                "claims": [
                    {
                        **claim,
                        "parts": _marked(claim["text"], item.get("values", [])),
                        "cites": cite.item(claim),
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
        "unplaced": unplaced_by_article(
            [
                # the date expression is what could not be placed: highlight it
                {**u, "cites": cite([u["article_id"]], [u])}
                for u in data.get("unplaced_dates", [])
            ]
        ),
    }


def unplaced_by_article(items: list[dict]) -> list[dict]:
    """Unplaced dates per article: a few distinct expressions each, the rest as a count."""
    from storyline.render.unplaced import UNPLACED_PER_ARTICLE

    grouped: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        seen = {u["text"].casefold() for u in grouped[item["article_id"]]}
        if item["text"].casefold() not in seen:
            grouped[item["article_id"]].append(item)
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item["article_id"]] += 1
    return [
        {
            "article_id": article_id,
            "cites": shown[0]["cites"],
            "shown": shown[:UNPLACED_PER_ARTICLE],
            "more": counts[article_id] - len(shown[:UNPLACED_PER_ARTICLE]),
        }
        for article_id, shown in grouped.items()
    ]
