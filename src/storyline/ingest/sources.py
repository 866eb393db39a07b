"""Paths, globs and stdin to articles: pick a reader per format, keep each item's raw bytes.

Formats are chosen by suffix (`FORMATS`), through a streamed gzip with a cap on expanded bytes
(`.jsonl.gz`, `.csv.gz`, `.warc.gz`...; ingest/limits.py); stdin (`-`) and gzip without an
inner suffix are sniffed from their first bytes
(`sniff_format`). Single-article formats (text, HTML, feeds) are capped as a whole by
`max_input_bytes`; datasets (JSONL, JSON, CSV, Parquet, WARC) by `max_dataset_bytes`, with
each record capped by `max_input_bytes`. Every failure becomes a Quarantined item, never an
exception: one bad file or record does not stop the batch.
"""

from __future__ import annotations

import glob
import hashlib
import io
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

from storyline.errors import ConfigError, InputError, MalformedRecord, MissingInput, OversizeInput
from storyline.ingest.decode import decode_bytes
from storyline.ingest.feeds import read_feed
from storyline.ingest.html import parse_html
from storyline.ingest.jsonl import FieldMap, read_json, read_jsonl
from storyline.ingest.limits import display_name, is_truncated, open_capped
from storyline.ingest.tabular import read_csv_stream, read_csv_text, read_parquet
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
    max_expansion_ratio: float = _DEFAULTS.max_expansion_ratio
    expansion_check_bytes: int = _DEFAULTS.expansion_check_bytes
    max_whole_file_bytes: int = _DEFAULTS.max_whole_file_bytes

    @classmethod
    def from_settings(
        cls, settings, fields: FieldMap | None = None, input_format: str | None = None
    ) -> ReadOptions:
        """The size and expansion guards of `settings` (every engine reads with the same)."""
        return cls(
            settings.max_input_bytes,
            settings.max_dataset_bytes,
            fields or FieldMap(),
            input_format,
            max_expansion_ratio=settings.max_expansion_ratio,
            expansion_check_bytes=settings.expansion_check_bytes,
            max_whole_file_bytes=settings.max_whole_file_bytes,
        )

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
    data = _read_capped(stream, options.max_whole_file_bytes, source, _WHOLE_HINT)
    text, warnings = decode_bytes(data, source)
    return read_json(text, source, warnings, options.fields)


_WHOLE_HINT = "it is parsed whole; raise Settings.max_whole_file_bytes or convert it to JSONL"


