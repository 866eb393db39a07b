"""RSS and Atom feeds saved as files, read with feedparser: one article per entry.

An entry's text is its embedded content (`content:encoded`, Atom `content`), else its
summary, turned from HTML into paragraphs. The entry's link is the URL, its published (else
updated) time the date, its author the author, and the feed's title the outlet. The feed's
own update time is kept as `fetched_at`, the reference for entries dated after the feed was
built, which a feed that lies about its dates gives away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

from storyline.errors import EmptyInput, InputError, MalformedRecord
from storyline.records import Quarantined, RawDocument, RawInput

Item = tuple[RawDocument | Quarantined, RawInput | None]
_BLOCKS = (
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre",
    "section", "article", "figcaption", "ul", "ol", "table",
)  # fmt: skip
_BLANK_RUN = re.compile(r"\n\s*\n\s*(\n\s*)+")


def parse_feed(
    text: str, source: str, warnings: tuple[str, ...] = ()
) -> Iterator[RawDocument | Quarantined]:
    """The text-reader form (READERS) of `read_feed`."""
    for item, _ in read_feed(text.encode("utf-8"), source, warnings):
        yield item


def read_feed(data: bytes, source: str, warnings: tuple[str, ...] = ()) -> Iterator[Item]:
    """One article per entry; a file that is no feed raises MalformedRecord."""
    import feedparser

    if not data.strip():
        raise EmptyInput(source, "file is empty", "a feed file holds an RSS or Atom document")
    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.bozo:
            raise MalformedRecord(
                source,
                f"not a well-formed RSS/Atom feed ({parsed.get('bozo_exception')})",
                "save the feed's XML as served, without editing",
            )
        raise EmptyInput(source, "feed has no entries", "an article feed lists <item>/<entry>")
    if parsed.bozo and not any(_content(entry).strip() for entry in parsed.entries):
        raise MalformedRecord(
            source,
            f"not a well-formed RSS/Atom feed ({parsed.get('bozo_exception')}); no entry "
            "with content could be recovered",
            "save the feed's XML as served, without editing",
        )
    if parsed.bozo:
        warnings += (
            f"{source}: feed is not well-formed XML ({parsed.get('bozo_exception')}); "
            f"{len(parsed.entries)} entries were read anyway",
        )
    outlet = parsed.feed.get("title")
    fetched_at = _iso(parsed.feed.get("updated_parsed"))
    for number, entry in enumerate(parsed.entries, start=1):
        yield _entry(entry, f"{source}#{number}", outlet, fetched_at, warnings)


def _entry(
    entry, where: str, outlet: str | None, fetched_at: str | None, warnings: tuple[str, ...]
) -> Item:
    html = _content(entry)
    date = _iso(entry.get("published_parsed")) or entry.get("published")
    date = date or _iso(entry.get("updated_parsed")) or entry.get("updated")
    fields = {
        "title": entry.get("title"),
        "url": entry.get("link"),
        "date": date,
        "author": entry.get("author"),
    }
    raw = RawInput.of(
        where, "feed", json.dumps({**fields, "content": html}, ensure_ascii=False).encode()
    )
    try:
        text = html_fragment_text(html)
        if not text.strip():
            raise EmptyInput(where, "entry has no content or summary", "the feed gives links only")
    except InputError as exc:
        return Quarantined(where, "ingest", str(exc), raw.sha256), raw
    metadata = [(key, str(value)) for key, value in fields.items() if value]
    provenance = [(key, "feed-entry") for key, _ in metadata]
    if outlet:
        metadata.append(("outlet", outlet))
        provenance.append(("outlet", "feed-title"))
    if fetched_at:
        metadata.append(("fetched_at", fetched_at))
        provenance.append(("fetched_at", "feed-updated"))
    document = RawDocument(
        source=where,
        format="feed",
        text=text,
        metadata=tuple(metadata),
        provenance=tuple(provenance),
        warnings=warnings,
    )
    return document, raw


def _content(entry) -> str:
    """Embedded content (content:encoded, Atom content), else the summary/description."""
    contents = entry.get("content") or []
    return contents[0].get("value", "") if contents else entry.get("summary", "")


def html_fragment_text(html: str) -> str:
    """Paragraph text of an HTML fragment (feed content): one line per block element."""
    import lxml.etree
    import lxml.html

    if "<" not in html:
        return html.strip()
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in list(root.iter("script", "style", "noscript")):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def _iso(parsed_time) -> str | None:
    """feedparser's UTC struct_time as ISO 8601."""
    if not parsed_time:
        return None
    try:
        return datetime(*parsed_time[:6], tzinfo=UTC).isoformat()
    except (ValueError, OverflowError, TypeError):  # a year feedparser cannot place
        return None
