"""Timeline of a story: sentences that carry a resolved date, merged across articles.

A sentence joins the timeline under its most precise date expression, unless it opens with
a quotation (someone's words go to the Quotes list). Sentences reporting
the same event on the same date (cosine of TF-IDF vectors >= `_SAME_EVENT`) merge into one
event citing every article; so do near-identical sentences (>= `_SAME_TEXT`) whose dates
differ by at most `_DATE_SLACK_DAYS` (one outlet's "Tuesday" against another's "March 3"
read a day apart). Reprint copies add citations, never events of their own. Events are
ranked by independent support and centrality, and the kept ones are printed in date order
(`timeline_chart` gives the JSON form for charts).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.dedupe import copies_by_original
from storyline.evidence import locate, sentences_by_article
from storyline.extract.quotes import opens_with_quote
from storyline.records import ResolvedDate, Sentence, TimelineEvent
from storyline.similarity import tfidf_rows

_PRECISION = {"day": 0, "week": 1, "month": 2, "year": 3}
# Two sentences on one date with this TF-IDF cosine report the same event; 0.35 merged the
# demo corpus's retellings of one event ("shares fell 18% on Tuesday") across outlets while
# keeping distinct events of the same day apart.
_SAME_EVENT = 0.35
# At most this many events per date, so one busy day does not crowd out the rest.
_EVENTS_PER_DATE = 2
# Near-identical retellings merge across dates this close: one outlet's "on Monday" and
# another's "on March 3" for one sale halt read a day apart; such a pair scores 0.75 (the
# pair in tests/timeline/test_build.py), while a halt and a resumption of sales score < 0.6.
_SAME_TEXT = 0.7
_DATE_SLACK_DAYS = 2
_MIN_WORDS, _MAX_WORDS = 6, 60


# A year written as a noun's modifier ("his 2016 campaign", "the 2020 election") or inside a
# relative clause about someone ("the actress, who shot to fame in 1999") is background to
# the story, not an event of it. "When it joined the WTO in 2001" stays an event (the
# trade-talks example test keeps it).
_ATTRIBUTIVE_BEFORE = re.compile(r"\b(?:his|her|its|their|our|the|a|an|this|that)\s+$", re.I)
_BACKGROUND_CLAUSE = re.compile(
    r"(?:,\s*(?:who|which|whose)|\b(?:since|ever since))\b"
    r"[^,;]*$",
    re.I,
)
_NEXT_WORD = re.compile(r"^\s([a-z][a-z-]+)")


def background_year(text: str, at: int) -> bool:
    """Whether the year starting at `at` in `text` is background, not the event's date."""
    before = text[:at]
    match = _NEXT_WORD.match(text[at:].lstrip("0123456789"))
    attributive = match is not None and match.group(1) not in ENGLISH_STOP_WORDS
    return (
        attributive
        or bool(_ATTRIBUTIVE_BEFORE.search(before))
        or bool(_BACKGROUND_CLAUSE.search(before))
    )


def build_timeline(
    sentences: Sequence[Sentence],
    dates: Sequence[ResolvedDate],
    independent_of: dict[str, str],
    max_events: int,
    located_in: Sequence[Sentence] | None = None,
    degraded: frozenset[str] = frozenset(),
) -> list[TimelineEvent]:
    """Dated events in date order, deduplicated across articles and reprints.

    An event cites the articles whose sentences it merges and the reprints of those articles,
    with one evidence span per cited article (`storyline.evidence`); a reprint's span is
    found among `located_in` (default: `sentences`). An event is worded by a published
    article's sentence when one reports it; one worded from a repaired copy (`degraded`
    holds those article ids) is marked `repaired`.
    """
    dated: list[tuple[Sentence, ResolvedDate]] = []
    by_article: dict[str, list[ResolvedDate]] = {}
    for resolved in dates:
        by_article.setdefault(resolved.article_id, []).append(resolved)
    for sentence in sentences:
        if independent_of.get(sentence.article_id, sentence.article_id) != sentence.article_id:
            continue  # a reprint copy: cited through its original below
        if not _MIN_WORDS <= len(sentence.text.split()) <= _MAX_WORDS:
            continue
        if opens_with_quote(sentence.text):
            continue  # someone's words ("... covers the damage we know about today")
        inside = [
            d
            for d in by_article.get(sentence.article_id, [])
            if sentence.start <= d.start < sentence.end
        ]
        if inside:
            # The most precise date; of several, the latest ("shares, which fell on Tuesday,
            # rose on Friday" reports Friday's event).
            best = min(inside, key=lambda d: (_PRECISION[d.granularity], -d.value.toordinal()))
            if best.granularity == "year" and (
                len(inside) > 1 or background_year(sentence.text, best.start - sentence.start)
            ):
                continue
            dated.append((sentence, best))
    if not dated:
        return []
    vectors = tfidf_rows([s.text for s, _ in dated])
    centrality = np.asarray(vectors @ np.asarray(vectors.mean(axis=0)).ravel()).ravel()
    similarity = (vectors @ vectors.T).toarray()
    events: list[dict] = []
    for index, (sentence, resolved) in enumerate(dated):
        for event in events:
            cosine = similarity[event["index"], index]
            gap = abs((event["when"] - resolved.value).days)
            if (event["when"] == resolved.value and cosine >= _SAME_EVENT) or (
                cosine >= _SAME_TEXT and gap <= _DATE_SLACK_DAYS
            ):
                event["articles"].append(sentence.article_id)
                event["said"].setdefault(sentence.article_id, sentence)
                break
        else:
            events.append(
                {
                    "when": resolved.value,
                    "granularity": resolved.granularity,
                    "index": index,
                    "articles": [sentence.article_id],
                    "said": {sentence.article_id: sentence},
                }
            )

    def support(event: dict) -> int:
        return len({independent_of.get(a, a) for a in event["articles"]})

    ranked, per_date = [], {}
    for event in sorted(
        events, key=lambda e: (-support(e), _PRECISION[e["granularity"]], -centrality[e["index"]])
    ):
        if per_date.get(event["when"], 0) < _EVENTS_PER_DATE and len(ranked) < max_events:
            per_date[event["when"]] = per_date.get(event["when"], 0) + 1
            ranked.append(event)
    copies = copies_by_original(independent_of)
    sentences_of = sentences_by_article(sentences if located_in is None else located_in)

    def event(e: dict) -> TimelineEvent:
        head = dated[e["index"]][0]
        if head.article_id in degraded:  # a published article's wording, when one has it
            head = next((s for a, s in e["said"].items() if a not in degraded), head)
        ids = tuple(
            dict.fromkeys(
                c for a in e["articles"] for c in [a, *copies.get(independent_of.get(a, a), [])]
            )
        )
        # a reprint copy cites its original's sentence of the event, as the copy prints it
        evidence = tuple(
            locate(e["said"].get(independent_of.get(a, a), head), a, sentences_of, e["said"].get(a))
            for a in ids
        )
        repaired = head.article_id in degraded
        return TimelineEvent(e["when"], e["granularity"], head.text, ids, evidence, repaired)

    return [event(e) for e in sorted(ranked, key=lambda e: (e["when"], e["index"]))]
