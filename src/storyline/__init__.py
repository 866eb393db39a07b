"""Storyline: news articles from many outlets in, cited story briefings out.

>>> from storyline import brief_paths, render_markdown
>>> print(render_markdown(brief_paths(["articles/"])))  # doctest: +SKIP
"""

from storyline.errors import StorylineError
from storyline.records import (
    Article,
    Briefing,
    Entity,
    Evidence,
    Quarantined,
    RawDocument,
    ReprintGroup,
    Sentence,
    Source,
    SummarySentence,
    TimelineEvent,
)
from storyline.settings import Settings

# The pipeline and renderers pull in spaCy, scikit-learn and numba (about a second): they
# are imported on first use, so `storyline --help` and `import storyline.records` stay fast.
_LAZY = {
    "brief_articles": "storyline.pipeline",
    "brief_paths": "storyline.pipeline",
    "read_articles": "storyline.pipeline",
    "render_html": "storyline.render",
    "render_json": "storyline.render",
    "render_markdown": "storyline.render",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'storyline' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__version__ = "0.1.0"

__all__ = [
    "Article",
    "Briefing",
    "Entity",
    "Evidence",
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
