"""`storyline eval`: score Storyline and baselines on the public benchmarks in shared/data.

Each command is a thin wrapper over a `storyline.evaluate.*.evaluate_*` function: it prints
a rich table (or, with `--json`, one JSON object on stdout) and shows progress on stderr.
Errors are `StorylineError`s, which the root app turns into one stderr line and exit 1.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # storyline.evaluate imports numpy: only when an eval runs (fast --help)
    from storyline.evaluate.report import EvalResult

eval_app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Score Storyline and baselines on the benchmarks in shared/data.",
)


class SummaryDataset(StrEnum):
    multinews = "multinews"
    neus = "neus"


class ClusterDataset(StrEnum):
    ecbplus = "ecbplus"
    uci = "uci"
    multinews_mix = "multinews-mix"


class TimelineSubset(StrEnum):
    all = "all"
    t17 = "t17"
    crisis = "crisis"


class RepairDataset(StrEnum):
    iwslt = "iwslt"
    news = "news"


class ExtractDataset(StrEnum):
    aeb = "aeb"
    trafilatura = "trafilatura"


DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Read this file (same format) instead of the shared data."),
]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, help="Use only the first N items.")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed for every random choice.")]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON record on stdout instead of a table.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", help="No progress bars on stderr.")]
SystemsOption = Annotated[
    str | None,
    typer.Option("--systems", help="Comma-separated systems to run (default: all)."),
]


def _systems(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def _emit(result: EvalResult, as_json: bool) -> None:
    """Print the result; say on stderr when no row is a same-run baseline to compare with."""
    from storyline.cli.common import say
    from storyline.evaluate.report import baseline_rows

    if not baseline_rows(result):
        say(
            f"eval {result.task}: no same-run baseline row (every row is Storyline's or "
            "published); a figure without one cannot be compared",
            "warning",
        )
    if as_json:
        typer.echo(result.to_json())
    else:
        result.print()


def _run(
    name: str,
    *,
    as_json: bool,
    quiet: bool,
    systems: str | None = None,
    function: str | None = None,
    **options: object,
) -> None:
    """The one body of every eval command: run `storyline.evaluate.NAME.evaluate_NAME`
    (or `function`) with the command's options, then print its table or JSON.

    The evaluate module is imported only here, so `storyline --help` loads no numpy.
    """
    from importlib import import_module

    module = import_module(f"storyline.evaluate.{name}")
    evaluate = getattr(module, function or f"evaluate_{name}")
    if systems is not None:
        options["systems"] = _systems(systems)
    _emit(evaluate(show_progress=not quiet, **options), as_json)


@eval_app.command("summarize")
def summarize_command(
    dataset: Annotated[
        SummaryDataset, typer.Option("--dataset", help="Benchmark to use.")
    ] = SummaryDataset.multinews,
    data: DataOption = None,
    limit: LimitOption = None,
    seed: SeedOption = 0,
    max_words: Annotated[
        int | None,
        typer.Option(
            "--max-words", min=1, help="Word budget (default: the dataset's mean reference length)."
        ),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Only clusters of this split (Multi-News: train or test; the "
            "shipped sentence scorer was trained on NeuS and Multi-News train).",
        ),
    ] = None,
    systems: SystemsOption = None,
    cv: Annotated[
        bool,
        typer.Option(
            "--cv",
            help="Grouped 5-fold cross-validation of the shipped configuration over both "
            "dev sets together, next to its held-out split figure and every baseline.",
        ),
    ] = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """ROUGE-1/2/Lsum of Storyline, lead, TextRank, LexRank, random and oracle summaries."""
    if cv:
        ignored = {"--data": data, "--max-words": max_words, "--split": split}
        ignored["--systems"] = systems
        given = [option for option, value in ignored.items() if value is not None]
        if given:
            from storyline.errors import ConfigError

            raise ConfigError(
                f"--cv runs over both dev sets with every system; it takes no {', '.join(given)}"
            )
        _run("summarize_cv", as_json=as_json, quiet=quiet, limit=limit, seed=seed)
        return
    _run(
        "summarize",
        as_json=as_json,
        quiet=quiet,
        systems=systems,
        data_path=data,
        limit=limit,
        seed=seed,
        dataset=dataset.value,
        max_words=max_words,
        split=split,
    )


@eval_app.command("cluster")
def cluster_command(
    dataset: Annotated[
        ClusterDataset, typer.Option("--dataset", help="Benchmark to use.")
    ] = ClusterDataset.ecbplus,
    within_topic: Annotated[
        bool,
        typer.Option(
            "--within-topic", help="ECB+: cluster each topic on its own and macro-average."
        ),
    ] = False,
    data: DataOption = None,
    limit: LimitOption = None,
    seed: SeedOption = 0,
    systems: SystemsOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """BCubed and pairwise P/R/F1 of Storyline and baselines against gold stories."""
    _run(
        "cluster",
        as_json=as_json,
        quiet=quiet,
        systems=systems,
        data_path=data,
        limit=limit,
        seed=seed,
        dataset=dataset.value,
        within_topic=within_topic,
    )


@eval_app.command("timeline")
def timeline_command(
    subset: Annotated[
        TimelineSubset,
        typer.Option("--subset", help="Topics to use: Timeline17, Crisis or both."),
    ] = TimelineSubset.all,
    data: DataOption = None,
    limit: LimitOption = None,
    seed: SeedOption = 0,
    systems: SystemsOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Date-F1 and alignment ROUGE (align+ m:1) of Storyline and a mention-count baseline."""
    _run(
        "timeline",
        as_json=as_json,
        quiet=quiet,
        systems=systems,
        data_path=data,
        limit=limit,
        seed=seed,
        subset=subset.value,
    )


