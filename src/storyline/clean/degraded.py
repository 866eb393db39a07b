"""Detect and repair degraded article text: lowercased, punctuation stripped, on one line.

Some sources deliver an article with every letter lowercased, every punctuation mark and
apostrophe replaced by a space and its line breaks removed ("when donald trump blasts china s
unfair business tactics he ..."). spaCy then parses one 1,000-word sentence and misses the
lowercase names, so such text is detected (`is_degraded`) and repaired (`repair_degraded`)
before any NLP runs.

Method. Repair undoes the degradation with two small models fitted offline on real news text
degraded the same way (`benchmarks/fit_degraded_repair.py`; scores on held-out stories from
`benchmarks/eval_degraded_repair.py`):

1. Sentence boundaries: binary logistic regression deciding, for each gap between two words,
   whether a sentence ends there (punctuation restoration as gap classification, as in
   Stolcke & Shriberg 1996, "Automatic linguistic segmentation of conversational speech").
   Features are hashed (the "hashing trick", Weinberger et al. 2009) words, word pairs and
   triples around the gap (w[i-1..i+2]), word shapes, lexicon case classes, word classes (each
   word's usual Penn Treebank tag, looked up, so no tagger runs), plus a one-hot bucket of the
   number of words since the previous end. Decoding is a Viterbi search over (gap, sentence
   length) states, i.e. a semi-Markov segmentation with sentences of a minimum and maximum
   length. Run time is a numpy gather and sum plus the search; no scikit-learn, no spaCy.
2. Truecasing: a lexicon of the most frequent written form of each word and of 2-3 word
   phrases seen mid-sentence in real text (a unigram/phrase truecaser, after Lita et al. 2003,
   "tRuEcasIng"), which also restores joined forms ("u s" -> "U.S.", "so called" ->
   "so-called", "mr" -> "Mr."); naive Bayes over the neighbouring words for words written
   both ways ("may"/"May", "us"/"US"); sentence-initial capitals; and re-attachment of the
   pieces a stripped apostrophe leaves behind ("china s" -> "China's", "don t" -> "don't").
   Casing hints learned from the clean articles of the same batch override the lexicon.

The fitted files live in `storyline/clean/models/` and load lazily, once. Module-level names
outside `__all__` (`gap_feature_indices`, `decode_boundaries`, ...) are shared with the fit
and evaluation scripts so that fitting and run time use the same code.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from storyline.errors import BackendUnavailable, InputError

__all__ = [
    "RestoredTokens",
    "degrade_text",
    "is_degraded",
    "repair_degraded",
    "restore_degraded_tokens",
]

# A word is a maximal run of letters and digits; degradation turns everything else into spaces.
WORD = re.compile(r"[^\W_]+")
_SENTENCE_PUNCT = re.compile(r"[.!?]")
_LINE_BREAKS = re.compile(r"(\s*\n\s*)")

# Texts shorter than this are never flagged: a headline or caption may be lowercase and
# unpunctuated on purpose, and the share statistics below are noisy on a few words. 40 words
# is about two news sentences (median gold sentence: 18 words, printed by the fit script).
MIN_WORDS_DEGRADED = 40
# Degraded when under 0.2% of letters are uppercase. Of the 1,303 clean training articles of
# 40+ words (multinews, ecbplus, neus, article-extraction; `python
# benchmarks/fit_degraded_repair.py` prints these statistics and stores them in the lexicon
# file), the lowest share is 0.56% and the 1st percentile 1.4%; degraded text has 0%, so the
# cut leaves room for a few stray capitals (a clean byline line) on either side.
MAX_UPPER_SHARE = 0.002
# ...and under 0.5 sentence marks (. ! ?) per 100 words. The same clean articles have at least
# 1.64 per 100 words (1st percentile 2.13); degraded text has none.
MAX_SENTENCE_MARKS_PER_100_WORDS = 0.5

# Pieces a stripped apostrophe leaves as separate words: china's, don't, they're, we'll,
# we've, I'd, I'm. Re-attached to the word before; the boundary decoder never splits there.
APOSTROPHE_PIECES = frozenset({"s", "t", "re", "ll", "ve", "d", "m"})

# Weight of the prior that smooths an ambiguous word's neighbour counts (`_Ambiguous.choose`);
# 2 scored best of 0.5, 2 and 8 on the dev split (fit script, gold sentence ends).
_CONTEXT_PRIOR = 2.0

# Bucket edges for "words since the previous sentence boundary" (the distance feature):
# bucket k holds lengths in [edge[k-1], edge[k]). Finer where sentence ends are rare (short
# sentences), coarser in the 15-40 word range where most news sentences end.
DISTANCE_EDGES = (2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50)

# Feature templates over the gap after word i: words (w), their word class (t: the most
# frequent Penn Treebank tag of the word in tagged training text), shapes and case classes.
# The fit script uses the same function, so training and run time cannot drift apart.
FEATURE_TEMPLATES = (
    "w0",  # the word before the gap
    "w+1",  # the word after it
    "w-1",
    "w+2",
    "w0|w+1",
    "w-1|w0",
    "w+1|w+2",
    "w-1|w0|w+1",
    "shape0|shape+1",
    "case0|case+1",
    "w0|case+1",
    "case0|w+1",
    "shape-1|shape0|shape+1",
    "t0",
    "t+1",
    "t-1|t0",
    "t0|t+1",
    "t+1|t+2",
    "t-1|t0|t+1",
    "t0|t+1|t+2",
    "t-2|t-1|t0",
    "t+1|t+2|t+3",
    "w0|t+1",
    "t0|w+1",
)


def _parse_template(name: str) -> tuple[tuple[str, int], ...]:
    """Split a template name into (kind, offset) parts: "w-1|t0" -> (("w", -1), ("t", 0))."""
    parts = []
    for part in name.split("|"):
        kind = part.rstrip("+-0123456789")
        parts.append((kind, int(part[len(kind) :])))
    return tuple(parts)


_TEMPLATE_PARTS = tuple(_parse_template(name) for name in FEATURE_TEMPLATES)
_PAD = 3  # widest template offset
# Padding values per feature kind (left, right): outside each kind's value range. Word ids are
# crc32 values (< 2**32), so their padding lies above that range.
_PADDING = {"w": (1 << 33, (1 << 33) + 1), "shape": (8, 9), "case": (4, 5), "t": (1000, 1001)}

_MODEL_PACKAGE = "storyline.clean"
_MODEL_DIR = "models"
BOUNDARY_FILE = "degraded_boundary.npz"
LEXICON_FILE = "degraded_lexicon.json.gz"

# Hash-mixing constants (splitmix64 / golden-ratio multipliers); any odd 64-bit values work,
# they only have to be the same at fit and run time.
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SEED_MULT = 0xBF58476D1CE4E5B9
_SHIFT = np.uint64(29)


@dataclass(frozen=True, slots=True)
class RestoredTokens:
    """The words of a repaired text: cased forms, what follows each, and sentence ends.

    `forms[i]` is word i as it should be written ("China", "U", "S.", "Mr."); `joiners[i]` is
    the text between it and the next word (" ", "'", "-", "."); `sentence_ends[i]` says a
    sentence ends after word i. `text()` renders them; the benchmark scores these fields.
    """

    forms: tuple[str, ...]
    joiners: tuple[str, ...]
    sentence_ends: tuple[bool, ...]

    def text(self) -> str:
        """Render the words as text, with ". " after each sentence."""
        parts: list[str] = []
        last = len(self.forms) - 1
        for i, (form, joiner, end) in enumerate(
            zip(self.forms, self.joiners, self.sentence_ends, strict=True)
        ):
            parts.append(form)
            if not end:
                parts.append(joiner)
            elif i < last:
                parts.append(" " if form.endswith(".") else ". ")
            elif not form.endswith("."):
                parts.append(".")
        return "".join(parts)


def degrade_text(text: str) -> str:
    """Damage clean text as the broken sources do: lowercase, punctuation to spaces, one line.

    Used to build training and test data from real articles, so the models see exactly the
    damage they must undo.

    >>> degrade_text("China's deal, said Mr. Liu.\\nU.S. officials agreed.")
    'china s deal said mr liu u s officials agreed'
    """
    return " ".join(match.group().lower() for match in WORD.finditer(text))


def is_degraded(text: str) -> bool:
    """Tell whether `text` arrived lowercased and without sentence punctuation.

    Such text needs `repair_degraded` before parsing. Both defects must be present: text that
    keeps its punctuation (or its capitals) still carries what the repair would guess.
    Texts under `MIN_WORDS_DEGRADED` words are never flagged.

    >>> is_degraded("the minister said the talks would resume on monday " * 5)
    True
    >>> is_degraded("The minister said the talks would resume on Monday. " * 5)
    False
    """
    words = text.split()
    if len(words) < MIN_WORDS_DEGRADED:
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    upper_share = sum(c.isupper() for c in letters) / len(letters)
    marks_per_100 = 100 * len(_SENTENCE_PUNCT.findall(text)) / len(words)
    return upper_share < MAX_UPPER_SHARE and marks_per_100 < MAX_SENTENCE_MARKS_PER_100_WORDS


def repair_degraded(text: str, casing_hints: Mapping[str, str] | None = None) -> str:
    """Restore sentence breaks and capitals in degraded text.

    Inserts ". " where the boundary model ends a sentence, capitalises sentence starts, names,
    places and acronyms from the shipped lexicon, and re-attaches apostrophe pieces. Line
    breaks already in `text` are kept as sentence ends. `casing_hints` (lowercase word or
    phrase -> preferred form, e.g. from the clean articles of the same batch) override the
    lexicon for the words they cover.

    >>> repair_degraded("the senate voted on tuesday to extend the program the house is "
    ...                 "expected to follow next week")
    'The Senate voted on Tuesday to extend the program. The House is expected to follow next week.'

    Raises:
        InputError: a hint's form spells other words than its key.
        BackendUnavailable: the packaged model files are missing.
    """
    hints = _prepare_hints(casing_hints)
    pieces = _LINE_BREAKS.split(text)
    out: list[str] = []
    separator = ""
    for k, piece in enumerate(pieces):
        if k % 2:  # a line-break separator: keep paragraphs (blank lines) as they were
            separator = max(separator, "\n\n" if piece.count("\n") > 1 else "\n", key=len)
            continue
        tokens = WORD.findall(piece.lower())
        if tokens:
            if out:
                out.append(separator)
            out.append(_restore(tokens, hints).text())
            separator = ""
    return "".join(out)


def restore_degraded_tokens(
    tokens: Sequence[str], casing_hints: Mapping[str, str] | None = None
) -> RestoredTokens:
    """Repair a sequence of lowercase words; the token-level core of `repair_degraded`.

    Useful when the caller must keep word positions (the benchmark scores these per word).
    """
    tokens = [t.lower() for t in tokens]
    return _restore(tokens, _prepare_hints(casing_hints))


# --- model files -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ambiguous:
    """A word written two ways ("may"/"May"): both forms, their counts, neighbour counts."""

    forms: tuple[str, str]
    counts: tuple[int, int]
    left: dict[str, list[int]]  # previous word -> count beside each form
    right: dict[str, list[int]]  # next word ("</s>" at a sentence end) -> counts

    def choose(self, previous: str, following: str) -> str:
        """Naive Bayes over the previous and next word; unseen neighbours add no evidence.

        A stored neighbour's likelihood is smoothed towards its overall share (Dirichlet
        prior of weight `_CONTEXT_PRIOR`), so one sighting cannot outweigh the counts.
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
                    (seen[k] + _CONTEXT_PRIOR * share) / (self.counts[k] + _CONTEXT_PRIOR)
                )
        return self.forms[0] if scores[0] >= scores[1] else self.forms[1]


