"""Dates that could not be placed, as one short line per article.

An undated article can hold dozens of relative dates ("Tuesday", "last week"); listed one a
line with its sentence they took 35 lines of the trade-talks briefing. Each article now gets
one line: its first few distinct expressions, with why they could not be placed, and how
many more there are.
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.records import UnplacedDate

# Expressions named per article; the rest are counted ("and 12 more").
UNPLACED_PER_ARTICLE = 3


def unplaced_lines(unplaced: Sequence[UnplacedDate]) -> list[tuple[str, list[str], str, int]]:
    """(article_id, first distinct expressions, reasons, how many more) per article."""
    order: list[str] = []
    texts: dict[str, list[str]] = {}
    reasons: dict[str, list[str]] = {}
    totals: dict[str, int] = {}
    for item in unplaced:
        if item.article_id not in texts:
            order.append(item.article_id)
            texts[item.article_id], reasons[item.article_id] = [], []
            totals[item.article_id] = 0
        totals[item.article_id] += 1
        if item.text.casefold() not in {t.casefold() for t in texts[item.article_id]}:
            texts[item.article_id].append(item.text)
        if item.reason not in reasons[item.article_id]:
            reasons[item.article_id].append(item.reason)
    out = []
    for article_id in order:
        shown = texts[article_id][:UNPLACED_PER_ARTICLE]
        out.append(
            (article_id, shown, "; ".join(reasons[article_id]), totals[article_id] - len(shown))
        )
    return out
