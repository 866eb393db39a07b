"""Bylines ("By Jane Roe, Bay Herald | March 3, 2026") split off the text into metadata.

A byline is a short line near the top that starts with "By" (or "Written by"). After the word
come names joined by commas/"and"/"&", then optional parts separated by "|", "•", "—" or a
comma: a role ("Staff Writer"), an outlet ("The Bay Herald"), a place ("in Brussels") or a
timestamp. A wire named as the author ("By The Associated Press") is a wire credit instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from storyline.metadata.wire import wire_name

_BYLINE = re.compile(r"^\s*(?:written\s+|reporting\s+)?by\s*:?\s+(?P<rest>\S.*?)\s*$", re.I)
# Longer lines are sentences ("By Tuesday the river had risen ...").
_MAX_BYLINE_WORDS = 16
_SEPARATORS = re.compile(r"\s*[|•·]\s*|\s+[—–]\s+|\s+-\s+")
_ROLE = re.compile(
    r"\b(staff|writer|reporter|correspondent|editor|contributor|columnist|special to|"
    r"bureau|chief|photographer|analyst|senior|reporting)\b",
    re.I,
)
_OUTLET_WORD = re.compile(
    r"^the\b|\b(herald|times|news|post|courier|gazette|tribune|journal|press|ledger|daily|"
    r"chronicle|observer|telegraph|guardian|star|sun|mail|review|record|examiner|dispatch|"
    r"globe|standard|independent|bulletin|register|sentinel|monitor|weekly|wire|media|"
    r"radio|tv|television|network|magazine|\.com|\.example)\b",
    re.I,
)
_NAME_PART = r"(?:[A-Z][\w'’.-]*|van|von|de|da|del|der|di|la|le|bin|al|ibn)"
_PERSON = re.compile(rf"^[A-Z][\w'’.-]*(?:\s+{_NAME_PART}){{0,4}}$")
_DATEISH = re.compile(
    r"\d{1,2}:\d{2}|\b(19|20)\d{2}\b|\b(updated|published|posted)\b|\b(jan|feb|mar|apr|may|"
    r"jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d",
    re.I,
)
_NOT_A_NAME = re.compile(
    r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|then|now|"
    r"january|february|march|april|may|june|july|august|september|october|november|december)\b",
    re.I,
)
_PLACE = re.compile(r"\s+in\s+[A-Z][\w .'-]*$")


class Byline(NamedTuple):
    author: str | None
    outlet: str | None
    wire: str | None
    date_text: str | None


def parse_byline(line: str) -> Byline | None:
    """Parse one byline line, or return None when the line is not a byline.

    >>> parse_byline("By Jane Roe and Sam Lee, The Bay Herald")
    Byline(author='Jane Roe, Sam Lee', outlet='The Bay Herald', wire=None, date_text=None)
    """
    match = _BYLINE.match(line)
    if not match or len(line.split()) > _MAX_BYLINE_WORDS:
        return None
    rest = match.group("rest").rstrip(" .")
    wire = wire_name(rest)
    if wire:
        return Byline(None, None, wire, None)
    parts = [p.strip() for p in _SEPARATORS.split(rest) if p.strip()]
    head, tail = parts[0], parts[1:]
    names: list[str] = []
    outlet = date_text = None
    pieces = [p.strip() for p in re.split(r",\s*", head) if p.strip()]
    for index, piece in enumerate(pieces + tail):
        in_tail = index >= len(pieces)
        if _DATEISH.search(piece):
            date_text = date_text or piece
        elif _ROLE.search(piece):
            continue
        elif _OUTLET_WORD.search(piece) or (in_tail and names):
            outlet = outlet or piece
        else:
            for name in re.split(r"\s+(?:and|&)\s+", _PLACE.sub("", piece)):
                name = name.strip()
                if name.isupper():
                    name = name.title()
                if not _PERSON.match(name) or _NOT_A_NAME.match(name):
                    return None
                names.append(name)
    if not names:
        return None
    return Byline(", ".join(names), outlet, None, date_text)


def find_byline(lines: Sequence[str], max_lines: int = 5) -> tuple[Byline | None, int | None]:
    """The first byline among the first `max_lines` non-blank lines, with its line index."""
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        byline = parse_byline(line)
        if byline:
            return byline, index
        seen += 1
        if seen >= max_lines:
            break
    return None, None