@dataclass(frozen=True, slots=True)
class _Model:
    weights: np.ndarray  # hashed feature weights, float32, length 2**hash_bits
    distance_weights: np.ndarray  # one weight per DISTANCE_EDGES bucket
    intercept: float
    hash_bits: int
    boundary_bias: float
    min_words: int
    max_words: int
    words: dict[str, str]  # lowercase word -> cased form (only non-lowercase forms)
    case_ids: dict[str, int]  # lowercase word -> case class of its form
    class_ids: dict[str, int]  # lowercase word -> word class (index of its usual tag)
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # "u s" -> (forms, joiners)
    phrase_starts: frozenset[str]  # first words of `phrases`
    ambiguous: dict[str, _Ambiguous]  # "may" -> its two forms and their context counts
    digit_joiners: dict[tuple[int, int], str]  # (digits of a, digits of b) -> joiner


def _read_model_file(name: str) -> bytes:
    path = resources.files(_MODEL_PACKAGE) / _MODEL_DIR / name
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise BackendUnavailable(
            f"degraded-text model file {name} is missing from storyline/clean/models "
            "(reinstall storyline, or rebuild it with python benchmarks/fit_degraded_repair.py)"
        ) from exc


@cache
def _model() -> _Model:
    """Load the fitted boundary weights and casing lexicon once per process."""
    lexicon = json.loads(gzip.decompress(_read_model_file(LEXICON_FILE)).decode("utf-8"))
    arrays = np.load(io.BytesIO(_read_model_file(BOUNDARY_FILE)), allow_pickle=False)
    config = lexicon["boundary"]
    words = lexicon["words"]
    phrases = {key: _split_form(form) for key, form in lexicon["phrases"].items()}
    digit_joiners = {
        (int(a), int(b)): joiner
        for key, joiner in lexicon["digit_joiners"].items()
        for a, b in [key.split(",")]
    }
    return _Model(
        weights=arrays["weights"].astype(np.float32),
        distance_weights=arrays["distance_weights"].astype(np.float32),
        intercept=float(config["intercept"]),
        hash_bits=int(config["hash_bits"]),
        boundary_bias=float(config["boundary_bias"]),
        min_words=int(config["min_words"]),
        max_words=int(config["max_words"]),
        words=words,
        case_ids={word: case_class(form) for word, form in words.items()},
        class_ids=lexicon["word_classes"],
        phrases=phrases,
        phrase_starts=frozenset(key.split(" ", 1)[0] for key in phrases),
        ambiguous={
            word: _Ambiguous(
                tuple(entry["forms"]), tuple(entry["counts"]), entry["left"], entry["right"]
            )
            for word, entry in lexicon["ambiguous"].items()
        },
        digit_joiners=digit_joiners,
    )


