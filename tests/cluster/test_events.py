"""Two events of one kind (as ECB+ topics are built): entity cues and window re-clustering."""

import json

import numpy as np
import pytest

from storyline.cluster import OnlineClusterer, cluster_stream
from storyline.cluster.arrays import unpack

# Two earthquakes told in the same words; only places, dates and figures differ.
QUAKES = [
    "A magnitude 6.1 earthquake struck near Gisborne, New Zealand, on Tuesday, killing three "
    "people and damaging hundreds of buildings, GeoNet said.",
    "Aftershocks kept rattling Gisborne, New Zealand, on Wednesday as rescue teams searched "
    "collapsed buildings after the magnitude 6.1 earthquake.",
    "A magnitude 5.8 earthquake struck southern Peru near Arequipa on Friday, killing 12 "
    "people and damaging hundreds of buildings.",
    "Peru declared an emergency in Arequipa after Friday's magnitude 5.8 quake; the Peruvian "
    "army flew tents to Arequipa villages.",
    "Arequipa villagers slept in army tents as Peru counted 12 dead from the 5.8 quake.",
]
TWO_QUAKES = [0, 0, 1, 1, 1]


def test_events_entity_cues_keep_two_earthquakes_apart():
    with_cues = cluster_stream(QUAKES, [None] * 5, threshold=0.35, embedder=None, entity_weight=0.5)
    assert with_cues == TWO_QUAKES
    # the same words without cues: the Peru quake's first report joins the Gisborne story
    without = cluster_stream(QUAKES, [None] * 5, threshold=0.35, embedder=None, entity_weight=0)
    assert without[2] == without[0]


def test_events_follow_up_joins_its_own_earthquake():
    follow_up = (
        "Gisborne schools reopened on Monday, a week after the magnitude 6.1 earthquake that "
        "killed three people in New Zealand."
    )
    labels = cluster_stream(
        [*QUAKES, follow_up], [None] * 6, threshold=0.35, embedder=None, entity_weight=0.5
    )
    assert labels[5] == labels[0] != labels[2]


def recluster_run(recluster_every: int) -> OnlineClusterer:
    # At 0.25 single pass puts the Peru quake's first report into the Gisborne story.
    clusterer = OnlineClusterer(threshold=0.25, entity_weight=0.3, recluster_every=recluster_every)
    return clusterer.partial_fit(QUAKES, [None] * 5, article_ids=list("abcde"))


def test_events_window_recluster_moves_article_to_its_event():
    assert recluster_run(0).resolved_labels() == [0, 0, 0, 1, 1]
    clusterer = recluster_run(500)
    assert clusterer.resolved_labels() == TWO_QUAKES


def test_events_window_recluster_keeps_arrival_ids_and_records_event():
    clusterer = recluster_run(500)
    assert clusterer.labels_ == [0, 0, 0, 1, 1]
    (event,) = clusterer.events_
    assert (event.kind, event.story_id, event.to_ids) == ("split", 0, (1,))
    stories = {s.story_id: s.article_ids for s in clusterer.stories()}
    assert stories == {0: ("a", "b"), 1: ("d", "e", "c")}


def test_events_window_recluster_state_round_trips():
    clusterer = OnlineClusterer(threshold=0.25, entity_weight=0.3)
    clusterer.partial_fit(QUAKES[:3], [None] * 3)
    resumed = OnlineClusterer.from_state(json.loads(json.dumps(clusterer.to_state())))
    assert resumed.to_state() == clusterer.to_state()
    resumed.partial_fit(QUAKES[3:], [None] * 2)
    assert resumed.resolved_labels() == TWO_QUAKES


def _as_lists(value):
    """A version-4 state with its packed arrays written out as JSON lists (version 3)."""
    if isinstance(value, dict):
        return {key: _as_lists(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_lists(item) for item in value]
    if isinstance(value, str) and value[:4] in ("<u1:", "<u2:", "<i4:", "<i8:", "<f8:"):
        return unpack(value, float if value[1] == "f" else np.int64).tolist()
    return value


def test_events_version_3_state_with_list_arrays_loads_the_same():
    clusterer = OnlineClusterer(threshold=0.25, entity_weight=0.3)
    clusterer.partial_fit(QUAKES[:3], [None] * 3)
    state = clusterer.to_state()
    old = json.loads(json.dumps(_as_lists(state) | {"version": 3}))
    assert isinstance(old["stories"][0]["term_values"], list)
    assert len(json.dumps(state)) < 0.8 * len(json.dumps(old))
    assert OnlineClusterer.from_state(old).to_state() == state


def test_events_version_1_state_loads_as_built():
    state = OnlineClusterer(threshold=0.2, recluster_every=0, entity_weight=0.0).to_state()
    state["version"] = 1
    for key in ("entity_weight", "recluster_every", "recluster_size"):
        del state["params"][key]
    for key in ("assignments", "window", "since_recluster", "cue_df_indices", "cue_df_counts"):
        del state[key]
    clusterer = OnlineClusterer.from_state(state)
    assert (clusterer.entity_weight, clusterer.recluster_every) == (0.0, 0)
    assert clusterer.partial_fit(QUAKES[:2], [None] * 2).resolved_labels() == [0, 0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"entity_weight": 1.0},
        {"entity_weight": -0.1},
        {"recluster_every": -1},
        {"recluster_size": 1},
    ],
)
def test_events_bad_settings_raise_config_error(kwargs):
    from storyline.errors import ConfigError

    with pytest.raises(ConfigError):
        OnlineClusterer(**kwargs)
