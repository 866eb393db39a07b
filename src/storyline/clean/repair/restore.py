"""Repair degraded text: punctuation and sentence ends, case, numbers; per-sentence confidence.

`restore_degraded_tokens` is the token-level core: the fine-tuned MiniLM tagger (`encoder`)
gives each word's punctuation and case probabilities, marks are chosen from them
(`boundaries.tagger_marks`), the words are truecased (`truecase`, the lexicon with the
tagger's case for words the lexicon cannot decide) and numbers made readable (`render`).
Without onnxruntime it falls back to the lexical model that shipped before issue 22
(sentence ends only). Names are never split: no mark is put between two
words of a casing-hint phrase ("liu he" -> "Liu He") or of a lexicon phrase.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np

from storyline.clean.repair import boundaries, calibration, model_files, truecase
from storyline.clean.repair.detect import WORD
from storyline.clean.repair.render import RestoredTokens, drop_number_commas, fix_numbers
from storyline.errors import BackendUnavailable, ConfigError

_LINE_BREAKS = re.compile(r"(\s*\n\s*)")
METHODS = ("model", "lexical")


def restore_degraded_tokens(
    tokens: Sequence[str],
    casing_hints: Mapping[str, str] | None = None,
    method: str = "model",
) -> RestoredTokens:
    """Repair a sequence of lowercase words, keeping word positions (benchmarks score these).

    `method` "model" is the fine-tuned tagger (the default; falls back to "lexical" when
    onnxruntime is not installed); "lexical" is the pre-issue-22 repair.
    """
    if method not in METHODS:
        raise ConfigError(f"unknown repair method {method!r}; valid: {METHODS}")
    words = [t.lower() for t in tokens]
    return _restore(words, truecase.prepare_hints(casing_hints), method)


def repair_degraded(text: str, casing_hints: Mapping[str, str] | None = None) -> str:
    """Restore punctuation, sentence breaks and capitals in degraded text.

    Line breaks already in `text` are kept as sentence ends. `casing_hints` (lowercase word or
    phrase -> preferred form, e.g. from the clean articles of the same batch) override the
    lexicon for the words they cover.

    Raises:
        InputError: a hint's form spells other words than its key.
        BackendUnavailable: the packaged model files are missing.
    """
    return "".join(text for text, _ in _repaired_pieces(text, casing_hints))


def repaired_sentences(
    text: str, casing_hints: Mapping[str, str] | None = None
) -> list[tuple[str, float]]:
    """The repaired sentences of degraded `text` with their confidences (0-1).

    A sentence's confidence is the calibrated probability that it is whole, both
    boundaries right (`calibration`, fitted on degraded news dev story groups); the raw
    product of its gap decisions' probabilities, which treats gaps as independent and is
    not calibrated, is the fallback. `repair_degraded(text)` is these sentences joined (by
    spaces, or the line breaks of the input).
    """
    repaired, spans = repair_with_confidences(text, casing_hints)
    return [(repaired[start:end], confidence) for start, end, confidence in spans]


def repair_with_confidences(
    text: str, casing_hints: Mapping[str, str] | None = None
) -> tuple[str, list[tuple[int, int, float]]]:
    """`repair_degraded(text)` and the (start, end, confidence) span of each of its sentences.

    One model run for both; `clean.article` can store the spans with the repaired text so
    the briefing quotes only sentences at or above `SUMMARY_MIN_REPAIR_CONFIDENCE`.
    """
    out: list[str] = []
    spans: list[tuple[int, int, float]] = []
    position = 0
    for piece, restored in _repaired_pieces(text, casing_hints):
        if restored is not None:
            cursor = 0
            for sentence, confidence in sentence_confidences(restored):
                start = piece.find(sentence, cursor)
                spans.append((position + start, position + start + len(sentence), confidence))
                cursor = start + len(sentence)
        out.append(piece)
        position += len(piece)
    return "".join(out), spans


def repaired_sentence_confidences(
    text: str, casing_hints: Mapping[str, str] | None = None
) -> list[tuple[int, int, float]]:
    """(start, end, confidence) character spans of each sentence in `repair_degraded(text)`."""
    return repair_with_confidences(text, casing_hints)[1]


def sentence_confidences(restored: RestoredTokens) -> list[tuple[str, float]]:
    """Split a restored token run into (sentence text, confidence) pairs.

    The confidence is the calibrated probability that the sentence is whole
    (`calibration`), or the raw product of its gap decisions' probabilities when no
    calibration applies (the file is absent, or the lexical fallback decided the gaps).
    """
    pieces = restored.pieces()
    confidences = restored.confidences or (1.0,) * len(pieces)
    calibrated = calibration.calibrated_confidences(restored)
    out = []
    start = 0
    before = 1.0  # the decision that started this sentence (the text's start is certain)
    for i, end in enumerate(restored.sentence_ends):
        if not end:
            continue
        inner = float(np.prod(confidences[start:i])) if i > start else 1.0
        last = confidences[i] if i < len(pieces) - 1 else 1.0
        score = before * inner * last if calibrated is None else calibrated[len(out)]
        out.append(("".join(pieces[start : i + 1]).strip(), score))
        before = last
        start = i + 1
    return out


def _repaired_pieces(text: str, casing_hints: Mapping[str, str] | None):
    hints = truecase.prepare_hints(casing_hints)
    pieces = _LINE_BREAKS.split(text)
    separator = ""
    started = False
    for k, piece in enumerate(pieces):
        if k % 2:  # a line-break separator: keep paragraphs (blank lines) as they were
            separator = max(separator, "\n\n" if piece.count("\n") > 1 else "\n", key=len)
            continue
        tokens = WORD.findall(piece.lower())
        if tokens:
            if started:
                yield separator, None
            restored = _restore(tokens, hints, "model")
            yield restored.text(), restored
            started = True
            separator = ""


def _restore(tokens: list[str], hints: truecase.Hints, method: str) -> RestoredTokens:
    n = len(tokens)
    if n == 0:
        return RestoredTokens((), (), ())
    lexicon = model_files.lexicon()
    confidences = [1.0] * n
    marks: list[str]
    case_probabilities, case_for = None, "none"
    if method == "model":
        try:
            from storyline.clean.repair.encoder import punctuation_tagger

            tagger = punctuation_tagger()
        except BackendUnavailable:
            method = "lexical"
    if method == "model":
        probabilities, case_probabilities = tagger.probabilities(tokens)
        case_for = tagger.case_for
        protected = _protect_names(tokens, probabilities, lexicon, hints)
        marks, confidences = boundaries.tagger_marks(tokens, probabilities, tagger.class_bias)
        for i in np.flatnonzero(protected):  # inside a name: no mark, whatever the model says
            marks[i], confidences[i] = "", 1.0
    else:
        ends_list = boundaries.lexical_ends(tokens, model_files.lexical_model())
        marks = ["." if e else "" for e in ends_list]
    drop_number_commas(tokens, marks)
    forms, joiners = truecase.apply_case(
        tokens, marks, lexicon, hints, case_probabilities, case_for
    )
    fix_numbers(tokens, forms, joiners, marks)
    return RestoredTokens(
        tuple(forms),
        tuple(joiners),
        tuple(m in (".", "?") for m in marks),
        tuple(marks),
        tuple(confidences),
    )


def _protect_names(
    tokens: Sequence[str], probabilities: np.ndarray, lexicon, hints: truecase.Hints
) -> np.ndarray:
    """No mark inside a hinted phrase ("liu he") or a capitalised lexicon phrase ("new york").

    Sets the head's probabilities at those gaps to certain O and returns them as a mask.
    """
    n = len(tokens)
    protected = np.zeros(n, dtype=bool)
    for i in range(n - 1):  # two hinted names side by side ("tavish brennholt")
        a, b = hints.words.get(tokens[i], ""), hints.words.get(tokens[i + 1], "")
        if a[:1].isupper() and b[:1].isupper():
            probabilities[i] = (1.0, 0.0, 0.0, 0.0)
            protected[i] = True
    for i in range(n - 1):
        for length in (2, 3):
            for start in range(max(0, i - length + 2), i + 1):
                if start + length > n:
                    continue
                key = " ".join(tokens[start : start + length])
                entry = hints.phrases.get(key) or lexicon.phrases.get(key)
                if entry and all(f[:1].isupper() for f in entry[0]):
                    probabilities[i] = (1.0, 0.0, 0.0, 0.0)
                    protected[i] = True
    return protected
