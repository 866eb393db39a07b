from datetime import UTC, datetime, timedelta

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
