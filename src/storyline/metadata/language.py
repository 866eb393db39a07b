"""Language of an article's text by stop-word share: cheap, offline, good enough to flag.

The method is the classic stop-word profile (Grefenstette 1995, "Comparing two language
identification schemes"): count how many words are among each language's most frequent
function words and take the language with the largest share. Storyline's NLP is English, so
the point is to flag non-English text, not to tell Slovak from Czech.
"""

from __future__ import annotations

import re
from collections import Counter

# Twenty-odd of the most frequent function words per language, ambiguous ones ("a", "en",
# "de", "la") kept where they are most frequent.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in is that for it was on with as by at from his he her an are be "
        "this which have has had were said not but they their".split()
    ),
    "es": frozenset(
        "el la los las de del que y en un una por con para es se su al lo como más pero "
        "sus fue según este".split()
    ),
    "fr": frozenset(
        "le la les de des du et un une en est que qui dans pour pas sur au aux avec il "
        "elle ce sont été par".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ein eine den dem des zu mit von auf für sich im auch "
        "es wird sie bei nach".split()
    ),
    "it": frozenset(
        "il lo la gli le di che e un una per non con del della sono nel alla è ha anche "
        "come più dei".split()
    ),
    "pt": frozenset(
        "o os a as de do da dos das que e um uma em no na para com não por se mais foi "
        "ao pelo".split()
    ),
    "nl": frozenset(
        "de het een en van is dat op te in niet met voor zijn er aan ook als bij door "
        "maar werd".split()
    ),
}
# Below this share of stop words no language is claimed: lists, tables, headlines. Running
# English news prose is about 35-45% stop words of this list; 0.15 leaves a wide margin.
_MIN_SHARE = 0.15
# Fewer words than this is too little to tell.
_MIN_WORDS = 20
# The opening 5,000 characters (~800 words) decide; the rest of a long text adds no signal.
_MAX_CHARS = 5_000
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the most likely language among STOPWORDS, or None if unsure.

    >>> detect_language("The mayor said on Monday that the bridge would reopen in May, " * 3)
    'en'
    """
    words = Counter(_WORD.findall(text[:_MAX_CHARS].casefold()))
    total = sum(words.values())
    if total < _MIN_WORDS:
        return None
    shares = {code: sum(words[w] for w in stops) / total for code, stops in STOPWORDS.items()}
    best = max(shares, key=shares.__getitem__)
    return best if shares[best] >= _MIN_SHARE else None
