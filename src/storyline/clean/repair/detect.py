"""Tell degraded text (lowercased, punctuation stripped, on one line) from clean text.

Some sources deliver an article with every letter lowercased, every punctuation mark and
apostrophe replaced by a space and its line breaks removed ("when donald trump blasts china s
unfair business tactics he ..."). spaCy then parses one 1,000-word sentence and misses the
lowercase names, so such text is detected here and repaired (`restore.repair_degraded`)
before any NLP runs. `degrade_text` makes the same damage, to build training and test data.
"""

from __future__ import annotations

import re

# A word is a maximal run of letters and digits; degradation turns everything else into spaces.
WORD = re.compile(r"[^\W_]+")
_SENTENCE_PUNCT = re.compile(r"[.!?]")

# Texts shorter than this are never flagged: a headline or caption may be lowercase and
# unpunctuated on purpose, and the share statistics below are noisy on a few words. 40 words
# is about two news sentences (median gold sentence: 18 words, printed by the fit script).
MIN_WORDS_DEGRADED = 40
# Degraded when under 0.2% of letters are uppercase. Of the 1,303 clean training articles of
# 40+ words (multinews, ecbplus, neus, article-extraction; measured by the pre-issue-22 fit
# script, stored in the lexicon file), the lowest share is 0.56% and the 1st percentile 1.4%;
# degraded text has 0%, so the cut leaves room for a few stray capitals on either side.
MAX_UPPER_SHARE = 0.002
# ...and under 0.5 sentence marks (. ! ?) per 100 words. The same clean articles have at least
# 1.64 per 100 words (1st percentile 2.13); degraded text has none.
MAX_SENTENCE_MARKS_PER_100_WORDS = 0.5

# Pieces a stripped apostrophe leaves as separate words: china's, don't, they're, we'll,
# we've, I'd, I'm. Re-attached to the word before; no sentence ever ends before one.
APOSTROPHE_PIECES = frozenset({"s", "t", "re", "ll", "ve", "d", "m"})


def degrade_text(text: str) -> str:
    """Damage clean text as the broken sources do: lowercase, punctuation to spaces, one line.

    >>> degrade_text("China's deal, said Mr. Liu.\\nU.S. officials agreed.")
    'china s deal said mr liu u s officials agreed'
    """
    return " ".join(match.group().lower() for match in WORD.finditer(text))


def is_degraded(text: str) -> bool:
    """Tell whether `text` arrived lowercased and without sentence punctuation.

    Both defects must be present: text that keeps its punctuation (or its capitals) still
    carries what the repair would guess. Texts under `MIN_WORDS_DEGRADED` words are never
    flagged.

    >>> is_degraded("the minister said the talks would resume on monday " * 5)
    True
    >>> is_degraded("The minister said the talks would resume on Monday. " * 5)
    False
    """
    words = text.split()
    if len(words) < MIN_WORDS_DEGRADED:
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    upper_share = sum(c.isupper() for c in letters) / len(letters)
    marks_per_100 = 100 * len(_SENTENCE_PUNCT.findall(text)) / len(words)
    return upper_share < MAX_UPPER_SHARE and marks_per_100 < MAX_SENTENCE_MARKS_PER_100_WORDS
