import inspect

import storyline


def test_exported_members_all_complete_and_sorted():
    public = {
        name
        for name, value in vars(storyline).items()
        if not name.startswith("_") and not inspect.ismodule(value)
    }
    assert public == set(storyline.__all__)
    assert storyline.__all__ == sorted(storyline.__all__)
