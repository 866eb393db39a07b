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


def test_online_dormant_story_needs_revive_threshold_not_join_threshold():
    texts = [STREAM[0][0], STREAM[2][0]]
    dates = [START, START + timedelta(days=30)]
    # the pair scores 0.14 (TF-IDF): enough to join inside the window at 0.1
    clusterer = OnlineClusterer(threshold=0.1, window_days=7, revive_threshold=0.9)
    assert clusterer.partial_fit(texts, dates).labels_ == [0, 1]
    clusterer = OnlineClusterer(threshold=0.1, window_days=7, revive_threshold=0.12)
    assert clusterer.partial_fit(texts, dates).labels_ == [0, 0]


@pytest.mark.parametrize("kwargs", [{"threshold": 0}, {"threshold": 1.5}, {"window_days": 0}])
def test_online_bad_settings_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        OnlineClusterer(**kwargs)


def _direct_cosines(clusterer, query, slots, kind):
    """Cosines of `query` with the stories in `slots` from their member sums: current
    IDF in the numerator and the query norm, the built IDF in the story norm."""
    side = query.terms if kind == "term" else query.cues
    frequency = clusterer.document_frequency_ if kind == "term" else clusterer.cue_frequency_
    built = clusterer._idf_terms if kind == "term" else clusterer._idf_cues
    current = clusterer._idf(np.arange(clusterer.n_features), frequency)
    dense_query = np.zeros(clusterer.n_features)
    dense_query[side.indices] = side.unit * side.norm
    result = []
    for slot in slots:
        story = clusterer.stories_[int(clusterer._slot_story[slot])]
        dense = np.zeros(clusterer.n_features)
        np.add.at(dense, getattr(story, f"{kind}_indices"), getattr(story, f"{kind}_values"))
        norms = np.linalg.norm(dense * built) * side.norm
        result.append((dense * current) @ dense_query / norms if norms else 0.0)
    return np.array(result)


def test_online_posting_index_scores_as_direct_cosines(monkeypatch):
    """The posting indexes, their deltas and the running norms give the cosines a direct
    computation over every live story gives, and skip only stories that score 0."""
    from storyline.cluster import live

    checked = []

    class Checked(OnlineClusterer):
        def _score(self, query, exclude=None):
            slots, similarity = super()._score(query, exclude)
            every = np.setdiff1d(np.flatnonzero(self._live[: self._n_slots]), [exclude])
            text = _direct_cosines(self, query, every, "term")
            cues = _direct_cosines(self, query, every, "cue")
            assert np.all(text[~np.isin(every, slots)] == 0)
            picked = np.searchsorted(every, slots)
            expected = text[picked]
            if query.cues.indices.size:
                has_cues = np.array(
                    [self.stories_[int(self._slot_story[s])].cue_indices.size > 0 for s in slots]
                )
                weight = np.where(has_cues, self.entity_weight, 0.0)
                expected = (1 - weight) * expected + weight * cues[picked]
            # scaled for the query's length (cluster/length.py; 1 for story queries)
            np.testing.assert_allclose(similarity, expected * query.scale, atol=1e-9)
            checked.append(slots.size)
            return slots, similarity

    texts = [
        "Earthquake of magnitude 6.1 hits Napa in California",
        "Napa earthquake damages wineries",
        "Tara Reid enters rehab at Promises in Malibu",
        "Lindsay Lohan enters rehab again",
        "Magnitude 5.2 earthquake shakes Iran",
        "Iran quake toll rises to 33",
        "Promises Malibu rehab center confirms Tara Reid stay",
        "California wineries count earthquake losses in Napa",
    ] * 4
    # rebuild only on IDF drift, so later arrivals are scored through the deltas
    monkeypatch.setattr(live, "_BUILD_READS_FIXED", 10**12)
    for kwargs in ({}, {"merge_threshold": 0.3, "recluster_every": 5}):
        Checked(threshold=0.2, n_features=2**12, **kwargs).partial_fit(texts, [None] * len(texts))
    assert sum(checked) > 50


