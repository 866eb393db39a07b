"""Bytes to text: UTF-8 first, then the encodings news files really arrive in.

A file that is not UTF-8 is still read when it decodes cleanly as UTF-16 (with or without a
byte-order mark) or Windows-1252, with a warning naming the encoding, because losing an
article is worse than flagging it. Binary data and empty files are refused with a reason.
"""

from __future__ import annotations

import codecs
import re

from storyline.errors import BinaryInput, EmptyInput, UndecodableInput

# Control characters other than tab, newline, carriage return and form feed. Real text has
# none; 1% tolerates a stray one in a long article while catching binary decoded by luck.
_MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f"}


def decode_bytes(data: bytes, source: str) -> tuple[str, tuple[str, ...]]:
    """Decode `data` and return the text with any warnings about how it was decoded.

    Raises EmptyInput, BinaryInput or UndecodableInput, each naming `source`.
    """
    if not data.strip():
        raise EmptyInput(source, "file is empty", "an article needs at least one line of text")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            text = _strict(data, encoding, source)
            warnings = (
                ()
                if encoding == "utf-8-sig"
                else (f"{source}: not UTF-8; decoded as UTF-16 (byte-order mark found)",)
            )
            return _checked(text, source), warnings
    if b"\x00" in data:
        return _decode_utf16_without_bom(data, source)
    try:
        return _checked(data.decode("utf-8"), source), ()
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        raise UndecodableInput(
            source,
            f"not UTF-8 (bad byte at offset {utf8_error.start}) and not Windows-1252 either",
            "save the file as UTF-8",
        ) from utf8_error
    # Only the bytes that are not UTF-8 are read as Windows-1252: a file pasted together from
    # a UTF-8 and a Windows-1252 source keeps its UTF-8 text ("café", "—") intact.
    text = data.decode("utf-8", errors=_CP1252_FALLBACK)
    mixed = " (its valid UTF-8 kept as UTF-8)" if _has_utf8_multibyte(data) else ""
    warning = (
        f"{source}: not UTF-8 (bad byte at offset {utf8_error.start}); the bytes that are "
        f"not were decoded as Windows-1252{mixed}"
    )
    return _checked(text, source), (warning,)


def decode_mixed(data: bytes) -> tuple[str, int | None]:
    """UTF-8 where valid, Windows-1252 for the other bytes; with the first bad offset."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", errors=_CP1252_FALLBACK), exc.start


def _cp1252_segment(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("cp1252", "replace"), error.end


_CP1252_FALLBACK = "storyline-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_segment)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _has_utf8_multibyte(data: bytes) -> bool:
    for match in _UTF8_MULTIBYTE.finditer(data):
        try:
            match.group().decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UndecodableInput(
            source,
            f"has a {encoding} byte-order mark but invalid {encoding} at offset {exc.start}",
            "save the file as UTF-8",
        ) from exc


def _decode_utf16_without_bom(data: bytes, source: str) -> tuple[str, tuple[str, ...]]:
    """Text with NUL bytes is UTF-16 when the NULs sit on every other byte; else binary."""
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) / 2
    if len(data) % 2 == 0 and max(even_nuls, odd_nuls) > 0.3 * half:
        encoding = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
        try:
            text = _checked(data.decode(encoding), source)
        except (UnicodeDecodeError, BinaryInput):
            pass
        else:
            return text, (
                f"{source}: not UTF-8; decoded as {encoding.upper()} (no byte-order mark)",
            )
    raise BinaryInput(
        source,
        "holds binary data (NUL bytes), not text",
        "Storyline reads .txt, .html and .jsonl articles",
    )


def _checked(text: str, source: str) -> str:
    if not text.strip():
        raise EmptyInput(
            source, "file holds only whitespace", "an article needs at least one line of text"
        )
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise BinaryInput(
            source,
            f"holds binary data ({controls} control characters)",
            "Storyline reads .txt, .html and .jsonl articles",
        )
    return text
