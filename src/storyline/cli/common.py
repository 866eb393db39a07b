"""Helpers shared by commands: stderr console, progress bars, error reporting."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.progress import track

stderr = Console(stderr=True)


def progress_bar(quiet: bool):
    """A Progress callable for the pipeline: a rich bar on stderr unless `quiet`."""

    def show(items: Iterable, description: str, total: int) -> Iterable:
        if quiet:
            return items
        return track(items, description=description, total=total, console=stderr, transient=True)

    return show
