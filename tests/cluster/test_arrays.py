import json

import numpy as np
import pytest

from storyline.cluster.arrays import pack, unpack


@pytest.mark.parametrize(
    ("array", "dtype", "code"),
    [
        (np.array([3, 17, 262_143], dtype=np.int64), np.int64, "<i4"),
        (np.array([2**40, -5], dtype=np.int64), np.int64, "<i8"),
        (np.array([0.1, -1e-300, 1 / 3, np.inf]), float, "<f8"),
        (np.array([0, 255, 7]), np.int64, "<u1"),
        (np.array([300, 65_535]), np.int64, "<u2"),
        (np.array([-1, 2]), np.int64, "<i4"),
        (np.zeros(0, dtype=np.int64), np.int64, "<u1"),
    ],
)
def test_arrays_round_trip_exactly_through_json(array, dtype, code):
    text = json.loads(json.dumps(pack(array)))
    assert text.startswith(code + ":")
    restored = unpack(text, dtype)
    assert restored.dtype == np.dtype(dtype) and restored.flags.writeable
    np.testing.assert_array_equal(restored, array)


def test_arrays_plain_lists_from_older_states_still_load():
    np.testing.assert_array_equal(unpack([4, 8, 15], np.int64), [4, 8, 15])
    assert unpack([], float).size == 0
