"""Regex sentence and word splitting shared by every evaluation system.

All baselines (lead, TextRank, LexRank, random, oracle) choose among the same candidate
sentences, so the splitter is one function used everywhere. It needs no model or NLTK data:
sumy's own English tokenizer wants NLTK's punkt tables, which are not installed, so
`SumyTokenizer` hands sumy this splitter instead.

The splitter follows the usual rule-based recipe (as in Kiss & Strunk 2006's baseline and
the "golden rules" of pySBD): a line break ends a sentence; otherwise a sentence ends at
`.`, `!` or `?` (plus closing quotes or brackets) followed by white space and an upper-case
letter, digit or opening quote, unless the word before the full stop is a known
abbreviation or a single initial.
"""

from __future__ import annotations

import re

# Abbreviations that end with a full stop inside a sentence in English news copy (AP style
# titles, months, US state abbreviations, company suffixes). Words that also end sentences
# often ("no", "miss", "ill", "wash") are left out on purpose.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sen sens rep reps gov gen col lt sgt capt cmdr adm maj cpl pvt
    st jr sr rev hon atty supt det insp pres messrs mme mlle
    inc corp co ltd llc plc bros vs etc approx dept est fig vol
    jan feb mar apr jun jul aug sep sept oct nov dec
    ala ariz ark calif colo conn del fla ga kan ky la md mass mich minn mo mont neb nev
    okla ore pa tenn tex va vt wis wyo
    ft mt ave blvd rd
    """.split()
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, white space,
# then something that can start a sentence.
_BOUNDARY_RE = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_WORD_BEFORE_RE = re.compile(r"([\w.'’-]+)[.!?]+[\"'”’)\]]*$")
_WORD_RE = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
_SPACE_RE = re.compile(r"\s+")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; line breaks always end one.

    >>> split_sentences("Mr. Smith went to Washington. He met Sen. Jones.\\nThen he left.")
    ['Mr. Smith went to Washington.', 'He met Sen. Jones.', 'Then he left.']
    """
    sentences: list[str] = []
    for line in text.splitlines():
        line = _SPACE_RE.sub(" ", line).strip()
        if line:
            sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(line):
        end = match.end()
        if _is_abbreviation(line[start:end]):
            continue
        piece = line[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    tail = line[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def _is_abbreviation(chunk: str) -> bool:
    """True when the full stop ending `chunk` belongs to an abbreviation or an initial."""
    if not chunk.rstrip("\"'”’)]").endswith("."):
        return False
    match = _WORD_BEFORE_RE.search(chunk)
    if match is None:
        return False
    word = match.group(1).lstrip("(\"'“‘").lower()
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. K. Rowling"
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        return True  # "U.S", "e.g", "a.m" (the final stop was consumed by the pattern)
    return word in _ABBREVIATIONS


def split_words(sentence: str) -> list[str]:
    """Word tokens (letters and digits, keeping inner apostrophes, hyphens and stops)."""
    return _WORD_RE.findall(sentence)


def count_words(text: str) -> int:
    """Number of white-space separated words; the unit of every summary word budget."""
    return len(text.split())


class SumyTokenizer:
    """The tokenizer interface sumy's parsers call, backed by the regex splitter above.

    sumy only calls `to_sentences` and `to_words` (see `sumy.nlp.tokenizers.Tokenizer`).
    """

    language = "english"

    def to_sentences(self, text: str) -> tuple[str, ...]:
        return tuple(split_sentences(text))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(split_words(sentence))
