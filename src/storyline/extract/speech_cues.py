"""Attribution cues: the speech verb (or "according to") that ties a quote to its speaker.

The cue is read from spaCy's dependency parse: the nearest speech verb outside every quote
in the sentences the quote touches (or the sentence before, when it ends in a colon); its
subject, or its governing verb's for "said, adding ...", is the speaker phrase.
"""

from __future__ import annotations

SPEECH_VERBS = frozenset(
    {
        "say",
        "tell",
        "add",
        "note",
        "warn",
        "argue",
        "state",
        "claim",
        "insist",
        "explain",
        "announce",
        "write",
        "acknowledge",
        "admit",
        "confirm",
        "deny",
        "predict",
        "suggest",
        "caution",
        "stress",
        "assert",
        "declare",
        "reply",
        "respond",
        "recall",
        "complain",
        "urge",
        "estimate",
        "contend",
        "maintain",
        "observe",
        "remark",
        "comment",
        "emphasise",
        "emphasize",
        "concede",
        "vow",
        "pledge",
        "promise",
        "threaten",
        "report",
        "allege",
        "ask",
    }
)


def has_speech_verb(doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.lemma_.lower() in SPEECH_VERBS for t in span)


def attribution(doc, start: int, end: int, inside: list[tuple[int, int]]):
    """(speech verb, its subject) nearest the quote, outside every quote, or (None, None)."""
    first = doc.char_span(start, min(start + 1, len(doc.text)), alignment_mode="expand")
    last = doc.char_span(max(end - 1, 0), end, alignment_mode="expand")
    if first is None or last is None:
        return None, None
    lo, hi = first[0].sent.start, last[-1].sent.end
    before = first[0].sent.start - 1
    if before >= 0 and doc[before].sent.text.rstrip().endswith(":"):
        lo = doc[before].sent.start  # "Liu said:" then the quote
    candidates = []
    for token in doc[lo:hi]:
        if any(s <= token.idx < e for s, e in inside):
            continue
        if token.lemma_.lower() in SPEECH_VERBS and token.pos_ in ("VERB", "AUX"):
            subject = subject_of(token)
            distance = start - token.idx if token.idx < start else token.idx - end
            candidates.append((distance, token, subject))
        elif token.lower_ == "according" and token.nbor(1).lower_ == "to":
            objects = [c for c in token.nbor(1).children if c.dep_ == "pobj"]
            if objects:
                distance = start - token.idx if token.idx < start else token.idx - end
                candidates.append((distance, token, objects[0]))
    if not candidates:
        return None, None
    _, verb, subject = min(candidates, key=lambda c: c[0])
    return verb, subject


def subject_of(verb):
    """The verb's subject, or its governing verb's for "said, adding ..." and conjuncts."""
    token = verb
    for _ in range(3):
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if token.dep_ in ("conj", "advcl", "xcomp") and token.head is not token:
            token = token.head
        else:
            break
    return None
