"""The whole path on the bundled demo corpus: reprints, boilerplate, citations, timeline."""

from datetime import date

from storyline.pipeline import read_articles
from storyline.settings import Settings


def by_file(briefing, name):
    return next(s for s in briefing.sources if s.path.endswith(name))


def test_demo_wire_story_and_both_reprints_form_one_group(demo_briefing):
    (group,) = demo_briefing.reprint_groups
    members = {group.original_id, *group.copy_ids}
    wire = by_file(demo_briefing, "02_cws_recall.txt")
    assert group.original_id == wire.article_id
    assert {
        by_file(demo_briefing, f).article_id
        for f in ("03_metro-ledger_recall-reprint.txt", "04_northfield-gazette_recall-reprint.txt")
    } == members - {wire.article_id}


def test_demo_reprints_credited_to_wire_and_reprinting_outlet(demo_briefing):
    assert by_file(demo_briefing, "03_metro-ledger_recall-reprint.txt").credit == (
        "Metro Ledger via Continental Wire Service"
    )
    assert by_file(demo_briefing, "04_northfield-gazette_recall-reprint.txt").credit == (
        "unknown outlet via Continental Wire Service"
    )


def test_demo_summary_cites_several_articles_within_budget(demo_briefing):
    cited = {a for s in demo_briefing.summary for a in s.article_ids}
    words = sum(len(s.text.split()) for s in demo_briefing.summary)
    assert len(cited) >= 4
    assert 150 <= words <= 280
    assert all(s.article_ids for s in demo_briefing.summary)


def test_demo_summary_takes_wire_story_once(demo_briefing):
    texts = [s.text for s in demo_briefing.summary]
    assert len(texts) == len(set(texts))
    recall = [t for t in texts if "recall about 212,000" in t and "37 reported fires" in t]
    assert len(recall) <= 1


def test_demo_boilerplate_lines_removed(demo_dir):
    articles, quarantined = read_articles([demo_dir], Settings())
    assert quarantined == []
    text = "\n".join(a.text for a in articles)
    for furniture in (
        "Share this article",
        "Sign up for the Metro Ledger",
        "Download the Metro",
        "Advertisement",
        "Contact us at",
        "contact us at",
        "Read more:",
        "Home ›",
        "(Tom Reyes/Pinecrest Tribune)",
    ):
        assert furniture not in text


def test_demo_degraded_article_repaired(demo_dir):
    articles, _ = read_articles([demo_dir], Settings())
    (degraded,) = [a for a in articles if a.degraded]
    assert degraded.source.endswith("09_harbor-courier_supplier-dispute.txt")
    assert "Voltaro" in degraded.text and "Hanlon" in degraded.text
    assert degraded.text.count(".") >= 10


def test_demo_timeline_resolves_relative_dates_in_order(demo_briefing):
    days = [e.when for e in demo_briefing.timeline]
    assert days == sorted(days)
    assert date(2026, 3, 3) in days  # "on Tuesday" in the 2026-03-03 wire story
    assert date(2026, 3, 31) in days  # the replacement deadline
    assert all(e.article_ids for e in demo_briefing.timeline)


def test_demo_key_entities_canonical(demo_briefing):
    people = [e.name for e in demo_briefing.entities if e.label == "PERSON"]
    assert people[0] == "Marta Lindqvist"
    assert {"Daniel Okafor", "Priya Raman", "Ruth Abernathy"} <= set(people)
    places = [e.name for e in demo_briefing.entities if e.label == "PLACE"]
    assert "Portland" in places and "Denver" in places


def test_demo_undated_article_reported_not_guessed(demo_briefing):
    undated = by_file(demo_briefing, "04_northfield-gazette_recall-reprint.txt")
    assert undated.published_on is None
    assert any("04_northfield" in w and "no publication date" in w for w in demo_briefing.warnings)


def test_demo_cross_source_finds_the_fund_disagreement(demo_briefing):
    view = demo_briefing.cross_source
    values = {frozenset(d.values) for d in view.disagreements}
    assert frozenset({"$40 million", "$45 million"}) in values
    fund = next(d for d in view.disagreements if set(d.values) == {"$40 million", "$45 million"})
    assert {c.outlets[0] for c in fund.claims} == {"Metro Ledger", "Northfield Gazette"}


def test_demo_cross_source_counts_wire_reprints_once(demo_briefing):
    view = demo_briefing.cross_source
    assert view.consensus and all(len(c.outlets) >= 2 for c in view.consensus)
    assert all(len(c.outlets) == 1 for c in view.single_source)
    for claim in view.consensus:
        assert "Metro Ledger via Continental Wire Service" not in claim.outlets


def test_demo_quotes_have_canonical_speakers(demo_briefing):
    speakers = {q.speaker for q in demo_briefing.quotes}
    assert {"Marta Lindqvist", "Daniel Okafor", "Priya Raman"} <= speakers
    assert all(q.article_id for q in demo_briefing.quotes)


def test_demo_every_citation_points_to_an_article_saying_it(demo_dir, demo_briefing):
    articles, _ = read_articles([demo_dir], Settings())
    text_of = {a.article_id: " ".join(a.text.split()) for a in articles}
    for sentence in demo_briefing.summary:
        first = sentence.article_ids[0]
        assert " ".join(sentence.text.split()) in text_of[first]
    for group in demo_briefing.reprint_groups:
        for sentence in demo_briefing.summary:
            if group.original_id in sentence.article_ids:
                assert set(group.copy_ids) <= set(sentence.article_ids)


def test_demo_summary_and_claims_quote_published_text_not_the_repaired_copy(
    demo_dir, demo_briefing
):
    articles, _ = read_articles([demo_dir], Settings())
    text_of = {a.article_id: " ".join(a.text.split()) for a in articles}
    repaired = by_file(demo_briefing, "09_harbor-courier_supplier-dispute.txt").article_id
    assert all(s.article_ids[0] != repaired for s in demo_briefing.summary)
    backed = [c for c in demo_briefing.cross_source.consensus if repaired in c.article_ids]
    assert backed  # the repaired copy still counts as a source for what it agrees with
    for claim in backed:
        published = [text_of[a] for a in claim.article_ids if a != repaired]
        assert any(" ".join(claim.text.split()) in text for text in published)


def test_demo_markdown_counts_read_as_english(demo_briefing):
    from storyline.render.markdown import render_markdown

    markdown = render_markdown(demo_briefing)
    assert "_12 articles, 10 independent sources, 1 reprint group_" in markdown
    assert "— 1 articles" not in markdown
