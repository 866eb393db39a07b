"""Truecasing degraded words: lexicon forms, phrases, context for ambiguous words, hints.

A lexicon of the most frequent written form of each word and of 2-3 word phrases seen
mid-sentence in real text (a unigram/phrase truecaser, after Lita et al. 2003, "tRuEcasIng")
also restores joined forms ("u s" -> "U.S.", "so called" -> "so-called", "mr" -> "Mr.");
naive Bayes over the neighbouring words decides words written both ways ("may"/"May",
"us"/"US"); sentence starts get a capital; the pieces a stripped apostrophe leaves behind are
re-attached ("china s" -> "China's"). Casing hints learned from the clean articles of the
same batch (`clean.casing`) override the lexicon: they know this story's new names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.clean.repair.detect import APOSTROPHE_PIECES, WORD
from storyline.clean.repair.features import case_class
from storyline.errors import InputError

# Which words take the fine-tuned tagger's case (`apply_case`) instead of the lexicon's:
# "unknown" (words the lexicon has never seen), "ambiguous" (those plus words written both
# ways, instead of the neighbour naive Bayes), "all" (every word outside a phrase or hint)
# or "none". The tagger file's own rule (`punctuation_tagger.json` "case_for", chosen on
# news dev story groups by benchmarks/fit_punctuation_model.py) is the one used.
TAGGER_CASE_CHOICES = ("none", "unknown", "ambiguous", "all")

# Weight of the prior that smooths an ambiguous word's neighbour counts (`Ambiguous.choose`);
# 2 scored best of 0.5, 2 and 8 on the dev split of the pre-issue-22 fit (gold sentence ends).
CONTEXT_PRIOR = 2.0


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A word written two ways ("may"/"May"): both forms, their counts, neighbour counts."""

    forms: tuple[str, str]
    counts: tuple[int, int]
    left: dict[str, list[int]]  # previous word -> count beside each form
    right: dict[str, list[int]]  # next word ("</s>" at a sentence end) -> counts

    def choose(self, previous: str, following: str) -> str:
        """Naive Bayes over the previous and next word; unseen neighbours add no evidence.

        A stored neighbour's likelihood is smoothed towards its overall share (Dirichlet
        prior of weight `CONTEXT_PRIOR`), so one sighting cannot outweigh the counts.
        """
        total = self.counts[0] + self.counts[1]
        scores = [math.log(self.counts[0] + 1), math.log(self.counts[1] + 1)]
        for table, word in ((self.left, previous), (self.right, following)):
            seen = table.get(word)
            if seen is None or not total:
                continue
            share = (seen[0] + seen[1]) / total
            for k in (0, 1):
                scores[k] += math.log(
                    (seen[k] + CONTEXT_PRIOR * share) / (self.counts[k] + CONTEXT_PRIOR)
                )
        return self.forms[0] if scores[0] >= scores[1] else self.forms[1]


