"""The analyse stage: one spaCy pass and every extractor over one article, into an Analysis.

Computed once per article (at ingest, or on first read of an old store) and stored, so a
briefing never runs spaCy for an article already analysed. The stage is a small picklable
class: a process pool or a Ray worker receives it without its spaCy pipeline and loads the
pipeline once, on first use, in the process that runs it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from storyline.extract.dates import find_dates, find_unplaced_dates
from storyline.extract.entities import mention_label
from storyline.extract.figures import find_figures
from storyline.extract.quotes import find_quotes
from storyline.records import Analysis, Article, Mention, Quarantined, Sentence
from storyline.runner.errors import StageFailed, failure

# Bump when an extractor's output changes: stored analyses of another version are redone.
ANALYSIS_VERSION = 4


def text_sha256(text: str) -> str:
    """sha256 of the exact clean text: equal only when every character offset is equal."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def analysis_model(model: str) -> str:
    """The tag stored with an analysis: which spaCy pipeline and which extractor version."""
    return f"{model}#v{ANALYSIS_VERSION}"


def analyse_doc(article: Article, doc, model: str = "") -> Analysis:
    """The Analysis of one article from its spaCy Doc; raises StageFailed naming the step."""
    published = article.published_on
    aid = article.article_id
    step = "sentences"
    try:
        sentences, dates, unplaced = [], [], []
        for index, span in enumerate(doc.sents):
            text = span.text.strip()
            if not text:
                continue
            # Offsets of the stripped text (a sentence may end in a "\n\n" token), so that
            # article.text[start:end] == text for every citation and date found in it.
            start = span.start_char + len(span.text) - len(span.text.lstrip())
            sentences.append(Sentence(aid, index, start, start + len(text), text))
            step = "find_dates"
            dates.extend(find_dates(text, published, aid, start))
            if published is None:
                step = "find_unplaced_dates"
                unplaced.extend(find_unplaced_dates(text, None, aid, start))
        step = "entities"
        mentions = [
            Mention(aid, e.start_char, e.end_char, e.text, mention_label(e)) for e in doc.ents
        ]
        step = "find_quotes"
        quotes = find_quotes(doc, aid)
        step = "find_figures"
        figures = find_figures(doc, aid, published)
    except Exception as exc:  # noqa: BLE001 - re-raised with the step named
        raise StageFailed(step, exc) from exc
    return Analysis(
        article_id=aid,
        text_sha256=text_sha256(article.text),
        published_on=published,
        sentences=tuple(sentences),
        mentions=tuple(mentions),
        quotes=tuple(quotes),
        figures=tuple(figures),
        dates=tuple(dates),
        unplaced=tuple(unplaced),
        model=model,
    )


class Analyser:
    """The per-article analyse stage: `analyser(articles)` gives one Analysis or Quarantined
    per article, in order. Pickles without its pipeline (see the module docstring)."""

    name = "analyse"

    def __init__(self, model: str) -> None:
        self.model = model
        self._nlp = None

    def __getstate__(self) -> dict:
        return {"model": self.model}

    def __setstate__(self, state: dict) -> None:
        self.model = state["model"]
        self._nlp = None

    def load(self):
        """The spaCy pipeline, loaded once per process (extract.nlp caches it per model)."""
        if self._nlp is None:
            from storyline.extract.nlp import load_pipeline

            self._nlp = load_pipeline(self.model)
        return self._nlp

    def __call__(self, articles: Sequence[Article]) -> list[Analysis | Quarantined]:
        tag = analysis_model(self.model)
        results: list[Analysis | Quarantined] = []
        docs = _parse_each(self.load(), [a.text for a in articles])
        for article, doc in zip(articles, docs, strict=True):
            try:
                if isinstance(doc, BaseException):
                    raise StageFailed("nlp", doc)
                results.append(analyse_doc(article, doc, tag))
            except Exception as exc:  # noqa: BLE001 - one article fails alone
                results.append(failure(article.source, self.name, exc))
        return _with_vectors(results)


def _with_vectors(results: list[Analysis | Quarantined]) -> list[Analysis | Quarantined]:
    """Each analysis with its sentences' MiniLM rows (what the summarizer embeds) as
    float16, in one batch for the chunk; unchanged when the packaged model is not installed."""
    from dataclasses import replace

    import numpy as np

    from storyline.errors import BackendUnavailable
    from storyline.summarize.extractive import default_embedder

    done = [r for r in results if isinstance(r, Analysis) and r.sentences]
    if not done:
        return results
    try:
        rows = np.asarray(
            default_embedder().embed([s.text for a in done for s in a.sentences]),
            dtype=np.float16,
        )
    except BackendUnavailable:
        return results
    vectors, start = {}, 0
    for analysis in done:
        end = start + len(analysis.sentences)
        vectors[id(analysis)] = rows[start:end].tobytes()
        start = end
    return [replace(r, sentence_vectors=vectors[id(r)]) if id(r) in vectors else r for r in results]


def _parse_each(nlp, texts: Sequence[str], chunk: int = 64):
    """spaCy docs for `texts` in order; a text spaCy fails on gives its exception instead
    (its chunk is re-parsed one text at a time), so one bad text does not end the pipe."""
    for start in range(0, len(texts), chunk):
        part = texts[start : start + chunk]
        try:
            docs = list(nlp.pipe(part))
        except Exception:  # noqa: BLE001 - find the culprit
            docs = []
            for text in part:
                try:
                    docs.append(nlp(text))
                except Exception as exc:  # noqa: BLE001 - handed to the caller to quarantine
                    docs.append(exc)
        yield from docs


def reuse(analysis: Analysis, article: Article) -> Analysis | None:
    """`analysis` under `article`'s id when `article` is an exact copy with the same date
    (spans and date resolution are then identical); None when it cannot be reused."""
    if (
        analysis.text_sha256 != text_sha256(article.text)
        or analysis.published_on != article.published_on
    ):
        return None
    if analysis.article_id == article.article_id:
        return analysis
    from dataclasses import replace

    aid = article.article_id

    def moved(records):
        return tuple(replace(r, article_id=aid) for r in records)

    return replace(
        analysis,
        article_id=aid,
        sentences=moved(analysis.sentences),
        mentions=moved(analysis.mentions),
        quotes=moved(analysis.quotes),
        figures=moved(analysis.figures),
        dates=moved(analysis.dates),
        unplaced=moved(analysis.unplaced),
    )
