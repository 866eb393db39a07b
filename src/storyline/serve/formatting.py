"""Formatting for pages and feeds: dates, relative ages, paths, links (also Jinja filters)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from storyline.render.markdown import outlet_list
from storyline.serve.errors import ApiError
from storyline.serve.pages import templates

_PATH = re.compile(r"(?:[A-Za-z]:)?[\\/](?:[^\s:\\/]+[\\/])+([^\s:\\/]+)")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


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
    return f"{MONTHS[when.month - 1]} {when.day}, {when.year}"


def nice_when(when: str, granularity: str) -> str:
    day = date.fromisoformat(when)
    if granularity == "year":
        return str(day.year)
    if granularity == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    if granularity == "week":
        return f"week of {nice_day(day)}"
    return nice_day(day)


def short_paths(message: str) -> str:
    """Warnings name files by their base name, not the server's folders."""
    return _PATH.sub(lambda m: m.group(1), message)


def article_href(article_id: str, span: dict | None = None) -> str:
    """The article page's address; with an evidence span, that span is highlighted."""
    base = f"/articles/{article_id}"
    if not span:
        return base
    return f"{base}?{urlencode({'start': span['start'], 'end': span['end']})}#highlight"


def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links: a `javascript:` URL must stay text."""
    if url and re.match(r"https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


templates.env.filters.update(day=nice_day, short_paths=short_paths)
templates.env.globals.update(article_href=article_href)


_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
)


def ago(when: datetime | None, now: datetime | None = None) -> str:
    """ "updated 3 hours ago" style age: the largest whole unit, "just now" under a minute."""
    if when is None:
        return "date unknown"
    now = now or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (now - when).total_seconds()
    if seconds < 0:
        return nice_day(when.date())
    for unit, size in _UNITS:
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"


def source_path(path: str | None) -> str:
    """The full path of a source for its tooltip, except an upload's temporary folder
    (serve/upload.py writes uploads under storyline-upload-*): that shows the file's name."""
    if not path:
        return ""
    if "storyline-upload-" in path:
        return short_paths(path)
    return path


templates.env.filters.update(ago=ago, outlet_list=outlet_list, source_path=source_path)
