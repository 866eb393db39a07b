"""Helpers shared by commands: stderr console, progress bars, stores, plurals, warnings.

This module is imported by every command at `storyline --help`, so it imports nothing heavy:
the pipeline, the store and the server are imported inside the commands that run them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperOption

from storyline.errors import StoreError

# soft_wrap: a message is one line when stderr is a pipe or a log file (rich would otherwise
# hard-wrap at 80 columns, splitting paths and error text across lines).
stderr = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)

_LABEL_STYLES = {"error": "red", "skipped": "red", "quarantined": "red", "warning": "yellow"}

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $STORYLINE_DB, else ./storyline.db)."),
]
RayAddressOption = Annotated[
    str | None,
    typer.Option(
        "--ray-address", help="Ray cluster to join: auto or host:port (default: a local Ray)."
    ),
]


def _flag_type(self: TyperOption, ctx) -> str | None:
    """Help shows no type for an on/off flag (typer 0.29 prints `<bool>` beside `--json`)."""
    if self.is_flag:
        return None
    return _typer_display_type(self, ctx)


_typer_display_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type


def stdout_console() -> Console:
    """Tables on stdout; off a terminal (a pipe, a file) 140 columns, not rich's 80, so a
    title or label is not broken over several lines."""
    import sys

    return Console(width=None if sys.stdout.isatty() else 140)


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


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 story", "2 stories", "1,204 articles"."""
    if count == 1:
        return f"1 {word}"
    if many is None:
        consonant_y = word.endswith("y") and word[-2:-1] not in "aeiou"
        many = word[:-1] + "ies" if consonant_y else word + "s"
    return f"{count:,} {many}"


def store_path(db: Path | None) -> Path:
    from storyline.store import default_db_path

    return db or default_db_path()


def existing_store(db: Path | None):
    """Open a store that must already exist: a mistyped --db is an error, not a new file.

    Only `storyline ingest` creates stores; every other command reads one.
    """
    from storyline.store import backend_for, open_store

    path = store_path(db)
    if backend_for(path) == "sqlite" and not path.is_file():
        where = "--db" if db else "$STORYLINE_DB or ./storyline.db"
        raise StoreError(
            f"{path}: no such store (from {where}); create one with "
            f"`storyline ingest FILES --db {path}`, or pass --db the store you meant"
        )
    return open_store(path)


def progress_bar(quiet: bool):
    """A Progress callable for the pipeline: a rich bar on stderr unless `quiet`."""

    def show(items: Iterable, description: str, total: int) -> Iterable:
        if quiet:
            return items
        from rich.progress import track

        return track(items, description=description, total=total, console=stderr, transient=True)

    return show
