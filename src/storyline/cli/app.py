"""The `storyline` command: typer root app; StorylineError becomes one stderr line, exit 1."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

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


class StorylineGroup(TyperGroup):
    """The root command: a StorylineError from any command is one stderr line and exit 1.

    Handled here rather than in `main`, so typer's CliRunner (the tests) sees exactly what a
    user sees. `--debug` anywhere on the command line shows the traceback instead.
    """

    debug = False

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except StorylineError as exc:
            if self.debug:
                raise
            say(error_text(exc), "error")
            ctx.exit(1)


app = typer.Typer(
    cls=StorylineGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Turn news articles from many outlets into cited story briefings.",
)


def _show_version(value: bool) -> None:
    if value:
        from storyline import __version__

        typer.echo(f"storyline {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Turn news articles from many outlets into cited story briefings."""


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
    """Console entry point; `--debug` anywhere shows tracebacks."""
    if "--debug" in sys.argv:
        sys.argv.remove("--debug")
        StorylineGroup.debug = True
    app(prog_name="storyline")


def error_text(exc: BaseException) -> str:
    """The error's message as written: str() of a KeyError subclass would add quotes."""
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        return str(exc.args[0])
    return str(exc)
