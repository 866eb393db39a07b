"""The `storyline` command: typer root app; StorylineError becomes one stderr line, exit 1."""

from __future__ import annotations

import sys

import typer

from storyline.cli.brief import brief_command
from storyline.cli.common import say
from storyline.cli.demo import demo_command
from storyline.cli.ingest import ingest_command
from storyline.cli.serve import serve_command
from storyline.cli.stories import (
    cluster_command,
    stories_command,
    story_command,
    timeline_command,
)
from storyline.errors import StorylineError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Turn news articles from many outlets into cited story briefings.",
)
app.command("brief")(brief_command)
app.command("demo")(demo_command)
app.command("ingest")(ingest_command)
app.command("cluster")(cluster_command)
app.command("stories")(stories_command)
app.command("story")(story_command)
app.command("timeline")(timeline_command)
app.command("serve")(serve_command)


def _add_eval() -> None:
    from storyline.cli.eval import eval_app

    app.add_typer(eval_app, name="eval", help="Measure Storyline on public benchmarks.")


_add_eval()


def main() -> None:
    """Console entry point; `--debug` anywhere shows tracebacks.

    Usage errors and exit codes are handled by typer's standalone mode; a StorylineError
    escaping a command becomes one line on stderr and exit code 1.
    """
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    try:
        app()
    except StorylineError as exc:
        if debug:
            raise
        say(str(exc), "error")
        sys.exit(1)
