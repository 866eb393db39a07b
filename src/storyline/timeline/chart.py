"""A story timeline as plain JSON-able data, for the web UI's charts and the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from storyline.records import Granularity, TimelineEvent


def period_end(when: date, granularity: Granularity) -> date:
    """The last day of the period an event's date stands for (its day, week, month, year)."""
    if granularity == "day":
        return when
    if granularity == "week":
        return when + timedelta(days=6)
    if granularity == "month":
        following = date(when.year + when.month // 12, when.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(when.year, 12, 31)


def timeline_chart(events: Sequence[TimelineEvent]) -> dict:
    """Events as `{"start", "end", "events": [...]}` with ISO dates, ready for `json.dumps`.

    Each event carries `start`/`end` (the period its date covers), `granularity`, `text`,
    `article_ids` and `sources` (how many articles cite it), in date order.

    Example:
        >>> from storyline.records import TimelineEvent
        >>> event = TimelineEvent(date(2026, 3, 1), "month", "Sales fell.", ("a",))
        >>> chart = timeline_chart([event])
        >>> chart["events"][0]["end"]
        '2026-03-31'
    """
    ordered = sorted(events, key=lambda e: (e.when, period_end(e.when, e.granularity)))
    rows = [
        {
            "start": e.when.isoformat(),
            "end": period_end(e.when, e.granularity).isoformat(),
            "granularity": e.granularity,
            "text": e.text,
            "article_ids": list(e.article_ids),
            "sources": len(e.article_ids),
        }
        for e in ordered
    ]
    return {
        "start": rows[0]["start"] if rows else None,
        "end": max((r["end"] for r in rows), default=None),
        "events": rows,
    }
