"""Window re-clustering groups: coarse topics, contrast cut, stray passes (cluster/window.py)."""

import numpy as np

from storyline.cluster.window import (
    ALONE_SHARE,
    average_link_groups,
    contrast_similarity,
    merge_alike_groups,
    refine_groups,
    window_groups,
)


def two_events_one_topic() -> np.ndarray:
    """Events A (0-2) and B (3-5) of one kind: 0.5 inside an event, 0.35 across; story C
    (6-7) unrelated to both."""
    s = np.full((8, 8), 0.02)
    s[:6, :6] = 0.35
    s[:3, :3] = s[3:6, 3:6] = 0.5
    s[6:, 6:] = 0.6
    np.fill_diagonal(s, 1.0)
    return s


def same_partition(a, b) -> bool:
    pairs = set(zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True))
    return len(pairs) == len(set(np.asarray(a).tolist())) == len(set(np.asarray(b).tolist()))


def test_window_contrast_cut_splits_two_events_that_one_cut_merges():
    s = two_events_one_topic()
    assert same_partition(average_link_groups(s, 0.3), [0, 0, 0, 0, 0, 0, 1, 1])
    assert same_partition(window_groups(s, 0.3), [0, 0, 0, 1, 1, 1, 2, 2])


def test_window_one_coherent_event_is_not_split():
    # within one event the centred profiles are noise; the alike-groups join mends that
    s = np.full((6, 6), 0.5) + np.diag(np.full(6, 0.5))
    s[0, 1] = s[1, 0] = 0.45
    assert window_groups(s, 0.3).tolist() == [0] * 6


def test_window_merge_alike_keeps_distinct_events_apart():
    s = two_events_one_topic()
    groups = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    # across A and B 0.35 < 0.8 * 0.5 inside: kept apart
    assert merge_alike_groups(s, groups, 0.3).tolist() == groups.tolist()
    # a lower bar joins them, but never with the unrelated story C
    assert merge_alike_groups(s, groups, 0.3, share=0.6).tolist() == [0, 0, 0, 0, 0, 0, 1, 1]


def test_window_contrast_similarity_is_symmetric_with_unit_diagonal():
    c = contrast_similarity(two_events_one_topic())
    assert np.allclose(c, c.T)
    assert np.allclose(np.diag(c), 1.0)
    assert c[0, 1] > c[0, 3] + 0.25  # same event beats same topic
    assert c[0, 6] < 0  # unrelated story


def test_window_refine_moves_only_strays():
    s = two_events_one_topic()
    # article 2 put with event B: its mean to B (0.35) is below the cut, to A 0.5 above
    assert refine_groups(s, np.array([0, 0, 1, 1, 1, 1, 2, 2]), 0.4).tolist() == [
        0,
        0,
        0,
        1,
        1,
        1,
        2,
        2,
    ]
    # at a cut of 0.3 article 2 is no stray inside the merged topic (mean 0.4): it stays
    merged = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    assert refine_groups(s, merged, 0.3).tolist() == merged.tolist()


def test_window_refine_singleton_joins_from_alone_share_of_threshold():
    s = np.array([[1, 0.6, 0.2], [0.6, 1, 0.2], [0.2, 0.2, 1.0]])
    assert refine_groups(s, np.array([0, 1, 2]), 0.5).tolist() == [0, 0, 1]
    # 0.6 is below a threshold of 0.7 but above ALONE_SHARE (0.8) of it: the lone
    # article joins; at 0.8 (bar 0.64) both stay alone
    assert ALONE_SHARE == 0.8
    assert refine_groups(s, np.array([0, 1, 2]), 0.7).tolist() == [0, 0, 1]
    assert refine_groups(s, np.array([0, 1, 2]), 0.8).tolist() == [0, 1, 2]


def test_window_refine_pair_below_threshold_does_not_move_to_a_weaker_group():
    # only a lone article gets the lower bar; a pair at 0.6 under a threshold of 0.7
    # stays together rather than joining a group it is less similar to
    s = np.array(
        [[1, 0.6, 0.58, 0.58], [0.6, 1, 0.58, 0.58], [0.58, 0.58, 1, 0.9], [0.58, 0.58, 0.9, 1]]
    )
    assert refine_groups(s, np.array([0, 0, 1, 1]), 0.7).tolist() == [0, 0, 1, 1]
