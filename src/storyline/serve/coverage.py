"""Who covered a story and when: articles per outlet over time, headlines, related stories.

Built from the story's stored articles (metadata only, no NLP), so it is cheap on every
page view and covers every article, not only the newest ones a briefing reads. The chart is
drawn by the server as SVG (one row per outlet, one column per day, week or month; a
circle's area is the number of articles), like the timeline's chart: no script, no library.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, timedelta

from storyline.records import Article, Story
from storyline.serve.feeds import headline
from storyline.serve.formatting import MONTHS, nice_day

# Outlet rows drawn; the rest are folded into one "other outlets" row (a laptop-high chart).
MAX_COVERAGE_ROWS = 10
# Columns drawn; a longer story is shown by week, then by month.
MAX_COVERAGE_COLUMNS = 30
# Headlines listed per outlet under "how each outlet headlined it".
HEADLINES_PER_OUTLET = 3
# Related stories listed on a story page.
RELATED_STORIES = 5
UNDATED = "date unknown"


def _period(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _unit(days: list[date]) -> str:
    if not days:
        return "day"
    span = (max(days) - min(days)).days + 1
    if span <= MAX_COVERAGE_COLUMNS:
        return "day"
    if span <= MAX_COVERAGE_COLUMNS * 7:
        return "week"
    return "month"


def _next(period: date, unit: str) -> date:
    if unit == "month":
        return (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    return period + timedelta(days=7 if unit == "week" else 1)


def _label(period: date, unit: str) -> str:
    if unit == "month":
        return f"{MONTHS[period.month - 1]} {period.year}"
    if unit == "week":
        return f"week of {nice_day(period)}"
    return nice_day(period)


def outlet_of(article: Article) -> str:
    """The outlet that ran the article (a wire copy counts for the paper that printed it)."""
    return article.outlet or article.wire or "unknown outlet"


def coverage(articles: list[Article]) -> dict:
    """Rows (outlets, most articles first), columns (periods) and the chart's geometry."""
    by_outlet: Counter[str] = Counter(outlet_of(a) for a in articles)
    named = [o for o, _ in by_outlet.most_common() if o != "unknown outlet"]
    rows = named[:MAX_COVERAGE_ROWS]
    folded = set(named[MAX_COVERAGE_ROWS:])
    if "unknown outlet" in by_outlet or folded:
        rows.append("other outlets" if folded else "unknown outlet")
    days = sorted({a.published_on for a in articles if a.published_on})
    unit = _unit(days)
    periods: list[date] = []
    if days:
        at, last = _period(days[0], unit), _period(days[-1], unit)
        while at <= last:
            periods.append(at)
            at = _next(at, unit)
    undated = any(a.published_on is None for a in articles)
    columns: list[date | None] = [*periods, *([None] if undated else [])]
    cells: dict[tuple[str, date | None], int] = defaultdict(int)
    for article in articles:
        row = outlet_of(article)
        if row not in rows:
            row = rows[-1]
        when = _period(article.published_on, unit) if article.published_on else None
        cells[(row, when)] += 1
    return {
        "rows": [{"outlet": o, "articles": sum(cells[(o, c)] for c in columns)} for o in rows],
        "unit": unit,
        "outlet_count": len(named),
        "outlets": named,
        "chart": _geometry(rows, columns, cells, unit) if articles else None,
    }


def _geometry(rows, columns, cells, unit: str) -> dict:
    """Positions (SVG user units) of the coverage chart's labels and circles."""
    left, top, step_y = 170, 28, 26
    step_x = max(26, min(60, 700 // max(1, len(columns))))
    most = max(cells.values(), default=1)
    dots, ticks = [], []
    for ci, column in enumerate(columns):
        x = left + ci * step_x + step_x / 2
        show = ci == 0 or ci == len(columns) - 1 or len(columns) <= 12 or ci % 4 == 0
        if column is None:
            ticks.append({"x": x, "text": "undated"})
        elif show:
            short = f"{MONTHS[column.month - 1]}" + ("" if unit == "month" else f" {column.day}")
            ticks.append({"x": x, "text": short})
        for ri, row in enumerate(rows):
            count = cells.get((row, column), 0)
            if count:
                when = _label(column, unit) if column else UNDATED
                dots.append(
                    {
                        "cx": x,
                        "cy": top + ri * step_y + step_y / 2,
                        "r": 3 + 8 * math.sqrt(count / most),
                        "title": f"{row}, {when}: {count} article{'' if count == 1 else 's'}",
                    }
                )
    labels = [
        {"y": top + ri * step_y + step_y / 2 + 4, "text": row[:26]} for ri, row in enumerate(rows)
    ]
    height = top + len(rows) * step_y + 8
    return {
        "width": left + step_x * len(columns) + 10,
        "height": height,
        "labels": labels,
        "ticks": ticks,
        "tick_y": 18,
        "dots": dots,
        "grid": [{"y": top + ri * step_y + step_y / 2} for ri in range(len(rows))],
        "left": left,
    }


def headlines(articles: list[Article]) -> list[dict]:
    """Each outlet's headlines for the story, earliest first, outlets by article count."""
    grouped: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if headline(article):
            grouped[outlet_of(article)].append(article)
    out = []
    for outlet, items in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        items.sort(key=lambda a: (a.published_at is None, a.published_at or 0))
        seen, shown = set(), []
        for article in items:
            key = article.title.casefold().strip()
            if key not in seen:
                seen.add(key)
                shown.append(article)
        out.append(
            {
                "outlet": outlet,
                "articles": len(items),
                "headlines": shown[:HEADLINES_PER_OUTLET],
                "more": max(0, len(shown) - HEADLINES_PER_OUTLET),
            }
        )
    return out


def related_stories(store, snapshot, story: Story) -> list[tuple[Story, int]]:
    """Other stories whose articles share the most of this story's label words.

    One full-text search per distinctive label word (a search for the whole label would
    only find the story itself); a story matching several words ranks first.
    """
    words = [w.strip(".,:;'\"()") for w in story.label.split()]
    words = [w for w in dict.fromkeys(words) if len(w) > 3 and w.casefold() not in _COMMON][:6]
    score: Counter[int] = Counter()
    for word in words:
        try:
            hits = store.search(word, limit=100)
        except Exception:  # an odd label must not break the page; the list is a bonus
            continue
        matched = {snapshot.story_of_article.get(h.article_id) for h in hits}
        score.update(sid for sid in matched if sid is not None and sid != story.story_id)
    ranked = sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(snapshot.by_id[sid], n) for sid, n in ranked if sid in snapshot.by_id][
        :RELATED_STORIES
    ]


# Label words too common in news to relate two stories by.
_COMMON = frozenset(
    "about after against also before being could from have into more over said says than "
    "that their them there they this were what when where which while will with would "
    "year years people new".split()
)
