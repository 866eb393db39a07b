"""`storyline brief PATH...`: a cited briefing from files and folders of articles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.common import progress_bar, say
from storyline.records import Briefing
from storyline.render.warnings import summarise_warnings
from storyline.settings import DEFAULT_SPACY_MODEL, Settings


class OutputFormat(StrEnum):
    md = "md"
    json = "json"
    html = "html"


def brief_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders of .txt, .html, .jsonl articles.")
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.md,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here, not stdout.")] = None,
    words: Annotated[int, typer.Option(help="Summary length in words.", min=20)] = 250,
    model: Annotated[
        str, typer.Option(help="spaCy model package name or directory.")
    ] = DEFAULT_SPACY_MODEL,
    since: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Update briefing: only what articles published after this date (YYYY-MM-DD) "
            "report that earlier ones did not.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or warnings.")] = False,
) -> None:
    """Brief a story: cited summary, key entities, timeline, reprint groups and sources."""
    from storyline.pipeline import brief_paths

    briefing = brief_paths(
        paths,
        Settings(summary_words=words, spacy_model=model),
        progress=progress_bar(quiet),
        since=since.date() if since else None,
    )
    write_briefing(briefing, output_format.value, out, quiet)


def write_briefing(briefing: Briefing, output_format: str, out: Path | None, quiet: bool) -> None:
    """Print problems to stderr, the briefing to `out` or stdout; exit 1 if nothing was read."""
    from storyline.render import RENDERERS

    for item in briefing.quarantined:
        say(str(item.error), "skipped")
    if not quiet:
        for warning in summarise_warnings(map(str, briefing.warnings), briefing.article_count):
            say(warning, "warning")
    if briefing.article_count == 0:
        say("no article could be read from the input", "error")
        raise typer.Exit(code=1)
    text = RENDERERS[output_format](briefing)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        if not quiet:
            say(f"briefing written to {out}")
