"""Casing hints learned from the clean articles of the same batch.

A degraded copy ("liu he", "voltaro") is best re-cased with the forms the other articles of
the same story use, which a general lexicon cannot know for new names. Two-word names
("Liu He", "Xi Jinping") are learned as phrases too: the repair keeps a hinted phrase in one
sentence and cases both words, even when one of them ("he") is usually a common word.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")
# Common words that are also name parts ("Liu He", "Will Smith", "Sun Yang"): their capital
# inside a two-word name is not evidence for the word alone. Set by hand.
_COMMON_WORDS = frozenset(
    "he she it we i a an the and or of in on at to by for will may may sun young long "
    "rich white black brown green gold king park".split()
)


def learn_casing_hints(texts: Iterable[str], min_count: int = 2) -> dict[str, str]:
    """Map lowercase words (and two-word names) to the capitalised form used mid-sentence.

    Only words seen capitalised more often than lowercase, `min_count` times or more, are
    kept; a two-word name is kept when its two capitalised words stand side by side (one
    space apart) `min_count` times, the first not at a sentence start.
    """
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    pairs: Counter[str] = Counter()
    seconds: Counter[str] = Counter()  # capitalised sightings as the second word of a pair
    for text in texts:
        previous = "."
        last_name: tuple[int, str] | None = None  # end offset and form of the last capital
        for match in _WORD.finditer(text):
            word = match.group()
            prefix = text[max(0, match.start() - 2) : match.start()]
            sentence_start = bool(_SENTENCE_END.search(previous)) or "\n" in prefix
            if not sentence_start:
                forms[word.lower()][word] += 1
            capital = word[0].isupper() and "'" not in word and "’" not in word
            if capital and last_name and text[last_name[0] : match.start()] == " ":
                pairs[f"{last_name[1]} {word}"] += 1
                if not sentence_start:
                    seconds[word] += 1
            last_name = (match.end(), word) if capital and not sentence_start else None
            previous = text[match.start() : match.end() + 1].strip()
    hints = {}
    for lower, counter in forms.items():
        form, count = counter.most_common(1)[0]
        # "He" seen only inside "Liu He" says nothing about "he" alone.
        alone = count - (seconds[form] if form.lower() in _COMMON_WORDS else 0)
        if form != lower and alone >= min_count and alone > counter.get(lower, 0):
            hints[lower] = form
    for pair, count in pairs.items():
        if count >= min_count:
            hints.setdefault(pair.lower(), pair)
    return hints
