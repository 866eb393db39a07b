"""`storyline cluster`, `stories`, `story ID` and `timeline ID`: stories over the store."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from storyline.cli.brief import OutputFormat, write_briefing
from storyline.cli.common import progress_bar, say
from storyline.pipeline import brief_articles
from storyline.records import Story
from storyline.settings import Settings
from storyline.store import open_store
from storyline.timeline.chart import timeline_chart
from storyline.tracking import (
    find_story,
    recluster_stories,
    stored_stories,
    story_articles,
    track_stories,
)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $STORYLINE_DB, else ./storyline.db)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def cluster_command(
    db: DbOption = None,
    again: Annotated[
        bool, typer.Option("--recluster", help="Cluster every stored article again.")
    ] = False,
    threshold: Annotated[
        float | None, typer.Option(help="Similarity needed to join a story (0-1).")
    ] = None,
    window_days: Annotated[
        float | None, typer.Option(help="Days after which a quiet story goes dormant.")
    ] = None,
    no_embeddings: Annotated[
        bool, typer.Option("--no-embeddings", help="TF-IDF only, no sentence embeddings.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Group stored articles into stories; new articles join existing stories."""
    settings = {k: v for k, v in (("threshold", threshold), ("window_days", window_days)) if v}
    embedder = None if no_embeddings else "auto"
    started = time.perf_counter()

    def report(stage: str, done: int, total: int) -> None:
        if not as_json:
            say(f"{stage} {done}/{total} articles ({time.perf_counter() - started:.1f} s)")

    with open_store(db) as store:
        if again or settings:
            stories, events = recluster_stories(store, embedder, report, **settings)
        else:
            stories, events = track_stories(store, embedder, report), []
    summary = {
        "stories": len(stories),
        "articles": sum(len(s.article_ids) for s in stories),
        "events": [
            {
                "kind": e.kind,
                "story_id": e.story_id,
                "from_ids": list(e.from_ids),
                "to_ids": list(e.to_ids),
            }
            for e in events
        ],
    }
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        typer.echo(
            f"{summary['articles']} articles in {summary['stories']} stories"
            + (f"; {len(events)} merges/splits recorded" if events else "")
            + f" ({time.perf_counter() - started:.1f} s)"
        )


def stories_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """List stories, largest and most recent first: id, label, size, outlets, dates."""
    with open_store(db) as store:
        stories = sorted(stored_stories(store), key=_story_order)[:limit]
    if as_json:
        typer.echo(json.dumps([_story_dict(s) for s in stories], default=str))
        return
    table = Table(title=f"{len(stories)} stories")
    for column in ("id", "label", "articles", "outlets", "first", "last", "active"):
        table.add_column(column)
    for s in stories:
        table.add_row(
            str(s.story_id),
            s.label,
            str(len(s.article_ids)),
            str(len(s.outlets)),
            _day(s.first_at),
            _day(s.last_at),
            "yes" if s.active else "dormant",
        )
    Console().print(table)


def story_command(
    story_id: Annotated[int, typer.Argument(help="Story id from `storyline stories`.")],
    db: DbOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.md,
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
    words: Annotated[int, typer.Option(min=20, help="Summary length in words.")] = 250,
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Only what is new after this date."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Brief one stored story (the same briefing as `storyline brief`)."""
    with open_store(db) as store:
        story = find_story(stored_stories(store), story_id)
        articles = story_articles(store, story)
    briefing = brief_articles(
        articles,
        Settings(summary_words=words),
        progress=progress_bar(quiet),
        since=since.date() if since else None,
    )
    write_briefing(briefing, output_format.value, out, quiet)


def timeline_command(
    story_id: Annotated[int, typer.Argument(help="Story id from `storyline stories`.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print a stored story's timeline (JSON: the chart-ready form)."""
    with open_store(db) as store:
        story = find_story(stored_stories(store), story_id)
        articles = story_articles(store, story)
    briefing = brief_articles(articles)
    if as_json:
        typer.echo(json.dumps(timeline_chart(briefing.timeline)))
        return
    from storyline.render.markdown import format_when, markers

    typer.echo(f"# {story.label}\n")
    for event in briefing.timeline:
        typer.echo(f"- {format_when(event)} — {event.text} {markers(briefing, event.article_ids)}")
    if not briefing.timeline:
        say("no dated events found in this story")


def _story_order(story: Story) -> tuple:
    last = story.last_at.timestamp() if story.last_at else 0.0
    return (not story.active, -len(story.article_ids), -last)


def _day(when: datetime | None) -> str:
    return when.date().isoformat() if when else "-"


def _story_dict(story: Story) -> dict:
    return {
        "story_id": story.story_id,
        "label": story.label,
        "articles": len(story.article_ids),
        "article_ids": list(story.article_ids),
        "outlets": list(story.outlets),
        "first_at": story.first_at,
        "last_at": story.last_at,
        "active": story.active,
    }
