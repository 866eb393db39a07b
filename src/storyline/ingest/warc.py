"""WARC archives (ISO 28500; .warc and .warc.gz) of fetched news pages, read with warcio.

Each `response` record holding an HTML page becomes one article: its target URI is the URL,
its WARC-Date the fetch time (a fallback publication date, and the reference for catching
pages that claim to be published after they were fetched). Request, metadata and non-HTML
records (images, scripts) are not articles and are passed over; a record that cannot be
parsed is quarantined with its position, and the records before it are kept.
"""

from __future__ import annotations

import contextlib
import io
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import IO

from storyline.errors import EmptyInput, InputError, MalformedRecord, OversizeInput
from storyline.ingest.decode import decode_bytes
from storyline.ingest.html import parse_html
from storyline.records import Quarantined, RawDocument, RawInput

Item = tuple[RawDocument | Quarantined, RawInput | None]
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_READ_ERRORS = (ValueError, EOFError, OSError, zlib.error)


def read_warc(stream: IO[bytes], source: str, max_record_bytes: int) -> Iterator[Item]:
    """One article per HTML response record; see the module docstring."""
    from warcio.archiveiterator import ArchiveIterator

    stream = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    head = _first_bytes(stream.peek(512))
    if not head.startswith(b"WARC/"):
        raise MalformedRecord(
            source,
            f"not a WARC file (it starts with {head[:20]!r}, not b'WARC/')",
            "WARC files (ISO 28500) start with a 'WARC/1.0' or 'WARC/1.1' line",
        )
    records = ArchiveIterator(stream)
    number = articles = 0
    kinds: Counter[str] = Counter()
    try:
        while True:
            # warcio prints damaged-record warnings on stderr; keep them for the quarantine.
            with contextlib.redirect_stderr(io.StringIO()) as noise:
                record = next(records, None)
            if record is None:
                if records.offset < records.fh.tell():
                    raise EOFError("the archive ends inside a record")
                break
            number += 1
            if records.err_count:
                raise ValueError(" ".join(noise.getvalue().split()))
            if record.rec_headers.get_header("Content-Length") is None:
                # warcio stops at a record whose header block is garbage and drops the rest.
                raise ValueError("record has no Content-Length header (garbage headers?)")
            if not record.rec_type:
                where = f"{source}#{number}"
                error = MalformedRecord(where, "WARC record has no WARC-Type header; skipped")
                yield Quarantined(where, "ingest", str(error)), None
                continue
            if record.rec_type != "response" or record.http_headers is None:
                kinds[record.rec_type] += 1
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            status = record.http_headers.get_statuscode() or ""
            if not content_type.lower().startswith(_HTML_TYPES) or not status.startswith("2"):
                kinds[f"response {status or '?'} {content_type.split(';')[0] or '?'}"] += 1
                continue
            articles += 1
            yield _article(record, f"{source}#{number}", content_type, max_record_bytes)
    except Exception as exc:  # noqa: BLE001 - warcio raises AttributeError etc. on bad records
        where = f"{source}#{number + 1}"
        hint = "is this a WARC file?" if number == 0 else "the archive is truncated or corrupt"
        detail = exc if isinstance(exc, _READ_ERRORS) else f"{type(exc).__name__}: {exc}"
        error = MalformedRecord(
            where, f"WARC record cannot be read ({detail}); records after it are not read", hint
        )
        yield Quarantined(where, "ingest", str(error)), None
        return
    if not articles:
        listed = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common(5)) or "none"
        error = EmptyInput(
            source,
            f"no HTML response records among its {number:,} records ({listed})",
            "articles are the 2xx text/html responses of a crawl",
        )
        yield Quarantined(source, "ingest", str(error)), None


def _article(record, where: str, content_type: str, max_record_bytes: int) -> Item:
    url = record.rec_headers.get_header("WARC-Target-URI")
    fetched_at = record.rec_headers.get_header("WARC-Date")
    payload = record.content_stream().read(max_record_bytes + 1)
    if getattr(record.raw_stream, "limit", 0) > 0 and len(payload) <= max_record_bytes:
        error = MalformedRecord(
            where, "record is truncated (shorter than its Content-Length)", "re-fetch the page"
        )
        return Quarantined(where, "ingest", str(error)), None
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


def _first_bytes(head: bytes) -> bytes:
    """The start of the archive, gunzipped when the file is gzip (.warc.gz)."""
    if head.startswith(b"\x1f\x8b"):
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return head
    return head


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
