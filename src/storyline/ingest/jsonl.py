"""JSON Lines datasets (also gzipped, and plain JSON arrays): one article per record.

Field names as common dumps spell them are tried in order (`FIELD_ALIASES`); `FieldMap`
overrides them per field, as the CLI's --text-field/--date-field/... flags do. The same
mapping serves CSV and Parquet (ingest/tabular.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from storyline.errors import EmptyInput, InputError, MalformedRecord, OversizeInput
from storyline.records import Quarantined, RawDocument, RawInput

# First field present wins. Names seen in news dumps (news-please, CC-News, Multi-News, GDELT,
# NewsAPI, Kaggle "All the news").
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "maintext", "body", "content", "article", "article_text", "story"),
    "title": ("title", "headline"),
    "date": (
        "date",
        "date_publish",
        "published_at",
        "publishedAt",
        "published",
        "publish_date",
        "pubDate",
        "pub_date",
        "datePublished",
    ),
    "outlet": (
        "outlet",
        "source",
        "publisher",
        "publication",
        "source_domain",
        "site_name",
        "sitename",
        "domain",
    ),
    "author": ("author", "authors", "byline", "creator"),
    "url": ("url", "link", "article_url", "uri"),
    "wire": ("wire",),
}


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which column/field holds each value; None means "try FIELD_ALIASES"."""

    text: str | None = None
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None

    def aliases(self) -> dict[str, tuple[str, ...]]:
        """FIELD_ALIASES with each field given here tried alone (no silent fallback)."""
        chosen = dict(FIELD_ALIASES)
        for key in ("text", "title", "date", "outlet", "author", "url"):
            name = getattr(self, key)
            if name:
                chosen[key] = (name,)
        return chosen


def parse_jsonl(
    text: str, source: str, warnings: tuple[str, ...] = ()
) -> Iterator[RawDocument | Quarantined]:
    """Yield one RawDocument per good line and one Quarantined per bad line."""
    aliases = FIELD_ALIASES
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            yield _record(line, where, warnings, aliases)
        except (MalformedRecord, EmptyInput) as exc:
            yield Quarantined(source=where, stage="ingest", error=str(exc))


def read_jsonl(
    stream: IO[bytes], source: str, max_record_bytes: int, fields: FieldMap = FieldMap()
) -> Iterator[tuple[RawDocument | Quarantined, RawInput | None]]:
    """Stream a JSONL file line by line: memory stays at one record, whatever the file size.

    Each line is decoded on its own (UTF-8, else Windows-1252 with a warning), so one bad line
    costs one record. Lines over `max_record_bytes` are quarantined unread.
    """
    aliases = fields.aliases()
    number = 0
    while True:
        line = stream.readline(max_record_bytes + 1)
        if not line:
            return
        number += 1
        where = f"{source}:{number}"
        if len(line) > max_record_bytes and not line.endswith(b"\n"):
            size = len(line)
            while line and not line.endswith(b"\n"):
                line = stream.readline(max_record_bytes)
                size += len(line)
            error = OversizeInput(
                where,
                f"record is {size:,} bytes, over the {max_record_bytes:,} byte limit",
                "raise Settings.max_input_bytes or split the record",
            )
            yield Quarantined(where, "ingest", str(error)), None
            continue
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        body = line.rstrip(b"\r\n")
        if not body.strip():
            continue
        raw = RawInput.of(where, "jsonl", body)
        try:
            text, warnings = _decode_line(body, where)
            yield _record(text, where, warnings, aliases), raw
        except InputError as exc:
            yield Quarantined(where, "ingest", str(exc), raw.sha256), raw


def read_json(
    text: str, source: str, warnings: tuple[str, ...], fields: FieldMap = FieldMap()
) -> Iterator[tuple[RawDocument | Quarantined, RawInput | None]]:
    """A .json file: one article object, or an array of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedRecord(
            source,
            f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
            "a .json file holds one article object or an array of them; use .jsonl for lines",
        ) from exc
    records = data if isinstance(data, list) else [data]
    aliases = fields.aliases()
    for number, record in enumerate(records, start=1):
        where = f"{source}#{number}" if isinstance(data, list) else source
        encoded = json.dumps(record, ensure_ascii=False, default=str).encode()
        raw = RawInput.of(where, "json", encoded)
        try:
            if not isinstance(record, dict):
                raise MalformedRecord(
                    where,
                    f"a JSON {type(record).__name__} is not an article",
                    "each record must be a JSON object",
                )
            yield document_from_fields(record, where, "json", warnings, aliases), raw
        except InputError as exc:
            yield Quarantined(where, "ingest", str(exc), raw.sha256), raw


def _decode_line(line: bytes, where: str) -> tuple[str, tuple[str, ...]]:
    try:
        return line.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        return line.decode("cp1252", errors="replace"), (
            f"{where}: not UTF-8 (bad byte at offset {exc.start}); decoded as Windows-1252",
        )


def _record(
    line: str, where: str, warnings: tuple[str, ...], aliases: Mapping[str, tuple[str, ...]]
) -> RawDocument:
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
    return document_from_fields(record, where, "jsonl", warnings, aliases)


def document_from_fields(
    record: Mapping[str, object],
    where: str,
    format: str,
    warnings: tuple[str, ...] = (),
    aliases: Mapping[str, tuple[str, ...]] = FIELD_ALIASES,
) -> RawDocument:
    """A RawDocument from one dataset record (JSON object, CSV row, Parquet row).

    Raises EmptyInput naming the fields tried when the record has no text.
    """
    values = {key: _first(record, names) for key, names in aliases.items()}
    body = values.pop("text")
    if not body or not body.strip():
        raise EmptyInput(
            where,
            f"record has no text (looked in: {', '.join(aliases['text'])})",
            "name the field holding the article text with --text-field",
        )
    metadata = tuple((key, value) for key, value in values.items() if value)
    return RawDocument(
        source=where,
        format=format,
        text=body,
        metadata=metadata,
        provenance=tuple((key, "record-field") for key, _ in metadata),
        warnings=warnings,
    )


def _first(record: Mapping[str, object], aliases: tuple[str, ...]) -> str | None:
    for name in aliases:
        value = record.get(name)
        if isinstance(value, Mapping):  # NewsAPI: "source": {"id": ..., "name": "BBC News"}
            value = value.get("name") or value.get("title")
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value if v)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        if value not in (None, ""):
            return str(value)
    return None
