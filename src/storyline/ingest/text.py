"""Plain-text articles, with an optional front-matter block of metadata.

Front matter is the convention static-site tools use: a `---` line, `key: value` lines
(title, outlet, date, author, url), a closing `---`. Without it the whole file is the text.
"""

from __future__ import annotations

import re

from storyline.records import RawDocument

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<body>.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_FIELD = re.compile(r"^(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*?)\s*$")
KNOWN_FIELDS = ("title", "outlet", "date", "author", "url", "wire")


def parse_text(text: str, source: str, warnings: tuple[str, ...] = ()) -> RawDocument:
    """Split optional front matter from the article text."""
    metadata: list[tuple[str, str]] = []
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group("body").splitlines():
            field = _FIELD.match(line)
            if field and field.group("key").lower() in KNOWN_FIELDS and field.group("value"):
                metadata.append((field.group("key").lower(), field.group("value").strip("'\"")))
        text = text[match.end() :]
    return RawDocument(
        source=source,
        format="text",
        text=text,
        metadata=tuple(metadata),
        provenance=tuple((key, "front-matter") for key, _ in metadata),
        warnings=warnings,
    )
