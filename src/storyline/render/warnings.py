"""Per-article warnings summarised: one line per kind of problem, not one per article.

The pipeline warns per article ("a.txt: no publication date; ...") so a story of 17 undated
articles printed the same line 17 times. `summarise_warnings` keeps a single warning as it
is and folds a message that several articles share into "5 of 5 articles have no
publication date (a.txt, b.txt and 3 more)".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# "<source>: <message>": sources are paths, URLs or "file.jsonl:12" (a colon, no space).
_SOURCE_MESSAGE = re.compile(r"^(?P<source>\S(?:.*?\S)?): (?P<message>.+)$", re.DOTALL)
# Messages that read better as a sentence about many articles.
_MANY = {
    "no publication date; its relative dates were not resolved": (
        "have no publication date; their relative dates were not resolved"
    ),
}
# Sources named after a folded line: enough to find them, not a list of every file.
NAMED_SOURCES = 2


def summarise_warnings(warnings: Iterable[str], article_count: int | None = None) -> list[str]:
    """Warnings in first-seen order, each message shared by several sources folded into one."""
    order: list[str] = []
    sources: dict[str, list[str]] = {}
    for warning in warnings:
        match = _SOURCE_MESSAGE.match(warning)
        if match is None:
            key, source = warning, None
        else:
            key, source = match["message"], match["source"]
        if key not in sources:
            order.append(key)
            sources[key] = []
        if source is not None:
            sources[key].append(source)
        elif not sources[key]:
            sources[key].append("")
    out = []
    for key in order:
        named = list(dict.fromkeys(s for s in sources[key] if s))
        if len(named) <= 1:
            out.append(f"{named[0]}: {key}" if named else key)
            continue
        total = f" of {article_count:,}" if article_count and article_count >= len(named) else ""
        shown = ", ".join(named[:NAMED_SOURCES])
        rest = len(named) - NAMED_SOURCES
        listed = f"{shown} and {rest:,} more" if rest > 0 else shown
        message = _MANY.get(key)
        if message:
            out.append(f"{len(named):,}{total} articles {message} ({listed})")
        else:
            out.append(f"{len(named):,}{total} articles: {key} ({listed})")
    return out
