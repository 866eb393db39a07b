"""The outlet an article names itself, for inputs that arrive without outlet metadata.

Three rules, each checked on the real inputs in ../shared (tests/metadata/test_outlet.py):
- a source URL printed as the article's first line (ECB+ texts start with one, often with
  spaces around its dots and slashes: "http: / / www. bbc. co. uk / sport / ..."):
  the URL's domain;
- a contact line near the end: "contact us at editors@time.com", or the same line after
  punctuation was stripped ("contact us at editors time com"): the e-mail's domain;
- a promo line an outlet prints under its own articles (`KNOWN_PROMOS`): that outlet.
A URL or e-mail named inside a sentence is not a claim of authorship and is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.metadata.title import outlet_from_url

# Promo lines that name the outlet printing them, lower-cased without punctuation -> outlet.
# Added one by one from real inputs, never guessed: "BT" is The Business Times (Singapore),
# whose pages end with this Telegram promo (../shared/examples/trade-talks).
KNOWN_PROMOS = {
    "bt is now on telegram": "The Business Times",
}
# Lines from the end searched for a contact line or promo (page furniture sits there).
TAIL_LINES = 8
# Characters from the end of a one-line text (a degraded article has no line breaks).
TAIL_CHARS = 300

_URL_LINE = re.compile(r"^\s*(https?)\s*:\s*/\s*/\s*(\S.*)$", re.IGNORECASE)
_HOST_PART = re.compile(r"^[a-z0-9-]+(?:\s*\.\s*[a-z0-9-]+)+", re.IGNORECASE)
_CONTACT = re.compile(
    r"\bcontact us at\s+[a-z0-9._-]+(?:@|\s+)([a-z0-9-]+(?:(?:\.|\s+)[a-z0-9-]+)*?)"
    r"(?:\.|\s+)(com|org|net|co\s*\.?\s*uk)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[^a-z0-9 ]+")


def url_from_first_line(line: str) -> str | None:
    """'http: / / www. bbc. co. uk / sport / ...' gives 'http://www.bbc.co.uk/sport/...'."""
    match = _URL_LINE.match(line)
    if match is None:
        return None
    host = _HOST_PART.match(match.group(2))
    if host is None:
        return None
    rest = match.group(2)[host.end() :]
    # The line is the URL alone, tokenised: every space in it was added.
    path = re.sub(r"\s+", "", rest)
    hostname = re.sub(r"\s+", "", host.group())
    return f"{match.group(1).lower()}://{hostname}{path}"


def _contact_domain(text: str) -> str | None:
    matches = list(_CONTACT.finditer(text))
    if not matches:
        return None
    match = matches[-1]
    name = re.sub(r"\s+", ".", match.group(1).strip()).lower()
    tld = re.sub(r"[\s.]+", ".", match.group(2).strip()).lower()
    return f"{name}.{tld}"


def outlet_from_text(lines: Sequence[str]) -> tuple[str, str] | None:
    """(outlet, how it was found) from the article's own lines, or None."""
    content = [line for line in lines if line.strip()]
    if not content:
        return None
    url = url_from_first_line(content[0])
    if url:
        outlet = outlet_from_url(url)
        if outlet:
            return outlet, "first-line url"
    tail = content[-TAIL_LINES:]
    for line in reversed(tail):
        key = _WORDS.sub("", line.lower()).strip()
        key = re.sub(r"\s+", " ", key)
        if key in KNOWN_PROMOS:
            return KNOWN_PROMOS[key], "promo line"
    domain = _contact_domain(" ".join(tail)[-TAIL_CHARS:])
    if domain:
        return domain, "contact line"
    return None
