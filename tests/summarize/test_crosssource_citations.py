"""Cross-source citations an analyst can trust (issue 23): an outlet is never cited for a
figure it contradicts, a claim told in other words still counts every outlet, and URL or
menu fragments are never claims."""

from storyline.records import Article, Sentence
from storyline.summarize.crosssource import cross_source_view, is_claim_text

FUND_40 = "Voltaro has linked the packs to 37 fires and has set up a $40 million fund for families."
FUND_45 = (
    "The compensation fund Voltaro is setting up for families harmed by fires will hold "
    "$45 million."
)
FIRES = "The company has linked the packs to 37 fires and four injuries, it said on Friday."
RECALL = "Voltaro Mobility said on Tuesday it would recall about 212,000 e-bike battery packs."
RECALL_OTHER_WORDS = (
    "The 212,000 packs covered by the Voltaro recall were sold from 2023 on, dealers say."
)


def money(text):
    """A figure finder like the pipeline's: money figures with their value."""
    out = []
    for value, surface in ((40e6, "$40 million"), (45e6, "$45 million")):
        if surface in text:
            out.append((surface, "money:USD", value, "fund"))
    return out


def view_of(items, figures=money):
    articles = {}
    sentences = []
    for index, (article_id, outlet, text) in enumerate(items):
        articles.setdefault(
            article_id, Article(article_id, text, f"{article_id}.txt", outlet=outlet)
        )
        sentences.append(Sentence(article_id, index, 0, len(text), text))
    independent = {a: a for a in articles}
    return cross_source_view(sentences, list(articles.values()), independent, figures)


def test_an_outlet_reporting_another_figure_is_not_cited_for_it():
    view = view_of(
        [
            ("wire", "Continental Wire", FUND_40),
            ("courier", "Harbor Courier", FUND_40.replace("set up", "created")),
            ("gazette", "Northfield Gazette", FUND_45),
            ("gazette", "Northfield Gazette", FIRES),  # agrees on the fires, not the fund
        ]
    )
    for claim in view.consensus + view.single_source:
        if "$40 million" in claim.text:
            assert "gazette" not in claim.article_ids, claim
    (disagreement,) = view.disagreements
    assert set(disagreement.values) == {"$40 million", "$45 million"}


def test_a_claim_in_other_words_sharing_its_figure_is_reported_by_many():
    view = view_of(
        [
            ("wire", "Continental Wire", RECALL),
            ("ledger", "Metro Ledger", RECALL_OTHER_WORDS),
            (
                "tribune",
                "Pinecrest Tribune",
                RECALL_OTHER_WORDS.replace("dealers say", "shops say"),
            ),
        ],
        figures=lambda text: [],
    )
    (claim,) = view.consensus
    assert set(claim.outlets) == {"Continental Wire", "Metro Ledger", "Pinecrest Tribune"}
    assert view.single_source == ()


def test_url_and_menu_fragments_are_not_claims():
    assert not is_claim_text("http: / / www. bbc. co. uk / sport / 0 / boxing / 18747. stm today")
    assert not is_claim_text("Read more at www.harbor-courier.example about the recall today")
    assert not is_claim_text("Home | News | Business | Markets | Recall coverage and more news")
    assert not is_claim_text("Write to the editors at editors@harbor.example with any tips now")
    assert is_claim_text(RECALL)
    view = view_of(
        [
            (
                "a",
                "Harbor Courier",
                "http: / / www. harbor. example / news / recall / 2026 / story . html",
            ),
            (
                "b",
                "Metro Ledger",
                "http: / / www. harbor. example / news / recall / 2026 / story . html",
            ),
        ]
    )
    assert view.consensus == () and view.single_source == ()


def test_the_demo_fund_claim_cites_no_outlet_that_reports_45_million(demo_briefing):
    gazette = {
        s.article_id
        for s in demo_briefing.sources
        if s.path.endswith("08_northfield-gazette_fund.txt")
    }
    view = demo_briefing.cross_source
    assert any("$40 million" in c.text for c in view.consensus)
    for claim in view.consensus:
        if "$40 million" in claim.text:
            assert not gazette & set(claim.article_ids)
    recall = [c for c in view.consensus if "212,000" in c.text]
    assert recall and max(len(c.outlets) for c in recall) >= 3


def test_the_demo_recall_claim_is_reported_by_five_outlets(demo_briefing):
    recall = [c for c in demo_briefing.cross_source.consensus if "212,000" in c.text]
    assert recall and max(len(c.outlets) for c in recall) >= 5
