"""Runs the stages from input paths to a Briefing; failures per item go to quarantine.

read_inputs -> clean_documents -> find_reprint_groups -> spaCy (sentences, entities)
  -> find_dates, find_unplaced_dates -> build_timeline, canonical_entities, select_sentences
  -> Briefing
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

from storyline.clean.article import clean_documents
from storyline.dedupe import copies_by_original, find_reprint_groups
from storyline.extract.dates import find_dates, find_unplaced_dates
from storyline.extract.entities import canonical_entities, mention_label
from storyline.extract.figures import find_figures
from storyline.extract.key_figures import key_figures
from storyline.extract.nlp import load_pipeline
from storyline.extract.quotes import find_quotes, opens_with_quote, resolve_speakers
from storyline.ingest import read_inputs
from storyline.records import (
    Article,
    Briefing,
    Entity,
    Figure,
    Mention,
    Quarantined,
    Quote,
    RawDocument,
    Sentence,
    Source,
    SummarySentence,
    UnplacedDate,
)
from storyline.settings import Settings
from storyline.similarity import tfidf_rows
from storyline.summarize import Candidate, select_sentences
from storyline.summarize.crosssource import cross_source_view
from storyline.summarize.update import new_sentences, split_by_date
from storyline.timeline import build_timeline

# A sentence of another independent article this similar (TF-IDF cosine) reports the same
# fact, so the summary sentence cites both.
_SUPPORT_COSINE = 0.6

Progress = Callable[[Iterable, str, int], Iterable]


def _no_progress(items: Iterable, description: str, total: int) -> Iterable:
    return items


def read_articles(
    paths: Iterable[str | Path], settings: Settings
) -> tuple[list[Article], list[Quarantined]]:
    """Read and clean every article under `paths`; return them with what was quarantined."""
    raws: list[RawDocument] = []
    quarantined: list[Quarantined] = []
    for item in read_inputs(paths, settings.max_input_bytes):
        (quarantined if isinstance(item, Quarantined) else raws).append(item)
    articles = clean_documents(raws, settings.min_furniture_repeats, settings.max_article_chars)
    return articles, quarantined


def brief_paths(
    paths: Iterable[str | Path],
    settings: Settings | None = None,
    progress: Progress = _no_progress,
    since: date | None = None,
) -> Briefing:
    """Read, clean, deduplicate and brief every article under `paths`."""
    settings = settings or Settings()
    articles, quarantined = read_articles(paths, settings)
    return brief_articles(articles, settings, progress, quarantined, since=since)


def brief_articles(
    articles: Sequence[Article],
    settings: Settings | None = None,
    progress: Progress = _no_progress,
    quarantined: Sequence[Quarantined] = (),
    since: date | None = None,
) -> Briefing:
    """Build the briefing for a set of clean articles about one story.

    With `since`, the summary and timeline hold only what articles published after that
    date report and earlier articles did not (an update briefing).
    """
    settings = settings or Settings()
    articles = sorted(articles, key=_reading_order)
    groups = find_reprint_groups(
        articles, settings.shingle_words, settings.minhash_perm, settings.min_containment
    )
    independent_of = {a.article_id: a.article_id for a in articles}
    for group in groups:
        for copy_id in group.copy_ids:
            independent_of[copy_id] = group.original_id

    nlp = load_pipeline(settings.spacy_model)
    sentences: list[Sentence] = []
    mentions: list[Mention] = []
    dates = []
    quotes: list[Quote] = []
    figures: list[Figure] = []
    unplaced: list[UnplacedDate] = []
    docs = nlp.pipe(a.text for a in articles)
    for article, doc in zip(
        progress(articles, "Analysing articles", len(articles)), docs, strict=True
    ):
        published = article.published_on
        # Undated originals list what they could not place; reprints would only repeat it.
        list_unplaced = (
            published is None and independent_of[article.article_id] == article.article_id
        )
        for index, span in enumerate(doc.sents):
            text = span.text.strip()
            if text:
                sentences.append(
                    Sentence(article.article_id, index, span.start_char, span.end_char, text)
                )
                dates.extend(find_dates(text, published, article.article_id, span.start_char))
                if list_unplaced:
                    unplaced.extend(
                        find_unplaced_dates(text, None, article.article_id, span.start_char)
                    )
        mentions.extend(
            Mention(article.article_id, e.start_char, e.end_char, e.text, mention_label(e))
            for e in doc.ents
        )
        if independent_of[article.article_id] == article.article_id:  # reprints add nothing
            quotes.extend(find_quotes(doc, article.article_id))
            figures.extend(find_figures(doc, article.article_id, published))

    warnings: list[str] = []
    summary_pool, timeline_pool = sentences, sentences
    if since is not None:
        old_ids, new_ids, undated = split_by_date(articles, since)
        summary_pool = new_sentences(sentences, old_ids, new_ids)
        timeline_pool = [s for s in sentences if s.article_id in new_ids]
        warnings += [
            f"{a.source}: no publication date, so it is left out of the update "
            f"since {since.isoformat()}"
            for a in undated
        ]
    summary = _summarize(articles, summary_pool, sentences, independent_of, settings.summary_words)
    timeline = build_timeline(timeline_pool, dates, independent_of, settings.timeline_events)
    all_entities = canonical_entities(mentions, independent_of)
    entities = _top_entities(all_entities, settings.entities_per_kind)
    quotes = resolve_speakers(quotes, all_entities)
    if since is not None:
        quotes = [q for q in quotes if q.article_id in new_ids]
        figures = [f for f in figures if f.article_id in new_ids]
    view = cross_source_view(sentences, articles, independent_of, _figure_finder(figures))
    sources = _sources(articles, summary, timeline)
    warnings += [w for a in articles for w in a.warnings]
    warnings += [
        f"{a.source}: no publication date; its relative dates were not resolved"
        for a in articles
        if a.published_at is None
    ]
    return Briefing(
        title=_story_title(articles, independent_of),
        summary=tuple(summary),
        sources=tuple(sources),
        entities=tuple(entities),
        timeline=tuple(timeline),
        reprint_groups=tuple(groups),
        article_count=len(articles),
        quarantined=tuple(quarantined),
        warnings=tuple(warnings),
        since=since,
        cross_source=view,
        quotes=tuple(_top_quotes(quotes, entities, settings.quotes_listed)),
        figures=tuple(key_figures(figures, independent_of)),
        # An update briefing leaves undated articles out, so it has nothing to list here.
        unplaced_dates=() if since is not None else tuple(_distinct_unplaced(unplaced)),
    )


def _distinct_unplaced(unplaced: Sequence[UnplacedDate]) -> list[UnplacedDate]:
    """The first of each (expression, sentence) pair: near-copies not grouped as reprints
    may still share sentences."""
    seen: set[tuple[str, str]] = set()
    distinct = []
    for item in unplaced:
        if (item.text, item.sentence) not in seen:
            seen.add((item.text, item.sentence))
            distinct.append(item)
    return distinct


def _reading_order(article: Article) -> tuple:
    stamp = article.published_at.timestamp() if article.published_at else float("inf")
    return (stamp, article.source)


def _summarize(
    articles: Sequence[Article],
    pool: Sequence[Sentence],
    sentences: Sequence[Sentence],
    independent_of: dict[str, str],
    max_words: int,
) -> list[SummarySentence]:
    """Pick summary sentences from the originals in `pool`; cite every article that reports
    each (its reprints, and any article with a sentence saying the same)."""
    order = {a.article_id: i for i, a in enumerate(articles)}
    originals = [
        s
        for s in pool
        if independent_of[s.article_id] == s.article_id and not opens_with_quote(s.text)
    ]
    # A repaired degraded copy's sentence breaks and casing are guesses, and the summary
    # quotes its sentences verbatim: quote published text where there is any. The repaired
    # article is still cited beside the clean sentences it agrees with.
    repaired = {a.article_id for a in articles if a.degraded}
    if any(s.article_id not in repaired for s in originals):
        originals = [s for s in originals if s.article_id not in repaired]
    candidates = [Candidate(s.text, order[s.article_id], s.index) for s in originals]
    chosen = sorted(
        select_sentences(candidates, max_words),
        key=lambda i: (candidates[i].document, candidates[i].position),
    )
    if not chosen:
        return []
    vectors = tfidf_rows([s.text for s in sentences])
    position = {id(s): i for i, s in enumerate(sentences)}
    copies = copies_by_original(independent_of)
    summary = []
    for i in chosen:
        sentence = originals[i]
        row = vectors[position[id(sentence)]]
        similar = (vectors @ row.T).toarray().ravel()
        cited = [sentence.article_id, *copies.get(sentence.article_id, [])]
        for other, score in zip(sentences, similar, strict=True):
            if score >= _SUPPORT_COSINE and other.article_id not in cited:
                cited.append(other.article_id)
        summary.append(SummarySentence(sentence.text, tuple(cited)))
    return summary


def _top_entities(entities: Sequence[Entity], per_kind: int) -> list[Entity]:
    taken: Counter[str] = Counter()
    top = []
    for entity in entities:
        if taken[entity.label] < per_kind:
            taken[entity.label] += 1
            top.append(entity)
    return top


def _figure_finder(figures: Sequence[Figure]):
    """Comparable figures per sentence text, for the cross-source disagreement check."""
    by_sentence: dict[str, list[tuple[str, str, float, str | None]]] = {}
    for figure in figures:
        if figure.kind in ("money", "percent") and figure.value is not None:
            by_sentence.setdefault(figure.sentence.strip(), []).append(
                (figure.text, f"{figure.kind}:{figure.unit}", figure.value, figure.measures)
            )
    return lambda text: by_sentence.get(text.strip(), [])


def _top_quotes(quotes: Sequence[Quote], entities: Sequence[Entity], limit: int) -> list[Quote]:
    """Direct quotes first, people before organisations, key entities first; at most two
    per speaker, so the list gives several voices."""
    rank = {e.name: i for i, e in enumerate(entities)}
    people = {e.name for e in entities if e.label == "PERSON"}
    ordered = sorted(
        quotes,
        key=lambda q: (
            q.kind != "direct",
            q.speaker_kind != "named",
            q.speaker not in people,
            rank.get(q.speaker or "", len(rank)),
        ),
    )
    per_speaker: Counter[str] = Counter()
    seen: set[str] = set()
    top = []
    for quote in ordered:
        speaker = quote.speaker or quote.description or "?"
        if quote.text[:80] in seen or len(quote.text.split()) < 5 or per_speaker[speaker] >= 2:
            continue
        seen.add(quote.text[:80])
        per_speaker[speaker] += 1
        top.append(quote)
    return top[:limit]


def _sources(articles: Sequence[Article], summary, timeline) -> list[Source]:
    """Number the articles cited by the summary first, then the rest, in reading order."""
    cited = [a for s in summary for a in s.article_ids]
    cited += [a for e in timeline for a in e.article_ids]
    cited += [a.article_id for a in articles]
    by_id = {a.article_id: a for a in articles}
    return [
        Source(
            marker=n,
            article_id=aid,
            credit=by_id[aid].credit,
            title=by_id[aid].title,
            published_on=by_id[aid].published_on,
            path=by_id[aid].source,
        )
        for n, aid in enumerate(dict.fromkeys(cited), start=1)
    ]


def _story_title(articles: Sequence[Article], independent_of: dict[str, str]) -> str:
    """The headline of the earliest independent article, as a first story label."""
    for article in articles:
        if article.title and independent_of[article.article_id] == article.article_id:
            return article.title
    return "Briefing"
