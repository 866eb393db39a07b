"""The figures worth listing in a briefing, ranked by how many independent sources give them.

A figure is listed once per (kind, value, unit): money, percentages, counts and durations
written in digits ("212,000 packs", "a 90-day truce", "an almost 30-page text"), and
deadlines finer than a year. A year is never a figure ("by 2024" is background, and a bare
"2024" is a date, not a number to compare). Ranking: independent sources reporting it
(reprints count once), then mentions, then money and percentages before counts, then the
order of first appearance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from storyline.records import Figure

_KIND_ORDER = {"money": 0, "percent": 1, "count": 2, "duration": 2, "deadline": 3}


def listable(figure: Figure) -> bool:
    """Whether a figure belongs in the briefing's list (see the module docstring)."""
    if figure.kind == "deadline":
        return figure.granularity not in (None, "year")
    if figure.value is None:
        return False
    if figure.kind in ("count", "duration"):
        # "three officials" is prose; a count written in digits is a number to check
        if not any(ch.isdigit() for ch in figure.text):
            return False
        year_like = figure.value.is_integer() and 1800 <= figure.value <= 2100
        if figure.kind == "count" and year_like and figure.text.strip().isdigit():
            return False  # "the 2019 season": a year; "2,000 workers" keeps its comma
        if figure.unit == "year of age":
            return False  # "the 33-year-old Reid": a fact about a person, not the story's
        if figure.kind == "count" and figure.unit in RATE_NOUNS:
            return False  # "new 25 tariffs": a rate whose "%" the copy lost, not a count
        if figure.kind == "duration" and _measures_itself(figure):
            return False  # "the past 40 years": background, not a term like "90-day truce"
    return True


# Nouns a bare number before them is a rate of, never a count of ("25 tariffs" lost its "%").
RATE_NOUNS = frozenset("tariff tax duty levy rate interest stake discount raise cut".split())


def _measures_itself(figure: Figure) -> bool:
    """A duration whose measured phrase is its own unit ("past years" of "40 years")."""
    if not figure.measures:
        return True
    last = figure.measures.split()[-1].casefold()
    return last.rstrip("s") == figure.unit.casefold().rstrip("s")


def key_figures(
    figures: Sequence[Figure], independent_of: Mapping[str, str], limit: int | None = None
) -> list[Figure]:
    """One figure per (kind, value, unit, date), most widely reported first."""
    groups: dict[tuple, list[Figure]] = {}
    for figure in figures:
        if listable(figure):
            # A count of 100 or more is one figure whatever noun it is written with
            # ("212,000 e-bike battery packs", "212,000 Model V2 and V3 battery packs").
            unit = None if figure.kind == "count" and (figure.value or 0) >= 100 else figure.unit
            key = (figure.kind, figure.value, unit, figure.when)
            groups.setdefault(key, []).append(figure)
    ranked = []
    for order, (key, members) in enumerate(groups.items()):
        sources = {independent_of.get(f.article_id, f.article_id) for f in members}
        # the first mention that says what it measures represents the group
        shown = next((f for f in members if f.measures), members[0])
        ranked.append((-len(sources), -len(members), _KIND_ORDER[key[0]], order, shown))
    ranked.sort(key=lambda item: item[:4])
    out = [item[-1] for item in ranked]
    return out if limit is None else out[:limit]
