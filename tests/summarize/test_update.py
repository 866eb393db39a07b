from datetime import date

import pytest

from storyline.pipeline import brief_paths
from storyline.records import Sentence
from storyline.summarize.update import new_sentences


def sentence(article_id, text, index=0):
    return Sentence(article_id, index, 0, len(text), text)


def test_update_drops_what_old_articles_already_reported():
    old = [sentence("old", "Nordlink ferry crews went on strike on Friday over night-shift pay.")]
    new = [
        sentence("new", "Ferry crews of Nordlink went on strike on Friday over night-shift pay."),
        sentence("new", "The ministry appointed a mediator and talks resume on Monday.", 1),
    ]
    fresh = new_sentences(old + new, {"old"}, {"new"})
    assert [s.text for s in fresh] == [new[1].text]


def test_update_drops_a_restatement_in_other_words_but_keeps_a_new_figure():
    old = [
        sentence(
            "old", "Voltaro Mobility said it would recall about 212,000 e-bike battery packs."
        ),
        sentence("old", "Shares of the company fell sharply after the announcement.", 1),
    ]
    restated = sentence("new", "The e-bike maker Voltaro is taking back some 212,000 batteries.")
    widened = sentence("new", "Voltaro must now recall about 260,000 e-bike battery packs.", 1)
    fresh = new_sentences(old + [restated, widened], {"old"}, {"new"})
    assert [s.text for s in fresh] == [widened.text]


@pytest.fixture(scope="module")
def update_briefing(demo_dir):
    return brief_paths([demo_dir], since=date(2026, 3, 7))


def test_update_briefing_cites_only_articles_after_the_date(update_briefing):
    dates = {s.article_id: s.published_on for s in update_briefing.sources}
    cited = {a for s in update_briefing.summary for a in s.article_ids[:1]}
    assert cited and all(dates[a] and dates[a] > date(2026, 3, 7) for a in cited)
    assert update_briefing.since == date(2026, 3, 7)
    assert all(e.when for e in update_briefing.timeline)


def test_update_briefing_omits_the_original_recall_news(update_briefing):
    text = " ".join(s.text for s in update_briefing.summary)
    assert "said on Tuesday it would recall" not in text
    # The expanded recall (wire story of 2026-03-12) is new: it is cited.
    expanded = {
        s.article_id for s in update_briefing.sources if s.published_on == date(2026, 3, 12)
    }
    assert expanded & {a for s in update_briefing.summary for a in s.article_ids}


def test_update_briefing_warns_about_undated_articles(update_briefing):
    assert any(
        "04_northfield" in w and "left out of the update" in w for w in update_briefing.warnings
    )
