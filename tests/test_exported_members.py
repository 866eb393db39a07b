import inspect

import storyline


def test_exported_members_all_complete_and_sorted():
    # dir(), not vars(): the pipeline functions are imported on first use (fast start).
    public = {
        name
        for name in dir(storyline)
        if not name.startswith("_") and not inspect.ismodule(getattr(storyline, name))
    }
    assert public == set(storyline.__all__)
    assert storyline.__all__ == sorted(storyline.__all__)
