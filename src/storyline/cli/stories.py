"""`storyline cluster`, `stories`, `story ID` and `timeline ID`: stories over the store."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from storyline.cli.brief import OutputFormat, write_briefing
from storyline.cli.common import (
    DbOption,
    RayAddressOption,
    existing_store,
    plural,
    progress_bar,
    say,
    stdout_console,
)
from storyline.render.stories import sort_stories

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


class StoryOrder(StrEnum):
    updated = "updated"
    size = "size"
    outlets = "outlets"


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
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="Where to embed: local (this process) or ray; stories are assigned here.",
        ),
    ] = "local",
    ray_address: RayAddressOption = None,
) -> None:
    """Group stored articles into stories; new articles join existing stories."""
    from storyline.settings import Settings
    from storyline.tracking import recluster_stories, track_stories

    given = {"threshold": threshold, "window_days": window_days}
    # Validated once by Settings: --threshold 0 or --window-days -1 is refused, not ignored.
    config = Settings(**{f"cluster_{k}": v for k, v in given.items() if v is not None})
    options = config.clusterer_options()
    settings = {k: options[k] for k, v in given.items() if v is not None}
    embedder = None if no_embeddings else config.cluster_embedder
    started = time.perf_counter()

    def report(stage: str, done: int, total: int) -> None:
        if not as_json:
            say(f"{stage} {done}/{total} articles ({time.perf_counter() - started:.1f} s)")

    from storyline.cluster.online import resolve_embedder
    from storyline.engines import open_engine

    runner = open_engine(engine, address=ray_address)
    try:
        with existing_store(db) as store:
            if embedder is not None:  # the same model; with Ray, its rows come from actors
                embedder = runner.embedder(resolve_embedder(embedder))
            if again or settings:
                stories, events = recluster_stories(store, embedder, report, **settings)
            else:
                stories, events = track_stories(store, embedder, report), []
    finally:
        runner.close()
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
        changes = f"; {plural(len(events), 'merge/split', 'merges/splits')} recorded"
        typer.echo(
            f"{plural(summary['articles'], 'article')} in {plural(summary['stories'], 'story')}"
            + (changes if events else "")
        )
        say(f"clustered in {time.perf_counter() - started:.1f} s")


def stories_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 50,
    show_all: Annotated[bool, typer.Option("--all", help="Show every story (no --limit).")] = False,
    sort: Annotated[
        StoryOrder,
        typer.Option(
            "--sort",
            help="updated: last article first; size: most articles first; outlets: most "
            "outlets first.",
        ),
    ] = StoryOrder.updated,
    as_json: JsonOption = False,
) -> None:
    """List stories, most recently updated first: id, label, size, outlets, dates."""
    from storyline.tracking import stored_stories

    with existing_store(db) as store:
        every = sort_stories(stored_stories(store), sort.value)
    stories = every if show_all else every[:limit]
    if as_json:
        from storyline.render.json import story_to_dict

        typer.echo(json.dumps([story_to_dict(s, article_ids=True) for s in stories]))
        return
    from rich.table import Table

    shown = f"{len(stories):,} of {plural(len(every), 'story')}"
    if not stories:
        shown = "no stories yet: run `storyline cluster` after `storyline ingest`"
    table = Table(title=f"{shown}, by {_ORDER_TITLES[sort.value]}")
    # One line per story: a long label is cut (…), not wrapped over five lines.
    for column in ("id", "label", "articles", "outlets", "first", "last", "status"):
        if column == "label":
            table.add_column(column, no_wrap=True, overflow="ellipsis", max_width=60)
        else:
            table.add_column(
                column, no_wrap=True, justify="right" if column != "status" else "left"
            )
    for s in stories:
        table.add_row(
            str(s.story_id),
            s.label,
            str(len(s.article_ids)),
            str(len(s.outlets)),
            _day(s.first_at),
            _day(s.last_at),
            "active" if s.active else "dormant",
        )
    stdout_console().print(table)
    if len(stories) < len(every):
        say(f"{len(every) - len(stories):,} more: use --all or --limit {len(every)}")


_ORDER_TITLES = {"updated": "last update", "size": "size", "outlets": "number of outlets"}


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
    from storyline.pipeline import brief_articles
    from storyline.settings import Settings
    from storyline.tracking import find_story, stored_stories, story_articles

    with existing_store(db) as store:
        story = find_story(stored_stories(store), story_id)
        briefing = brief_articles(  # from stored analyses: spaCy only for unanalysed ones
            story_articles(store, story),
            Settings(summary_words=words),
            progress=progress_bar(quiet),
            since=since.date() if since else None,
            store=store,
        )
    # the stored story's label, as `storyline stories` and the API print it
    briefing = dataclasses.replace(briefing, title=story.label)
    write_briefing(briefing, output_format.value, out, quiet)


def timeline_command(
    story_id: Annotated[int, typer.Argument(help="Story id from `storyline stories`.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print a stored story's timeline (JSON: the chart-ready form)."""
    from storyline.pipeline import brief_articles
    from storyline.timeline.chart import timeline_chart
    from storyline.tracking import find_story, stored_stories, story_articles

    with existing_store(db) as store:
        story = find_story(stored_stories(store), story_id)
        briefing = brief_articles(story_articles(store, story), store=store)
    if as_json:
        typer.echo(json.dumps(timeline_chart(briefing.timeline)))
        return
    from storyline.render.markdown import format_when, markers

    typer.echo(f"# {story.label}\n")
    for event in briefing.timeline:
        typer.echo(f"- {format_when(event)} — {event.text} {markers(briefing, event.article_ids)}")
    if not briefing.timeline:
        say("no dated events found in this story")


def _day(when: datetime | None) -> str:
    return when.date().isoformat() if when else "-"
