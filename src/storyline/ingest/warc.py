"""WARC archives (ISO 28500; .warc and .warc.gz) of fetched news pages, read with warcio.

Each `response` record holding an HTML page becomes one article: its target URI is the URL,
its WARC-Date the fetch time (a fallback publication date, and the reference for catching
pages that claim to be published after they were fetched). Request, metadata and non-HTML
records (images, scripts) are not articles and are passed over; a record that cannot be
parsed is quarantined with its position, and the records before it are kept.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import IO

from storyline.errors import InputError, MalformedRecord, OversizeInput
from storyline.ingest.decode import decode_bytes
from storyline.ingest.html import parse_html
from storyline.records import Quarantined, RawDocument, RawInput

Item = tuple[RawDocument | Quarantined, RawInput | None]
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: IO[bytes], source: str, max_record_bytes: int) -> Iterator[Item]:
    """One article per HTML response record; see the module docstring."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    try:
        for record in ArchiveIterator(stream):
            number += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            status = record.http_headers.get_statuscode() or ""
            if not content_type.lower().startswith(_HTML_TYPES) or not status.startswith("2"):
                continue
            yield _article(record, f"{source}#{number}", content_type, max_record_bytes)
    except (ArchiveLoadFailed, ValueError, EOFError, OSError, zlib.error) as exc:
        where = f"{source}#{number + 1}"
        hint = "is this a WARC file?" if number == 0 else "the archive is truncated or corrupt"
        error = MalformedRecord(where, f"WARC record cannot be read ({exc})", hint)
        yield Quarantined(where, "ingest", str(error)), None


def _article(record, where: str, content_type: str, max_record_bytes: int) -> Item:
    url = record.rec_headers.get_header("WARC-Target-URI")
    fetched_at = record.rec_headers.get_header("WARC-Date")
    payload = record.content_stream().read(max_record_bytes + 1)
    if len(payload) > max_record_bytes:
        error = OversizeInput(
            where,
            f"page is over the {max_record_bytes:,} byte limit",
            "raise Settings.max_input_bytes",
        )
        return Quarantined(where, "ingest", str(error)), None
    raw = RawInput.of(where, "warc", payload)
    try:
        html, warnings = _decode(payload, content_type, where)
        document = parse_html(html, where, warnings, url=url)
    except InputError as exc:
        return Quarantined(where, "ingest", str(exc), raw.sha256), raw
    extra = [("fetched_at", fetched_at)] if fetched_at else []
    return (
        RawDocument(
            source=document.source,
            format="warc",
            text=document.text,
            metadata=document.metadata + tuple(extra),
            provenance=tuple(
                (key, "warc-target-uri" if key == "url" and value == url else origin)
                for (key, origin), (_, value) in zip(
                    document.provenance, document.metadata, strict=True
                )
            )
            + tuple((key, "warc-date") for key, _ in extra),
            warnings=document.warnings,
        ),
        raw,
    )


def _decode(payload: bytes, content_type: str, where: str) -> tuple[str, tuple[str, ...]]:
    """Decode with the charset the server declared, else as a file (UTF-8, UTF-16, cp1252)."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            try:
                return payload.decode(value.strip("\"'")), ()
            except (LookupError, UnicodeDecodeError):
                break
    return decode_bytes(payload, where)
