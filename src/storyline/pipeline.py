"""The reprints and brief stages: from one story's articles and their Analyses to a Briefing.

find_reprint_groups -> (stored or fresh) Analysis per distinct article -> build_timeline,
  canonical_entities, briefing_sentences, cross_source_view -> Briefing

The stages run in order under `runner.Runner`, the one orchestrator; `brief_paths` and
`brief_articles` are its public entry points. No spaCy runs here: the analyse stage
(`runner.analyse`) did that once per article, and a briefing reads what it found.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np

from storyline.dedupe import copies_by_original, find_reprint_groups
from storyline.evidence import (
    cited_evidence,
    sentences_by_article,
    with_figure_evidence,
    with_quote_evidence,
)
from storyline.extract.entities import canonical_entities
from storyline.extract.key_figures import key_figures
from storyline.extract.quotes import opens_with_quote, resolve_speakers
from storyline.records import (
    Analysis,
    Article,
    Briefing,
    Entity,
    Figure,
    Mention,
    Quarantined,
    Quote,
    ReprintGroup,
    Sentence,
    Source,
    SummarySentence,
    UnplacedDate,
)
from storyline.settings import Settings
from storyline.similarity import tfidf_rows
from storyline.summarize.briefing import briefing_sentences
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
    from storyline.runner import Runner

    return Runner(settings).read(paths)


def brief_paths(
    paths: Iterable[str | Path],
    settings: Settings | None = None,
    progress: Progress = _no_progress,
    since: date | None = None,
) -> Briefing:
    """Read, clean, deduplicate and brief every article under `paths`."""
    from storyline.runner import Runner

    with Runner(settings, progress=progress) as runner:
        return runner.brief_paths(paths, since=since)


def brief_articles(
    articles: Sequence[Article],
    settings: Settings | None = None,
    progress: Progress = _no_progress,
    quarantined: Sequence[Quarantined] = (),
    since: date | None = None,
    store=None,
) -> Briefing:
    """Build the briefing for a set of clean articles about one story.

    With `since`, the summary and timeline hold only what articles published after that
    date report and earlier articles did not (an update briefing). With `store`, stored
    analyses are used (no spaCy) and missing ones are computed and stored.
    """
    from storyline.runner import Runner

    with Runner(settings, progress=progress) as runner:
        return runner.brief(articles, quarantined, since, store)


Analyse = Callable[[Sequence[Article]], tuple[dict[str, Analysis], list[Quarantined]]]


def brief_from_analyses(
    articles: Sequence[Article],
    analyse: Analyse,
    settings: Settings | None = None,
    quarantined: Sequence[Quarantined] = (),
    since: date | None = None,
) -> Briefing:
    """The reprints and brief stages: group copies, then build the briefing from each
    distinct article's Analysis (`analyse` gives them: stored, reused or computed)."""
    settings = settings or Settings()
    articles = sorted(articles, key=_reading_order)
    quarantined = list(quarantined)
    # Exact copies (same clean text) are grouped by hash once: only the first of each is
    # compared for near-copies and analysed; 10,000 copies of one article cost one analysis.
    exact = _exact_copies(articles)
    distinct = [a for a in articles if a.article_id not in exact]
    groups = _with_exact_copies(
        find_reprint_groups(
            distinct,
            settings.shingle_words,
            settings.minhash_perm,
            settings.min_containment,
            settings.reprint_lsh_jaccard,
        ),
        exact,
    )
    independent_of = {a.article_id: a.article_id for a in articles}
    for group in groups:
        for copy_id in group.copy_ids:
            independent_of[copy_id] = group.original_id

    analyses, failures = analyse(distinct)
    quarantined += failures
    sentences: list[Sentence] = []
    mentions: list[Mention] = []
    dates = []
    quotes: list[Quote] = []
    figures: list[Figure] = []
    unplaced: list[UnplacedDate] = []
    failed: set[str] = set()
    for article in distinct:
        analysis = analyses.get(article.article_id)
        if analysis is None:
            failed.add(article.article_id)
            continue
        sentences += analysis.sentences
        dates += analysis.dates
        mentions += analysis.mentions
        if independent_of[article.article_id] == article.article_id:  # reprints add nothing
            quotes += analysis.quotes
            figures += analysis.figures
            # Undated originals list what they could not place; reprints would only repeat it.
            if article.published_on is None:
                unplaced += analysis.unplaced
    if failed:
        articles, groups, independent_of = _without(articles, groups, independent_of, failed)

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
    stored_vectors = _StoredVectors(
        [analyses[a.article_id] for a in distinct if a.article_id not in failed]
    )
    summary = _summarize(
        articles, summary_pool, sentences, independent_of, settings.summary_words, stored_vectors
    )
    timeline = build_timeline(
        timeline_pool,
        dates,
        independent_of,
        settings.timeline_events,
        located_in=sentences,
        degraded=frozenset(a.article_id for a in articles if a.degraded),
    )
    all_entities = canonical_entities(mentions, independent_of)
    entities = _top_entities(all_entities, settings.entities_per_kind)
    quotes = resolve_speakers(quotes, all_entities)
    if since is not None:
        quotes = [q for q in quotes if q.article_id in new_ids]
        figures = [f for f in figures if f.article_id in new_ids]
    view = cross_source_view(
        sentences, articles, independent_of, _figure_finder(figures), embedder=stored_vectors
    )
    sources = _sources(articles, summary, timeline)
    warnings += [w for a in articles for w in a.warnings]
    warnings += [
        f"{a.source}: no publication date; its relative dates were not resolved"
        for a in articles
        if a.published_at is None
    ]
    texts = {a.article_id: a.text for a in articles}
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
        quotes=tuple(
            with_quote_evidence(_top_quotes(quotes, entities, settings.quotes_listed), texts)
        ),
        figures=tuple(
            with_figure_evidence(
                key_figures(figures, independent_of), sentences_by_article(sentences), texts
            )
        ),
        # An update briefing leaves undated articles out, so it has nothing to list here.
        unplaced_dates=() if since is not None else tuple(_distinct_unplaced(unplaced)),
    )


