"""Date expressions resolved against the article's publication date, granularity kept.

Absolute dates ("March 1, 2026", "2026-03-05", "in 2019", "mid-2019") need no anchor.
Relative ones ("on Tuesday", "last month", "earlier this month", "two weeks ago", "this May",
"March 1", "on Jan. 30 and 31") are resolved against the publication date; an article
without one gets only its absolute dates, never a guess from today; `find_unplaced_dates`
lists the rest (days without a year, relative expressions) for the reader.
Rules follow news usage: a bare weekday is the most recent one on or before publication
unless the sentence looks ahead ("will", "is scheduled"); a day without a year takes the year
that puts it nearest the publication date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date, timedelta

from storyline.records import Granularity, ResolvedDate, UnplacedDate

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MODIFIER = r"(?:(?P<modifier>last|this|next|past|coming|earlier this|later this)\s+)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
# "early 2019", "mid-2019", "late March": the period keeps its calendar granularity.
_PART = r"(?P<part>early|mid|late|the end of|the start of|the beginning of|the middle of)[ -]"
NUMBER_WORDS = {  # also read by figures.py
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_COUNT = r"(?P<count>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2})\b")),
    # "Jan. 30 and 31", "March 3-5, 2026": two dates, the second sharing month and year.
    (
        "month_day_pair",
        re.compile(
            rf"\b{_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
            r"(?P<joint>\s*(?:and|-|–|to|through)\s*)(?P<day2>\d{1,2})(?:st|nd|rd|th)?\b"
            rf"(?:,? {_YEAR}\b)?"
        ),
    ),
    (
        "ago",
        re.compile(rf"\b{_COUNT}\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I),
    ),
    ("part_year", re.compile(rf"\b{_PART}(?:(?P<rel>last|this|next) year|{_YEAR})\b", re.I)),
    ("part_month", re.compile(rf"\b{_PART}{_MONTH}(?: (?:of )?{_YEAR})?\b")),
    (
        "month_day",
        re.compile(
            rf"\b{_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
            rf"(?:,? {_YEAR}\b)?"
        ),
    ),
    ("day_month", re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? {_MONTH}(?: {_YEAR}\b)?")),
    ("weekday", re.compile(rf"\b{_MODIFIER}{_WEEKDAY}\b")),
    ("relative_day", re.compile(r"\b(?P<word>today|yesterday|tomorrow|tonight)\b", re.I)),
    (
        "relative_unit",
        re.compile(
            r"\b(?P<modifier>last|this|next|past|earlier this|later this)"
            r"\s+(?P<unit>week|month|year)\b",
            re.I,
        ),
    ),
    ("month", re.compile(rf"\b{_MODIFIER}{_MONTH}(?: (?:of )?{_YEAR})?\b")),
    # A comma may follow a year ("in 2001, including"), but not start its digits ("2019,5").
    ("year", re.compile(rf"(?<![\d,.$£€-])\b{_YEAR}\b(?!,?\d|[%-])")),
]
# Words before a date that say it lies ahead of the publication date.
_FUTURE_CUE = re.compile(
    r"\b(will|would|shall|is expected|are expected|is scheduled|are "
    r"scheduled|is due|are due|plans? to|set to|is to|are to)\b",
    re.I,
)
# A deadline word right before the date: "by Friday", "until Monday".
_DEADLINE_CUE = re.compile(r"\b(by|until|before|from)\s+$", re.I)


def find_dates(
    text: str, published: date | None, article_id: str = "", offset: int = 0
) -> list[ResolvedDate]:
    """All resolvable date expressions in `text`, left to right, without overlaps."""
    found: list[ResolvedDate] = []
    for kind, match, resolved in _scan(text, published):
        if resolved is None:
            continue
        value, granularity = resolved
        end = match.start("joint") if kind == "month_day_pair" else match.end()
        found.append(
            ResolvedDate(
                article_id,
                offset + match.start(),
                offset + end,
                text[match.start() : end].strip(),
                value,
                granularity,
            )
        )
        if kind == "month_day_pair":
            second = _second_day(value, int(match.group("day2")))
            if second is not None:
                found.append(
                    ResolvedDate(
                        article_id,
                        offset + match.start("day2"),
                        offset + match.end(),
                        text[match.start("day2") : match.end()].strip(),
                        second,
                        "day",
                    )
                )
    return sorted(found, key=lambda d: d.start)


def find_unplaced_dates(
    text: str, published: date | None, article_id: str = "", offset: int = 0
) -> list[UnplacedDate]:
    """Date expressions in the sentence `text` that only a publication date could place.

    Empty when `published` is given (`find_dates` resolves them then). Without it, a day or
    month named without a year ("Jan. 30 and 31", "in July") is reported as "year unknown"
    and a relative expression ("this May", "last week", "on Tuesday") as "no publication
    date", so the briefing can list them instead of guessing from today. The same patterns
    as `find_dates` are used; an expression overlapping a resolved date is not reported.
    """
    if published is not None:
        return []
    resolved_spans: list[tuple[int, int]] = []
    candidates: list[tuple[str, re.Match[str]]] = []
    for kind, match, resolved in _scan(text, None):
        if resolved is None:
            candidates.append((kind, match))
        else:
            resolved_spans.append((match.start(), match.end()))
    taken = list(resolved_spans)
    found: list[UnplacedDate] = []
    for kind, match in candidates:  # in pattern order, so the longest reading comes first
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        taken.append((match.start(), match.end()))
        end = _expression_end(match)
        found.append(
            UnplacedDate(
                article_id,
                offset + match.start(),
                offset + end,
                text[match.start() : end].strip(),
                text.strip(),
                "year unknown" if _is_absolute(kind, match) else "no publication date",
            )
        )
    return sorted(found, key=lambda d: d.start)


def _expression_end(match: re.Match[str]) -> int:
    """Where the expression ends: a full month name's trailing dot ends the sentence."""
    month = match.groupdict().get("month")
    if match.group().endswith(".") and month in calendar.month_name:
        return match.end() - 1
    return match.end()


