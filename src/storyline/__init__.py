"""Storyline: news articles from many outlets in, cited story briefings out.

>>> from storyline import brief_paths, render_markdown
>>> print(render_markdown(brief_paths(["articles/"])))  # doctest: +SKIP
"""

from storyline.errors import StorylineError
from storyline.pipeline import brief_articles, brief_paths, read_articles
from storyline.records import (
    Article,
    Briefing,
    Entity,
    Quarantined,
    RawDocument,
    ReprintGroup,
    Sentence,
    Source,
    SummarySentence,
    TimelineEvent,
)
from storyline.render import render_html, render_json, render_markdown
from storyline.settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Briefing",
    "Entity",
    "Quarantined",
    "RawDocument",
    "ReprintGroup",
    "Sentence",
    "Settings",
    "Source",
    "StorylineError",
    "SummarySentence",
    "TimelineEvent",
    "brief_articles",
    "brief_paths",
    "read_articles",
    "render_html",
    "render_json",
    "render_markdown",
]
