"""Paths, globs and stdin to articles: pick a reader per format, keep each item's raw bytes.

Formats are chosen by suffix (`FORMATS`), through gzip (`.jsonl.gz`, `.csv.gz`...; WARC reads
gzip itself); stdin (`-`) and gzip without an inner suffix are sniffed from their first bytes
(`sniff_format`). Single-article formats (text, HTML, feeds) are capped as a whole by
`max_input_bytes`; datasets (JSONL, JSON, CSV, Parquet, WARC) by `max_dataset_bytes`, with
each record capped by `max_input_bytes`. Every failure becomes a Quarantined item, never an
exception: one bad file or record does not stop the batch.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

from storyline.errors import ConfigError, InputError, MalformedRecord, MissingInput, OversizeInput
from storyline.ingest.decode import decode_bytes
from storyline.ingest.feeds import read_feed
from storyline.ingest.html import parse_html
from storyline.ingest.jsonl import FieldMap, read_json, read_jsonl
from storyline.ingest.tabular import read_csv_text, read_parquet
from storyline.ingest.text import parse_text
from storyline.ingest.warc import read_warc
from storyline.records import Quarantined, RawDocument, RawInput
from storyline.settings import Settings

STDIN = "-"
_DEFAULTS = Settings()


class Read(NamedTuple):
    """One item read: an article or a quarantined failure, its raw input, its format."""

    item: RawDocument | Quarantined
    raw: RawInput | None
    format: str


@dataclass(frozen=True, slots=True)
class ReadOptions:
    max_input_bytes: int = _DEFAULTS.max_input_bytes
    max_dataset_bytes: int = _DEFAULTS.max_dataset_bytes
    fields: FieldMap = field(default_factory=FieldMap)
    # Format for stdin and files without a known suffix (a FORMATS name); None: sniff stdin.
    format: str | None = None

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in FORMATS:
            raise ConfigError(
                f"unknown input format {self.format!r}; valid formats: {', '.join(FORMATS)}"
            )


Item = tuple[RawDocument | Quarantined, RawInput | None]
StreamReader = Callable[[IO[bytes], str, ReadOptions], Iterable[Item]]


def _whole(parse: Callable[[str, str, tuple[str, ...]], object], name: str) -> StreamReader:
    """A single-article reader: whole file, decoded, raw = the file's bytes."""

    def read(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
        data = _read_capped(stream, options.max_input_bytes, source)
        raw = RawInput.of(source, name, data)
        try:
            text, warnings = decode_bytes(data, source)
            result = parse(text, source, warnings)
        except InputError as exc:
            yield Quarantined(source, "ingest", str(exc), raw.sha256), raw
            return
        documents = [result] if isinstance(result, RawDocument) else list(result)
        for document in documents:
            yield document, raw

    return read


def _feed(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
    data = _read_capped(stream, options.max_input_bytes, source)
    raw = RawInput.of(source, "feed", data)
    try:
        yield from read_feed(data, source)
    except InputError as exc:
        yield Quarantined(source, "ingest", str(exc), raw.sha256), raw


def _jsonl(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
    return read_jsonl(stream, source, options.max_input_bytes, options.fields)


def _json(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
    data = _read_capped(stream, options.max_dataset_bytes, source)
    text, warnings = decode_bytes(data, source)
    return read_json(text, source, warnings, options.fields)


def _csv(delimiter: str | None) -> StreamReader:
    def read(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
        data = _read_capped(stream, options.max_dataset_bytes, source)
        text, warnings = decode_bytes(data, source)
        return read_csv_text(
            text, source, warnings, options.max_input_bytes, options.fields, delimiter
        )

    return read


def _parquet(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
    if not stream.seekable():
        stream = io.BytesIO(_read_capped(stream, options.max_dataset_bytes, source))
    return read_parquet(stream, source, options.max_input_bytes, options.fields)


def _warc(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
    return read_warc(stream, source, options.max_input_bytes)


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    read: StreamReader
    dataset: bool


FORMATS: dict[str, Format] = {
    "text": Format("text", _whole(parse_text, "text"), dataset=False),
    "html": Format("html", _whole(parse_html, "html"), dataset=False),
    "feed": Format("feed", _feed, dataset=False),
    "jsonl": Format("jsonl", _jsonl, dataset=True),
    "json": Format("json", _json, dataset=True),
    "csv": Format("csv", _csv(None), dataset=True),
    "tsv": Format("tsv", _csv("\t"), dataset=True),
    "parquet": Format("parquet", _parquet, dataset=True),
    "warc": Format("warc", _warc, dataset=True),
}
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".warc": "warc",
    ".warc.gz": "warc",
}


def format_of(path: Path) -> tuple[str | None, bool]:
    """(format name or None, whether to gunzip first) from a file name's suffixes."""
    name = path.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIXES[suffix], False
    if name.endswith(".gz"):
        inner, _ = format_of(Path(name[:-3]))
        return (inner or "sniff"), True
    return None, False


def sniff_format(head: bytes) -> str:
    """Guess a format from the first bytes (stdin, unnamed gzip)."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"WARC/") or head.startswith(b"\x1f\x8b"):
        return "warc"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048].lower()
    if start.startswith(b"<") and (b"<rss" in start or b"<feed" in start or b"<rdf:rdf" in start):
        return "feed"
    if start.startswith(b"<"):
        return "html"
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"["):
        return "json"
    return "text"


def find_files(paths: Iterable[str | Path]) -> Iterator[Path | Quarantined]:
    """Expand files, folders (recursively, sorted, hidden files skipped) and globs; `-` is stdin.

    In folders only files of a known format are taken; a file named explicitly is always
    tried (and quarantined with the list of formats when none applies).
    """
    for raw in paths:
        text = str(raw)
        path = Path(raw)
        if text == STDIN:
            yield Path(STDIN)
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in relative.parts):
                    if format_of(child)[0] not in (None, "sniff"):
                        yield child
        elif path.is_file():
            yield path
        elif glob.has_magic(text):
            matches = sorted(glob.glob(text, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                error = MissingInput(text, "the pattern matches no file")
                yield Quarantined(source=text, stage="ingest", error=str(error))
            yield from files
        else:
            error = MissingInput(text, "no such file or folder")
            yield Quarantined(source=text, stage="ingest", error=str(error))


def read_sources(paths: Iterable[str | Path], options: ReadOptions | None = None) -> Iterator[Read]:
    """Every article and failure under `paths`, each with its raw input and format."""
    options = options or ReadOptions()
    for item in find_files(paths):
        if isinstance(item, Quarantined):
            yield Read(item, None, "unknown")
        elif str(item) == STDIN:
            yield from _read_stdin(options)
        else:
            yield from read_file(item, options)


def read_file(path: Path, options: ReadOptions) -> Iterator[Read]:
    """The items of one file; a failure of the file as a whole is one Quarantined item."""
    source = str(path)
    name, gunzip = format_of(path)
    if name is None and options.format:
        name = options.format
    if name is None:
        supported = ", ".join(sorted(SUFFIXES))
        error = InputError(
            source,
            f"unsupported file type {path.suffix or '(none)'!r}",
            f"supported: {supported}, and these gzipped",
        )
        yield Read(Quarantined(source, "ingest", str(error)), None, "unknown")
        return
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            stream: IO[bytes] = gzip.GzipFile(fileobj=handle) if gunzip else handle
            if name == "sniff":
                head = stream.peek(4096) if hasattr(stream, "peek") else b""
                name = sniff_format(head)
            fmt = FORMATS[name]
            cap = options.max_dataset_bytes if fmt.dataset else options.max_input_bytes
            if size > cap:
                raise OversizeInput(
                    source,
                    f"file is {size:,} bytes, over the {cap:,} byte limit for {name} files",
                    "raise Settings.max_input_bytes"
                    if not fmt.dataset
                    else "raise Settings.max_dataset_bytes or split it",
                )
            for document, raw in fmt.read(stream, source, options):
                yield Read(document, raw, name)
    except InputError as exc:
        sha = _file_sha256(path)
        yield Read(Quarantined(source, "ingest", str(exc), sha), None, name or "unknown")
    except (OSError, EOFError) as exc:
        problem = f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
        error = MalformedRecord(source, problem) if gunzip else InputError(source, problem)
        yield Read(Quarantined(source, "ingest", str(error)), None, name or "unknown")


def _read_stdin(options: ReadOptions) -> Iterator[Read]:
    data = sys.stdin.buffer.read(options.max_dataset_bytes + 1)
    source = "<stdin>"
    if len(data) > options.max_dataset_bytes:
        error = OversizeInput(source, f"over the {options.max_dataset_bytes:,} byte limit")
        yield Read(Quarantined(source, "ingest", str(error)), None, "unknown")
        return
    if data.startswith(b"\x1f\x8b") and not _gunzipped(data).startswith(b"WARC/"):
        try:
            data = _gunzipped(data, options.max_dataset_bytes)
        except (OSError, EOFError) as exc:
            error = MalformedRecord(source, f"gzip data cannot be read ({exc})")
            yield Read(Quarantined(source, "ingest", str(error)), None, "unknown")
            return
    name = options.format or sniff_format(data[:4096])
    fmt = FORMATS[name]
    try:
        if not fmt.dataset and len(data) > options.max_input_bytes:
            raise OversizeInput(
                source, f"{len(data):,} bytes, over the {options.max_input_bytes:,} byte limit"
            )
        for document, raw in fmt.read(io.BytesIO(data), source, options):
            yield Read(document, raw, name)
    except InputError as exc:
        digest = hashlib.sha256(data).hexdigest()
        yield Read(Quarantined(source, "ingest", str(exc), digest), None, name)


def _gunzipped(data: bytes, limit: int = 16) -> bytes:
    """The first `limit` bytes of gzip `data` decompressed ("" if it is not gzip)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return stream.read(limit)
    except (OSError, EOFError):
        if limit > 16:
            raise
        return b""


def _read_capped(stream: IO[bytes], limit: int, source: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise OversizeInput(
            source,
            f"over the {limit:,} byte limit",
            "raise Settings.max_input_bytes or split it",
        )
    return data


def _file_sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None
