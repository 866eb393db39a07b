"""JSON Lines datasets (also gzipped, and plain JSON arrays): one article per record.

Field names as common dumps spell them are tried in order (`FIELD_ALIASES`); `FieldMap`
overrides them per field, as the CLI's --text-field/--date-field/... flags do. The same
mapping serves CSV and Parquet (ingest/tabular.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from storyline.errors import EmptyInput, InputError, MalformedRecord, OversizeInput
from storyline.ingest.decode import decode_mixed
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
    number = records = blank = 0
    while True:
        skipped = _skip_blank(stream)
        number += skipped
        blank += skipped
        line = stream.readline(max_record_bytes + 1)
        if not line:
            if not records:
                error = EmptyInput(
                    source,
                    f"holds no records ({blank:,} blank lines)" if blank else "file is empty",
                    "a JSONL file holds one JSON object per line",
                )
                yield Quarantined(source, "ingest", str(error)), None
            return
        number += 1
        records += 1
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
            records -= 1
            blank += 1
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
    except RecursionError as exc:
        raise MalformedRecord(source, _TOO_DEEP, "an article record is a flat object") from exc
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


_TOO_DEEP = "JSON nested too deeply to parse"
_BLANK = b" \t\r\n"


def _skip_blank(stream: IO[bytes]) -> int:
    """Skip a run of blank lines in bulk (a file of blank lines must not cost a Python loop
    per line); returns the number of line breaks skipped."""
    if not hasattr(stream, "peek"):
        return 0
    count = 0
    while True:
        head = stream.peek(1 << 16)
        if not head or head[:1] not in (b" ", b"\t", b"\r", b"\n"):
            return count
        run = len(head) - len(head.lstrip(_BLANK))
        # Stop at the last line break so a line's leading spaces stay with it.
        cut = head.rfind(b"\n", 0, run) + 1
        if cut == 0:
            return count
        count += head.count(b"\n", 0, cut)
        stream.read(cut)


def _decode_line(line: bytes, where: str) -> tuple[str, tuple[str, ...]]:
    text, bad = decode_mixed(line)
    if bad is None:
        return text, ()
    return text, (
        f"{where}: not UTF-8 (bad byte at offset {bad}); those bytes decoded as Windows-1252",
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
    except RecursionError as exc:
        raise MalformedRecord(where, _TOO_DEEP, "an article record is a flat object") from exc
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

    Raises EmptyInput naming the fields tried when the record has no text, and
    MalformedRecord when the text field holds a number, boolean or object, not text.
    Lone surrogates (a JSON "\\ud800" escape, never valid text) become U+FFFD with a warning.
    """
    raw_body, body_field = _first_raw(record, aliases["text"])
    if raw_body is not None and not isinstance(raw_body, str | list | tuple):
        raise MalformedRecord(
            where,
            f"field {body_field!r} holds a JSON {_json_type(raw_body)} ({str(raw_body)[:40]}), "
            "not article text",
            "name the field holding the article text with --text-field",
        )
    values = {key: _first(record, names) for key, names in aliases.items()}
    body = values.pop("text")
    if not body or not body.strip():
        raise EmptyInput(
            where,
            f"record has no text (looked in: {', '.join(aliases['text'])})",
            "name the field holding the article text with --text-field",
        )
    if _SURROGATE.search(body) or any(v and _SURROGATE.search(v) for v in values.values()):
        body = _SURROGATE.sub("\ufffd", body)
        values = {k: _SURROGATE.sub("\ufffd", v) if v else v for k, v in values.items()}
        warnings += (f"{where}: held lone surrogates (invalid UTF-16 escapes); replaced by U+FFFD",)
    metadata = tuple((key, value) for key, value in values.items() if value)
    return RawDocument(
        source=where,
        format=format,
        text=body,
        metadata=metadata,
        provenance=tuple((key, "record-field") for key, _ in metadata),
        warnings=warnings,
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "object" if isinstance(value, Mapping) else type(value).__name__


def _first_raw(record: Mapping[str, object], aliases: tuple[str, ...]) -> tuple[object, str]:
    for name in aliases:
        value = record.get(name)
        if value not in (None, ""):
            return value, name
    return None, ""


def _first(record: Mapping[str, object], aliases: tuple[str, ...]) -> str | None:
    for name in aliases:
        value = record.get(name)
        if isinstance(value, Mapping):  # NewsAPI: "source": {"id": ..., "name": "BBC News"}
            value = value.get("name") or value.get("title")
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value if v and not isinstance(v, bool))
        if isinstance(value, datetime | date):
            value = value.isoformat()
        if isinstance(value, bool):
            continue  # true/false is not a title, outlet or date
        if value not in (None, ""):
            return str(value)
    return None