def _csv(delimiter: str | None) -> StreamReader:
    def read(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
        head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
        if not head.strip() or b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
            # Empty, binary or UTF-16: decoded whole, which names the problem or the encoding.
            data = _read_capped(stream, options.max_whole_file_bytes, source, _WHOLE_HINT)
            text, warnings = decode_bytes(data, source)
            return read_csv_text(
                text, source, warnings, options.max_input_bytes, options.fields, delimiter
            )
        return read_csv_stream(stream, source, options.max_input_bytes, options.fields, delimiter)

    return read


def _parquet(stream: IO[bytes], source: str, options: ReadOptions) -> Iterator[Item]:
    if not stream.seekable():
        data = _read_capped(stream, options.max_whole_file_bytes, source, _WHOLE_HINT)
        stream = io.BytesIO(data)
    return read_parquet(
        stream, source, options.max_input_bytes, options.fields, options.max_whole_file_bytes
    )


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
    tried (and quarantined with the list of formats when none applies). Inside a folder a
    symlink is followed only when it stays inside that folder (a link to /etc/passwd is not
    an article), and a subfolder that cannot be listed is reported, not skipped silently.
    """
    for raw in paths:
        text = str(raw)
        path = Path(raw)
        if text == STDIN:
            yield Path(STDIN)
        elif path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield path
        elif glob.has_magic(text):
            matches = sorted(glob.glob(text, recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            if not files:
                error = MissingInput(display_name(text), "the pattern matches no file")
                yield Quarantined(source=display_name(text), stage="ingest", error=str(error))
            yield from files
        else:
            name = display_name(text)
            problem = "no such file or folder"
            if os.path.lexists(text):
                problem = "cannot be read (a broken link, or not a regular file)"
            error = MissingInput(name, problem)
            yield Quarantined(source=name, stage="ingest", error=str(error))


def _walk(root: Path) -> Iterator[Path | Quarantined]:
    """Files of known formats under `root`, sorted; links out of it and unreadable folders
    reported as Quarantined."""
    top = root.resolve()
    problems: list[Quarantined] = []

    def unreadable(exc: OSError) -> None:
        name = display_name(exc.filename or root)
        error = InputError(name, f"folder cannot be read ({exc.strerror or exc}); skipped")
        problems.append(Quarantined(source=name, stage="ingest", error=str(error)))

    found: list[Path] = []
    for folder, dirs, files in os.walk(root, onerror=unreadable):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:
            if (here / name).is_symlink():
                found.append(here / name)
        found += [here / name for name in files if not name.startswith(".")]
    for child in sorted(found):
        if format_of(child)[0] in (None, "sniff") and not child.is_dir():
            continue
        if child.is_symlink():
            if not child.exists():
                name = display_name(child)
                target = display_name(os.readlink(child))
                error = MissingInput(name, f"is a broken link (to {target})")
                problems.append(Quarantined(source=name, stage="ingest", error=str(error)))
                continue
            target = child.resolve()
            if not target.is_relative_to(top):
                name = display_name(child)
                error = InputError(
                    name,
                    f"is a link to {display_name(target)}, outside {display_name(root)}; not "
                    "followed",
                    "name the target itself to ingest it",
                )
                problems.append(Quarantined(source=name, stage="ingest", error=str(error)))
                continue
            if child.is_dir():
                continue  # a link back into the tree: its files are read where they are
        if child.is_file():
            yield child
    yield from problems


def read_sources(paths: Iterable[str | Path], options: ReadOptions | None = None) -> Iterator[Read]:
    """Every article and failure under `paths`, each with its raw input and format."""
    options = options or ReadOptions()
    for item in find_files(paths):
        if isinstance(item, Quarantined):
            yield Read(item, None, "unknown")
        elif str(item) == STDIN:
            yield from _guarded(_read_stdin(options), "<stdin>", None)
        else:
            yield from _guarded(read_file(item, options), display_name(item), item)


def _guarded(reads: Iterator[Read], source: str, path: Path | None) -> Iterator[Read]:
    """The reads of one input; an unexpected exception ends that input, quarantined with its
    type and message (the items before it are kept), instead of ending the whole run."""
    count = 0
    try:
        for read in reads:
            count += 1
            yield read
    except Exception as exc:  # noqa: BLE001 - the error handler: one input fails alone
        problem = f"reading stopped after {count:,} items ({type(exc).__name__}: {exc})"
        error = MalformedRecord(source, problem, "the input is malformed in a way not foreseen")
        sha = _file_sha256(path) if path is not None else None
        yield Read(Quarantined(source, "ingest", str(error), sha), None, "unknown")


def read_file(path: Path, options: ReadOptions) -> Iterator[Read]:
    """The items of one file; a failure of the file as a whole is one Quarantined item."""
    source = display_name(path)
    name, gunzip = format_of(path)
    if name is None and options.format:
        name = options.format
    if name is None:
        supported = ", ".join(sorted(SUFFIXES))
        error = InputError(
            source,
            f"unsupported file type {display_name(path.suffix) or '(none)'!r}",
            f"supported: {supported}, and these gzipped",
        )
        yield Read(Quarantined(source, "ingest", str(error)), None, "unknown")
        return
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            if name == "warc" and handle.read(2) == b"\x1f\x8b":
                gunzip = True  # through the capped gunzip like every other .gz, not warcio's
            handle.seek(0)
            stream = _open(handle, source, gunzip, name, options)
            if name == "sniff":
                name = sniff_format(stream.peek(4096)[:4096])
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
            if is_truncated(stream):
                raise MalformedRecord(
                    source,
                    "gzip data ends early (the file is truncated); the records before were read",
                    "copy the file again",
                )
    except InputError as exc:
        sha = _file_sha256(path)
        yield Read(Quarantined(source, "ingest", str(exc), sha), None, name or "unknown")
    except (OSError, EOFError, zlib.error) as exc:
        problem = f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
        error = MalformedRecord(source, problem) if gunzip else InputError(source, problem)
        yield Read(Quarantined(source, "ingest", str(error)), None, name or "unknown")


def _open(handle: IO[bytes], source: str, gunzip: bool, name: str | None, options: ReadOptions):
    """The file as a capped buffered stream, gunzipped with the expansion checks if asked."""
    dataset = name == "sniff" or (name in FORMATS and FORMATS[name].dataset)
    cap = options.max_dataset_bytes if dataset else options.max_input_bytes
    return open_capped(
        handle,
        source,
        cap,
        gunzip=gunzip,
        max_ratio=options.max_expansion_ratio,
        ratio_floor=options.expansion_check_bytes,
        hint="raise Settings.max_dataset_bytes or split it"
        if dataset
        else "raise Settings.max_input_bytes",
    )


def _read_stdin(options: ReadOptions) -> Iterator[Read]:
    """stdin, streamed like a file: gunzipped (with the expansion checks) when it is gzip."""
    source = "<stdin>"
    raw_stream = getattr(sys.stdin, "buffer", sys.stdin)
    probe = open_capped(raw_stream, source, options.max_dataset_bytes)
    name = options.format
    try:
        stream = probe
        if probe.peek(2)[:2] == b"\x1f\x8b":
            stream = open_capped(
                probe,
                source,
                options.max_dataset_bytes,
                gunzip=True,
                max_ratio=options.max_expansion_ratio,
                ratio_floor=options.expansion_check_bytes,
            )
        name = name or sniff_format(stream.peek(4096)[:4096])
        fmt = FORMATS[name]
        if not fmt.dataset:
            stream = open_capped(
                stream, source, options.max_input_bytes, hint="raise Settings.max_input_bytes"
            )
        for document, raw in fmt.read(stream, source, options):
            yield Read(document, raw, name)
    except InputError as exc:
        yield Read(Quarantined(source, "ingest", str(exc)), None, name or "unknown")
    except (OSError, EOFError, zlib.error) as exc:
        error = MalformedRecord(source, f"cannot be read ({exc})")
        yield Read(Quarantined(source, "ingest", str(error)), None, name or "unknown")


def _read_capped(
    stream: IO[bytes],
    limit: int,
    source: str,
    hint: str = "raise Settings.max_input_bytes or split it",
) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise OversizeInput(source, f"over the {limit:,} byte limit", hint)
    return data


def _file_sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None