def _is_absolute(kind: str, match: re.Match[str]) -> bool:
    """A day or month named without a year ("July 16", "in March"), not relative to now."""
    if kind in ("month_day", "day_month", "month_day_pair", "part_month"):
        return True
    return kind == "month" and not match.group("modifier")


# A capitalised word (not a month) right before a year makes the year part of a name.
_NAME_BEFORE = re.compile(
    r"\b(?!(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|In|Since|By|Until)\b)"
    r"[A-Z][a-z]+\s+$"
)


def _scan(
    text: str, published: date | None
) -> Iterator[tuple[str, re.Match[str], tuple[date, Granularity] | None]]:
    """Every date-like match with its resolution (None when it cannot be resolved).

    Patterns run in priority order; a match overlapping an earlier resolved one is skipped,
    while unresolved matches leave their span open to later patterns.
    """
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            if (
                kind == "month"
                and match.group("month") == "May"
                and not (match.group("modifier") or match.group("year") or _after_in(text, match))
            ):
                continue  # "May" alone is usually the verb
            if kind == "year" and _NAME_BEFORE.search(text[: match.start()]):
                continue  # part of a name: "Made in China 2025", "Vision 2030"
            before = text[max(0, match.start() - 60) : match.start()]
            after = text[match.end() : match.end() + 12]
            ahead = bool(
                _FUTURE_CUE.search(before)
                or _DEADLINE_CUE.search(before)
                or re.match(r"\s*deadline\b", after, re.I)
            )
            resolved = _resolve(kind, match, published, ahead)
            if resolved is not None:
                taken.append((match.start(), match.end()))
            yield kind, match, resolved