@eval_app.command("extract")
def extract_command(
    dataset: Annotated[
        ExtractDataset, typer.Option("--dataset", help="Benchmark to use.")
    ] = ExtractDataset.aeb,
    data: DataOption = None,
    limit: LimitOption = None,
    seed: SeedOption = 0,
    systems: SystemsOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Main-text extraction quality of Storyline, trafilatura and readability-lxml."""
    _run(
        "extract",
        as_json=as_json,
        quiet=quiet,
        systems=systems,
        data_path=data,
        limit=limit,
        seed=seed,
        dataset=dataset.value,
    )


@eval_app.command("repair")
def repair_command(
    dataset: Annotated[
        RepairDataset, typer.Option("--dataset", help="Benchmark to use.")
    ] = RepairDataset.iwslt,
    data: DataOption = None,
    limit: LimitOption = None,
    seed: SeedOption = 0,
    systems: SystemsOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Punctuation, sentence-boundary and case restoration of degraded text, per word."""
    _run(
        "repair",
        as_json=as_json,
        quiet=quiet,
        systems=systems,
        data_path=data,
        limit=limit,
        seed=seed,
        dataset=dataset.value,
    )


@eval_app.command("speed")
def speed_command(
    n: Annotated[int, typer.Option("--n", min=10, help="Number of articles.")] = 200,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Storyline's processes (default: the cores)."),
    ] = None,
    seed: SeedOption = 0,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Articles per second per stage and end to end, peak RSS, beside plain spaCy."""
    _run("speed", as_json=as_json, quiet=quiet, n=n, seed=seed, workers=workers)


def _gold_set_command(name: str, summary: str) -> None:
    """Register `storyline eval NAME`: evaluate_NAME in storyline.evaluate.NAME on its gold set.

    The quotes, entities and figures evals take the same options, so they share one body.
    """

    def command(
        data: DataOption = None,
        limit: LimitOption = None,
        seed: SeedOption = 0,
        systems: SystemsOption = None,
        as_json: JsonOption = False,
        quiet: QuietOption = False,
    ) -> None:
        _run(
            name,
            as_json=as_json,
            quiet=quiet,
            systems=systems,
            data_path=data,
            limit=limit,
            seed=seed,
        )

    command.__doc__ = summary
    command.__name__ = f"{name}_command"
    eval_app.command(name)(command)


_gold_set_command(
    "quotes", "Speaker accuracy, misattribution share and quote F1 on PolNeAR direct quotes."
)
_gold_set_command(
    "entities",
    "Cross-document entity coreference (MUC, B3, CEAF-e, CoNLL F1) and types on ECB+.",
)
_gold_set_command(
    "figures", "Value+unit F1 and concept overlap of figures on NewsQuant (dev half)."
)
