"""Cross-source view: what several outlets report, what one source alone claims, and where
outlets give different figures for the same thing.

Sentences of independent articles (reprints excluded) state one claim when their TF-IDF
cosine reaches `_SAME_CLAIM`, when the packaged MiniLM finds them paraphrases
(`_SAME_MEANING`), or when they share a distinctive figure and a topic; never when one
outlet gives another value for the claim's figure. Each claim is headed by one sentence
(most central first, a head is never listed twice), but every sentence stating it counts
as support, also one that supports another claim too ("a $40 million fund ..., capping a
week in which it recalled about 212,000 packs" reports both). A claim's sources are the
distinct outlets behind it, so a wire story printed by three papers is one source.
Disagreements pair sentences of different outlets that talk about the same thing (cosine
>= `_SAME_TOPIC`) and quote the same kind of figure with different values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from storyline.errors import BackendUnavailable
from storyline.evidence import sentence_evidence
from storyline.records import Article, Claim, CrossSourceView, Disagreement, Sentence
from storyline.settings import SUMMARY_MIN_REPAIR_CONFIDENCE
from storyline.similarity import tfidf_rows
from storyline.summarize.briefing import repair_confidence

# Cosine at which two sentences state the same claim; 0.45 grouped the demo corpus's
# restatements of the recall across outlets without merging different claims.
_SAME_CLAIM = 0.45
# Cosine at which two sentences are about the same thing, for figure disagreements; lower,
# since outlets phrase a disputed number differently ("a $40 million fund" / "will hold $45m").
_SAME_TOPIC = 0.25
# MiniLM cosine of two wordings of one claim. On the demo corpus's cross-outlet pairs,
# 0.80 and above are restatements ("Voltaro has so far linked the packs to 37 fires" /
# "Voltaro has linked the packs to 37 fires"; the two share-price reports); below it,
# related but different claims (the recall vs the regulator's widened recall, 0.77).
_SAME_MEANING = 0.80
# MiniLM cosine at which two sentences sharing a distinctive figure are about one topic
# (demo: the recall's restatements around 212,000 are 0.45-0.87 apart).
_SAME_TOPIC_MEANING = 0.45
_MIN_WORDS, _MAX_WORDS = 8, 60
# Distinctive numbers ("212,000", "18500"): two sentences about one topic that share one
# report one claim in other words ("recalled about 212,000 packs" / "the 212,000 packs
# covered by the recall"). Four-digit numbers are left out: years join unrelated sentences.
_DISTINCT_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d{5,}\b")
# Not claims: URLs, addresses and path-like page furniture ("http: / / www. x. com / a").
_FRAGMENT = re.compile(
    r"https?\s*:\s*/|\bwww\s*\.\s*\w|\w\s*\.\s*(?:com|org|net|co\s*\.\s*uk|html?)\b\s*/"
    r"|[\w.-]+@[\w-]+\s*\.\s*\w|(?:\s[/|]\s.*){3}",
    re.IGNORECASE,
)
# Share of a claim's tokens that must be words: "Home | News | 12 / 03 / 2013" is not one.
_MIN_WORD_SHARE = 0.6

FigureFinder = Callable[[str], list[tuple[str, str, float, str | None]]]


def cross_source_view(
    sentences: Sequence[Sentence],
    articles: Sequence[Article],
    independent_of: dict[str, str],
    figures: FigureFinder,
    max_claims: int = 5,
    embedder=None,
) -> CrossSourceView:
    """Consensus claims, single-source claims and figure disagreements of one story.

    `figures(text)` returns (surface, kind, value, measures) per figure in a sentence, where
    `kind` names what is comparable ("money:USD", "percent:percent") and `measures` what the
    figure is about ("fund"), when known. `embedder` (anything with `embed(texts)`, e.g.
    the MiniLM rows stored with each Analysis) defaults to the packaged MiniLM.
    """
    by_id = {a.article_id: a for a in articles}
    pool = [
        s
        for s in sentences
        if independent_of.get(s.article_id) == s.article_id
        and _MIN_WORDS <= len(s.text.split()) <= _MAX_WORDS
        and is_claim_text(s.text)
    ]
    if not pool:
        return CrossSourceView((), (), ())
    vectors = tfidf_rows([s.text for s in pool])
    similarity = (vectors @ vectors.T).toarray()
    meaning = _meaning_similarity([s.text for s in pool], embedder)
    # most central first: in meaning when MiniLM is installed, so the story's main claim
    # (the recall, not a sentence that mentions it in passing) heads its group
    centrality = (meaning if meaning.any() else similarity).mean(axis=1)
    found = [figures(s.text) for s in pool]
    numbers = [_numbers(s.text) for s in pool]
    values = [{(kind, value) for _, kind, value, _ in f} for f in found]
    article_figures: dict[str, list] = {}
    article_values: dict[str, set] = {}
    for sentence, sentence_figures, sentence_values in zip(pool, found, values, strict=True):
        article_figures.setdefault(sentence.article_id, []).extend(sentence_figures)
        article_values.setdefault(sentence.article_id, set()).update(sentence_values)

    def same_claim(i: int, j: int) -> int:
        """2 when j says claim i alike (TF-IDF or MiniLM cosine), 1 when it is about one
        topic and shares a distinctive figure, 0 otherwise; always 0 when j's article gives
        another value for a figure of claim i (the $40m/$45m fund: an outlet reporting $45m
        must not be cited for "a $40 million fund")."""
        if _contradicts(found[i], article_figures[pool[j].article_id]):
            return 0
        if similarity[i, j] >= _SAME_CLAIM or meaning[i, j] >= _SAME_MEANING:
            return 2
        shared = (numbers[i] & numbers[j] | values[i] & values[j]) - used_figures
        on_topic = similarity[i, j] >= _SAME_TOPIC or meaning[i, j] >= _SAME_TOPIC_MEANING
        # one shared figure is not the whole claim: j's article must also report i's other
        # figures (the fund sentence names 212,000 packs too; an article that reports the
        # recall but no $40 million fund does not report the fund)
        return int(on_topic and bool(shared) and values[i] <= article_values[pool[j].article_id])

    def source(sentence: Sentence) -> tuple[str, str]:
        """(key, name) of who stands behind a sentence; an article whose outlet and wire are
        unknown is a source of its own, not one "unknown outlet" with all the others."""
        article = by_id[sentence.article_id]
        key = article.credit if article.outlet or article.wire else article.article_id
        return key, article.credit

    groups: list[list[int]] = []
    assigned: set[int] = set()
    # a figure joins sentences for the first (most central) claim that shares it only:
    # the recall's 212,000, also named in passing by the investigation sentence, must not
    # make that sentence a second five-outlet "recall" claim
    used_figures: set = set()
    supporting: set[int] = set()
    for i in np.argsort(-centrality):
        if i in assigned:
            continue
        joined = {
            j: same_claim(int(i), j)
            for j in range(len(pool))
            if j != i and pool[j].article_id != pool[i].article_id
        }
        members = [int(i)] + [j for j, how in joined.items() if how]
        for j, how in joined.items():
            if how == 1:
                used_figures.update(numbers[i] & numbers[j] | values[i] & values[j])
        # a sentence said alike never heads a claim of its own; one sharing only a figure
        # may (the fund sentence supports the recall and heads the fund claim)
        assigned.update([int(i)] + [j for j, how in joined.items() if how == 2])
        # a sentence already supporting a claim of other outlets heads one only when some
        # other outlet reports it too: it is no single-source claim
        if int(i) in supporting and len({source(pool[m])[0] for m in members}) < 2:
            continue
        supporting.update(members)
        groups.append(members)

    def claim(members: list[int]) -> Claim:
        # worded as a published (not repaired, see clean/degraded.py) sentence when one has it
        head = next(
            (pool[m] for m in members if not by_id[pool[m].article_id].degraded),
            pool[members[0]],
        )
        ids = tuple(dict.fromkeys(pool[m].article_id for m in members))
        sources = dict(source(pool[m]) for m in members)
        # each article's own sentence of the claim (its first, when it has several)
        said: dict[str, Sentence] = {}
        for m in members:
            said.setdefault(pool[m].article_id, pool[m])
        evidence = tuple(sentence_evidence(said[a]) for a in ids)
        repaired = by_id[head.article_id].degraded
        return Claim(head.text, ids, tuple(sources.values()), evidence, repaired=repaired)

    def quotable(members: list[int]) -> bool:
        """A claim only repaired copies make is shown when its wording is trusted, by the
        summary's rule (`SUMMARY_MIN_REPAIR_CONFIDENCE`); a guessed comma or break in it
        would otherwise be printed as what an outlet reported."""
        if any(not by_id[pool[m].article_id].degraded for m in members):
            return True
        head = pool[members[0]]
        confidence = repair_confidence(by_id[head.article_id], head)
        return confidence is not None and confidence >= SUMMARY_MIN_REPAIR_CONFIDENCE

    claims = [claim(g) for g in groups if quotable(g)]
    consensus = sorted((c for c in claims if len(c.outlets) >= 2), key=lambda c: -len(c.outlets))[
        :max_claims
    ]
    single = [c for c in claims if len(c.outlets) == 1][:max_claims]
    return CrossSourceView(
        tuple(consensus), tuple(single), tuple(_disagreements(pool, similarity, source, figures))
    )


def _meaning_similarity(texts: list[str], embedder=None) -> np.ndarray:
    """MiniLM cosines of the sentences; zeros (TF-IDF alone decides) without the model."""
    from storyline.summarize.extractive import default_embedder

    try:
        rows = np.asarray((embedder or default_embedder()).embed(texts), dtype=float)
    except BackendUnavailable:
        return np.zeros((len(texts), len(texts)))
    return rows @ rows.T


def is_claim_text(text: str) -> bool:
    """False for URL, address and menu fragments, which no outlet "reports"."""
    if _FRAGMENT.search(text):
        return False
    tokens = text.split()
    words = sum(1 for t in tokens if any(ch.isalpha() for ch in t))
    return bool(tokens) and words / len(tokens) >= _MIN_WORD_SHARE


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _DISTINCT_NUMBER.findall(text)}


def _contradicts(a, b) -> bool:
    """Both sentences give a figure of one kind, close but different (40m vs 45m)."""
    return any(
        kind_a == kind_b and value_a != value_b and _close_enough(value_a, value_b)
        for _, kind_a, value_a, _ in a
        for _, kind_b, value_b, _ in b
    )


def _disagreements(
    pool: Sequence[Sentence],
    similarity: np.ndarray,
    source: Callable[[Sentence], tuple[str, str]],
    figures: FigureFinder,
) -> list[Disagreement]:
    found = [figures(s.text) for s in pool]
    seen: set[tuple[str, frozenset[float]]] = set()
    result = []
    for i, left in enumerate(pool):
        for j in range(i + 1, len(pool)):
            right = pool[j]
            if similarity[i, j] < _SAME_TOPIC or source(left)[0] == source(right)[0]:
                continue
            for surface_a, kind_a, value_a, about_a in found[i]:
                for surface_b, kind_b, value_b, about_b in found[j]:
                    if kind_a != kind_b or value_a == value_b:
                        continue
                    if not _close_enough(value_a, value_b) or not _same_thing(
                        about_a, about_b, left.text, right.text
                    ):
                        continue
                    key = (kind_a, frozenset((value_a, value_b)))
                    if key in seen:
                        continue
                    seen.add(key)
                    result.append(
                        Disagreement(
                            about=_shared_words(left.text, right.text),
                            claims=(
                                _single(left, source(left)[1]),
                                _single(right, source(right)[1]),
                            ),
                            values=(surface_a, surface_b),
                        )
                    )
    return result


def _single(sentence: Sentence, outlet: str) -> Claim:
    return Claim(sentence.text, (sentence.article_id,), (outlet,), (sentence_evidence(sentence),))


def _same_thing(about_a: str | None, about_b: str | None, text_a: str, text_b: str) -> bool:
    """Figures measure the same thing when either is unknown, or what one measures is named
    in the other's sentence ("$40 million fund" / "the fund ... will hold $45 million")."""
    if not about_a or not about_b:
        return True

    def words(text: str) -> set[str]:
        return {w.casefold() for w in re.findall(r"[A-Za-z]{3,}", text)}

    return bool(words(about_a) & words(text_b) or words(about_b) & words(text_a))


def _close_enough(a: float, b: float) -> bool:
    """Two reports of one figure differ by less than half; 40m vs 45m yes, 40m vs 212k no."""
    low, high = sorted((abs(a), abs(b)))
    return high > 0 and low / high >= 0.5


def _shared_words(a: str, b: str) -> str:
    words_b = {w.casefold() for w in re.findall(r"[A-Za-z]{4,}", b)}
    shared = [w for w in re.findall(r"[A-Za-z]{4,}", a) if w.casefold() in words_b]
    return " ".join(dict.fromkeys(shared[:6]))
