"""Quote marks and quoted spans: which passages of a text are someone's own words.

Curly and ``tokenised'' marks pair by direction, straight marks alternate within a
paragraph, and a quote split around its attribution ("We will," he said, "keep talking.")
is one group of parts.
"""

from __future__ import annotations

import re

from storyline.extract.speech_cues import has_speech_verb

_OPEN_CLOSE = {"“": "”", "``": "''", "«": "»"}
QUOTE_MARKS = re.compile(r"``|''|[\"“”«»]")
# A quote needs this many words; fewer is a scare quote or a title ("a 'hollow' deal").
MIN_QUOTE_WORDS = 4
# Between two parts of a split quote: an attribution of at most this many words.
_MAX_SPLIT_GAP_WORDS = 10


def opens_with_quote(text: str) -> bool:
    """Whether a sentence starts with someone's words: the summary and the timeline report
    what happened and leave such sentences to the Quotes list, with their speaker.

    >>> opens_with_quote("“We acted fast,” she said."), opens_with_quote("She said so.")
    (True, False)
    """
    return text.lstrip().startswith(('"', "“", "‘", "'", "``"))


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted passage, marks included, in order.

    Curly and ``'' marks pair by direction; straight marks, and '' in a text without ``,
    alternate within a paragraph. A
    quote left open at a paragraph end closes there (the convention for a quote running on
    into the next paragraph, which then reopens it).
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    closer = ""
    # Without any `` a '' both opens and closes (the New York Times' house style).
    double_apostrophes = "``" not in text
    for match in QUOTE_MARKS.finditer(text):
        mark, at = match.group(), match.start()
        if open_at is not None and "\n\n" in text[open_at:at]:
            spans.append((open_at, text.index("\n\n", open_at)))
            open_at = None
        if open_at is None:
            if mark in _OPEN_CLOSE:
                open_at, closer = at, _OPEN_CLOSE[mark]
            elif mark == '"' or (mark == "''" and double_apostrophes):
                open_at, closer = at, mark
        elif mark == closer or (closer == '"' and mark in "”") or (closer == "”" and mark == '"'):
            spans.append((open_at, match.end()))
            open_at = None
    if open_at is not None:
        end = text.find("\n\n", open_at)
        spans.append((open_at, end if end >= 0 else len(text.rstrip())))
    return spans


def clean_part(part: str) -> str:
    """A quoted part without its marks or the comma before its attribution."""
    part = QUOTE_MARKS.sub("", part).strip()
    return part.rstrip(",").strip()


def merge_split_quotes(doc, parts: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Join "A," he said, "B." into one group: a short speech-verb gap in one paragraph."""
    groups: list[list[tuple[int, int]]] = []
    for start, end in parts:
        if groups:
            gap = doc.text[groups[-1][-1][1] : start]
            words = gap.split()
            if (
                "\n\n" not in gap
                and len(words) <= _MAX_SPLIT_GAP_WORDS
                and gap.rstrip().endswith(",")
                and has_speech_verb(doc, groups[-1][-1][1], start)
            ):
                groups[-1].append((start, end))
                continue
        groups.append([(start, end)])
    return groups
