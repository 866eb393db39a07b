"""Long-running stories: dormant stories are archived and revived by a clear continuation."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storyline.cluster import OnlineClusterer, assign_stories
from storyline.pipeline import read_articles
from storyline.settings import Settings

START = datetime(2026, 3, 2, 8, tzinfo=UTC)
RECALL = [
    "Brakeworks recalls 40,000 Corvan scooters after brake cables snapped on steep streets "
    "in Lisbon and Porto, the company said.",
    "Corvan scooter recall: Brakeworks tells owners in Lisbon and Porto to stop riding until "
    "the brake cables are replaced.",
]
CONTINUATION = (
    "Three months after the Corvan scooter recall, Brakeworks says 31,000 of the 40,000 "
    "scooters have new brake cables fitted in Lisbon and Porto."
)
UNRELATED = [
    "Harbour authority opens a new ferry terminal in Oslo with twelve berths.",
    "Tomato growers in Murcia report a record spring harvest despite the drought.",
    "Chess olympiad in Budapest ends with a surprise win for the Uzbek team.",
    "Rail operator Nordtog adds night trains between Bergen and Trondheim.",
]


def _tfidf(**settings) -> OnlineClusterer:
    return OnlineClusterer(recluster_every=0, **settings)


def test_dormant_clear_continuation_revives_archived_story():
    clusterer = _tfidf().partial_fit(RECALL, [START, START + timedelta(hours=5)])
    # weeks of other news push the recall story out of the window and into the archive
    later = START + timedelta(days=60)
    clusterer.partial_fit(UNRELATED, [later + timedelta(hours=h) for h in range(4)])
    assert clusterer.stories_[0].archived
    clusterer.partial_fit([CONTINUATION], [START + timedelta(days=92)])
    assert clusterer.labels_[-1] == 0
    assert not clusterer.stories_[0].archived
    (event,) = [e for e in clusterer.events_ if e.kind == "revive"]
    assert (event.story_id, event.article_id) == (0, "6")
    assert event.similarity >= clusterer.threshold + 0.05


def test_dormant_unrelated_article_after_gap_starts_new_story():
    clusterer = _tfidf().partial_fit(RECALL, [START, START + timedelta(hours=5)])
    clusterer.partial_fit([UNRELATED[0]], [START + timedelta(days=92)])
    assert clusterer.labels_ == [0, 0, 1]
    assert not [e for e in clusterer.events_ if e.kind == "revive"]


def test_dormant_continuation_needs_more_than_join_threshold():
    # same texts, revival set out of reach: the continuation starts a new story
    clusterer = _tfidf(revive_threshold=0.99).partial_fit(
        RECALL + [CONTINUATION], [START, START + timedelta(hours=5), START + timedelta(days=92)]
    )
    assert clusterer.labels_ == [0, 0, 1]


def test_dormant_archive_limit_forgets_oldest_signatures():
    clusterer = _tfidf(archive_limit=1).partial_fit(RECALL, [START, START + timedelta(hours=5)])
    for k, text in enumerate(UNRELATED):
        clusterer.partial_fit([text], [START + timedelta(days=30 * (k + 1))])
    assert clusterer.stories_[0].archived and not clusterer.stories_[0].term_indices.size
    clusterer.partial_fit([CONTINUATION], [START + timedelta(days=200)])
    assert clusterer.labels_[-1] != 0
    # the story's metadata stays listed
    assert [s.article_ids for s in clusterer.stories() if s.story_id == 0] == [("0", "1")]


def test_dormant_archive_survives_state_round_trip():
    clusterer = _tfidf().partial_fit(RECALL, [START, START + timedelta(hours=5)])
    clusterer.partial_fit(UNRELATED, [START + timedelta(days=60 + h) for h in range(4)])
    state = json.loads(json.dumps(clusterer.to_state()))
    assert state["version"] == 4 and state["stories"][0]["archived"]
    restored = OnlineClusterer.from_state(state)
    restored.partial_fit([CONTINUATION], [START + timedelta(days=92)])
    assert restored.labels_[-1] == 0


# The five real trade-talks articles span August 2018 to March 2019 (their own text dates
# them: "this May" talks in Washington, the March 1 tariff deadline, the 2020 campaign).
# Gaps between them run from six days to five months.
TRADE_TALKS_DATES = {
    "004": datetime(2018, 8, 22, tzinfo=UTC),
    "002": datetime(2019, 1, 13, tzinfo=UTC),
    "003": datetime(2019, 2, 8, tzinfo=UTC),
    "000": datetime(2019, 2, 14, tzinfo=UTC),
    "001": datetime(2019, 3, 27, tzinfo=UTC),
}


def test_dormant_trade_talks_stay_one_story_across_months(examples_dir):
    articles, _ = read_articles(sorted(examples_dir.iterdir()), Settings())
    articles = [
        replace(a, published_at=TRADE_TALKS_DATES[a.source.rsplit("/", 1)[-1][:3]])
        for a in articles
    ]
    clusterer, stories = assign_stories(articles)
    if clusterer.embedder is None:
        pytest.skip("the packaged MiniLM embedder is not installed")
    assert [len(s.article_ids) for s in stories] == [5]
    assert len([e for e in clusterer.events_ if e.kind == "revive"]) >= 2


FESTIVAL = [
    "Halden film festival names Ada Lind as host of its opening gala on the harbour.",
    "Ada Lind will host the Halden film festival opening gala, organisers said.",
]
NEXT_YEAR = "Jon Berg will present the opening gala of this year's Halden film festival."


@pytest.mark.parametrize(("margin", "revived"), [(0.0, True), (None, False)])
def test_dormant_recurring_event_years_later_is_a_new_story(margin, revived):
    """With dates, time separates recurring events (the issue's 2009 and 2014 Oscars): a
    continuation must be clearer the longer the gap (revive_gap_margin per doubling beyond
    the window); without the margin the next edition revives the old story."""
    days = 5 * 365
    settings = {} if margin is None else {"revive_gap_margin": margin}
    clusterer = _tfidf(embedder=None, **settings).partial_fit(
        FESTIVAL, [START, START + timedelta(hours=3)]
    )
    clusterer.partial_fit(UNRELATED, [START + timedelta(days=30 + h) for h in range(4)])
    clusterer.partial_fit([NEXT_YEAR], [START + timedelta(days=days)])
    labels = clusterer.resolved_labels()
    assert (labels[-1] == labels[0]) is revived
    assert any(e.kind == "revive" for e in clusterer.events_) is revived
