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
   Features are hashed (the "hashing trick", Weinberger et al. 2009) words and word pairs
   around the gap (w[i-1..i+2]), word shapes and lexicon case classes, plus a one-hot bucket of
   the number of words since the previous boundary. Decoding is greedy left to right with a
   minimum sentence length; a sentence reaching the maximum length is cut at its best-scoring
   gap. Run time is one numpy gather and sum, no scikit-learn.
2. Truecasing: a lexicon of the most frequent written form of each word and of 2-3 word
   phrases seen mid-sentence in real text (a unigram/phrase truecaser, after Lita et al. 2003,
   "tRuEcasIng"), which also restores joined forms ("u s" -> "U.S.", "so called" ->
   "so-called", "mr" -> "Mr."); sentence-initial capitalisation; and re-attachment of the
   pieces a stripped apostrophe leaves behind ("china s" -> "China's", "don t" -> "don't").
   Casing hints learned from the clean articles of the same batch override the lexicon.

The fitted files live in `storyline/clean/models/` and load lazily, once.
"""

from __future__ import annotations

import gzip
import io
import json
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
# unpunctuated on purpose, and the share statistics below are noisy on a few words.
MIN_WORDS_DEGRADED = 40
# Degraded when under 0.2% of letters are uppercase. Of 1,610 clean real articles of 40+ words
# (multinews, ecbplus, neus, article-extraction; `python benchmarks/fit_degraded_repair.py`
# prints the statistics), the lowest share is 0.48% and the 1st percentile 1.4%; degraded
# text has 0%.
MAX_UPPER_SHARE = 0.002
# ...and under 0.5 sentence marks (. ! ?) per 100 words. The same clean articles have at least
# 1.64 per 100 words (1st percentile 2.1); degraded text has none.
MAX_SENTENCE_MARKS_PER_100_WORDS = 0.5

# Pieces a stripped apostrophe leaves as separate words: china's, don't, they're, we'll,
# we've, I'd, I'm. Re-attached to the word before; the boundary decoder never splits there.
APOSTROPHE_PIECES = frozenset({"s", "t", "re", "ll", "ve", "d", "m"})

# Bucket edges for "words since the previous sentence boundary" (the distance feature):
# bucket k holds lengths in [edge[k-1], edge[k]). Finer where sentence ends are rare (short
# sentences), coarser in the 15-40 word range where most news sentences end.
DISTANCE_EDGES = (2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50)

# Feature templates: which words (relative to the gap after word i) each hashed feature reads.
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
)

_MODEL_PACKAGE = "storyline.clean"
_MODEL_DIR = "models"
BOUNDARY_FILE = "degraded_boundary.npz"
LEXICON_FILE = "degraded_lexicon.json.gz"

# Hash-mixing constants (splitmix64 / golden-ratio multipliers); any odd 64-bit values work,
# they only have to be the same at fit and run time.
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SEED_MULT = 0xBF58476D1CE4E5B9
_SHIFT = np.uint64(29)
# Padding ids lie outside crc32's 32-bit range, so they never collide with a word's id.
_PAD_LEFT = 1 << 33
_PAD_RIGHT = (1 << 33) + 1


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
            if end:
                closed = form.endswith(".")
                parts.append("" if i == last and closed else "." if i == last else " " if closed else ". ")
            else:
                parts.append(joiner)
        return "".join(parts)


def degrade_text(text: str) -> str:
    """Degrade clean text the way the damaged sources do: lowercase, punctuation to spaces, one line.

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

    >>> repair_degraded("the u s and china s negotiators met in beijing on monday "
    ...                 "officials said the talks went well")  # doctest: +SKIP
    "The U.S. and China's negotiators met in Beijing on Monday. Officials said the talks went well."

    Raises:
        InputError: a hint's form spells other words than its key.
        BackendUnavailable: the packaged model files are missing.
    """
    hints = _prepare_hints(casing_hints)
    pieces = _LINE_BREAKS.split(text)
    out = []
    for k, piece in enumerate(pieces):
        if k % 2:  # a line-break separator: keep paragraphs as they were
            out.append("\n\n" if piece.count("\n") > 1 else "\n")
            continue
        tokens = WORD.findall(piece.lower())
        if tokens:
            out.append(_restore(tokens, hints).text())
    return "".join(out).strip()


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
class _Model:
    weights: np.ndarray  # hashed feature weights, float32, length 2**hash_bits
    distance_weights: np.ndarray  # one weight per DISTANCE_EDGES bucket
    intercept: float
    hash_bits: int
    threshold_logit: float
    min_words: int
    max_words: int
    words: dict[str, str]  # lowercase word -> cased form (only non-lowercase forms)
    case_ids: dict[str, int]  # lowercase word -> case class of its form
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # "u s" -> (forms, joiners)
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
        threshold_logit=float(config["threshold_logit"]),
        min_words=int(config["min_words"]),
        max_words=int(config["max_words"]),
        words=words,
        case_ids={word: case_class(form) for word, form in words.items()},
        phrases=phrases,
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
    tokens: Sequence[str], case_ids: Mapping[str, int], hash_bits: int
) -> np.ndarray:
    """Hashed feature indices for the gap after each word: an (n, len(FEATURE_TEMPLATES)) array.

    Shared with the fit script so that both compute features with the same code.
    """
    n = len(tokens)
    ids = np.fromiter(
        (zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64, count=n
    )
    shapes = np.fromiter((_shape(t) for t in tokens), dtype=np.uint64, count=n)
    cases = np.fromiter((case_ids.get(t, 0) for t in tokens), dtype=np.uint64, count=n)

    def window(values: np.ndarray, offset: int, pad_left: int, pad_right: int) -> np.ndarray:
        padded = np.concatenate(
            [np.full(2, pad_left, np.uint64), values, np.full(3, pad_right, np.uint64)]
        )
        return padded[2 + offset : 2 + offset + n]

    w = {k: window(ids, k, _PAD_LEFT, _PAD_RIGHT) for k in (-1, 0, 1, 2)}
    s = {k: window(shapes, k, 8, 9) for k in (-1, 0, 1)}
    c = {k: window(cases, k, 4, 5) for k in (0, 1)}
    columns = {
        "w0": [w[0]],
        "w+1": [w[1]],
        "w-1": [w[-1]],
        "w+2": [w[2]],
        "w0|w+1": [w[0], w[1]],
        "w-1|w0": [w[-1], w[0]],
        "w+1|w+2": [w[1], w[2]],
        "w-1|w0|w+1": [w[-1], w[0], w[1]],
        "shape0|shape+1": [s[0], s[1]],
        "case0|case+1": [c[0], c[1]],
        "w0|case+1": [w[0], c[1]],
        "case0|w+1": [c[0], w[1]],
        "shape-1|shape0|shape+1": [s[-1], s[0], s[1]],
    }
    return np.stack(
        [_mix(k, columns[name], hash_bits) for k, name in enumerate(FEATURE_TEMPLATES)], axis=1
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
    threshold_logit: float,
    min_words: int,
    max_words: int,
) -> list[bool]:
    """Greedy left-to-right boundary decoding with a minimum and maximum sentence length.

    A gap ends the sentence when its score (lexical part plus the weight of the current
    sentence length) exceeds the threshold and the sentence has `min_words` words; when a
    sentence reaches `max_words` it is cut at its best-scoring allowed gap instead.
    """
    n = len(base_scores)
    ends = [False] * n
    if n == 0:
        return ends
    ends[-1] = True
    bucket_weight = [
        float(distance_weights[distance_bucket(d)]) for d in range(max_words + 1)
    ]
    scores = base_scores.tolist()
    ok = allowed.tolist()
    last = -1  # index of the word ending the previous sentence
    i = 0
    while i < n - 1:
        length = i - last
        if ok[i] and length >= min_words and scores[i] + bucket_weight[length] > threshold_logit:
            ends[i] = True
            last = i
        elif length >= max_words:
            candidates = [j for j in range(last + min_words, i + 1) if ok[j]] or [i]
            best = max(candidates, key=lambda j: scores[j] + bucket_weight[j - last])
            ends[best] = True
            last = best
            i = best
        i += 1
    return ends


def _predict_boundaries(tokens: Sequence[str], model: _Model) -> list[bool]:
    indices = gap_feature_indices(tokens, model.case_ids, model.hash_bits)
    base = model.weights[indices].sum(axis=1) + model.intercept
    return decode_boundaries(
        base,
        model.distance_weights,
        breakable_gaps(tokens),
        model.threshold_logit,
        model.min_words,
        model.max_words,
    )


# --- truecasing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hints:
    words: dict[str, str]
    phrases: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


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
    i = 0
    while i < n:
        matched = 0
        for length in (3, 2):
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
            forms[i] = hinted or model.words.get(token, token)
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
            forms[i] = form[:1].upper() + form[1:]
        start = ends[i]
    return RestoredTokens(tuple(forms), tuple(joiners), tuple(ends))  # type: ignore[arg-type]


def model_info() -> dict[str, Any]:
    """Sizes and settings of the loaded models (for benchmarks and debugging)."""
    model = _model()
    return {
        "hash_bits": model.hash_bits,
        "threshold_logit": model.threshold_logit,
        "min_words": model.min_words,
        "max_words": model.max_words,
        "words": len(model.words),
        "phrases": len(model.phrases),
        "digit_joiners": dict(model.digit_joiners),
    }
