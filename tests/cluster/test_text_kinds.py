"""One set of shipped defaults on headline-only, full-article and mixed streams.

Headlines of one story share two or three words, full articles dozens, so a threshold
right for one splits or chains the other; the length calibration (cluster/length.py)
scales a short text's similarity so the same defaults serve both. The texts are made up
for these tests (no benchmark text)."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from storyline.cluster import OnlineClusterer, cluster_stream
from storyline.cluster.length import length_factor, pair_factor
from storyline.evaluate.metrics import bcubed

START = datetime(2026, 5, 4, 6, tzinfo=UTC)

HEADLINES = {
    "strike": [
        "Halden dockworkers strike over pay",
        "Strike shuts Halden port",
        "Halden port strike enters third day",
        "Dockworkers reject Halden pay offer",
        "Ships queue as Halden strike drags on",
    ],
    "quake": [
        "Magnitude 6.1 quake hits Varda",
        "Varda earthquake toll rises to 12",
        "Rescuers search rubble after Varda quake",
        "Aftershocks rattle Varda after quake",
        "Varda quake damages bridges",
    ],
    "merger": [
        "Brenna Rail agrees merger with Ostline",
        "Ostline shares jump on Brenna Rail deal",
        "Regulator to review Brenna Rail merger",
        "Brenna Rail merger would create largest operator",
        "Unions wary of Ostline merger with Brenna Rail",
    ],
    "phone": [
        "Kestrel unveils Nova 5 phone",
        "Kestrel Nova 5 goes on sale Friday",
        "Reviewers praise Kestrel Nova 5 battery",
        "Kestrel cuts Nova 4 price after Nova 5 launch",
        "Nova 5 phone sells out in hours",
    ],
}

ARTICLES = {
    "strike": [
        "Dockworkers at the port of Halden walked out on Monday after talks over pay broke "
        "down, leaving container ships waiting offshore. The union said the strike would "
        "continue until the port operator improved its offer for night shifts and overtime.",
        "The strike at Halden port entered its third day as dockworkers rejected a revised "
        "pay offer. Shipping lines diverted vessels to other ports while the union and the "
        "operator blamed each other for the collapse of the pay talks.",
        "Container ships queued outside Halden as the dockworkers' strike dragged on. The "
        "port operator said losses were mounting, and the union repeated that night-shift "
        "pay and overtime rules had to change before its members returned to work.",
    ],
    "quake": [
        "A magnitude 6.1 earthquake struck the coastal region of Varda before dawn, "
        "collapsing houses and damaging two bridges. Rescuers searched the rubble for "
        "survivors as aftershocks shook the area, and officials put the toll at twelve dead.",
        "Rescue teams in Varda worked through the night after the earthquake, pulling "
        "survivors from collapsed houses. The toll rose to twelve, the regional governor "
        "said, and engineers closed two damaged bridges on the coast road.",
        "Aftershocks rattled Varda a day after the magnitude 6.1 earthquake, slowing the "
        "search of collapsed buildings. The government sent tents and water to the coastal "
        "towns, and the death toll stood at twelve.",
    ],
    "merger": [
        "Brenna Rail agreed to merge with its rival Ostline in a deal that would create the "
        "country's largest rail operator. Shares in Ostline jumped on the news, while the "
        "competition regulator said it would review the merger closely.",
        "The competition regulator opened a review of the Brenna Rail and Ostline merger, "
        "which would give the combined operator most regional rail routes. Unions said they "
        "feared job cuts once the two rail companies were combined.",
        "Ostline shareholders backed the merger with Brenna Rail, though the deal still "
        "needs the regulator's approval. The combined rail operator would run most regional "
        "routes, and unions have asked for guarantees on jobs.",
    ],
}


def _stream(stories: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Texts interleaved across stories (as a feed delivers them) and their gold story."""
    texts, gold = [], []
    longest = max(len(v) for v in stories.values())
    for i in range(longest):
        for name, items in stories.items():
            if i < len(items):
                texts.append(items[i])
                gold.append(name)
    return texts, gold


def _f1(texts, gold, **settings) -> tuple[float, int]:
    dates = [START + timedelta(minutes=20 * i) for i in range(len(texts))]
    labels = cluster_stream(texts, dates, embedder=None, **settings)
    return bcubed(labels, gold).f1, len(set(labels))


def test_headline_stream_groups_its_stories_with_the_defaults(monkeypatch):
    texts, gold = _stream(HEADLINES)
    f1, stories = _f1(texts, gold)
    assert f1 >= 0.9 and stories <= 6
    # the uncalibrated similarity splits the same headlines into more stories (with lone
    # articles joined only at the threshold: on these few headlines the lower bar for a
    # lone article, cluster/window.py ALONE_SHARE, alone would repair the split)
    monkeypatch.setattr(importlib.import_module("storyline.cluster.window"), "ALONE_SHARE", 1.0)
    flat_f1, flat_stories = _f1(texts, gold, length_power=0.0)
    assert flat_stories > stories and flat_f1 < f1


def test_full_article_stream_is_left_as_the_uncalibrated_similarity_groups_it():
    texts, gold = _stream(ARTICLES)
    f1, stories = _f1(texts, gold)
    assert f1 >= 0.9 and stories <= 4
    # every article has more than length_terms terms: the calibration changes nothing
    assert _f1(texts, gold, length_power=0.0) == (f1, stories)


def test_mixed_stream_puts_headlines_with_their_articles():
    mixed = {k: ARTICLES.get(k, []) + HEADLINES[k] for k in HEADLINES}
    texts, gold = _stream(mixed)
    f1, stories = _f1(texts, gold)
    assert f1 >= 0.9 and stories <= 6


def test_length_factor_scales_only_short_texts_and_pairs_by_the_shorter():
    factor = length_factor(np.array([1, 4, 40, 400]), 20, 1.0)
    assert factor.tolist() == [20.0, 5.0, 1.0, 1.0]
    assert length_factor(np.array([3]), 20, 0.0).tolist() == [1.0]
    pairs = pair_factor(np.array([4, 400]), 20, 1.0)
    assert pairs.tolist() == [[5.0, 5.0], [5.0, 1.0]]


def test_length_calibration_round_trips_and_old_states_load_without_it():
    texts, _ = _stream(HEADLINES)
    clusterer = OnlineClusterer(embedder=None).partial_fit(texts, [None] * len(texts))
    state = clusterer.to_state()
    again = OnlineClusterer.from_state(state)
    assert (again.length_terms, again.length_power) == (
        clusterer.length_terms,
        clusterer.length_power,
    )
    del state["params"]["length_terms"], state["params"]["length_power"]
    assert OnlineClusterer.from_state(state).length_power == 0.0


def test_length_settings_are_checked():
    from storyline.errors import ConfigError

    with pytest.raises(ConfigError, match="length_terms"):
        OnlineClusterer(length_terms=0)
