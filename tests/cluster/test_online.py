from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from storyline.cluster import OnlineClusterer, cluster_stream
from storyline.errors import ConfigError

START = datetime(2026, 3, 2, tzinfo=UTC)
STREAM = [
    ("Ferry crews strike over night-shift pay, stranding island commuters", 0),
    ("City council approves harbour-front cycle lane after long consultation", 0),
    ("Island ferry strike enters second day as pay talks stall", 1),
    ("Shopkeepers fear parking losses from new harbour cycle lane", 1),
    ("Ferry strike ends as crews accept new night-shift pay deal", 2),
]


def test_online_stories_follow_topics():
    labels = cluster_stream(
        [t for t, _ in STREAM], [START + timedelta(days=d) for _, d in STREAM], threshold=0.15
    )
    assert labels[0] == labels[2] == labels[4]
    assert labels[1] == labels[3]
    assert labels[0] != labels[1]


def test_online_story_ids_stable_as_articles_arrive():
    clusterer = OnlineClusterer(threshold=0.15)
    clusterer.partial_fit([t for t, _ in STREAM[:2]], [START, START])
    first = list(clusterer.labels_)
    clusterer.partial_fit([t for t, _ in STREAM[2:]], [START + timedelta(days=1)] * 3)
    assert clusterer.labels_[:2] == first


def test_online_dormant_story_not_joined_after_window():
    texts = [STREAM[0][0], STREAM[2][0]]
    labels = cluster_stream(
        texts, [START, START + timedelta(days=30)], threshold=0.15, window_days=7
    )
    assert labels == [0, 1]


@pytest.mark.parametrize("kwargs", [{"threshold": 0}, {"threshold": 1.5}, {"window_days": 0}])
def test_online_bad_settings_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        OnlineClusterer(**kwargs)


def test_online_candidates_match_full_scan(monkeypatch):
    """Scoring only stories that share a term or cue assigns as scoring every story."""
    from storyline.cluster import online

    class FullScan(OnlineClusterer):
        def _candidates(self, active, indices, cue_indices, vector):
            return [self.stories_[i] for i in np.flatnonzero(active)]

    texts = [
        "Earthquake of magnitude 6.1 hits Napa in California",
        "Napa earthquake damages wineries",
        "Tara Reid enters rehab at Promises in Malibu",
        "Lindsay Lohan enters rehab again",
        "Magnitude 5.2 earthquake shakes Iran",
        "Iran quake toll rises to 33",
        "Promises Malibu rehab center confirms Tara Reid stay",
        "California wineries count earthquake losses in Napa",
    ] * 3
    monkeypatch.setattr(online, "_REBUILD_DIRTY", 2)  # use the indexes, not just dirty stories
    for kwargs in ({}, {"merge_threshold": 0.3, "recluster_every": 5}):
        fast = OnlineClusterer(threshold=0.2, **kwargs).partial_fit(texts, [None] * len(texts))
        full = FullScan(threshold=0.2, **kwargs).partial_fit(texts, [None] * len(texts))
        assert fast.labels_ == full.labels_
        assert fast.resolved_labels() == full.resolved_labels()
        assert fast.events_ == full.events_