def case_class(form: str) -> int:
    """Case class of a written form: 0 lower, 1 Title, 2 UPPER, 3 mIxed (a feature input)."""
    core = form.rstrip(".")
    if not core or core == core.lower():
        return 0
    if core[0].isupper() and core[1:] == core[1:].lower():
        return 1
    if core == core.upper():
        return 2
    return 3


def _split_form(form: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
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


# --- sentence boundaries ---------------------------------------------------------------------


def _shape(token: str) -> int:
    if token.isdigit():
        return 1 if len(token) <= 2 else 2 if len(token) == 4 else 3
    if token.isalpha():
        return 4 if len(token) == 1 else 5 if len(token) <= 3 else 6
    return 7


def _mix(template: int, columns: Sequence[np.ndarray], hash_bits: int) -> np.ndarray:
    """Hash one feature template's value columns into `hash_bits`-bit indices (vectorised)."""
    seed = ((template + 1) * _SEED_MULT) % (1 << 64)
    h = np.full(columns[0].shape[0], seed, dtype=np.uint64)
    for column in columns:
        h ^= column
        h *= _MIX
        h ^= h >> _SHIFT
    return (h >> np.uint64(64 - hash_bits)).astype(np.intp)


def gap_feature_indices(
    tokens: Sequence[str],
    case_ids: Mapping[str, int],
    class_ids: Mapping[str, int],
    hash_bits: int,
) -> np.ndarray:
    """Hashed feature indices for the gap after each word: an (n, len(FEATURE_TEMPLATES)) array.

    Shared with the fit script so that both compute features with the same code.
    """
    n = len(tokens)
    ids = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64, count=n)
    shapes = np.fromiter((_shape(t) for t in tokens), dtype=np.uint64, count=n)
    cases = np.fromiter((case_ids.get(t, 0) for t in tokens), dtype=np.uint64, count=n)
    classes = np.fromiter((class_ids.get(t, 0) for t in tokens), dtype=np.uint64, count=n)

    values = {"w": ids, "shape": shapes, "case": cases, "t": classes}
    padded = {
        kind: np.concatenate(
            [
                np.full(_PAD, _PADDING[kind][0], np.uint64),
                v,
                np.full(_PAD, _PADDING[kind][1], np.uint64),
            ]
        )
        for kind, v in values.items()
    }
    return np.stack(
        [
            _mix(
                k,
                [padded[kind][_PAD + offset : _PAD + offset + n] for kind, offset in parts],
                hash_bits,
            )
            for k, parts in enumerate(_TEMPLATE_PARTS)
        ],
        axis=1,
    )


