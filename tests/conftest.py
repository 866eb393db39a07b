"""Shared fixtures: the demo corpus, the shared example articles, and cached briefings."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.cli.demo import demo_corpus
from storyline.pipeline import brief_paths

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = SHARED / "examples" / "trade-talks"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return Path(str(demo_corpus()))


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/examples/trade-talks is not present")
    return EXAMPLES


@pytest.fixture(scope="session")
def demo_briefing(demo_dir):
    return brief_paths([demo_dir])


@pytest.fixture(scope="session")
def examples_briefing(examples_dir):
    return brief_paths([examples_dir])
