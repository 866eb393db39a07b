"""Fixtures for the evaluation harness: the shared benchmark data, or a clean skip.

Tests that need `shared/data` call the `require_data` fixture, which skips when it is
absent. Tests of a `storyline` row call `require_attribute`, which skips while the pipeline
function it scores does not exist yet and runs as soon as it does.
"""

from __future__ import annotations

import gzip
import importlib
import json
from pathlib import Path

import pytest

from storyline.errors import DataUnavailable
from storyline.evaluate.datasets import DATASET_FILES, find_data_dir

# Three short wire-style articles about one story, written for these tests.
HARBOR_ARTICLES = (
    "Dockworkers at the Port of Halden walked off the job on Monday after talks over a new "
    "contract collapsed. The union said 1,200 members joined the strike. Cargo ships began "
    "queuing outside the harbor by the afternoon.",
    "A strike shut the Port of Halden on Monday, stranding dozens of container ships. Union "
    "leaders blamed the port authority for refusing a 6 percent pay rise. The authority said "
    "its offer of 4 percent was final.",
    "Retailers warned of empty shelves within a week as the Halden port strike entered its "
    "first day. Economists estimated the stoppage costs the region $40 million a day. No new "
    "talks have been scheduled.",
)
HARBOR_REFERENCE = (
    "Dockworkers at the Port of Halden went on strike on Monday after contract talks "
    "collapsed, stranding container ships. The union wants a 6 percent raise; the port "
    "authority says its 4 percent offer is final. The strike costs the region $40 million a "
    "day."
)


def _require_data(dataset: str) -> Path:
    """Path of a dataset's default file, or skip the test when the shared data is absent."""
    try:
        path = find_data_dir() / DATASET_FILES[dataset]
    except DataUnavailable as error:
        pytest.skip(f"shared benchmark data not available: {error}")
    if not path.is_file():
        pytest.skip(f"shared benchmark file not available: {path}")
    return path


def _require_attribute(module: str, attribute: str) -> object:
    """The pipeline function a `storyline` row calls, or skip while it does not exist yet."""
    try:
        loaded = importlib.import_module(module)
    except ImportError as error:
        pytest.skip(f"{module} is not importable yet ({error})")
    if not hasattr(loaded, attribute):
        pytest.skip(f"{module}.{attribute} does not exist yet")
    return getattr(loaded, attribute)


def _write_jsonl_gz(path: Path, records: list[dict]) -> Path:
    """Write small records we made up as a gzip JSON Lines file (the benchmark format)."""
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    return path


@pytest.fixture
def harbor_articles() -> tuple[str, ...]:
    return HARBOR_ARTICLES


@pytest.fixture
def harbor_reference() -> str:
    return HARBOR_REFERENCE


@pytest.fixture
def require_data():
    return _require_data


@pytest.fixture
def require_attribute():
    return _require_attribute


@pytest.fixture
def write_jsonl_gz():
    return _write_jsonl_gz
