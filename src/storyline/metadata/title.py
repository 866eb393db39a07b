"""Headline detection for texts that arrive without a title field."""

from __future__ import annotations

import re
from urllib.parse import urlparse

# A headline is short and does not end like a sentence; 20 words covers long news headlines.
_MAX_HEADLINE_WORDS = 20


def looks_like_headline(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= _MAX_HEADLINE_WORDS and not re.search(r"[.:;,!]\"?$", line.strip())


def outlet_from_url(url: str | None) -> str | None:
    """'https://www.harborcourier.example/x' gives 'harborcourier.example'."""
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None