def split_form(form: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a phrase form ("U.S.") into per-word forms ("U", "S.") and joiners (".")."""
    matches = list(WORD.finditer(form))
    forms = []
    joiners = []
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(form)
        between = form[match.end() : end]
        if k + 1 < len(matches):
            forms.append(match.group())
            joiners.append(between)
        else:  # trailing text ("." of an acronym) belongs to the last word
            forms.append(match.group() + between)
            joiners.append(" ")
    return tuple(forms), tuple(joiners)


@dataclass(frozen=True, slots=True)
class Hints:
    words: dict[str, str]
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]

    @property
    def phrase_starts(self) -> frozenset[str]:
        return frozenset(key.split(" ", 1)[0] for key in self.phrases)


NO_HINTS = Hints({}, {})


def prepare_hints(casing_hints: Mapping[str, str] | None) -> Hints:
    """Split hints into one-word forms and phrase forms, checking each spells its key."""
    if not casing_hints:
        return NO_HINTS
    words: dict[str, str] = {}
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    implied: dict[str, str] = {}
    for key, form in casing_hints.items():
        key_tokens = WORD.findall(str(key).lower())
        form = str(form).replace("\u2019", "'")
        forms, joiners = split_form(form)
        if not key_tokens:
            continue
        if [WORD.match(f).group().lower() for f in forms] != key_tokens:
            raise InputError(
                "casing_hints",
                f"hint {key!r} -> {form!r} spells other words than its key",
                "a hint maps a lowercase word to the same word cased, e.g. 'liu' -> 'Liu'",
            )
        if len(key_tokens) == 1:
            words[key_tokens[0]] = forms[0]
        else:
            phrases[" ".join(key_tokens)] = (forms, joiners)
            # "wework's" -> "WeWork's" also says how "wework" alone is written; a spaced
            # name ("Liu He") does not: "he" alone stays a pronoun.
            for token, token_form in zip(key_tokens, forms, strict=True):
                if " " in form:
                    break
                if case_class(token_form):
                    implied.setdefault(token, WORD.match(token_form).group())
    for token, token_form in implied.items():
        words.setdefault(token, token_form)
    return Hints(words, phrases)


def apply_case(
    tokens: Sequence[str],
    marks: Sequence[str],
    lexicon,
    hints: Hints,
    case_probabilities: np.ndarray | None = None,
    tagger_case_for: str = "none",
) -> tuple[list[str], list[str]]:
    """Cased forms and joiners (text to the next word) for lowercase `tokens`.

    `marks[i]` is the punctuation after word i ("" , . ?); phrases never span a mark, and
    the word after "." or "?" starts a sentence. `lexicon` is `model_files.Lexicon`.
    `case_probabilities` (n, 3: lower, Capitalised, UPPER) from the tagger decide the words
    `tagger_case_for` names (see TAGGER_CASE_CHOICES); hints and phrases always win.
    """
    n = len(tokens)
    ends = [m in (".", "?") for m in marks]
    forms: list[str | None] = [None] * n
    joiners = [" "] * n
    in_phrase = [False] * n

    # Phrases first (hints, then lexicon), longest match, never across a mark.
    starts = lexicon.phrase_starts | hints.phrase_starts
    i = 0
    while i < n:
        matched = 0
        for length in (3, 2) if tokens[i] in starts else ():
            if i + length > n or any(marks[i : i + length - 1]):
                continue
            key = " ".join(tokens[i : i + length])
            entry = hints.phrases.get(key) or lexicon.phrases.get(key)
            if entry:
                phrase_forms, phrase_joiners = entry
                for k in range(length):
                    forms[i + k] = phrase_forms[k]
                    joiners[i + k] = phrase_joiners[k]
                    in_phrase[i + k] = True
                matched = length
                break
        i += matched or 1

    for i, token in enumerate(tokens):
        hinted = hints.words.get(token)
        if forms[i] is None:
            ambiguous = lexicon.ambiguous.get(token)
            if hinted:
                forms[i] = hinted
            elif case_probabilities is not None and _tagger_decides(
                token, lexicon, tagger_case_for
            ):
                forms[i] = _tagger_form(token, case_probabilities[i], lexicon)
            elif ambiguous:
                previous = "<s>" if i == 0 or ends[i - 1] else tokens[i - 1]
                following = "</s>" if ends[i] or i + 1 == n else tokens[i + 1]
                forms[i] = ambiguous.choose(previous, following)
            else:
                forms[i] = lexicon.words.get(token, token)
        elif hinted:  # a hint sets the case of its word inside a lexicon phrase too
            forms[i] = hinted + forms[i][len(token) :]

    for i in range(n - 1):
        if marks[i] or in_phrase[i + 1] or (in_phrase[i] and joiners[i] != " "):
            continue
        a, b = tokens[i], tokens[i + 1]
        if b in APOSTROPHE_PIECES and a.isalpha():
            joiners[i] = "'"
        elif a.isdigit() and b.isdigit():
            joiners[i] = lexicon.digit_joiners.get((min(len(a), 4), min(len(b), 4)), " ")

    start = True
    for i in range(n):
        form = forms[i]
        if start and form == form.lower():
            forms[i] = capitalise(form)
        start = ends[i]
    return forms, joiners  # type: ignore[return-value]


def _tagger_decides(token: str, lexicon, tagger_case_for: str) -> bool:
    if tagger_case_for == "none" or not token.isalpha():
        return False
    unknown = token not in lexicon.class_ids and token not in lexicon.words
    if tagger_case_for == "unknown":
        return unknown
    if tagger_case_for == "ambiguous":
        return unknown or token in lexicon.ambiguous
    return True


def _tagger_form(token: str, probabilities: np.ndarray, lexicon) -> str:
    """The tagger's case class applied to `token`; the lexicon's spelling when it matches.

    A capitalised class keeps the lexicon's inner capitals ("McDonald", "iPhone").
    """
    choice = int(np.argmax(probabilities))
    if choice == 0:
        return token
    if choice == 2:
        return token.upper()
    known = lexicon.words.get(token, "")
    return known if known[:1].isupper() and not known.isupper() else capitalise(token)


def capitalise(word: str) -> str:
    """Uppercase the first letter, unless that changes the word's lowercase ("ß" -> "SS")."""
    first = word[:1].upper()
    if len(first) == 1 and first.lower() == word[:1]:
        return first + word[1:]
    return word
