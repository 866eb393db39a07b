"""Cross-source view on hand-built articles: who counts as a source, which wording leads."""

from storyline.records import Article, Sentence
from storyline.summarize.crosssource import cross_source_view

FUND = (
    "Voltaro said on Friday it would set aside $40 million for families whose homes were "
    "damaged by battery fires."
)
FUND_REWORDED = (
    "Voltaro will set aside $40 million for families whose homes were damaged by battery "
    "fires, the company said on Friday."
)
FUND_REPAIRED = (
    "Voltaro said on friday it would set aside $40 million for families whose homes were "
    "damaged by battery fires"
)


def view_of(*articles_and_texts):
    articles = [a for a, _ in articles_and_texts]
    sentences = [Sentence(a.article_id, 0, 0, len(text), text) for a, text in articles_and_texts]
    independent = {a.article_id: a.article_id for a in articles}
    return cross_source_view(sentences, articles, independent, lambda text: [])


def test_articles_of_unknown_outlet_are_separate_sources():
    view = view_of(
        (Article("a", FUND, "a.txt"), FUND),
        (Article("b", FUND_REWORDED, "b.txt"), FUND_REWORDED),
    )
    (claim,) = view.consensus
    assert set(claim.article_ids) == {"a", "b"}
    assert claim.outlets == ("unknown outlet", "unknown outlet")
    assert view.single_source == ()


def test_one_outlet_twice_is_one_source():
    view = view_of(
        (Article("a", FUND, "a.txt", outlet="Metro Ledger"), FUND),
        (Article("b", FUND_REWORDED, "b.txt", outlet="Metro Ledger"), FUND_REWORDED),
    )
    assert view.consensus == ()
    (claim,) = view.single_source
    assert claim.outlets == ("Metro Ledger",)


def test_claim_is_worded_by_the_published_sentence_not_the_repaired_one():
    view = view_of(
        (
            Article("r", FUND_REPAIRED, "r.txt", outlet="Harbor Courier", degraded=True),
            FUND_REPAIRED,
        ),
        (Article("p", FUND, "p.txt", outlet="Metro Ledger"), FUND),
    )
    (claim,) = view.consensus
    assert claim.text == FUND
    assert set(claim.article_ids) == {"r", "p"}


def test_a_claim_only_a_repaired_copy_makes_needs_a_trusted_repair():
    """Below the summary's confidence bar the repaired wording is not shown as reported."""
    span = len(FUND_REPAIRED)
    doubtful = Article(
        "r",
        FUND_REPAIRED,
        "r.txt",
        outlet="Harbor Courier",
        degraded=True,
        repair_confidences=((0, span, 0.2),),
    )
    trusted = Article(
        "t",
        FUND_REPAIRED,
        "t.txt",
        outlet="Harbor Courier",
        degraded=True,
        repair_confidences=((0, span, 0.8),),
    )
    assert view_of((doubtful, FUND_REPAIRED)).single_source == ()
    (claim,) = view_of((trusted, FUND_REPAIRED)).single_source
    assert claim.repaired and claim.text == FUND_REPAIRED
    published = view_of((Article("p", FUND, "p.txt", outlet="Metro Ledger"), FUND))
    assert not published.single_source[0].repaired


def test_demo_briefing_marks_or_drops_every_repaired_claim():
    """The demo's degraded Harbor Courier copy reaches the cross-source view only when its
    repair is trusted, and then marked; its low-confidence sentences stay out."""
    from storyline.cli.demo import demo_corpus
    from storyline.pipeline import brief_articles, read_articles
    from storyline.render import render_markdown
    from storyline.settings import SUMMARY_MIN_REPAIR_CONFIDENCE, Settings
    from storyline.summarize.briefing import repair_confidence

    articles, _ = read_articles([demo_corpus()], Settings())
    by_id = {a.article_id: a for a in articles}
    degraded = {a.article_id for a in articles if a.degraded}
    assert degraded, "the demo corpus holds a degraded copy"
    briefing = brief_articles(articles)
    markdown = render_markdown(briefing)
    view = briefing.cross_source
    claims = (*view.consensus, *view.single_source)
    assert claims
    for claim in claims:
        assert claim.repaired == (set(claim.article_ids) <= degraded)
        if claim.repaired:
            evidence = claim.evidence[0]
            sentence = Sentence(evidence.article_id, 0, evidence.start, evidence.end, claim.text)
            confidence = repair_confidence(by_id[evidence.article_id], sentence)
            assert confidence is not None and confidence >= SUMMARY_MIN_REPAIR_CONFIDENCE
            assert f"{claim.text} _(repaired text)_" in markdown
