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
from storyline.ingest.jsonl import FieldMap, document_from_fields
from storyline.records import Quarantined, RawDocument, RawInput

Item = tuple[RawDocument | Quarantined, RawInput | None]


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
    """Rows of a CSV text; the delimiter is sniffed among , ; tab | unless given."""
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:65_536], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    # The csv module refuses fields over its limit (131,072 characters by default): an
    # article can be longer, and records are capped by max_record_bytes below instead.
    csv.field_size_limit(max(csv.field_size_limit(), max_record_bytes + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
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
            return
        except csv.Error as exc:
            if reader.line_num == line:
                return
            line = reader.line_num
            error = MalformedRecord(where, f"CSV row cannot be parsed ({exc})")
            yield Quarantined(where, "ingest", str(error)), None
            continue
        line = reader.line_num
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


def read_parquet(
    stream: IO[bytes], source: str, max_record_bytes: int, fields: FieldMap
) -> Iterator[Item]:
    """Rows of a Parquet file, read in record batches so memory stays bounded."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(stream)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise MalformedRecord(
            source, f"not a readable Parquet file ({exc})", "was it truncated while copying?"
        ) from exc
    columns = parquet.schema_arrow.names
    mapping = column_mapping(columns, source, fields)
    wanted = sorted({name for names in mapping.values() for name in names})
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=1_000, columns=wanted):
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
