"""Streams with a cap on the bytes read, and gzip streamed with a cap on expanded bytes.

A gzip file is never decompressed into memory: it is read through `open_capped`, which
counts compressed bytes in and expanded bytes out and raises OversizeInput as soon as the
expanded data passes the byte cap or expands more than `max_ratio` times the compressed bytes
read so far (a decompression bomb: 1 MB of zeros or blank lines expands to 1 GiB). The
check runs while reading, so a bomb costs at most the cap in time and a buffer in memory.
"""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path
from typing import IO

from storyline.errors import OversizeInput

_CHUNK = 1 << 16


class _Counting:
    """The compressed side: counts the bytes gzip reads from the file."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0
        self.mode = "rb"

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data


class _Capped(io.RawIOBase):
    """Raw bytes of `inner`; OversizeInput once more than the caps allow came out."""

    def __init__(
        self,
        inner: IO[bytes],
        source: str,
        max_bytes: int,
        hint: str,
        compressed: _Counting | None = None,
        max_ratio: float = 0.0,
        ratio_floor: int = 0,
    ) -> None:
        self.inner = inner
        self.source = source
        self.max_bytes = max_bytes
        self.hint = hint
        self.compressed = compressed
        self.max_ratio = max_ratio
        self.ratio_floor = ratio_floor
        self.total = 0
        self.truncated = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.truncated:
            return 0
        size = min(len(buffer), _CHUNK)
        # read1: what one step yields, so the data before a truncated end is returned
        # before the EOFError (GzipFile.read(n) raises without returning it).
        try:
            data = self.inner.read1(size) if hasattr(self.inner, "read1") else self.inner.read(size)
        except EOFError:
            # A truncated gzip file: end the stream cleanly so readers keep every record
            # before the damage; `truncated` lets the caller report it.
            self.truncated = True
            return 0
        self.total += len(data)
        if self.total > self.max_bytes:
            what = "expands to" if self.compressed is not None else "is"
            raise OversizeInput(
                self.source, f"{what} over the {self.max_bytes:,} byte limit", self.hint
            )
        if (
            self.compressed is not None
            and self.total > self.ratio_floor
            and self.total > self.max_ratio * max(self.compressed.count, 1)
        ):
            raise OversizeInput(
                self.source,
                f"gzip data expands over {self.max_ratio:g} times ({self.total:,} bytes "
                f"from {self.compressed.count:,} compressed): refused as a decompression bomb",
                "real news dumps expand 3-6 times; raise Settings.max_expansion_ratio "
                "if this file is genuine",
            )
        buffer[: len(data)] = data
        return len(data)


def open_capped(
    raw: IO[bytes],
    source: str,
    max_bytes: int,
    *,
    gunzip: bool = False,
    max_ratio: float = 0.0,
    ratio_floor: int = 0,
    hint: str = "raise Settings.max_dataset_bytes or split it",
) -> io.BufferedReader:
    """A buffered reader over `raw` (gunzipped when asked) that refuses to exceed the caps."""
    if gunzip:
        counting = _Counting(raw)
        inner: IO[bytes] = gzip.GzipFile(fileobj=counting, mode="rb")  # type: ignore[arg-type]
        capped = _Capped(inner, source, max_bytes, hint, counting, max_ratio, ratio_floor)
    else:
        capped = _Capped(raw, source, max_bytes, hint)
    return io.BufferedReader(capped, buffer_size=_CHUNK)


def is_truncated(stream: IO[bytes]) -> bool:
    """Whether a stream from `open_capped` ended early (a truncated gzip file)."""
    return bool(getattr(getattr(stream, "raw", None), "truncated", False))


def display_name(path: str | Path) -> str:
    """A path as text that can be stored and printed: bytes that are not UTF-8 (a file name
    from another system) become `\\xNN` escapes instead of lone surrogates."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
