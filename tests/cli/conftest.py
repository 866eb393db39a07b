"""The `cli` fixture: `storyline` run in-process (see clirun.py)."""

import pytest
from clirun import run_cli


@pytest.fixture
def cli():
    return run_cli