def _exact_copies(articles: Sequence[Article]) -> dict[str, str]:
    """copy id -> id of the first article (in reading order) with the same clean text."""
    first: dict[str, str] = {}
    copies = {}
    for article in articles:
        key = hashlib.sha256(article.text.encode("utf-8", "surrogatepass")).hexdigest()
        if key in first:
            copies[article.article_id] = first[key]
        else:
            first[key] = article.article_id
    return copies


def _with_exact_copies(groups: list[ReprintGroup], exact: dict[str, str]) -> list[ReprintGroup]:
    """Reprint groups of the distinct texts, with each exact copy added to its text's group."""
    if not exact:
        return groups
    by_first: dict[str, list[str]] = {}
    for copy_id, first_id in exact.items():
        by_first.setdefault(first_id, []).append(copy_id)
    merged = []
    for group in groups:
        members = [group.original_id, *group.copy_ids]
        extra = [c for member in members for c in by_first.pop(member, [])]
        merged.append(replace(group, copy_ids=(*group.copy_ids, *extra)))
    merged += [ReprintGroup(f, tuple(c), "exact", 1.0) for f, c in by_first.items()]
    return merged


def _without(articles, groups, independent_of, failed: set[str]):
    """Leave failed articles out; copies of a failed original stand on their own."""
    articles = [a for a in articles if a.article_id not in failed]
    independent_of = {
        aid: (aid if original in failed else original)
        for aid, original in independent_of.items()
        if aid not in failed
    }
    kept = []
    for group in groups:
        copies = tuple(c for c in group.copy_ids if c not in failed)
        if group.original_id not in failed and copies:
            kept.append(replace(group, copy_ids=copies))
    return articles, kept, independent_of


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
    embedder: _StoredVectors | None = None,
) -> list[SummarySentence]:
    """Pick summary sentences from the originals in `pool`; cite every article that reports
    each (its reprints, and any article with a sentence saying the same)."""
    originals = [
        s
        for s in pool
        if independent_of[s.article_id] == s.article_id and not opens_with_quote(s.text)
    ]
    # A repaired degraded copy's wording is a guess: briefing_sentences quotes it only where
    # no clean article reports the same, and the summary marks it as repaired.
    chosen = briefing_sentences(originals, articles, max_words, embedder)
    if not chosen:
        return []
    vectors = tfidf_rows([s.text for s in sentences])
    # by place, not identity: briefing_sentences may return a repaired sentence re-cut
    position = {(s.article_id, s.index): i for i, s in enumerate(sentences)}
    copies = copies_by_original(independent_of)
    sentences_of = sentences_by_article(sentences)
    # an update briefing's pool holds only the new articles: older ones do not support
    in_pool = {s.article_id for s in pool}
    summary = []
    for sentence, repaired in chosen:
        row = vectors[position[(sentence.article_id, sentence.index)]]
        similar = (vectors @ row.T).toarray().ravel()
        cited = [sentence.article_id, *copies.get(sentence.article_id, [])]
        copied = set(cited)
        support: dict[str, tuple[float, Sentence]] = {}  # article -> its closest sentence
        for other, score in zip(sentences, similar, strict=True):
            if score >= _SUPPORT_COSINE and other.article_id in in_pool - copied:
                if other.article_id not in support:
                    cited.append(other.article_id)
                if score > support.get(other.article_id, (-1.0, None))[0]:
                    support[other.article_id] = (score, other)
        said = {article_id: other for article_id, (_, other) in support.items()}
        evidence = cited_evidence(sentence, cited, sentences_of, said)
        summary.append(
            SummarySentence(sentence.text, tuple(cited), repaired=repaired, evidence=evidence)
        )
    return summary


class _StoredVectors:
    """The summarizer's sentence embedder, reading the MiniLM rows stored (float16) with
    each Analysis, as float32; a text without a stored row (an analysis made without the model) is
    embedded now by the packaged MiniLM, as the summarizer would have."""

    def __init__(self, analyses: Sequence[Analysis]) -> None:
        self._rows: dict[str, np.ndarray] = {}
        for analysis in analyses:
            if analysis.sentence_vectors:
                rows = np.frombuffer(analysis.sentence_vectors, dtype=np.float16)
                rows = rows.reshape(len(analysis.sentences), -1)
                rows = rows.astype(np.float32)
                for sentence, row in zip(analysis.sentences, rows, strict=True):
                    self._rows.setdefault(sentence.text, row)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._rows]
        if missing:
            from storyline.summarize.extractive import default_embedder

            fresh = np.asarray(default_embedder().embed(missing), dtype=np.float32)
            self._rows.update(zip(missing, fresh, strict=True))
        return np.stack([self._rows[t] for t in texts])


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
    """The story's label (cluster/label.py) from its independent articles' titles, else
    their lead sentences; "Briefing" only when no article has a line that could name it."""
    from storyline.cluster.label import story_label

    originals = [a for a in articles if independent_of[a.article_id] == a.article_id]
    return story_label([a.title for a in originals], [a.text for a in originals]) or "Briefing"