def _second_day(first: date, day: int) -> date | None:
    """The second day of "Jan. 30 and 31": same month, or the next one ("Jan. 30 to 2")."""
    try:
        if day > first.day:
            return first.replace(day=day)
        index = first.year * 12 + first.month
        return date(index // 12, index % 12 + 1, day)
    except ValueError:
        return None


def _after_in(text: str, match: re.Match[str]) -> bool:
    return text[max(0, match.start() - 3) : match.start()].lower() == "in "


def _resolve(
    kind: str, m: re.Match[str], published: date | None, ahead: bool
) -> tuple[date, Granularity] | None:
    try:
        if kind == "iso":
            return date.fromisoformat(m.group("iso")), "day"
        if kind in ("month_day", "day_month", "month_day_pair"):
            month, day = _MONTHS[m.group("month").lower().rstrip(".")], int(m.group("day"))
            if m.group("year"):
                return date(int(m.group("year")), month, day), "day"
            if published is None:
                return None
            candidates = []
            for year in (published.year - 1, published.year, published.year + 1):
                try:
                    candidates.append(date(year, month, day))
                except ValueError:
                    continue
            return min(candidates, key=lambda d: abs((d - published).days)), "day"
        if kind == "year" or (kind == "part_year" and m.group("year")):
            return date(int(m.group("year")), 1, 1), "year"
        if kind == "part_month" and m.group("year"):
            return date(int(m.group("year")), _MONTHS[m.group("month").lower().rstrip(".")], 1), (
                "month"
            )
    except (ValueError, KeyError):
        return None
    if published is None:
        if kind == "month" and m.group("year"):
            return date(
                int(m.group("year")), _MONTHS[m.group("month").lower().rstrip(".")], 1
            ), "month"
        return None
    return _resolve_relative(kind, m, published, ahead)


def _resolve_relative(
    kind: str, m: re.Match[str], published: date, ahead: bool
) -> tuple[date, Granularity] | None:
    modifier = (m.groupdict().get("modifier") or "").lower()
    if kind == "weekday":
        target = _WEEKDAYS[m.group("weekday").lower()]
        back = (published.weekday() - target) % 7
        if modifier in ("next", "coming") or (ahead and modifier != "last"):
            forward = (target - published.weekday()) % 7 or 7
            return published + timedelta(days=forward), "day"
        if modifier == "last" and back == 0:
            back = 7
        return published - timedelta(days=back), "day"
    if kind == "relative_day":
        shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
        return published + timedelta(days=shift[m.group("word").lower()]), "day"
    if kind == "relative_unit":
        unit = m.group("unit").lower()
        step = {"last": -1, "past": -1, "next": 1}.get(modifier, 0)
        if unit == "week":
            monday = published - timedelta(days=published.weekday())
            return monday + timedelta(weeks=step), "week"
        if unit == "month":
            index = published.year * 12 + published.month - 1 + step
            return date(index // 12, index % 12 + 1, 1), "month"
        return date(published.year + step, 1, 1), "year"
    if kind == "ago":
        count = m.group("count").lower()
        n = NUMBER_WORDS[count] if count in NUMBER_WORDS else int(count)
        unit = m.group("unit").lower()
        if unit == "day":
            return published - timedelta(days=n), "day"
        if unit == "week":
            # "two weeks ago" is the week, not the exact day, two weeks back.
            monday = published - timedelta(days=published.weekday())
            return monday - timedelta(weeks=n), "week"
        if unit == "month":
            index = published.year * 12 + published.month - 1 - n
            return date(index // 12, index % 12 + 1, 1), "month"
        return date(published.year - n, 1, 1), "year"
    if kind == "part_year":
        step = {"last": -1, "this": 0, "next": 1}[m.group("rel").lower()]
        return date(published.year + step, 1, 1), "year"
    if kind in ("month", "part_month"):
        month = _MONTHS[m.group("month").lower().rstrip(".")]
        if m.group("year"):
            return date(int(m.group("year")), month, 1), "month"
        year = published.year
        if modifier == "last" and month >= published.month:
            year -= 1
        elif (modifier == "next" or ahead) and month < published.month:
            year += 1
        return date(year, month, 1), "month"
    return None
