"""Read files and folders of articles into RawDocuments; unusable inputs become Quarantined.

One reader per format, chosen by file suffix. A bad file never stops the batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from storyline.errors import InputError, MissingInput, OversizeInput
from storyline.ingest.decode import decode_bytes
from storyline.ingest.html import extract_main_text, parse_html
from storyline.ingest.jsonl import parse_jsonl
from storyline.ingest.text import parse_text
from storyline.records import Quarantined, RawDocument

Reader = Callable[[str, str, tuple[str, ...]], "RawDocument | Iterable[RawDocument | Quarantined]"]

READERS: dict[str, Reader] = {
    ".txt": parse_text,
    ".text": parse_text,
    ".html": parse_html,
    ".htm": parse_html,
    ".jsonl": parse_jsonl,
    ".ndjson": parse_jsonl,
}

__all__ = ["READERS", "extract_main_text", "find_files", "read_inputs"]


def find_files(paths: Iterable[str | Path]) -> Iterator[Path | Quarantined]:
    """Expand files and folders (recursively, sorted, hidden files skipped)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in relative.parts):
                    if child.suffix.lower() in READERS:
                        yield child
        elif path.is_file():
            yield path
        else:
            error = MissingInput(str(path), "no such file or folder")
            yield Quarantined(source=str(path), stage="ingest", error=str(error))


def read_inputs(
    paths: Iterable[str | Path], max_input_bytes: int
) -> Iterator[RawDocument | Quarantined]:
    """Yield every article found under `paths`, and a Quarantined record for each failure."""
    for item in find_files(paths):
        if isinstance(item, Quarantined):
            yield item
            continue
        yield from _read_file(item, max_input_bytes)


def _read_file(path: Path, max_input_bytes: int) -> Iterator[RawDocument | Quarantined]:
    source = str(path)
    raw_sha256 = None
    try:
        reader = READERS.get(path.suffix.lower())
        if reader is None:
            raise InputError(
                source,
                f"unsupported file type {path.suffix or '(none)'!r}",
                f"supported: {', '.join(sorted(READERS))}",
            )
        size = path.stat().st_size
        if size > max_input_bytes:
            raise OversizeInput(
                source,
                f"file is {size:,} bytes, over the {max_input_bytes:,} byte limit",
                "raise Settings.max_input_bytes or split it",
            )
        data = path.read_bytes()
        raw_sha256 = hashlib.sha256(data).hexdigest()
        text, warnings = decode_bytes(data, source)
        result = reader(text, source, warnings)
        if isinstance(result, RawDocument):
            yield result
        else:
            yield from result
    except InputError as exc:
        yield Quarantined(source=source, stage="ingest", error=str(exc), raw_sha256=raw_sha256)
    except OSError as exc:
        yield Quarantined(
            source=source, stage="ingest", error=f"{source}: cannot be read ({exc.strerror or exc})"
        )
