"""Evidence spans index the article text exactly, on the demo and on real Multi-News."""

from __future__ import annotations

from datetime import date

import pytest

from storyline.clean.article import clean_documents
from storyline.evaluate.datasets import DataUnavailable, dataset_path, load_summary_clusters
from storyline.evidence import locate
from storyline.pipeline import brief_articles, read_articles
from storyline.records import Briefing, Evidence, RawDocument, Sentence
from storyline.settings import Settings


def cited_parts(briefing: Briefing):
    """(kind, record) for every part of a briefing that cites articles."""
    view = briefing.cross_source
    claims = [*view.consensus, *view.single_source] if view else []
    claims += [c for d in (view.disagreements if view else ()) for c in d.claims]
    yield from (("summary", s) for s in briefing.summary)
    yield from (("timeline", e) for e in briefing.timeline)
    yield from (("claim", c) for c in claims)
    yield from (("quote", q) for q in briefing.quotes)
    yield from (("figure", f) for f in briefing.figures)


def assert_spans_exact(briefing: Briefing, texts: dict[str, str]) -> int:
    """Every span's text is article.text[start:end]; each cited article has one span."""
    checked = 0
    for kind, part in cited_parts(briefing):
        spans = part.evidence
        ids = getattr(part, "article_ids", (getattr(part, "article_id", None),))
        assert [s.article_id for s in spans] == list(ids), (kind, part.text)
        for span in spans:
            assert texts[span.article_id][span.start : span.end] == span.text, (kind, span)
            checked += 1
        if kind in ("summary", "timeline", "claim"):
            # the span in the sentence's own article is the cited sentence itself
            assert part.text in {s.text for s in spans}
    return checked


@pytest.fixture(scope="module")
def demo(demo_dir):
    articles, _ = read_articles([demo_dir], Settings())
    return brief_articles(articles), {a.article_id: a.text for a in articles}


def test_evidence_spans_are_exact_on_the_demo(demo):
    briefing, texts = demo
    assert briefing.summary and briefing.timeline and briefing.cross_source.consensus
    assert assert_spans_exact(briefing, texts) > 20


def test_evidence_spans_are_exact_in_an_update_briefing(demo_dir):
    articles, _ = read_articles([demo_dir], Settings())
    update = brief_articles(articles, since=date(2026, 3, 6))
    assert update.summary
    assert assert_spans_exact(update, {a.article_id: a.text for a in articles}) > 0


def test_evidence_reprint_citation_points_into_the_reprint(demo):
    """A line cited for a reprint has a span in the reprint's own text."""
    briefing, texts = demo
    copies = {c for g in briefing.reprint_groups for c in g.copy_ids}
    spans = [
        s for _, part in cited_parts(briefing) for s in part.evidence if s.article_id in copies
    ]
    assert spans
    for span in spans:
        assert texts[span.article_id][span.start : span.end] == span.text


def test_evidence_spans_are_exact_on_a_multinews_cluster():
    try:
        clusters = load_summary_clusters(dataset_path("multinews"), 3)
    except DataUnavailable:
        pytest.skip("../shared/data multinews is not present")
    cluster = max(clusters, key=lambda c: len(c.documents))
    raws = [
        RawDocument(f"{cluster.cluster_id}-{i}.txt", "text", d)
        for i, d in enumerate(cluster.documents)
    ]
    settings = Settings()
    articles = clean_documents(raws, settings.min_furniture_repeats, settings.max_article_chars)
    briefing = brief_articles(articles)
    assert briefing.summary
    assert assert_spans_exact(briefing, {a.article_id: a.text for a in articles}) >= len(
        briefing.summary
    )


@pytest.mark.parametrize(
    ("candidates", "wanted"),
    [
        # a reprint printing the sentence verbatim: that very sentence
        (
            [
                Sentence("b", 0, 0, 12, "Intro words."),
                Sentence("b", 1, 13, 40, "Sales halted on Monday."),
            ],
            1,
        ),
        # a near copy rewording it: its most similar sentence
        (
            [
                Sentence("b", 0, 0, 20, "Weather was fine."),
                Sentence("b", 1, 21, 60, "Sales were halted Monday."),
            ],
            1,
        ),
    ],
)
def test_evidence_locate_finds_the_copy_sentence(candidates, wanted):
    sentence = Sentence("a", 3, 100, 123, "Sales halted on Monday.")
    found = locate(sentence, "b", {"b": candidates})
    chosen = candidates[wanted]
    assert found == Evidence("b", chosen.start, chosen.end, chosen.text)


def test_evidence_locate_uses_original_offsets_for_an_exact_copy():
    sentence = Sentence("a", 3, 100, 123, "Sales halted on Monday.")
    assert locate(sentence, "c", {}) == Evidence("c", 100, 123, "Sales halted on Monday.")
