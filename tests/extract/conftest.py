"""The packaged spaCy pipeline, loaded once for the extract tests that need a parse."""

from __future__ import annotations

import pytest

from storyline.extract.nlp import load_pipeline
from storyline.settings import DEFAULT_SPACY_MODEL


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline(DEFAULT_SPACY_MODEL)
