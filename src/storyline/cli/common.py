"""Helpers shared by commands: stderr console, progress bars, error reporting."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.markup import escape
from rich.progress import track

# soft_wrap: a message is one line when stderr is a pipe or a log file (rich would otherwise
# hard-wrap at 80 columns, splitting paths and error text across lines).
stderr = Console(stderr=True, soft_wrap=True, highlight=False)

_LABEL_STYLES = {"error": "red", "skipped": "red", "quarantined": "red", "warning": "yellow"}


def say(message: str, label: str | None = None) -> None:
    """Print one message on stderr; its text is never read as rich markup.

    File names, CSV headers and article text reach these messages, and a `[/red]` in any of
    them would otherwise raise `rich.errors.MarkupError` after the work was done.
    """
    if label is None:
        stderr.print(escape(message))
        return
    style = _LABEL_STYLES.get(label, "bold")
    stderr.print(f"[{style}]{label}[/{style}] {escape(message)}")


def progress_bar(quiet: bool):
    """A Progress callable for the pipeline: a rich bar on stderr unless `quiet`."""

    def show(items: Iterable, description: str, total: int) -> Iterable:
        if quiet:
            return items
        return track(items, description=description, total=total, console=stderr, transient=True)

    return show
