"""Story labels: a short human-readable title per story that stays put as it grows.

With headlines, the label is the most central of the story's first few headlines (most
content words shared with the others, ties to the earliest), a medoid in the spirit of the
"most representative headline" labels of news aggregators; only the first `LABEL_POOL`
headlines are considered, so after that many articles the label never changes. Without
headlines (wire copy, Multi-News, ECB+), it is the most central of the articles' lead
sentences, cut to a few words. Page furniture (URLs, bylines, photo credits, promos, the
lines the boilerplate filter knows) is never a label, and neither is "Story N": every
caller gets its label from `story_label`, so a story has one name everywhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.clean.boilerplate import is_promo_line
from storyline.cluster.rows import LABEL_POOL
from storyline.ingest.nonarticle import non_article_reason
from storyline.metadata.outlet import url_from_first_line
from storyline.summarize.features import leans_on_context

# A label longer than this many words is cut with an ellipsis.
MAX_LABEL_WORDS = 14
# Lead sentences of each article that may label a story without headlines: news leads say
# what the story is in the first sentences (the inverted pyramid), later ones add detail.
LEAD_SENTENCES = 3
# A lead sentence shorter than this is a dateline, a caption or a fragment, not a label.
MIN_LEAD_WORDS = 6
# Below this, a story whose leads are all short still gets its longest one, not "Story N".
MIN_FALLBACK_WORDS = 3

_FURNITURE = re.compile(
    r"https?://|www\.|\.(?:com|org|net|co\.uk)\b|"  # a URL or a site name
    r"^by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}\s*(?:,|$|\|)|"  # a byline
    r"\b(?:photo|image|picture)s?\s+(?:by|courtesy|credit)\b|getty images|/ap\b|/reuters\b|"
    r"\bjavascript\b|\bad ?blocker\b|\byour browser\b|\bcookies?\b|"
    r"\b(?:facebook|twitter|instagram)\s*(?:\||,)|"
    r"^story\s+\d+$|^(?:posted|updated|published)\b",
    re.I,
)
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z .,'-]{0,40})?\((?:AP|Reuters|CNN|AFP|UPI|Bloomberg)\)\s*[-—–:]*\s*"
)
# "CARACAS, Venezuela—", "PRETORIA/KHARTOUM, ": a capitalised place line before the lead
_CAPS_DATELINE = re.compile(
    r"^[A-Z][A-Z/.'-]{2,}(?:\s[A-Z][A-Z/.'-]+)*(?:,\s*[A-Z][a-z.]+)?\s*[-—–,:]+\s*"
)
# CNN's "Story highlights" box heading, glued to the first highlight.
_HIGHLIGHTS = re.compile(r"^story highlights\s*", re.I)
# Leads that are a quote or lean on what came before make poor names for the story.
_WEAK_START = re.compile(r"^(?:[\"“‘'(]|(?:and|but|so|or|yet|when you|if you)\b)", re.I)
# A split after these is inside a name ("Sen. John McCain"), not between sentences.
_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|Sr|Prof|U\.S)\.$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”']?\s+(?=[\"“(]?[A-Z])")


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.casefold()) if w not in ENGLISH_STOP_WORDS}


def is_label_furniture(line: str) -> bool:
    """Whether a line is page furniture that must never name a story."""
    stripped = " ".join(line.split())
    return (
        not stripped
        or is_promo_line(stripped)
        or bool(_FURNITURE.search(stripped))
        or url_from_first_line(stripped) is not None  # ECB+'s tokenised "http: / / ..."
        # platform notices, player and weather widgets (title=line: never "too short")
        or non_article_reason(stripped, stripped, stripped, 0) is not None
    )


def _cut(text: str, max_words: int) -> str:
    tokens = text.split()
    return text if len(tokens) <= max_words else " ".join(tokens[:max_words]) + " …"


def _medoid(candidates: Sequence[str], groups: Sequence[int]) -> int:
    """Index of the candidate sharing most content words with the other groups' ones."""
    words = [_content_words(c) for c in candidates]

    def centrality(i: int) -> tuple[float, int]:
        shared = sum(len(words[i] & words[j]) for j in range(len(words)) if groups[j] != groups[i])
        return (-shared / math.sqrt(len(words[i]) or 1), i)

    return min(range(len(candidates)), key=centrality)


def lead_sentences(
    text: str, count: int = LEAD_SENTENCES, min_words: int = MIN_LEAD_WORDS
) -> list[str]:
    """The first `count` sentences of an article that could name it (no furniture)."""
    found: list[str] = []
    for line in text.splitlines():
        if is_label_furniture(line):
            continue
        pieces: list[str] = []
        for piece in _SENTENCE_END.split(line.strip()):
            if pieces and _ABBREVIATION.search(pieces[-1]):
                pieces[-1] += " " + piece
            else:
                pieces.append(piece)
        for sentence in pieces:
            sentence = _CAPS_DATELINE.sub("", _DATELINE.sub("", sentence))
            sentence = _HIGHLIGHTS.sub("", sentence).strip()
            if len(sentence.split()) >= min_words and not is_label_furniture(sentence):
                found.append(sentence)
            if len(found) >= count:
                return found
    return found


def lead_text(text: str | None) -> str | None:
    """The lead sentences a story keeps to label itself by (one per line), or None: what
    the clusterer stores per untitled article instead of the whole text."""
    leads = lead_sentences(text or "") or lead_sentences(text or "", 1, MIN_FALLBACK_WORDS)
    return "\n".join(leads) if leads else None


def story_label(
    headlines: Sequence[str | None],
    texts: Sequence[str | None] = (),
    max_words: int = MAX_LABEL_WORDS,
) -> str:
    """The story's label: the most central of the first `LABEL_POOL` headlines (in arrival
    order), else the most central lead sentence of the first `LABEL_POOL` texts, cut to
    `max_words`; "" when neither has one. The clusterer, the briefing title and so the API
    all call this, so a story has one name everywhere.

    >>> story_label(["Ferry strike strands commuters", "Ferry strike enters day two", "Oops"])
    'Ferry strike strands commuters'
    >>> story_label([None], ["Ferry workers walked out on Monday, stranding commuters."])
    'Ferry workers walked out on Monday, stranding commuters'
    """
    candidates = [_HIGHLIGHTS.sub("", " ".join(h.split())) for h in headlines if h]
    candidates = [c for c in candidates if not is_label_furniture(c)]
    candidates = candidates[:LABEL_POOL]
    if candidates:
        best = candidates[_medoid(candidates, list(range(len(candidates))))]
        return _cut(best, max_words)
    texts = [t for t in texts if t and t.strip()][:LABEL_POOL]
    leads, groups = [], []
    for group, text in enumerate(texts):
        for sentence in lead_sentences(text):
            leads.append(sentence)
            groups.append(group)
    if not leads:  # only short lines: the longest that is not furniture
        short = [s for t in texts for s in lead_sentences(t, 1, MIN_FALLBACK_WORDS)]
        return _cut(max(short, key=len).rstrip(".!?;:"), max_words) if short else ""
    strong = [
        i
        for i, lead in enumerate(leads)
        if not _WEAK_START.match(lead) and not leans_on_context(lead)
    ]
    if strong:
        leads, groups = [leads[i] for i in strong], [groups[i] for i in strong]
    best = leads[_medoid(leads, groups)]
    return _cut(best.rstrip(".!?;:"), max_words)
