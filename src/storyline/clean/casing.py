"""Casing hints learned from the clean articles of the same batch.

A degraded copy ("liu he", "voltaro") is best re-cased with the forms the other articles of
the same story use, which a general lexicon cannot know for new names.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


def learn_casing_hints(texts: Iterable[str], min_count: int = 2) -> dict[str, str]:
    """Map lowercase words to the capitalised form used mid-sentence in `texts`.

    Only words seen capitalised more often than lowercase, `min_count` times or more, are kept.
    """
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        previous = "."
        for match in _WORD.finditer(text):
            word = match.group()
            prefix = text[max(0, match.start() - 2) : match.start()]
            sentence_start = bool(_SENTENCE_END.search(previous)) or "\n" in prefix
            if not sentence_start:
                forms[word.lower()][word] += 1
            previous = text[match.start() : match.end() + 1].strip()
    hints = {}
    for lower, counter in forms.items():
        form, count = counter.most_common(1)[0]
        if form != lower and count >= min_count and count > counter.get(lower, 0):
            hints[lower] = form
    return hints
