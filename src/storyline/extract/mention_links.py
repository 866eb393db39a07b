"""Coreference of given mention spans: a head word per mention and links to antecedents.

Why: the story's entity list and its speakers both need "who", "she", "the actress" tied
to a name, and a mention like "the Promises Treatment Center in Malibu, California" keyed by
"center", not by its last word. Rules in the spirit of the deterministic sieves of Lee et
al. 2013 (Stanford multi-pass coreference): syntactic head, relative pronoun to the noun it
modifies, personal pronoun to the nearest earlier person of compatible gender, plural
pronoun to the nearest earlier plural or organisation, and a descriptor noun ("actress",
"host") to the person it is written beside elsewhere in the story. Measured by `storyline
eval entities` (ECB+ gold mentions).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

MALE = frozenset("he him his himself".split())
FEMALE = frozenset("she her hers herself".split())
PLURAL = frozenset("they them their theirs themselves".split())
RELATIVE = frozenset("who whom whose which that where".split())
PRONOUNS = MALE | FEMALE | PLURAL | RELATIVE | frozenset("it its itself i me my we us our".split())
# Gendered nouns a personal pronoun may refer back to ("the woman ... she").
FEMALE_NOUNS = frozenset("woman girl mother wife daughter sister actress grandmother widow".split())
MALE_NOUNS = frozenset("man boy father husband son brother actor grandfather".split())
_PREPOSITIONS = frozenset(
    "in at on of from for with near between off by during after before to into about over "
    "under".split()
)
# A word that ends a noun phrase's head part: "center in Malibu", "Lohan , 22", "man who".
_HEAD_STOPS = _PREPOSITIONS | {",", "(", "-", "--", ":"} | RELATIVE | {"when", "whose"}
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_POSSESSIVE = re.compile(r"(['’]s|['’])$")
# How far back (characters) a plural pronoun looks for its antecedent: about two sentences.
PLURAL_WINDOW_CHARS = 400


def mention_head(text: str) -> str:
    """The case-folded head word of a noun phrase: the last word before a preposition,
    comma or relative clause, less leading prepositions, possessives and "Jr."."""
    words = text.split()
    while words and words[0].casefold() in _PREPOSITIONS:
        words = words[1:]
    for i, word in enumerate(words):
        if i and word.casefold() in _HEAD_STOPS:
            words = words[:i]
            break
    while words and (
        words[-1] in ("'s", "'", "’s")
        or not any(ch.isalnum() for ch in words[-1])
        or (len(words) > 1 and words[-1].casefold().strip(".") in _NAME_SUFFIXES)
    ):
        words = words[:-1]
    if not words:
        return text.casefold().strip()
    head = words[-1].casefold()
    return _POSSESSIVE.sub("", head) or head


def _is_person(doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.ent_type_ == "PERSON" for t in span)


def _is_org(doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.ent_type_ == "ORG" for t in span)


def link_mentions(doc, spans: Sequence[tuple[int, int]]) -> list[int | None]:
    """For each (start, end) span of `doc` (a parsed spaCy Doc), the index of the earlier
    span it refers back to, or None. Spans must be sorted by start."""
    texts = [doc.text[s:e] for s, e in spans]
    links: list[int | None] = [None] * len(spans)
    for i, (start, _end) in enumerate(spans):
        word = texts[i].casefold().strip()
        if word in RELATIVE:
            links[i] = _relative_antecedent(doc, spans, i)
        elif word in MALE or word in FEMALE:
            nouns = FEMALE_NOUNS if word in FEMALE else MALE_NOUNS
            earlier = [
                j
                for j in range(i)
                if (
                    texts[j][:1].isupper()
                    and texts[j].casefold() not in PRONOUNS
                    and _is_person(doc, *spans[j])
                )
                or mention_head(texts[j]) in nouns
            ]
            links[i] = earlier[-1] if earlier else None
        elif word in PLURAL:
            earlier = [
                j
                for j in range(i)
                if texts[j].casefold() not in PRONOUNS
                and start - spans[j][1] < PLURAL_WINDOW_CHARS
                and (mention_head(texts[j]).endswith("s") or _is_org(doc, *spans[j]))
            ]
            links[i] = earlier[-1] if earlier else None
    return links


def _relative_antecedent(doc, spans: Sequence[tuple[int, int]], i: int) -> int | None:
    """ "who" in "the actress, who ..." refers to the noun its clause modifies (spaCy's
    relcl arc), else to a mention ending just before it."""
    start, end = spans[i]
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None and len(span):
        verb = span[0].head
        if verb.dep_ in ("relcl", "acl"):
            for j in range(i - 1, -1, -1):
                if spans[j][0] <= verb.head.idx < spans[j][1]:
                    return j
    close = [j for j in range(i) if 0 <= start - spans[j][1] <= 3]
    return close[-1] if close else None


def descriptor_people(doc, spans: Sequence[tuple[int, int]], labels: Sequence) -> Counter:
    """(descriptor noun, person label) pairs written together: "actress Lindsay Lohan",
    "Lohan, the actress" (spaCy compound / apposition arcs to a PERSON token)."""
    found: Counter = Counter()

    def label_at(idx: int):
        for (start, end), label in zip(spans, labels, strict=True):
            if start <= idx < end and doc.text[start : start + 1].isupper():
                if _is_person(doc, start, end):
                    return label
        return None

    for token in doc:
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if (
            after is not None
            and after.ent_iob_ == "B"
            and after.ent_type_ == "PERSON"
            and token.is_alpha
            and (token.is_lower or token.is_sent_start)
            and token.pos_ in ("NOUN", "PROPN")
        ):  # a title before a name, however the small model parses it: "actress Mara Olsen"
            label = label_at(after.idx)
            if label is not None:
                found[(token.lower_, label)] += 1
            continue
        if token.pos_ == "NOUN" and token.text.islower() and token.head.ent_type_ == "PERSON":
            if token.dep_ in ("compound", "appos", "nmod"):
                label = label_at(token.head.idx)
                if label is not None:
                    found[(token.lower_, label)] += 1
        if token.ent_type_ == "PERSON":
            for child in token.children:
                if child.dep_ == "appos" and child.pos_ == "NOUN":
                    label = label_at(token.idx)
                    if label is not None:
                        found[(child.lower_, label)] += 1
    return found


def resolve_descriptors(docs, spans_per_doc, labels_per_doc) -> list[list]:
    """Relabel lowercase descriptor mentions ("the actress") with the person the story
    writes that noun beside, choosing, in each document, the one it names most often."""
    by_noun: dict[str, set] = defaultdict(set)
    for doc, spans, labels in zip(docs, spans_per_doc, labels_per_doc, strict=True):
        for noun, label in descriptor_people(doc, spans, labels):
            by_noun[noun].add(label)
    result = []
    for doc, spans, labels in zip(docs, spans_per_doc, labels_per_doc, strict=True):
        named = Counter(
            label
            for (start, end), label in zip(spans, labels, strict=True)
            if doc.text[start : start + 1].isupper() and _is_person(doc, start, end)
        )
        new = list(labels)
        for k, (start, end) in enumerate(spans):
            words = doc.text[start:end].split()
            head = mention_head(doc.text[start:end])
            if not words or not words[-1].islower() or len(words) > 3 or head not in by_noun:
                continue
            present = [(named[label], str(label), label) for label in by_noun[head] if named[label]]
            if present:
                new[k] = max(present)[2]
        result.append(new)
    return result