def distance_bucket(words_in_sentence: int) -> int:
    """Bucket of the distance feature for a sentence that has `words_in_sentence` words so far."""
    return int(np.searchsorted(DISTANCE_EDGES, words_in_sentence, side="right"))


def breakable_gaps(tokens: Sequence[str]) -> np.ndarray:
    """Gaps where a sentence may end: not before an apostrophe piece ("china | s")."""
    n = len(tokens)
    allowed = np.ones(n, dtype=bool)
    for i in range(n - 1):
        if tokens[i + 1] in APOSTROPHE_PIECES:
            allowed[i] = False
    return allowed


def decode_boundaries(
    base_scores: np.ndarray,
    distance_weights: np.ndarray,
    allowed: np.ndarray,
    boundary_bias: float,
    min_words: int,
    max_words: int,
) -> list[bool]:
    """Most probable sentence ends: Viterbi search over (gap, sentence length so far) states.

    The classifier's probability of an end at gap i depends on the current sentence length
    (the distance feature), which itself depends on earlier decisions; so instead of deciding
    greedily, this finds the segmentation maximising the summed log-probabilities (a
    semi-Markov segmentation, Sarawagi & Cohen 2004), with sentences of `min_words` to
    `max_words` words. `boundary_bias` is added to each end's log-probability, trading
    precision for recall (tuned on dev data by the fit script).
    """
    n = len(base_scores)
    if n == 0:
        return []
    ends = [False] * n
    ends[-1] = True
    if n == 1:
        return ends
    lengths = np.arange(1, max_words + 1)
    length_weight = distance_weights[np.searchsorted(DISTANCE_EDGES, lengths, side="right")]
    logits = base_scores[: n - 1, None] + length_weight[None, :]  # (gaps, lengths)
    end_score = -np.logaddexp(0.0, -logits) + boundary_bias
    go_on = -np.logaddexp(0.0, logits)
    end_score[:, : min_words - 1] = -np.inf
    # Never before an apostrophe piece, unless the sentence is already at its longest.
    end_score[~allowed[: n - 1], : max_words - 1] = -np.inf
    best = np.full(max_words, -np.inf)  # best[d-1]: best score with d words in the sentence
    best[0] = 0.0
    came_from = np.empty(n - 1, dtype=np.intp)  # length ended at gap i when a sentence ends
    following = np.empty_like(best)
    for i in range(n - 1):
        ending = best + end_score[i]
        k = ending.argmax()
        came_from[i] = k
        np.add(best[:-1], go_on[i, :-1], out=following[1:])
        following[0] = ending[k]
        best, following = following, best
    length = int(np.argmax(best))  # words of the last sentence, minus one
    for i in range(n - 2, -1, -1):
        if length == 0:
            ends[i] = True
            length = int(came_from[i])
        else:
            length -= 1
    return ends


