"""Read files, folders, globs and stdin of articles into RawDocuments; failures are Quarantined.

One reader per format (ingest/sources.py picks it by suffix or by sniffing). A bad file or
record never stops the batch. `ingest_paths` (ingest/run.py) adds cleaning and storing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from storyline.ingest.feeds import parse_feed
from storyline.ingest.html import extract_main_text, parse_html
from storyline.ingest.jsonl import FIELD_ALIASES, FieldMap, parse_jsonl
from storyline.ingest.sources import FORMATS, ReadOptions, find_files, read_sources
from storyline.ingest.tabular import parse_csv
from storyline.ingest.text import parse_text
from storyline.records import Quarantined, RawDocument

Reader = Callable[[str, str, tuple[str, ...]], "RawDocument | Iterable[RawDocument | Quarantined]"]

# Text readers by suffix: (decoded text, source, decoding warnings) -> document(s). Binary
# and streamed formats (Parquet, WARC, gzipped files) are read through `FORMATS`.
READERS: dict[str, Reader] = {
    ".txt": parse_text,
    ".text": parse_text,
    ".html": parse_html,
    ".htm": parse_html,
    ".jsonl": parse_jsonl,
    ".ndjson": parse_jsonl,
    ".csv": parse_csv,
    ".rss": parse_feed,
    ".atom": parse_feed,
    ".xml": parse_feed,
}

__all__ = [
    "FIELD_ALIASES",
    "FORMATS",
    "READERS",
    "FieldMap",
    "ReadOptions",
    "extract_main_text",
    "find_files",
    "ingest_paths",
    "read_inputs",
    "read_sources",
]


def read_inputs(
    paths: Iterable[str | Path], max_input_bytes: int, fields: FieldMap | None = None
) -> Iterator[RawDocument | Quarantined]:
    """Yield every article found under `paths`, and a Quarantined record for each failure."""
    options = ReadOptions(max_input_bytes=max_input_bytes, fields=fields or FieldMap())
    for read in read_sources(paths, options):
        yield read.item


def __getattr__(name: str):
    # ingest_paths needs the store and cleaning; import it only when asked for.
    if name == "ingest_paths":
        from storyline.ingest.run import ingest_paths

        return ingest_paths
    raise AttributeError(name)
