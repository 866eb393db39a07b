"""Story labels: a short human-readable title per story that stays put as it grows.

The label is the most central of the story's first few headlines (most content words
shared with the others, ties to the earliest), a medoid in the spirit of the "most
representative headline" labels of news aggregators. Only the first `LABEL_POOL`
headlines are considered, so after that many articles the label never changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# A label longer than this many words is cut with an ellipsis.
MAX_LABEL_WORDS = 14


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.casefold()) if w not in ENGLISH_STOP_WORDS}


def story_label(headlines: Sequence[str | None], max_words: int = MAX_LABEL_WORDS) -> str:
    """The most central headline of `headlines` (in arrival order), cut to `max_words`.

    >>> story_label(["Ferry strike strands commuters", "Ferry strike enters day two", "Oops"])
    'Ferry strike strands commuters'
    """
    candidates = [" ".join(h.split()) for h in headlines if h and h.strip()]
    if not candidates:
        return ""
    words = [_content_words(c) for c in candidates]

    def centrality(i: int) -> tuple[int, int]:
        shared = sum(len(words[i] & words[j]) for j in range(len(words)) if j != i)
        return (-shared, i)

    best = candidates[min(range(len(candidates)), key=centrality)]
    tokens = best.split()
    return best if len(tokens) <= max_words else " ".join(tokens[:max_words]) + " …"
