"""Facts from article text: sentences, entities, quotes with speakers, figures, dates."""

from storyline.extract.dates import find_dates, find_unplaced_dates
from storyline.extract.entities import canonical_entities
from storyline.extract.figures import find_figures
from storyline.extract.nlp import load_pipeline, load_sentence_splitter
from storyline.extract.quotes import find_quotes, resolve_speakers

__all__ = [
    "canonical_entities",
    "find_dates",
    "find_figures",
    "find_quotes",
    "find_unplaced_dates",
    "load_pipeline",
    "load_sentence_splitter",
    "resolve_speakers",
]
