"""Choosing a briefing's summary sentences from a story's articles.

On top of `select_sentences` (briefing mode: opens with a lead sentence, stops when the
next sentence adds little, never takes a sentence that leans on a missing antecedent):
- a sentence of a repaired degraded copy is a candidate only when no clean article says
  the same (clean sentences at MiniLM cosine `SUMMARY_SAME_CONTENT_COSINE` or more that
  also hold its numbers: "$50 billion" is not "200 billion" however alike the words) and
  its repair confidence, when the repair stage gives one, is at least
  `SUMMARY_MIN_REPAIR_CONFIDENCE` (without one, its guessed breaks must look sound:
  `_sound_boundaries`); the summary marks its wording as repaired;
- a sentence holding only part of a multi-sentence quotation (its speaker is named in
  another sentence) is not a candidate, so no claim loses its attribution; nor is a photo
  caption;
- an article the summary neither quotes nor repeats gets its main sentence in, so news
  only one outlet reports is not lost to the scorer's preference for shared content;
- the opening sentence comes first, the rest in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from storyline.errors import BackendUnavailable
from storyline.records import Article, Sentence
from storyline.settings import (
    SUMMARY_MIN_REPAIR_CONFIDENCE,
    SUMMARY_MIN_REPAIRED_WORDS,
    SUMMARY_SAME_CONTENT_COSINE,
)
from storyline.similarity import tfidf_rows
from storyline.summarize.extractive import (
    Candidate,
    default_embedder,
    eligible_indices,
    select_sentences,
)
from storyline.summarize.features import SentenceEmbedder, leans_on_context


def repair_confidence(article: Article, sentence: Sentence) -> float | None:
    """The repair stage's confidence in a repaired sentence's wording, when it gives one.

    Read from `article.repair_confidences` (spans `(start, end, confidence)` over the clean
    text) if the record has it: the lowest confidence overlapping the sentence. None when
    the article is not repaired or no confidence is recorded.
    """
    spans = getattr(article, "repair_confidences", None)
    if not article.degraded or not spans:
        return None
    found = [c for start, end, c in spans if start < sentence.end and end > sentence.start]
    return min(found) if found else None


def quote_fragment(text: str) -> bool:
    """True when the sentence closes a quotation it did not open, or opens one it does not
    close: part of a multi-sentence quote whose speaker is named elsewhere."""
    return text.count("“") != text.count("”") or text.count('"') % 2 == 1


# A wire photo caption ends with the full date ("... north of Kabul, Afghanistan, Monday,
# July 27, 2015."): it describes a picture, not the news. 6 sentences of the first 50
# Multi-News clusters end so, all captions (grep over ../shared/data, 2026-12-03).
_CAPTION_DATE = re.compile(
    r",\s*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:Jan|Feb|March|April|May|June|"
    r"July|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s+\d{4}\.?\s*(?:\([^)]*\))?\s*$"
)


def photo_caption(text: str) -> bool:
    """True for a wire photo caption (it ends with weekday, month, day and year)."""
    return bool(_CAPTION_DATE.search(text))


def _sound_boundaries(pool: Sequence[Sentence]) -> list[bool]:
    """Without a repair confidence: a repaired sentence's breaks are guesses, so it is
    trusted only when it is long enough to be whole (`SUMMARY_MIN_REPAIRED_WORDS`) and
    neither it nor the next sentence of its article leans on context ("He ...", "But
    ..."), the sign of a break put inside a sentence."""
    by_place = {(s.article_id, s.index): s for s in pool}
    sound = []
    for s in pool:
        after = by_place.get((s.article_id, s.index + 1))
        sound.append(
            len(s.text.split()) >= SUMMARY_MIN_REPAIRED_WORDS
            and not leans_on_context(s.text)
            and not (after is not None and leans_on_context(after.text))
        )
    return sound


# An attribution inside a repaired sentence ("... to do the official said in response
# Trump tweeted ..."): the repair lost the break after it, so the sentence that reads on
# its own starts right after the attribution. Trade-talks TIME copy (000), sentence 19.
_INNER_ATTRIBUTION = re.compile(
    r"\b(?:the|an?|one|another)\s+(?:[a-z-]+\s+){0,3}?(?:official|spokes\w+|aide|person|"
    r"source|expert|analyst)s?\s+said,?\s+",
    re.IGNORECASE,
)


def rebreak_repaired(sentence: Sentence) -> Sentence:
    """A repaired sentence that leans on context but holds an attribution ("It is
    promising to do the official said in response Trump tweeted ...") cut after it, when
    the rest stands on its own and is long enough to be whole; otherwise unchanged.

    Repaired breaks are guesses (clean/degraded.py restores punctuation from lowercased,
    stripped text), so a sentence opening with a pronoun is often the tail of the one
    before joined to the next one.
    """
    if not leans_on_context(sentence.text):
        return sentence
    for found in _INNER_ATTRIBUTION.finditer(sentence.text):
        rest = sentence.text[found.end() :]
        if len(rest.split()) >= SUMMARY_MIN_REPAIRED_WORDS and not leans_on_context(rest):
            offset = sentence.start + found.end()
            text = rest[0].upper() + rest[1:]
            return Sentence(sentence.article_id, sentence.index, offset, sentence.end, text)
    return sentence


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


def _rows(texts: list[str], embedder: SentenceEmbedder | None) -> np.ndarray:
    """MiniLM rows; TF-IDF rows when the packaged model is not installed (stricter: the
    same thresholds then catch only near-verbatim repeats)."""
    try:
        return np.asarray((embedder or default_embedder()).embed(texts), dtype=float)
    except BackendUnavailable:
        return tfidf_rows(texts).toarray()


def usable_sentences(
    sentences: Sequence[Sentence],
    articles: Sequence[Article],
    embedder: SentenceEmbedder | None = None,
) -> tuple[list[Sentence], np.ndarray]:
    """Candidate sentences (clean ones, and repaired ones that alone report their content)
    with their embedding rows."""
    pool, rows, keep = _usable(sentences, articles, embedder)
    return [s for s, k in zip(pool, keep, strict=True) if k], rows[keep]


def _usable(
    sentences: Sequence[Sentence],
    articles: Sequence[Article],
    embedder: SentenceEmbedder | None = None,
) -> tuple[list[Sentence], np.ndarray, np.ndarray]:
    """Every sentence considered, its rows, and which of them are usable."""
    by_id = {a.article_id: a for a in articles}
    pool = [
        rebreak_repaired(s) if by_id[s.article_id].degraded else s
        for s in sentences
        if s.article_id in by_id and not quote_fragment(s.text) and not photo_caption(s.text)
    ]
    if not pool:
        return [], np.zeros((0, 0)), np.zeros(0, dtype=bool)
    repaired_ids = {a.article_id for a in articles if a.degraded}
    rows = _rows([s.text for s in pool], embedder)
    is_repaired = np.array([s.article_id in repaired_ids for s in pool])
    sound = _sound_boundaries(pool)
    keep = ~is_repaired
    if is_repaired.any() and keep.any():
        clean = [s for s, k in zip(pool, keep, strict=True) if k]
        similar = (rows[is_repaired] @ rows[keep].T) >= SUMMARY_SAME_CONTENT_COSINE
        for k, index in enumerate(np.flatnonzero(is_repaired)):
            near = [clean[j] for j in np.flatnonzero(similar[k])]
            covered = bool(near) and _numbers(pool[index].text) <= set().union(
                *(_numbers(s.text) for s in near)
            )
            confidence = repair_confidence(by_id[pool[index].article_id], pool[index])
            if confidence is None:
                trusted = sound[index]
            else:
                trusted = confidence >= SUMMARY_MIN_REPAIR_CONFIDENCE
            keep[index] = trusted and not covered
    elif is_repaired.all():
        keep[:] = True
    return pool, rows, keep


def _main_sentence(
    members: list[int], candidates: Sequence[Candidate], rows: np.ndarray, about: np.ndarray
):
    """Among the members that stand alone and are of summary length, the one closest to
    the mean MiniLM row of all its article's sentences (usable or not): what the article
    is about."""
    eligible = set(eligible_indices(candidates))
    usable = [k for k in members if k in eligible and not leans_on_context(candidates[k].text)]
    if not usable:
        return None
    return usable[int(np.argmax(rows[usable] @ about))]


def _cover_every_report(
    chosen: list[int],
    candidates: Sequence[Candidate],
    rows: np.ndarray,
    about: dict[int, np.ndarray],
    max_words: int,
) -> list[int]:
    """Give each article that the summary neither quotes nor repeats its main sentence,
    in place of the last picks (MMR's least relevant) when the budget is full.

    The fitted scorer favours what many articles share and what comes first; an article
    reporting news no other has (the trade-talks TIME copy's tariff threat, its sentence 19,
    scored 0.13 of the cluster's range) is otherwise left out of the briefing entirely.
    Skipped when the main sentence repeats a chosen one (MiniLM cosine at least
    `SUMMARY_SAME_CONTENT_COSINE`), or when MiniLM rows are missing.
    """
    if rows.shape[1] == 0 or len(rows) != len(candidates):
        return chosen
    chosen = list(chosen)
    covered = {candidates[k].document for k in chosen}
    by_document: dict[int, list[int]] = {}
    for k, c in enumerate(candidates):
        by_document.setdefault(c.document, []).append(k)
    for document, members in sorted(by_document.items()):
        if document in covered:
            continue
        main = _main_sentence(members, candidates, rows, about[document])
        if main is None or float((rows[chosen] @ rows[main]).max()) >= (
            SUMMARY_SAME_CONTENT_COSINE
        ):
            continue
        needed = len(candidates[main].text.split())
        kept = list(chosen)
        while len(kept) > 1 and _words(kept, candidates) + needed > max_words * 1.1:
            kept.pop()
        if _words(kept, candidates) + needed <= max_words * 1.1:
            chosen = [*kept, main]
            covered = {candidates[k].document for k in chosen}
    return chosen


def _words(chosen: list[int], candidates: Sequence[Candidate]) -> int:
    return sum(len(candidates[k].text.split()) for k in chosen)


def briefing_sentences(
    sentences: Sequence[Sentence],
    articles: Sequence[Article],
    max_words: int,
    embedder: SentenceEmbedder | None = None,
) -> list[tuple[Sentence, bool]]:
    """The chosen sentences, opening first, each with whether its wording is repaired."""
    everything, all_rows, keep = _usable(sentences, articles, embedder)
    pool = [s for s, k in zip(everything, keep, strict=True) if k]
    rows = all_rows[keep] if len(everything) else all_rows
    if not pool:
        return []
    order = {a.article_id: i for i, a in enumerate(articles)}
    repaired_ids = {a.article_id for a in articles if a.degraded}
    candidates = [Candidate(s.text, order[s.article_id], s.index) for s in pool]
    chosen = select_sentences(candidates, max_words, embeddings=rows, briefing=True)
    if not chosen:
        return []
    centroids = {}
    for sentence, row in zip(everything, all_rows, strict=True):
        centroids.setdefault(order[sentence.article_id], []).append(row)
    about = {d: np.mean(r, axis=0) for d, r in centroids.items()}
    chosen = _cover_every_report(chosen, candidates, rows, about, max_words)
    first = chosen[0]
    opening = candidates[first]
    chosen.sort(
        key=lambda i: (
            i != first and candidates[i].document != opening.document,
            candidates[i].document,
            candidates[i].position,
        )
    )
    return [(pool[i], pool[i].article_id in repaired_ids) for i in chosen]
