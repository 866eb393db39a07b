"""`storyline ingest PATH...`: read, clean and store articles in the embedded store.

A thin wrapper over `storyline.ingest.run.ingest_paths`: progress on stderr, a table of
counts per format and outcome on stdout (or one JSON object with --json).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from storyline.cli.common import (
    DbOption,
    RayAddressOption,
    progress_bar,
    say,
    stdout_console,
    store_path,
)
from storyline.records import IngestReport
from storyline.render.warnings import summarise_warnings
from storyline.settings import Settings

_OUTCOMES = ("added", "already stored", "quarantined")


def _field(name: str) -> object:
    return typer.Option(
        f"--{name}-field", help=f"Column/field holding the {name} (CSV, Parquet, JSONL)."
    )


def ingest_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files, folders or globs (.txt .html .jsonl[.gz] .json .csv .tsv .parquet "
            ".warc[.gz] .rss .atom .xml); '-' reads stdin."
        ),
    ],
    db: DbOption = None,
    text_field: Annotated[str | None, _field("text")] = None,
    title_field: Annotated[str | None, _field("title")] = None,
    date_field: Annotated[str | None, _field("date")] = None,
    outlet_field: Annotated[str | None, _field("outlet")] = None,
    url_field: Annotated[str | None, _field("url")] = None,
    author_field: Annotated[str | None, _field("author")] = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Format of stdin or of files without a known suffix: "
            "text, html, feed, jsonl, json, csv, tsv, parquet, warc (default: sniffed).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON summary on stdout instead of a table.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar or warnings.")
    ] = False,
    engine: Annotated[
        str, typer.Option("--engine", help="Where to clean: local (this process) or ray.")
    ] = "local",
    ray_address: RayAddressOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes analysing articles (one spaCy load each; default: the machine's "
            "cores). Small batches are analysed in this process.",
        ),
    ] = None,
) -> None:
    """Store articles: every format, deduplicated by content and URL, bad inputs quarantined."""
    from storyline.ingest.jsonl import FieldMap
    from storyline.ingest.run import ingest_paths
    from storyline.store import backend_for, open_store

    fields = FieldMap(
        text=text_field,
        title=title_field,
        date=date_field,
        outlet=outlet_field,
        url=url_field,
        author=author_field,
    )
    path = store_path(db)
    created = backend_for(path) == "sqlite" and not Path(path).exists()
    with open_store(path) as store:
        if created and not quiet:
            say(f"created a new store at {path}")
        if engine == "local":
            import os

            from storyline.runner import Runner

            settings = Settings()
            with Runner(settings, workers or os.cpu_count() or 1) as runner:
                report = ingest_paths(
                    paths,
                    store,
                    settings,
                    progress_bar(quiet),
                    fields=fields,
                    input_format=input_format,
                    runner=runner,
                )
        else:
            from storyline.engines import open_engine

            runner = open_engine(engine, address=ray_address)
            try:
                report = runner.ingest(
                    paths, store, Settings(), fields=fields, input_format=input_format
                )
            finally:
                runner.close()
        stored = store.count()
        shown = store.path  # a PostgreSQL URL as typed, its password hidden
    for item in report.quarantined:
        say(str(item.error), "quarantined")
    if not quiet:
        for warning in summarise_warnings(map(str, report.warnings)):
            say(warning, "warning")
    if as_json:
        typer.echo(json.dumps(report_dict(report, shown, stored), ensure_ascii=False))
    else:
        stdout_console().print(report_table(report, shown, stored))
    if report.count() == report.count("quarantined") and report.count():
        raise typer.Exit(code=1)


def report_dict(report: IngestReport, db: str, stored: int) -> dict:
    """The --json summary: totals, counts per format, quarantined items, run time."""
    formats = sorted({fmt for fmt, _, _ in report.counts})
    return {
        "db": db,
        "totals": {outcome: report.count(outcome) for outcome in _OUTCOMES},
        "formats": {
            fmt: {outcome: report.count(outcome, fmt) for outcome in _OUTCOMES} for fmt in formats
        },
        "articles_in_store": stored,
        "quarantined": [
            {"source": q.source, "stage": q.stage, "error": q.error, "raw_sha256": q.raw_sha256}
            for q in report.quarantined
        ],
        "warnings": len(report.warnings),
        "seconds": round(report.seconds, 3),
    }


def report_table(report: IngestReport, db: str, stored: int) -> Table:
    table = Table(
        title=f"Ingested into {db} ({stored:,} articles stored) in {report.seconds:.1f} s"
    )
    table.add_column("format")
    for outcome in _OUTCOMES:
        table.add_column(outcome, justify="right")
    for fmt in sorted({fmt for fmt, _, _ in report.counts}):
        table.add_row(fmt, *(str(report.count(outcome, fmt)) for outcome in _OUTCOMES))
    table.add_row("total", *(str(report.count(outcome)) for outcome in _OUTCOMES), style="bold")
    return table
