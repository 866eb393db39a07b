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
