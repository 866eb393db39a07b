"""Publication dates from metadata strings, as aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TINY_YEAR = re.compile(r"\b[A-Za-z]{3}\.?\s+00\d\d\b")


def parse_published(value: str | None) -> datetime | None:
    """Parse ISO 8601 or RFC 2822 dates; naive values are taken as UTC; junk gives None."""
    if not value:
        return None
    value = value.strip()
    try:
        if _DATE_ONLY.match(value):
            parsed = datetime.fromisoformat(value)
        else:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        if _TINY_YEAR.search(value):
            return None  # email.utils reads year "0001" as 2001, a made-up date
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-14:00 is past datetime.max in UTC
        return None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r"))\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_WRITTEN_DATES = [
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
]
# "LONDON, March 3 (Reuters) -": a dateline with a month and day but no year.
_DATELINE_DAY = re.compile(
    rf"^[A-Z][A-Za-z .'-]{{1,40}}(?:, [A-Z][A-Za-z.]{{1,12}})?,\s+{_MONTH}\s+{_DAY}\b"
    r"(?:\s*\([^)]{1,30}\))?\s*[-—–]",
)
# A line carrying the publication date is short: "Published March 3, 2026 at 9:00 a.m."
_MAX_DATE_LINE_WORDS = 14


def date_in_text(
    lines: list[str], reference: datetime | None = None, max_lines: int = 6
) -> tuple[datetime, str] | None:
    """A publication date printed at the top of an article, with where it was found.

    Looks at the first `max_lines` non-blank lines: a short line holding a full date
    ("Published March 3, 2026", "3 March 2026 | 10:15") gives ("...", "text-date"); an
    opening dateline with month and day only ("LONDON, March 3 (Reuters) -") gives
    "text-dateline" when `reference` (the fetch date) supplies the year. Dates inside
    sentences are never taken: "the plant opened on March 3, 2019" is not when it was printed.
    """
    filled = [line.strip() for line in lines if line.strip()][:max_lines]
    for line in filled:
        if len(line.split()) <= _MAX_DATE_LINE_WORDS:
            for pattern in _WRITTEN_DATES:
                match = pattern.search(line)
                found = match and _to_datetime(match)
                if found:
                    return found, "text-date"
    if reference is not None:
        for line in filled[:3]:
            match = _DATELINE_DAY.match(line)
            if match:
                found = _to_datetime(match, year=reference.year)
                if found and found > reference:
                    found = _to_datetime(match, year=reference.year - 1)
                if found:
                    return found, "text-dateline"
    return None


_DATE_LINE_FILLER = re.compile(
    r"\b(published|updated|posted|last|modified|on|at|am|pm|a\.m|p\.m|utc|gmt|[ecmp][sd]t|bst|cet|cest|ist|aest|jst|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\b"
    r"|\d{1,2}[:.]\d{2}|[^\w]",
    re.I,
)


def is_date_line(line: str) -> bool:
    """True for a line that only states a date ("Published: Fri 3 April 2026, 10:15 BST")."""
    if len(line.split()) > _MAX_DATE_LINE_WORDS:
        return False
    for pattern in _WRITTEN_DATES:
        match = pattern.search(line)
        if match and _to_datetime(match):
            rest = line[: match.start()] + " " + line[match.end() :]
            return not _DATE_LINE_FILLER.sub(" ", rest).strip()
    return False


def _to_datetime(match: re.Match, year: int | None = None) -> datetime | None:
    month_text = match.group("month").casefold().rstrip(".")
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text)
    try:
        year = year or int(match.group("year"))
        return datetime(year, month or 0, int(match.group("day")), tzinfo=UTC)
    except ValueError:
        return None


def untrusted_date_reason(
    published_at: datetime,
    now: datetime,
    fetched_at: datetime | None = None,
    max_future_s: int = 86_400,
    earliest_year: int = 1990,
) -> str | None:
    """Why a publication date cannot be true, or None when it is plausible.

    A date after "now" or after the moment the page was fetched (WARC-Date, a feed's own
    update time) is a lie by the publisher or a parse error; so is one before `earliest_year`.
    """
    if published_at.year < earliest_year:
        return f"is before {earliest_year}"
    if (published_at - now).total_seconds() > max_future_s:
        return f"is in the future (now is {now:%Y-%m-%d %H:%M} UTC)"
    if fetched_at is not None and (published_at - fetched_at).total_seconds() > max_future_s:
        return f"is after the page was fetched ({fetched_at:%Y-%m-%d %H:%M} UTC)"
    return None
