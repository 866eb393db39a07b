"""Serve the store over HTTP: a versioned JSON API and a web UI from one FastAPI app.

>>> from pathlib import Path
>>> from storyline.serve import ServeConfig, create_app
>>> app = create_app(ServeConfig(db_path=Path("storyline.db")))  # doctest: +SKIP
"""

from storyline.serve.app import create_app
from storyline.serve.config import ServeConfig

__all__ = ["ServeConfig", "create_app"]
