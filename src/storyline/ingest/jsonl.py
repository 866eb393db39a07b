"""JSON Lines datasets: one article per line, field names as common dumps spell them."""

from __future__ import annotations

import json
from collections.abc import Iterator

from storyline.errors import EmptyInput, MalformedRecord
from storyline.records import Quarantined, RawDocument

# First field present wins. Names seen in news dumps (news-please, CC-News, Multi-News, GDELT).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "maintext", "body", "content", "article", "article_text"),
    "title": ("title", "headline"),
    "date": ("date", "date_publish", "published_at", "published", "publish_date", "pubDate"),
    "outlet": ("outlet", "source", "publisher", "source_domain", "site_name", "sitename"),
    "author": ("author", "authors", "byline"),
    "url": ("url", "link"),
    "wire": ("wire",),
}


def parse_jsonl(
    text: str, source: str, warnings: tuple[str, ...] = ()
) -> Iterator[RawDocument | Quarantined]:
    """Yield one RawDocument per good line and one Quarantined per bad line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            yield _record(line, where, warnings)
        except (MalformedRecord, EmptyInput) as exc:
            yield Quarantined(source=where, stage="ingest", error=str(exc))


def _record(line: str, where: str, warnings: tuple[str, ...]) -> RawDocument:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedRecord(
            where,
            f"invalid JSON ({exc.msg} at column {exc.colno})",
            "each line must be one JSON object",
        ) from exc
    if not isinstance(record, dict):
        raise MalformedRecord(
            where,
            f"a JSON {type(record).__name__} is not an article",
            "each line must be one JSON object",
        )
    values = {key: _first(record, aliases) for key, aliases in FIELD_ALIASES.items()}
    body = values.pop("text")
    if not body or not body.strip():
        raise EmptyInput(
            where,
            "record has no text",
            f"put the article text in one of: {', '.join(FIELD_ALIASES['text'])}",
        )
    metadata = tuple((key, value) for key, value in values.items() if value)
    return RawDocument(
        source=where,
        format="jsonl",
        text=body,
        metadata=metadata,
        provenance=tuple((key, "record-field") for key, _ in metadata),
        warnings=warnings,
    )


def _first(record: dict, aliases: tuple[str, ...]) -> str | None:
    for name in aliases:
        value = record.get(name)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        if value not in (None, ""):
            return str(value)
    return None