def _predict_boundaries(tokens: Sequence[str], model: _Model) -> list[bool]:
    indices = gap_feature_indices(tokens, model.case_ids, model.class_ids, model.hash_bits)
    base = model.weights[indices].sum(axis=1) + model.intercept
    return decode_boundaries(
        base,
        model.distance_weights,
        breakable_gaps(tokens),
        model.boundary_bias,
        model.min_words,
        model.max_words,
    )


# --- truecasing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hints:
    words: dict[str, str]
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]

    @property
    def phrase_starts(self) -> frozenset[str]:
        return frozenset(key.split(" ", 1)[0] for key in self.phrases)


_NO_HINTS = _Hints({}, {})


def _prepare_hints(casing_hints: Mapping[str, str] | None) -> _Hints:
    """Split hints into one-word forms and phrase forms, checking each spells its key."""
    if not casing_hints:
        return _NO_HINTS
    words: dict[str, str] = {}
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    implied: dict[str, str] = {}
    for key, form in casing_hints.items():
        key_tokens = WORD.findall(str(key).lower())
        form = str(form).replace("\u2019", "'")
        forms, joiners = _split_form(form)
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
            # "wework's" -> "WeWork's" also says how "wework" alone is written.
            for token, token_form in zip(key_tokens, forms, strict=True):
                if case_class(token_form):
                    implied.setdefault(token, WORD.match(token_form).group())
    for token, token_form in implied.items():
        words.setdefault(token, token_form)
    return _Hints(words, phrases)


