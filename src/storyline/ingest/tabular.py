"""CSV/TSV and Parquet datasets: one article per row, columns mapped like JSONL fields.

Column names are matched case-insensitively against `FieldMap.aliases()`, so the defaults
read common dumps (a `text`/`content`/`body` column, `title`, `date`, `url`...) and the
CLI's --text-field/--date-field/... flags name any other column. A file without a text
column is refused as a whole, naming its columns; a bad row is quarantined on its own.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import IO

from storyline.errors import EmptyInput, InputError, MalformedRecord, OversizeInput
from storyline.ingest.decode import decode_mixed
from storyline.ingest.jsonl import FieldMap, document_from_fields
from storyline.records import Quarantined, RawDocument, RawInput

Item = tuple[RawDocument | Quarantined, RawInput | None]
_CHUNK = 1 << 16


def column_mapping(
    columns: Sequence[str], source: str, fields: FieldMap
) -> dict[str, tuple[str, ...]]:
    """Aliases restricted to the columns the file has, matched case-insensitively."""
    by_folded = {column.strip().casefold(): column for column in columns}
    mapping = {}
    for key, names in fields.aliases().items():
        mapping[key] = tuple(
            by_folded[name.casefold()] for name in names if name.casefold() in by_folded
        )
    if not mapping["text"]:
        tried = ", ".join(fields.aliases()["text"])
        raise MalformedRecord(
            source,
            f"no text column among {', '.join(columns) or '(none)'} (tried: {tried})",
            "name the column holding the article text with --text-field",
        )
    return mapping


def parse_csv(
    text: str, source: str, warnings: tuple[str, ...] = ()
) -> Iterator[RawDocument | Quarantined]:
    """The text-reader form (READERS): rows of an already-decoded CSV file."""
    for item, _ in read_csv_text(text, source, warnings, 10**9, FieldMap()):
        yield item


def read_csv_text(
    text: str,
    source: str,
    warnings: tuple[str, ...],
    max_record_bytes: int,
    fields: FieldMap,
    delimiter: str | None = None,
) -> Iterator[Item]:
    """Rows of a decoded CSV text; the delimiter is sniffed among , ; tab | unless given."""
    lines = _Lines(iter(io.StringIO(text, newline="")), warnings)
    return _rows(lines, text[:65_536], source, max_record_bytes, fields, delimiter)


def read_csv_stream(
    stream: IO[bytes],
    source: str,
    max_record_bytes: int,
    fields: FieldMap,
    delimiter: str | None = None,
) -> Iterator[Item]:
    """Rows of a CSV byte stream, read line by line: memory stays at one record.

    Each line is decoded on its own (UTF-8 where valid, else Windows-1252 with a warning on
    that row), so a file mixing both keeps its UTF-8 text intact.
    """
    head = stream.peek(65_536)[:65_536] if hasattr(stream, "peek") else b""
    lines = _Lines(_decoded_lines(stream, source, max_record_bytes), ())
    sample = head.decode("utf-8", "replace").lstrip("\ufeff")
    return _rows(lines, sample, source, max_record_bytes, fields, delimiter)


class _Lines:
    """Decoded lines for csv.reader; warnings and oversize lines collect for the next row."""

    def __init__(self, lines: Iterator, warnings: tuple[str, ...]) -> None:
        self._lines = lines
        self.file_warnings = warnings
        self.pending: list[str] = []
        self.problems: list[InputError] = []

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            if isinstance(line, InputError):
                self.problems.append(line)
                yield "\n"
            elif isinstance(line, tuple):
                self.pending.append(line[1])
                yield line[0]
            else:
                yield line

    def take_warnings(self) -> tuple[str, ...]:
        taken, self.pending = tuple(self.pending), []
        return self.file_warnings + taken


def _decoded_lines(stream: IO[bytes], source: str, max_record_bytes: int) -> Iterator:
    number = 0
    while True:
        line = stream.readline(max_record_bytes + 1)
        if not line:
            return
        number += 1
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if len(line) > max_record_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(_CHUNK)
            yield OversizeInput(
                f"{source}:{number}",
                f"line is over the {max_record_bytes:,} byte limit; skipped",
                "raise Settings.max_input_bytes",
            )
            continue
        text, bad = decode_mixed(line)
        if bad is None:
            yield text
        else:
            yield (
                text,
                f"{source}:{number}: not UTF-8 (bad byte at offset {bad}); those bytes "
                "decoded as Windows-1252",
            )


def _rows(
    lines: _Lines,
    sample: str,
    source: str,
    max_record_bytes: int,
    fields: FieldMap,
    delimiter: str | None,
) -> Iterator[Item]:
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    # The csv module refuses fields over its limit (131,072 characters by default): an
    # article can be longer, and records are capped by max_record_bytes below instead.
    csv.field_size_limit(max(csv.field_size_limit(), max_record_bytes + 1))
    reader = csv.reader(iter(lines), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise EmptyInput(
            source, "CSV file has no header row", "the first row names the columns"
        ) from None
    except csv.Error as exc:
        raise MalformedRecord(source, f"CSV header cannot be parsed ({exc})") from exc
    header = [name.strip().lstrip("\ufeff") for name in header]
    mapping = column_mapping(header, source, fields)
    line = reader.line_num
    while True:
        start = line + 1
        where = f"{source}:{start}"
        try:
            row = next(reader)
        except StopIteration:
            yield from _problems(lines)
            return
        except csv.Error as exc:
            if reader.line_num == line:
                return
            line = reader.line_num
            error = MalformedRecord(where, f"CSV row cannot be parsed ({exc})")
            yield Quarantined(where, "ingest", str(error)), None
            continue
        yield from _problems(lines)
        line = reader.line_num
        warnings = lines.take_warnings()
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, row, strict=False))
        raw = RawInput.of(where, "csv", json.dumps(record, ensure_ascii=False).encode())
        try:
            if len(row) != len(header):
                raise MalformedRecord(
                    where,
                    f"row has {len(row)} fields, the header has {len(header)}",
                    "quote fields that contain the delimiter or line breaks",
                )
            if len(raw.content) > max_record_bytes:
                raise OversizeInput(
                    where,
                    f"row is {len(raw.content):,} bytes, over the {max_record_bytes:,} byte limit",
                    "raise Settings.max_input_bytes",
                )
            yield document_from_fields(record, where, "csv", warnings, mapping), raw
        except InputError as exc:
            yield Quarantined(where, "ingest", str(exc), raw.sha256), raw


def _problems(lines: _Lines) -> Iterator[Item]:
    problems, lines.problems = lines.problems, []
    for error in problems:
        yield Quarantined(error.source, "ingest", str(error)), None


def read_parquet(
    stream: IO[bytes],
    source: str,
    max_record_bytes: int,
    fields: FieldMap,
    max_row_group_bytes: int = 128 * 1024**2,
) -> Iterator[Item]:
    """Rows of a Parquet file, read in record batches so memory stays bounded.

    Parquet pages are compressed too: a row group whose uncompressed size (from the file's
    metadata, before anything is decompressed) is over `max_row_group_bytes` is refused.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(stream)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise MalformedRecord(
            source, f"not a readable Parquet file ({exc})", "was it truncated while copying?"
        ) from exc
    metadata = parquet.metadata
    for index in range(metadata.num_row_groups):
        group = metadata.row_group(index)
        if group.total_byte_size > max_row_group_bytes:
            raise OversizeInput(
                source,
                f"row group {index} expands to {group.total_byte_size:,} bytes, over the "
                f"{max_row_group_bytes:,} byte limit",
                "raise Settings.max_whole_file_bytes or write smaller row groups",
            )
    columns = parquet.schema_arrow.names
    mapping = column_mapping(columns, source, fields)
    wanted = sorted({name for names in mapping.values() for name in names})
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=100, columns=wanted):
            for row in batch.to_pylist():
                number += 1
                where = f"{source}#{number}"
                encoded = json.dumps(row, ensure_ascii=False, default=str).encode()
                raw = RawInput.of(where, "parquet", encoded)
                try:
                    if len(encoded) > max_record_bytes:
                        raise OversizeInput(
                            where,
                            f"row is {len(encoded):,} bytes, over the {max_record_bytes:,} "
                            "byte limit",
                            "raise Settings.max_input_bytes",
                        )
                    yield document_from_fields(row, where, "parquet", (), mapping), raw
                except InputError as exc:
                    yield Quarantined(where, "ingest", str(exc), raw.sha256), raw
    except (pa.ArrowException, OSError) as exc:
        where = f"{source}#{number + 1}"
        error = MalformedRecord(where, f"Parquet data cannot be read from here on ({exc})")
        yield Quarantined(where, "ingest", str(error)), None