def test_online_sparse_sums_and_dots_match_dense_vectors():
    """Joins, merges and moves add sorted sparse vectors (a compiled merge walk) and dot
    them by binary search; check them against dense arithmetic, cancellations (a move
    undoing a join) included."""
    from storyline.cluster.rows import _dot
    from storyline.cluster.sparse import add_sparse

    rng = np.random.default_rng(7)
    for _ in range(300):
        a = np.unique(rng.integers(0, 60, rng.integers(0, 40)))
        b = np.unique(rng.integers(0, 60, rng.integers(0, 40)))
        a_values, b_values = rng.normal(size=a.size), rng.normal(size=b.size)
        if rng.random() < 0.3:
            b, b_values = a.copy(), -a_values
        dense_a, dense_b = np.zeros(60), np.zeros(60)
        dense_a[a], dense_b[b] = a_values, b_values
        indices, values = add_sparse(a, a_values, b, b_values)
        total = np.zeros(60)
        total[indices] = values
        np.testing.assert_allclose(total, dense_a + dense_b)
        assert np.all(np.diff(indices) > 0) and np.all(values != 0)
        assert _dot(a, a_values, b, b_values) == pytest.approx(dense_a @ dense_b)


def test_online_merge_check_queries_a_big_story_by_its_heaviest_terms(monkeypatch):
    """A story that has gathered many terms is merge-checked by its MERGE_QUERY_TERMS
    heaviest ones (bounded cost), scoring at most its exact cosines; a small story by all
    of them."""
    from storyline.cluster import merge

    monkeypatch.setattr(merge, "MERGE_QUERY_TERMS", 12)
    sizes = []

    class Spy(OnlineClusterer):
        def _check_merge(self, story):
            self._checking = story
            super()._check_merge(story)
            self._checking = None

        def _score(self, query, exclude=None):
            slots, similarity = super()._score(query, exclude)
            story = getattr(self, "_checking", None)
            if story is not None:
                sizes.append((story.term_indices.size, query.terms.indices.size))
                whole = self._query(
                    (story.term_indices, story.term_values),
                    (story.cue_indices, story.cue_values),
                    story.vector,
                )
                exact_slots, exact = super()._score(whole, exclude)
                assert np.all(similarity <= exact[np.isin(exact_slots, slots)] + 1e-12)
            return slots, similarity

    texts = [
        "Ferry crews strike over night-shift pay, stranding island commuters",
        "Bus drivers vote to strike over pay as city talks collapse",
        "Island ferry strike enters second day as pay talks stall",
        "Bus strike halts city routes; drivers reject pay offer",
        "Ferry strike ends as crews accept new night-shift pay deal",
        "Ferry union says strike pay deal covers overtime and weekend crossings",
    ]
    Spy(threshold=0.3, merge_threshold=0.99).partial_fit(texts, [START] * len(texts))
    assert any(terms > 12 for terms, _ in sizes)
    assert all(queried == min(terms, 12) for terms, queried in sizes)


def test_online_rebuilds_once_queries_have_read_a_builds_worth_of_deltas(monkeypatch):
    """Besides IDF drift, a build is due when queries have read deltas worth a build."""
    from storyline.cluster import live

    def builds(per_entry: int, fixed: int) -> int:
        monkeypatch.setattr(live, "_BUILD_READS_PER_ENTRY", per_entry)
        monkeypatch.setattr(live, "_BUILD_READS_FIXED", fixed)
        clusterer = OnlineClusterer(threshold=0.2, recluster_every=0)
        count = 0
        build = clusterer._rebuild

        def counted(*args):
            nonlocal count
            count += 1
            build(*args)

        clusterer._rebuild = counted
        texts = [text for text, _ in STREAM] * 12
        clusterer.partial_fit(texts, [START] * len(texts))
        return count

    # 60 articles: IDF drift alone builds 16 times; with a cheap build, reading deltas
    # triggers more
    assert builds(0, 10**12) + 5 < builds(0, 40)