def _restore(tokens: list[str], hints: _Hints) -> RestoredTokens:
    model = _model()
    n = len(tokens)
    ends = _predict_boundaries(tokens, model)
    forms: list[str | None] = [None] * n
    joiners = [" "] * n
    in_phrase = [False] * n

    # Phrases first (hints, then lexicon), longest match, never across a sentence end.
    starts = model.phrase_starts | hints.phrase_starts
    i = 0
    while i < n:
        matched = 0
        for length in (3, 2) if tokens[i] in starts else ():
            if i + length > n or any(ends[i : i + length - 1]):
                continue
            key = " ".join(tokens[i : i + length])
            entry = hints.phrases.get(key) or model.phrases.get(key)
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
            ambiguous = model.ambiguous.get(token)
            if hinted:
                forms[i] = hinted
            elif ambiguous:
                previous = "<s>" if i == 0 or ends[i - 1] else tokens[i - 1]
                following = "</s>" if ends[i] else tokens[i + 1]
                forms[i] = ambiguous.choose(previous, following)
            else:
                forms[i] = model.words.get(token, token)
        elif hinted:  # a hint sets the case of its word inside a lexicon phrase too
            forms[i] = hinted + forms[i][len(token) :]

    for i in range(n - 1):
        if ends[i] or in_phrase[i + 1] or (in_phrase[i] and joiners[i] != " "):
            continue
        a, b = tokens[i], tokens[i + 1]
        if b in APOSTROPHE_PIECES and a.isalpha():
            joiners[i] = "'"
        elif a.isdigit() and b.isdigit():
            joiners[i] = model.digit_joiners.get((min(len(a), 4), min(len(b), 4)), " ")

    start = True
    for i in range(n):
        form = forms[i]
        if start and form == form.lower():
            forms[i] = _capitalise(form)
        start = ends[i]
    return RestoredTokens(tuple(forms), tuple(joiners), tuple(ends))  # type: ignore[arg-type]


def _capitalise(word: str) -> str:
    """Uppercase the first letter, unless that changes the word's lowercase ("ß" -> "SS")."""
    first = word[:1].upper()
    if len(first) == 1 and first.lower() == word[:1]:
        return first + word[1:]
    return word


def model_info() -> dict[str, Any]:
    """Sizes and settings of the loaded models (for benchmarks and debugging)."""
    model = _model()
    return {
        "hash_bits": model.hash_bits,
        "boundary_bias": model.boundary_bias,
        "min_words": model.min_words,
        "max_words": model.max_words,
        "words": len(model.words),
        "phrases": len(model.phrases),
        "digit_joiners": dict(model.digit_joiners),
    }
