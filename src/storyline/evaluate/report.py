"""One result record per evaluation run, printed as a rich table or as one JSON object.

Every run of every task has the same JSON shape:
`{"task", "data", "n", "settings", "versions", "cores", "rows"}`, and every row carries
`system` plus every key of `METRIC_KEYS` (null where the task does not measure it), so a
later quality gate can read any run the same way. Published figures are rows whose system
starts with `published:` and that carry a `note` saying where the number comes from.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import track
from rich.table import Table

from storyline.errors import ConfigError

T = TypeVar("T")

# The metric keys of every row. ROUGE keys are F1 on a 0-100 scale (as ROUGE is usually
# printed); every other score is in [0, 1]; n_clusters is a count; seconds_per_item is
# wall-clock time of the system alone (no scoring) divided by the number of items.
METRIC_KEYS: tuple[str, ...] = (
    "rouge1",
    "rouge2",
    "rougeLsum",
    "bcubed_p",
    "bcubed_r",
    "bcubed_f1",
    "pairwise_p",
    "pairwise_r",
    "pairwise_f1",
    "n_clusters",
    "ami",  # adjusted mutual information (clustering), in [-1, 1]
    "gold_clusters",  # gold cluster count beside n_clusters
    "date_f1",
    "ar1",
    "ar2",
    "precision",
    "recall",
    "f1",
    "accuracy",
    "seconds_per_item",
    "articles_per_s",
    "cpu_s_per_item",
    "peak_rss_mb",
    # facts (issue 19): quotes, entity coreference, figures; all in [0, 1]
    "speaker_accuracy",
    "misattribution_rate",
    "quote_f1",
    "muc_f1",
    "b3_f1",
    "ceafe_f1",
    "conll_f1",
    "type_accuracy",
    "concept_overlap",
)

PUBLISHED_PREFIX = "published:"

# Distributions whose versions are recorded with each result.
_VERSIONED = (
    "storyline",
    "rouge-score",
    "sumy",
    "scikit-learn",
    "numpy",
    "trafilatura",
    "readability-lxml",
    "lxml",
    "nltk",
)


def versions() -> dict[str, str | None]:
    """Python and library versions (None for a library that is not installed)."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def cores() -> int:
    """CPU cores this process may run on (affinity-aware where the OS supports it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def make_row(system: str, note: str | None = None, **metrics: float | int | None) -> dict:
    """A result row with every metric key; unknown keys are a programming error."""
    unknown = set(metrics) - set(METRIC_KEYS)
    if unknown:
        raise KeyError(f"unknown metric keys {sorted(unknown)}; valid keys: {METRIC_KEYS}")
    row: dict[str, Any] = {"system": system}
    row.update({key: metrics.get(key) for key in METRIC_KEYS})
    if note is not None:
        row["note"] = note
    return row


def published_row(name: str, note: str, **metrics: float | None) -> dict:
    """A row holding a figure quoted from a paper or README, never one measured here."""
    return make_row(f"{PUBLISHED_PREFIX}{name}", note=note, **metrics)


def progress(
    items: Iterable[T], description: str, enabled: bool, total: int | None = None
) -> Iterator[T]:
    """Iterate with a rich progress bar on stderr when `enabled` (the CLI's default)."""
    if not enabled:
        yield from items
        return
    yield from track(
        items,
        description=description,
        total=total,
        console=Console(stderr=True),
        transient=True,
    )


@dataclass(frozen=True)
class EvalResult:
    """Scores of every system on one task and data file, with what is needed to rerun it.

    `columns` are the metric keys shown in the table (the JSON rows carry all of
    `METRIC_KEYS`); `notes` are lines printed under the table (budget choice, skipped
    systems, caveats) and also stored in the JSON settings.
    """

    task: str
    data: str
    n: int
    settings: Mapping[str, Any]
    rows: Sequence[Mapping[str, Any]]
    columns: Sequence[str]
    notes: Sequence[str] = ()
    versions: Mapping[str, str | None] = field(default_factory=versions)
    cores: int = field(default_factory=cores)

    def to_dict(self) -> dict[str, Any]:
        settings = dict(self.settings)
        if self.notes:
            settings["notes"] = list(self.notes)
        return {
            "task": self.task,
            "data": self.data,
            "n": self.n,
            "settings": settings,
            "versions": dict(self.versions),
            "cores": self.cores,
            "rows": [dict(row) for row in self.rows],
        }

    def to_json(self) -> str:
        """The whole result as one line of JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)

    def row(self, system: str) -> Mapping[str, Any]:
        """The row of one system; KeyError naming the systems present otherwise."""
        for row in self.rows:
            if row["system"] == system:
                return row
        raise KeyError(f"no row {system!r}; rows: {[r['system'] for r in self.rows]}")

    def footnotes(self) -> list[str]:
        """The distinct row notes, numbered in order of first use: marker [i] is item i-1."""
        return list(dict.fromkeys(str(row["note"]) for row in self.rows if row.get("note")))

    def to_table(self) -> Table:
        """A rich table: one row per system, one column per metric of this task.

        Row notes are long (where a published figure comes from), so the table shows a
        marker and `print` lists the notes under it.
        """
        title = f"{self.task} - {self.data} (n={self.n})"
        table = Table(title=title, title_justify="left")
        table.add_column("system", no_wrap=True)
        for column in self.columns:
            table.add_column(column, justify="right", no_wrap=True)
        footnotes = self.footnotes()
        if footnotes:
            table.add_column("note", no_wrap=True)
        for row in self.rows:
            cells = [str(row["system"])] + [_format(c, row.get(c)) for c in self.columns]
            if footnotes:
                note = row.get("note")
                cells.append(f"[{footnotes.index(str(note)) + 1}]" if note else "")
            table.add_row(*cells)
        return table

    def print(self, console: Console | None = None) -> None:
        """Print the table, its footnotes, the settings and notes (stdout by default)."""
        if console is None:
            console = Console()
            if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
                console = Console(width=160)
        console.print(self.to_table())
        for number, footnote in enumerate(self.footnotes(), 1):
            console.print(f"[{number}] {footnote}", highlight=False, markup=False)
        shown = {k: v for k, v in self.settings.items() if k != "data_sha256"}
        console.print(
            "settings: " + ", ".join(f"{k}={v}" for k, v in shown.items()),
            style="dim",
            highlight=False,
            markup=False,
        )
        for note in self.notes:
            console.print(f"note: {note}", style="dim", highlight=False, markup=False)


def _format(column: str, value: Any) -> str:
    if value is None:
        return "-"
    if column == "n_clusters":
        return f"{value:g}" if isinstance(value, float) else str(value)
    if column.startswith("rouge"):
        return f"{value:.2f}"
    if column in ("articles_per_s", "peak_rss_mb"):
        return f"{value:.1f}"
    if column == "seconds_per_item":
        return f"{value:.4f}" if value < 1 else f"{value:.2f}"
    return f"{value:.3f}"


def baseline_rows(result: EvalResult) -> list[Mapping[str, Any]]:
    """Rows measured in this run by something other than Storyline: the same-run baseline
    every figure is reported beside (published figures and Storyline's variants are not)."""
    return [
        row
        for row in result.rows
        if not str(row["system"]).startswith(("storyline", PUBLISHED_PREFIX))
    ]


def chosen_systems(systems: Sequence[str] | None, valid: Sequence[str]) -> tuple[str, ...]:
    """The systems an eval runs: `systems` (all of `valid` when None); an unknown name is a
    ConfigError listing the valid ones."""
    chosen = tuple(systems) if systems is not None else tuple(valid)
    unknown = set(chosen) - set(valid)
    if unknown:
        raise ConfigError(f"unknown systems {sorted(unknown)}; valid: {', '.join(valid)}")
    return chosen
