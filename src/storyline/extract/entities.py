"""Named entities merged across a story's articles under one canonical name.

"Vice-Premier Liu He", "Mr Liu" and "Liu" become "Liu He" (titles kept as roles); "U.S.",
"US", "United States" and "America" become "United States". Reprints are counted once:
an entity's weight is the number of independent articles that name it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from storyline.records import Entity, Mention
from storyline.settings import PERSON_SURNAME_DOMINANCE

KINDS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}

# Leading words that are a role or honorific, not part of a name (lowercased, no dots).
_TITLES = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "vice-president",
    "vice",
    "premier",
    "vice-premier",
    "prime",
    "minister",
    "secretary",
    "senator",
    "sen",
    "rep",
    "representative",
    "governor",
    "gov",
    "mayor",
    "chairman",
    "chairwoman",
    "chair",
    "chief",
    "executive",
    "ceo",
    "administrator",
    "director",
    "judge",
    "justice",
    "general",
    "gen",
    "commissioner",
    "ambassador",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "rev",
    "treasury",
    "trade",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "deputy",
    "assistant",
    "state",
    "foreign",
    "finance",
    "economy",
    "us",
    "u.s.",
    "chinese",
    "american",
    "former",
    "acting",
    "founder",
    "officer",
    "officials",
    "official",
}
PLACE_ALIASES = {
    "us": "United States",
    "u.s.": "United States",
    "u.s": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "united states": "United States",
    "the united states": "United States",
    "america": "United States",
    "the united states of america": "United States",
    "united states of america": "United States",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "the united kingdom": "United Kingdom",
    "prc": "China",
    "mainland china": "China",
    "people's republic of china": "China",
    "eu": "European Union",
    "the european union": "European Union",
    "uae": "United Arab Emirates",
    "the netherlands": "Netherlands",
}
# AP-style state abbreviations, so "Portland, Ore." names the same place as "Oregon"; the
# two-letter ones ("La.", "Pa.") are left out: without their dot they read as "LA", "PA".
_STATE_ABBREVIATIONS = {
    "ala": "Alabama",
    "ariz": "Arizona",
    "ark": "Arkansas",
    "calif": "California",
    "colo": "Colorado",
    "conn": "Connecticut",
    "fla": "Florida",
    "kan": "Kansas",
    "mass": "Massachusetts",
    "mich": "Michigan",
    "minn": "Minnesota",
    "miss": "Mississippi",
    "mont": "Montana",
    "neb": "Nebraska",
    "nev": "Nevada",
    "okla": "Oklahoma",
    "ore": "Oregon",
    "tenn": "Tennessee",
    "vt": "Vermont",
    "wash": "Washington",
    "wis": "Wisconsin",
    "wyo": "Wyoming",
}
# Matched after `clean_surface` has dropped the trailing dot ("Ore." -> "ore").
PLACE_ALIASES.update(_STATE_ABBREVIATIONS)
_POSSESSIVE = re.compile(r"(['’]s|['’])$")
# Legal-form suffixes dropped from organisation names: "Huawei Technologies Co" is "Huawei
# Technologies" (the suffix is kept as an alias).
_LEGAL_SUFFIX = re.compile(
    r",?\s+(?:Co|Corp|Corporation|Inc|Ltd|LLC|plc|PLC|AG|SA|NV|Co\.,? Ltd)\.?$"
)


# Nouns that stand for an organisation: "the company said", "Hanlon Cells, its supplier".
ORG_NOUNS = {
    "company",
    "firm",
    "agency",
    "ministry",
    "government",
    "group",
    "bank",
    "regulator",
    "department",
    "carmaker",
    "manufacturer",
    "maker",
    "retailer",
    "supplier",
    "administration",
    "commission",
}


# Words that are a name only inside a longer name ("State" of "Secretary of State", "Council"
# of "State Council"): a one-word name that is one of them never joins a longer name.
GENERIC_NAME_WORDS = (
    _TITLES
    | ORG_NOUNS
    | {"council", "office", "house", "court", "party", "union", "city", "state", "news"}
)


# One-word organisation "names" that are a part of a longer name, never one on their own.
_BARE_GENERIC = frozenset({"state", "council", "office", "house", "court", "party", "news"})


def mention_label(ent) -> str:
    """spaCy's label of an entity Span, except that a PERSON the text itself calls an
    organisation is an ORG: "Hanlon Cells, which supplies ...", "Hanlon Cells, its
    supplier", "the company's supplier, Hanlon Cells" (the small model tags it PERSON).

    An ORG that abbreviates a topic the text spells out in lowercase ("IP" beside
    "intellectual property") is an ABBREVIATION, which names no entity."""
    if ent.label_ == "ORG" and _abbreviates_common_phrase(ent):
        return "ABBREVIATION"
    if ent.label_ in ("ORG", "GPE", "FAC", "LOC") and _listed_with_people(ent):
        return "PERSON"
    if ent.label_ != "PERSON":
        return ent.label_
    if ent[-1].lower_ in EVENT_WORDS:
        return "ORG"  # "the Tony Awards", "Pulitzer Prize": never a person
    after = ent.doc[ent.end : ent.end + 2]
    if len(after) == 2 and after[0].text == "," and after[1].lower_ == "which":
        return "ORG"
    root = ent.root
    nouns = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        nouns.append(root.head)
    if any(n.lemma_.lower() in ORG_NOUNS for n in nouns):
        return "ORG"
    return "PERSON"


# Titles that say only how to address a person, not a role ("Ms Page" is not "Page (Ms)").
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx"})
# Last words of a name that make it an event or prize, not a person ("Tony Awards").
EVENT_WORDS = frozenset("awards award prize prizes festival games cup championship".split())


def _listed_with_people(ent) -> bool:
    """Whether a two- or three-word capitalised name is coordinated with a person's name
    ("stars including Britney Spears, Lindsay Lohan and Ben Affleck", "starlets like Lindsay
    Lohan and Paris Hilton"): one of a list of people is a person, whatever one sentence's
    tag says."""
    words = [t for t in ent if not t.is_punct]
    if not 2 <= len(words) <= 3 or not all(t.pos_ == "PROPN" and t.is_title for t in words):
        return False
    before = ent.doc[ent.start - 1] if ent.start else None
    if len(words) != len(ent) or before is not None and before.is_quote:
        return False  # '"American Pie" and "Scrubs"': titles in quote marks
    root = ent.root
    linked = [c for c in root.children if c.dep_ == "conj"]
    if root.dep_ == "conj":
        linked.append(root.head)
        linked += [c for c in root.head.children if c.dep_ == "conj" and c is not root]
    return any(t.ent_type_ == "PERSON" for t in linked)


def _abbreviates_common_phrase(ent) -> bool:
    """Whether a short all-caps name's letters begin the words of a lowercase phrase in the
    same text ("IP" and "intellectual property")."""
    letters = ent.text.replace(".", "").strip()
    if not (2 <= len(letters) <= 4 and letters.isalpha() and letters.isupper()):
        return False
    words = r"\s+".join(rf"{letter.lower()}[a-z]+" for letter in letters)
    return re.search(rf"(?<![A-Za-z]){words}\b", ent.doc.text) is not None


def split_role(name: str) -> tuple[str, str]:
    """Split leading titles off a name: "Vice-Premier Liu He" gives ("Liu He", "Vice-Premier")."""
    words = name.split()
    role = []
    while len(words) > 1 and words[0].casefold().rstrip(".") in _TITLES:
        role.append(words.pop(0))
    return " ".join(words), " ".join(role)


def clean_surface(text: str, label: str) -> str:
    """A mention without possessive, edge punctuation, a leading "the" (organisations and
    places) or a legal-form suffix (organisations)."""
    raw = " ".join(text.split())
    text = _POSSESSIVE.sub("", raw).strip(" ,;:\"'“”")
    text = text.rstrip(".")
    if label in ("ORG", "PLACE") and text.casefold().startswith("the "):
        text = text[4:]
    if label == "ORG":
        text = _LEGAL_SUFFIX.sub("", text) or text
    return text


def canonical_entities(mentions: Iterable[Mention], independent_of: dict[str, str]) -> list[Entity]:
    """Merge mentions into entities ranked by independent articles, then mentions.

    `independent_of` maps an article id to the id it counts as (its reprint group's original).
    """
    grouped: dict[tuple[str, str], list[tuple[str, str, Mention]]] = defaultdict(list)
    for mention, assigned in zip_assignments(mentions):
        if assigned is not None:
            kind, name, written, role = assigned
            grouped[(kind, name)].append((written, role, mention))
    entities: list[Entity] = []
    for (kind, name), members in grouped.items():
        articles = {independent_of.get(m.article_id, m.article_id) for _, _, m in members}
        entities.append(
            Entity(
                name=name,
                label=kind,
                aliases=tuple(sorted(_aliases(members, kind) - {name})),
                mention_count=len(members),
                article_ids=tuple(sorted({m.article_id for _, _, m in members})),
                source_count=len(articles),
                roles=tuple(
                    r
                    for r, _ in Counter(
                        r for _, r, _ in members if r and r.casefold().strip(".") not in HONORIFICS
                    ).most_common()
                ),
            )
        )
    return sorted(entities, key=lambda e: (-e.source_count, -e.mention_count, e.name))


def zip_assignments(mentions: Iterable[Mention]):
    """Each mention with (kind, canonical name, name as written, role) or None when it is
    not a person, organisation or place: the per-mention view of `canonical_entities`,
    which the entity evaluation scores mention by mention."""
    mentions = list(mentions)
    labelled: list[tuple[str, str, str, Mention]] = []
    # Mentions of other types (PRODUCT, WORK_OF_ART, ...) only vote on a name's kind: the
    # small model calls "Model V2" a product 8 times and a person 3 times in the demo.
    other_votes: Counter[tuple[str, str]] = Counter()
    for mention in mentions:
        kind = KINDS.get(mention.label)
        if kind is None:
            other_votes[(clean_surface(mention.text, mention.label).casefold(), mention.label)] += 1
            continue
        surface = clean_surface(mention.text, kind)
        name, role = split_role(surface) if kind == "PERSON" else (surface, "")
        if kind == "PLACE":
            name = PLACE_ALIASES.get(name.casefold(), name)
        if len(name) < 2 or not any(ch.isupper() for ch in name):
            continue
        if "," in name and kind != "PLACE":
            continue  # "People, Reid": two names the model ran together, neither one is it
        if kind == "ORG" and name.casefold() in _BARE_GENERIC:
            continue  # "State" of "Secretary of State", tagged alone: not an organisation
        labelled.append((name, role, kind, mention))
    kind_of = _majority_kinds(labelled, other_votes)
    by_kind: dict[str, list[tuple[str, str, Mention]]] = defaultdict(list)
    for name, role, _, mention in labelled:
        if kind_of[name.casefold()] in KINDS.values():
            by_kind[kind_of[name.casefold()]].append((name, role, mention))
    assigned: dict[int, tuple[str, str, str, str]] = {}
    for kind, items in by_kind.items():
        canonical = _person_names(items) if kind == "PERSON" else _case_insensitive_names(items)
        for name, role, mention in items:
            assigned[id(mention)] = (kind, canonical[name], name, role)
    return [(mention, assigned.get(id(mention))) for mention in mentions]


def _aliases(members: Sequence[tuple[str, str, Mention]], kind: str) -> set[str]:
    """Surface forms as written, less possessives and edge punctuation."""
    aliases = set()
    for _, _, mention in members:
        text = _POSSESSIVE.sub("", " ".join(mention.text.split())).strip(" ,;:\"'“”")
        aliases.add(text)
    return aliases


def _majority_kinds(
    labelled: Sequence[tuple[str, str, str, Mention]], other_votes: Counter[tuple[str, str]]
) -> dict[str, str]:
    """One kind per name: the small model's most frequent label for it across the story
    (a spaCy label outside KINDS when that wins; ties go to KINDS).

    A one-word name that is the surname of a person ("Lindqvist") is a person; one that
    begins an organisation's name ("Hanlon" of "Hanlon Cells") is that organisation.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for name, _, kind, _ in labelled:
        votes[name.casefold()][kind] += 1
    for (name, label), count in other_votes.items():
        if name in votes:
            votes[name][label] += count
    ours = set(KINDS.values())
    kinds = {
        name: max(counter, key=lambda kind: (counter[kind], kind in ours))
        for name, counter in votes.items()
    }
    surnames = {
        name.split()[-1]
        for name, kind in kinds.items()
        if kind == "PERSON" and len(name.split()) > 1
    }
    organisations = {name for name, kind in kinds.items() if kind == "ORG"}
    first_words = {name.split()[0] for name in organisations if len(name.split()) > 1}
    for name, kind in kinds.items():
        words = name.split()
        if len(words) == 1 and name in surnames:
            kinds[name] = "PERSON"
        elif kind != "PERSON" and votes[name]["PERSON"] and _surname_of_person(words, votes):
            kinds[name] = "PERSON"  # "Bettie Page" (ORG 30, PERSON 3) when "Page" is a person
        elif kind == "PERSON" and len(words) > 1 and words[0] in organisations:
            kinds[name] = "ORG"  # "Voltaro Mobility" when "Voltaro" is an organisation
        elif kind == "PERSON" and len(words) == 1 and name in first_words:
            kinds[name] = "ORG"  # "Hanlon" when "Hanlon Cells" is an organisation
    people = {(n.split()[0], n.split()[-1]) for n, k in kinds.items() if k == "PERSON"}
    for name, kind in kinds.items():
        words = name.split()
        if kind != "PERSON" and len(words) == 3 and (words[0], words[-1]) in people:
            kinds[name] = "PERSON"  # "Bettie Mae Page" is the person "Bettie Page"
    return kinds


def _surname_of_person(words: Sequence[str], votes: Mapping[str, Counter[str]]) -> bool:
    """Whether a name's last word, written alone, is mostly tagged a person in the story
    and none of its words is an organisation or place noun ("Page" for "Bettie Page", not
    "Center" for "Promises Treatment Center")."""
    if len(words) not in (2, 3) or any(w in GENERIC_NAME_WORDS or w in EVENT_WORDS for w in words):
        return False
    alone = votes.get(words[-1])
    return bool(alone) and alone["PERSON"] > sum(alone.values()) / 2


def _person_names(items: Sequence[tuple[str, str, Mention]]) -> dict[str, str]:
    """Map each person name to the most frequent full name sharing its surname.

    Full names with the same first and last word are one person ("Donald J. Trump"), and so
    is a shorter full name inside a longer one ("Mark Felt" in "W. Mark Felt"; "Jr." is not
    a surname). A one-word name ("Liu") joins the one full name ending in that word ("Liu
    He") or, for names written surname-first, starting with it; when several people share
    it, it joins the one named far more often (PERSON_SURNAME_DOMINANCE), else stays apart.
    """
    counts = Counter(name for name, _, _ in items)
    people: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in counts:
        words = _core_words(name)
        if len(words) > 1:
            people[(words[0], words[-1])].append(name)
    for key in sorted(people, key=lambda k: -sum(counts[n] for n in people[k])):
        first, last = key
        for other in list(people):
            if other != key and other[1] == last and key in people and other in people:
                if any(first in _core_words(n)[1:-1] for n in people[other]):
                    people[other].extend(people.pop(key))  # "Mark Felt" is "W. Mark Felt"
                    break
    best = {key: max(names, key=lambda n: (counts[n], -len(n))) for key, names in people.items()}
    owner = {name: key for key, names in people.items() for name in names}
    mapping = {}
    for name in counts:
        if name in owner:
            mapping[name] = best[owner[name]]
            continue
        # A first name joins a full name only when not named far more often alone: "Oscar"
        # (23 times, the award) is not "Oscar Maximillian" (once); "Liu" is "Liu He".
        matches = [
            key
            for key in people
            if name == key[1]
            or name == key[0]
            and counts[name] <= FIRST_NAME_MAX_RATIO * sum(counts[n] for n in people[key])
        ]
        if len(matches) == 1:
            mapping[name] = best[matches[0]]
            continue
        weights = sorted(((sum(counts[n] for n in people[k]), k) for k in matches), reverse=True)
        total = sum(w for w, _ in weights)
        if weights and weights[0][0] >= PERSON_SURNAME_DOMINANCE * total:
            mapping[name] = best[weights[0][1]]
        else:  # "Moreno" for Alicia and Carlos Moreno, each named as often: stays apart
            mapping[name] = name
    return mapping


# How many times more often a one-word name may be written alone than the full name it
# begins, and still be that person (set a priori, not tuned).
FIRST_NAME_MAX_RATIO = 5
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _core_words(name: str) -> list[str]:
    words = name.split()
    while len(words) > 2 and words[-1].casefold().strip(".,") in _SUFFIXES:
        words.pop()
    return words


def _case_insensitive_names(items: Sequence[tuple[str, str, Mention]]) -> dict[str, str]:
    """Merge case variants, a short name into the most frequent longer name it begins
    ("Voltaro" into "Voltaro Mobility"), and an acronym into the one name with its initials
    ("NPSA" into "National Product Safety Agency")."""
    counts = Counter(name for name, _, _ in items)
    best: dict[str, str] = {}
    for name, _ in counts.most_common():
        best.setdefault(name.casefold(), name)
    folded_counts = Counter()
    for name, n in counts.items():
        folded_counts[name.casefold()] += n
    mapping = {}
    for name in counts:
        folded = name.casefold()
        longer: list[str] = []
        if folded not in GENERIC_NAME_WORDS:
            # "Voltaro" into "Voltaro Mobility"; "Navy" into "Indian Navy", "Chiefs" into
            # "Kansas City Chiefs" when one longer name ends with it. Never a generic word:
            # "State" is not "State Council Information Office".
            longer = [
                other
                for other in best
                if other.startswith(folded + " ") and len(other.split()) <= 4
            ]
            if " " not in folded:
                ending = [o for o in best if o.endswith(" " + folded) and len(o.split()) <= 4]
                longer += ending if len(ending) == 1 else []
        if name.isupper() and len(name) >= 2 and not longer:
            longer = [other for other in best if _initials(other) == folded]
            longer = longer if len(longer) == 1 else []
        target = max(longer, key=lambda o: folded_counts[o]) if longer else folded
        mapping[name] = best[target]
    return mapping


def _initials(name: str) -> str:
    words = [w for w in name.split() if w not in {"of", "and", "the", "for"}]
    return "".join(w[0] for w in words) if len(words) > 1 else ""
