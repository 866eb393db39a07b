"""Speaker resolution: from a cue's subject phrase to the person (or source) who spoke.

A name is kept (a surname alone becomes the article's full name for it); "he" or "she" is
the subject of the paragraph's previous sentence when that is a person, else the nearest
earlier person, skipping people of the other gender (`person_genders`); "the minister" is
the most recent person given that title; any other noun phrase is an anonymous source
described by the phrase ("people familiar with the talks").
`resolve_speakers` then maps speaker names to a story's canonical entities.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from storyline.extract.entities import ORG_NOUNS, PLACE_ALIASES, clean_surface, split_role
from storyline.records import Entity, Quote

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


def person_mentions(doc) -> list[tuple[int, str, tuple[str, ...]]]:
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


_FEMALE = {"she", "her", "hers", "herself"}
_MALE = {"he", "him", "his", "himself"}
# Titles and nouns written with a name that say its gender ("Ms Lindqvist", "actress Tara").
_FEMALE_WORDS = {
    "mrs",
    "ms",
    "miss",
    "madam",
    "dame",
    "lady",
    "actress",
    "spokeswoman",
    "chairwoman",
    "businesswoman",
    "congresswoman",
    "wife",
    "mother",
    "daughter",
    "sister",
    "widow",
    "queen",
    "princess",
    "grandmother",
    "girlfriend",
}
_MALE_WORDS = {
    "mr",
    "sir",
    "lord",
    "actor",
    "spokesman",
    "chairman",
    "businessman",
    "congressman",
    "husband",
    "father",
    "son",
    "brother",
    "king",
    "prince",
    "grandfather",
    "boyfriend",
}
# Votes one gender needs over the other before a person is taken to be of it: one title
# word, or two pronouns; set a priori, not tuned (PolNeAR dev speaker accuracy 0.756 ->
# 0.754 with it, held-out half 0.703 both; `storyline eval quotes`).
GENDER_MARGIN = 2


def person_genders(doc, persons) -> dict[str, str]:
    """Gender ("f"/"m") of each person the article gives evidence for, cached on the Doc.

    Evidence: a title or noun written with the name ("Mr", "actress"; counted twice), and
    personal pronouns after the name in a sentence that names no one else. A pronoun
    speaker then skips people of the other gender (Lee et al. 2013, gender agreement).
    """
    cached = doc.user_data.get("storyline_person_genders")
    if cached is not None and cached[0] == len(persons):
        return cached[1]
    votes: dict[str, list[int]] = {}
    for start, name, _ in persons:
        ent = next((e for e in doc.ents if e.start_char == start), None)
        if ent is None:
            continue
        tally = votes.setdefault(name, [0, 0])
        near = [t.lower_.strip(".") for t in doc[max(ent.start - 3, 0) : ent.end + 3]]
        near += [t.lower_ for c in ent.root.children if c.dep_ == "appos" for t in c.subtree]
        tally[0] += 2 * sum(w in _FEMALE_WORDS for w in near)
        tally[1] += 2 * sum(w in _MALE_WORDS for w in near)
        sentence = ent.sent
        others = {n for s, n, _ in persons if sentence.start_char <= s < sentence.end_char}
        if others == {name}:
            after = [t.lower_ for t in doc[ent.end : sentence.end]]
            tally[0] += sum(w in _FEMALE for w in after)
            tally[1] += sum(w in _MALE for w in after)
    genders = {}
    for name, (female, male) in votes.items():
        if female >= male + GENDER_MARGIN:
            genders[name] = "f"
        elif male >= female + GENDER_MARGIN:
            genders[name] = "m"
    doc.user_data["storyline_person_genders"] = (len(persons), genders)
    return genders


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


def speaker_span(subject) -> tuple[int | None, int | None]:
    """Character span of the speaker phrase a cue's subject token heads (None, None without)."""
    if subject is None:
        return None, None
    if subject.tag_ in ("WDT", "WP") and subject.head.dep_ == "relcl":
        subject = subject.head.head
    if subject.pos_ == "PRON":
        return subject.idx, subject.idx + len(subject.text)
    left, right = subject.left_edge, subject.right_edge
    return left.idx, right.idx + len(right.text)


def speaker_of(
    doc, subject, before: int, persons
) -> tuple[str | None, str, str | None, str | None]:
    """(name, kind, text as written, description) for a speech verb's subject token."""
    if subject is None:
        return None, "unknown", None, None
    if subject.tag_ in ("WDT", "WP") and subject.head.dep_ == "relcl":
        subject = subject.head.head  # "officials, who said ..." speaks for "officials"
    lower = subject.lower_ if subject.pos_ == "PRON" else ""
    if lower in _PRONOUNS_PERSON:
        until = max(before, subject.idx)
        # "she told the magazine" is not the man named last: skip people of the other gender
        gender = "f" if lower in ("she", "her") else "m"
        genders = person_genders(doc, persons)
        fits = {p[1] for p in persons if genders.get(p[1], gender) == gender}
        named = _paragraph_subject(doc, until, [p for p in persons if p[1] in fits])
        if named is not None:
            return named, "named", subject.text, None
        earlier = [p for p in persons if p[0] < until and p[1] in fits]
        if earlier:
            return _skip_passing_name(doc, earlier, persons), "named", subject.text, None
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


def _skip_passing_name(doc, earlier, persons) -> str:
    """The nearest earlier person, unless that one is named once, in passing (not a clause
    subject: "young starlets like Lindsay Lohan"): then the nearest earlier person named
    more often or as a subject ("... she told the magazine" is the article's subject)."""
    counts: dict[str, int] = {}
    for _, name, _ in persons:
        counts[name] = counts.get(name, 0) + 1

    def salient(start: int, name: str) -> bool:
        ent = next((e for e in doc.ents if e.start_char == start), None)
        return counts[name] > 1 or ent is None or ent.root.dep_ in ("nsubj", "nsubjpass")

    start, name, _ = earlier[-1]
    if salient(start, name):
        return name
    before = [p for p in earlier[:-1] if p[1] != name and salient(p[0], p[1])]
    return before[-1][1] if before else name


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
