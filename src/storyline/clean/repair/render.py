"""Repaired words as text: cased forms, punctuation marks, joiners, readable numbers.

Also rewrites the number patterns the words still allow ("12 01 a m" -> "12:01 a.m.",
"1 2 trillion" -> "1.2 trillion"); the words themselves never change, so every word of the
degraded input is still in the output, in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_SCALE_WORDS = frozenset({"million", "billion", "trillion", "percent", "per"})
_MERIDIEM = {"a": "a.m.", "p": "p.m."}


@dataclass(frozen=True, slots=True)
class RestoredTokens:
    """The words of a repaired text: cased forms, marks, what follows each, sentence ends.

    `forms[i]` is word i as written ("China", "U", "S.", "Mr."); `joiners[i]` the text
    between it and the next word when no mark follows (" ", "'", "-", "."); `marks[i]` the
    punctuation after it ("", ",", ".", "?"); `sentence_ends[i]` says a sentence ends after
    it; `confidences[i]` is the probability that the decision at the gap after word i (mark
    or no mark) is right (1.0 where no model decided). `text()` renders them.
    """

    forms: tuple[str, ...]
    joiners: tuple[str, ...]
    sentence_ends: tuple[bool, ...]
    marks: tuple[str, ...] = ()
    confidences: tuple[float, ...] = ()

    def text(self) -> str:
        """Render the words as text."""
        return "".join(self.pieces())

    def pieces(self) -> list[str]:
        """Each word with the text after it (concatenated by `text`)."""
        out: list[str] = []
        last = len(self.forms) - 1
        marks = self.marks or tuple("." if e else "" for e in self.sentence_ends)
        for i, (form, joiner, mark) in enumerate(zip(self.forms, self.joiners, marks, strict=True)):
            if not mark:
                out.append(form + (joiner if i < last else ""))
                continue
            if mark == "." and form.endswith("."):
                mark = ""
            out.append(form + mark + (" " if i < last else ""))
        return out


def drop_number_commas(tokens: Sequence[str], marks: list[str]) -> None:
    """No comma between two digit runs: in degraded text "3 000" or "5 30 p m" is one number
    far more often than a list ("in 2019, 25 people")."""
    for i in range(len(tokens) - 1):
        if marks[i] == "," and tokens[i].isdigit() and tokens[i + 1].isdigit():
            marks[i] = ""
    # Nor inside a time's "a m" / "p m" ("12 01, a m" -> "12:01 a.m."): the context head
    # put one there on the 12:01 test sentence.
    for i in range(1, len(tokens) - 1):
        if tokens[i] in _MERIDIEM and tokens[i + 1] == "m" and tokens[i - 1].isdigit():
            for gap in (i - 1, i):
                if marks[gap] == ",":
                    marks[gap] = ""


def fix_numbers(
    tokens: Sequence[str], forms: list[str], joiners: list[str], marks: list[str]
) -> None:
    """Rewrite times, decimals and a.m./p.m. in place where the words allow one reading."""
    n = len(tokens)
    for i in range(n):
        t = tokens[i]
        # "a m" / "p m" after a number (or a time) -> "a.m." / "p.m."
        if (
            t in _MERIDIEM
            and i + 1 < n
            and tokens[i + 1] == "m"
            and i > 0
            and tokens[i - 1].isdigit()
            and not marks[i]
            and not marks[i - 1]
        ):
            forms[i] = _MERIDIEM[t][:2]
            joiners[i] = ""
            forms[i + 1] = "m."
            # "12 01 a m" -> "12:01 a.m."
            if (
                i >= 2
                and tokens[i - 2].isdigit()
                and len(tokens[i - 2]) <= 2
                and 1 <= int(tokens[i - 2]) <= 12
                and re.fullmatch(r"[0-5][0-9]", tokens[i - 1])
                and not marks[i - 2]
            ):
                joiners[i - 2] = ":"
        # "1 2 trillion", "2 5 percent" -> "1.2 trillion", "2.5 percent"
        if (
            t.isdigit()
            and i + 2 < n
            and tokens[i + 1].isdigit()
            and len(tokens[i + 1]) <= 2
            and tokens[i + 2] in _SCALE_WORDS
            and not marks[i]
            and joiners[i] == " "
        ):
            joiners[i] = "."
