import json
from datetime import UTC, datetime, timedelta

import pytest

from storyline.cluster import (
    OnlineClusterer,
    assign_stories,
    cluster_stream,
    map_story_ids,
    recluster,
    story_label,
)
from storyline.errors import ConfigError
from storyline.records import Article

START = datetime(2026, 3, 2, 7, tzinfo=UTC)

STRIKE = [
    "Ferry crews walked out on Friday in a dispute over night-shift pay, stranding island "
    "commuters.",
    "Nordlink ferry strike: union says crews will stay out until the operator improves "
    "night-shift pay and rotas.",
    "Ferry crews walked out again on Saturday in the dispute over night-shift pay, stranding "
    "island commuters and the Nordlink union.",
]
CYCLE = (
    "The city council approved a harbour-front cycle lane on Thursday after a two-year "
    "consultation; shopkeepers fear losing parking."
)


def article(article_id, text, title, hours, outlet):
    return Article(
        article_id=article_id,
        text=text,
        source=f"{article_id}.txt",
        title=title,
        outlet=outlet,
        published_at=START + timedelta(hours=hours),
    )


ARTICLES = [
    article("a1", STRIKE[0], "Ferry crews strike over night-shift pay", 0, "Island Echo"),
    article("a2", CYCLE, "Council backs harbour cycle lane", 1, "City Ledger"),
    article("a3", STRIKE[2], "Ferry strike enters second day", 26, "Coast Herald"),
    article(
        "a4", CYCLE + " Work starts in May.", "Cycle lane work to start in May", 27, "Bay News"
    ),
]


MERGE_ONLY = {"threshold": 0.5, "merge_threshold": 0.3, "recluster_every": 0, "entity_weight": 0}


def merging_clusterer() -> OnlineClusterer:
    # Joining needs 0.5; stories whose centroids reach 0.3 are merged (entity cues and
    # window re-clustering off, so the merge is the only change).
    return OnlineClusterer(**MERGE_ONLY).partial_fit(STRIKE, [None] * 3)


def test_stories_merge_event_recorded():
    (event,) = merging_clusterer().events_
    assert (event.kind, event.story_id, event.from_ids) == ("merge", 0, (1,))


def test_stories_merge_keeps_arrival_ids():
    clusterer = merging_clusterer()
    assert clusterer.labels_ == [0, 1, 0] and clusterer.resolved_labels() == [0, 0, 0]


def test_stories_merged_story_not_listed():
    assert [s.story_id for s in merging_clusterer().stories()] == [0]


def test_stories_state_round_trips_through_json():
    first, rest = STRIKE[:2], STRIKE[2:]
    whole = merging_clusterer()
    state = json.loads(
        json.dumps(OnlineClusterer(**MERGE_ONLY).partial_fit(first, [None] * 2).to_state())
    )
    resumed = OnlineClusterer.from_state(state).partial_fit(rest, [None])
    assert resumed.labels_ == whole.labels_ and resumed.events_ == whole.events_


def test_stories_state_needs_same_embedder():
    state = OnlineClusterer(embedder=None).to_state()
    state["params"]["embedder"] = "minilm"
    with pytest.raises(ConfigError, match="minilm"):
        OnlineClusterer.from_state(state)


def test_stories_assign_groups_articles_with_outlets():
    _, stories = assign_stories(ARTICLES, embedder=None, threshold=0.2)
    by_members = {s.article_ids: s for s in stories}
    assert set(by_members) == {("a1", "a3"), ("a2", "a4")}
    assert by_members[("a1", "a3")].outlets == ("Island Echo", "Coast Herald")


def test_stories_assign_ids_stable_when_more_arrive():
    clusterer, before = assign_stories(ARTICLES[:2], embedder=None, threshold=0.2)
    _, after = assign_stories(ARTICLES[2:], clusterer)
    assert [s.story_id for s in before] == [s.story_id for s in after]
    assert clusterer.labels_[:2] == [0, 1]


def test_stories_dormant_story_marked_inactive():
    _, stories = assign_stories(ARTICLES[:2], embedder=None, threshold=0.2, window_days=1)
    later = OnlineClusterer(threshold=0.2, window_days=1)
    clusterer, _ = assign_stories(ARTICLES[:2], later)
    assert all(s.active for s in stories)
    assert not any(s.active for s in clusterer.stories(now=START + timedelta(days=3)))


def test_stories_label_is_a_headline():
    _, stories = assign_stories(ARTICLES, embedder=None, threshold=0.2)
    labels = {s.label for s in stories}
    assert labels <= {a.title for a in ARTICLES}


def test_stories_label_stable_as_story_grows():
    headlines = [
        "Ferry crews strike over night-shift pay",
        "Ferry strike strands island commuters",
        "Ferry strike enters second day",
        "Ferry union and Nordlink to meet",
        "Ferry strike talks resume",
    ]
    before = story_label(headlines)
    more = headlines + ["Bridge plan revived as strike bites"] * 4
    clusterer = OnlineClusterer(threshold=0.05).partial_fit(
        ["ferry strike"] * len(more), [None] * len(more), headlines=more
    )
    assert clusterer.stories()[0].label == before


def test_stories_label_cut_to_max_words():
    assert story_label(["one two three four five six"], max_words=3) == "one two three …"


def test_stories_recluster_records_merges_and_keeps_old_ids():
    # every article its own story (no window re-clustering to join near-copies)
    fine, _ = assign_stories(ARTICLES, embedder=None, threshold=0.9, recluster_every=0)
    _, stories, events = recluster(ARTICLES, fine, embedder=None, threshold=0.2)
    assert stories == {"a1": 0, "a2": 1, "a3": 0, "a4": 1}
    assert [(e.kind, e.story_id, e.from_ids) for e in events] == [
        ("merge", 0, (2,)),
        ("merge", 1, (3,)),
    ]


def test_stories_map_ids_records_split():
    stories, events = map_story_ids({"a": 0, "b": 0, "c": 0}, {"a": 0, "b": 0, "c": 1})
    assert stories == {"a": 0, "b": 0, "c": 1}
    assert [(e.kind, e.story_id, e.to_ids) for e in events] == [("split", 0, (1,))]


def test_stories_map_ids_records_merge():
    stories, events = map_story_ids({"a": 0, "b": 1}, {"a": 5, "b": 5})
    assert stories == {"a": 0, "b": 0}
    assert [(e.kind, e.story_id, e.from_ids) for e in events] == [("merge", 0, (1,))]


def test_stories_cluster_stream_accepts_registry_name():
    labels = cluster_stream(STRIKE, [None] * 3, threshold=0.2, embedder="hashing")
    assert labels == [0, 0, 0]


def test_stories_unknown_embedder_name_raises_config_error():
    with pytest.raises(ConfigError, match="valid"):
        cluster_stream(STRIKE, [None] * 3, embedder="glove")


def test_stories_mismatched_dates_raise_config_error():
    with pytest.raises(ConfigError):
        OnlineClusterer().partial_fit(STRIKE, [None])
