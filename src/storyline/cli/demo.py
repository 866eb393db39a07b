"""`storyline demo`: brief the bundled demo corpus and write the result to a file."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.brief import OutputFormat, write_briefing
from storyline.cli.common import progress_bar, say


def demo_corpus():
    """The bundled demo corpus folder (a fictional recall story told by six outlets)."""
    return files("storyline.demo") / "corpus"


def demo_command(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Briefing file to write.")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.md,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Brief the bundled demo corpus and write the briefing to a file."""
    from storyline.pipeline import brief_paths

    out = out or Path(f"storyline-demo-briefing.{output_format.value}")
    with as_file(demo_corpus()) as corpus:
        if not quiet:
            say(f"briefing the demo corpus in {corpus}")
        briefing = brief_paths([corpus], progress=progress_bar(quiet))
    write_briefing(briefing, output_format.value, out, quiet)
    typer.echo(f"Demo briefing of {briefing.article_count} articles written to {out}")
