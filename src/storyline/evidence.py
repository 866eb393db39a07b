"""Evidence spans: where each cited article prints what a briefing line says.

A summary sentence, timeline event or claim is one article's sentence, cited for several
articles (its reprints, and articles saying the same). Each citation gets the span of the
sentence *of that article*, found when the briefing is built, among that article's own
sentences: so `Article.text[start:end]` is always the cited text, and readers (the web UI,
the JSON API) never search an article for a sentence again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from storyline.records import Evidence, Figure, Quote, Sentence
from storyline.similarity import tfidf_rows


def sentence_evidence(sentence: Sentence) -> Evidence:
    return Evidence(sentence.article_id, sentence.start, sentence.end, sentence.text)


def sentences_by_article(sentences: Iterable[Sentence]) -> dict[str, list[Sentence]]:
    grouped: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        grouped.setdefault(sentence.article_id, []).append(sentence)
    return grouped


def locate(
    sentence: Sentence,
    article_id: str,
    sentences_of: Mapping[str, Sequence[Sentence]],
    chosen: Sentence | None = None,
) -> Evidence:
    """The span in `article_id` that a citation of `sentence` points to.

    `chosen` is that article's sentence already known to say the same (the one that made it
    a supporting source). Otherwise: its sentence with the same text (a reprint), else its
    sentence most like `sentence` (TF-IDF cosine; a near copy may reword a line). An article
    with no sentences of its own is an exact copy (same clean text, analysed once through
    its original: pipeline `_exact_copies`), so the original's offsets hold for it.
    """
    if article_id == sentence.article_id:
        return sentence_evidence(sentence)
    if chosen is not None:
        return sentence_evidence(chosen)
    candidates = sentences_of.get(article_id) or ()
    if not candidates:
        return Evidence(article_id, sentence.start, sentence.end, sentence.text)
    same = [s for s in candidates if s.text == sentence.text]
    if same:
        # a reprint may repeat a line; take the occurrence nearest the original's position
        return sentence_evidence(min(same, key=lambda s: abs(s.index - sentence.index)))
    rows = tfidf_rows([sentence.text, *(s.text for s in candidates)])
    scores = (rows[1:] @ rows[0].T).toarray().ravel()
    return sentence_evidence(candidates[int(scores.argmax())])


def cited_evidence(
    sentence: Sentence,
    article_ids: Iterable[str],
    sentences_of: Mapping[str, Sequence[Sentence]],
    chosen: Mapping[str, Sentence] | None = None,
) -> tuple[Evidence, ...]:
    """One span per cited article, in citation order (see `locate`)."""
    chosen = chosen or {}
    return tuple(
        locate(sentence, article_id, sentences_of, chosen.get(article_id))
        for article_id in dict.fromkeys(article_ids)
    )


def with_quote_evidence(quotes: Iterable[Quote], texts: Mapping[str, str]) -> list[Quote]:
    """Quotes with their printed span (quotation marks included) as evidence."""
    return [
        replace(q, evidence=(Evidence(q.article_id, q.start, q.end, span),))
        if (span := texts.get(q.article_id, "")[q.start : q.end])
        else q
        for q in quotes
    ]


def with_figure_evidence(
    figures: Iterable[Figure],
    sentences_of: Mapping[str, Sequence[Sentence]],
    texts: Mapping[str, str],
) -> list[Figure]:
    """Figures with the sentence printing them as evidence (the number alone when no
    sentence of its article holds it)."""
    out = []
    for figure in figures:
        holder = next(
            (
                s
                for s in sentences_of.get(figure.article_id, ())
                if s.start <= figure.start and figure.end <= s.end
            ),
            None,
        )
        if holder is not None:
            span = sentence_evidence(holder)
        else:
            text = texts.get(figure.article_id, "")[figure.start : figure.end]
            span = Evidence(figure.article_id, figure.start, figure.end, text) if text else None
        out.append(replace(figure, evidence=(span,)) if span else figure)
    return out
