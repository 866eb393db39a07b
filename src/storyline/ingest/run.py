"""ingest_paths: read, clean and store articles, batch by batch, reporting every outcome.

Each batch of `Settings.ingest_batch_size` items is cleaned together (furniture learned from
the batch plus the store's recent articles of the same outlets) and stored in one
transaction with its quarantined items, so an interrupted run keeps every finished batch and
nothing of the unfinished one.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.clean.article import clean_documents, outlet_key, split_lines
from storyline.errors import EmptyInput, StorylineError
from storyline.ingest.jsonl import FieldMap
from storyline.ingest.nonarticle import non_article_reason
from storyline.ingest.sources import Read, ReadOptions, read_sources
from storyline.records import Article, IngestReport, Quarantined, RawDocument
from storyline.settings import Settings
from storyline.store.base import Store

if TYPE_CHECKING:
    from storyline.runner import Runner

Progress = Callable[[Iterable, str, int | None], Iterable]
# What one record's values can make a store write raise (a lone surrogate cannot be encoded,
# an integer overflows SQLite's 64 bits); a failing disk or lock still ends the run.
_RECORD_ERRORS = (UnicodeError, ValueError, OverflowError, TypeError, sqlite3.InterfaceError)


def _no_progress(items: Iterable, description: str, total: int | None) -> Iterable:
    return items


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store,
    settings: Settings | None = None,
    progress: Progress = _no_progress,
    fields: FieldMap | None = None,
    now: datetime | None = None,
    input_format: str | None = None,
    runner: Runner | None = None,
    analyse: bool = True,
) -> IngestReport:
    """Ingest every article under `paths` (files, folders, globs, "-" for stdin) into `store`.

    Returns counts per format and outcome ("added", "already stored", "quarantined"); bad
    inputs are recorded in the store's quarantine with their reason and raw bytes.
    `fields` maps dataset columns; `input_format` names the format of stdin (default:
    sniffed); `now` is the reference for future-date checks. With `analyse`, each added
    article's Analysis is computed by `runner` (its workers; default one process) and stored
    after its batch, so briefings need no spaCy; an article whose analysis fails stays
    stored and is listed as quarantined with the step named.

    >>> from storyline.store import open_store
    >>> with open_store("storyline.db") as store:  # doctest: +SKIP
    ...     report = ingest_paths(["feeds/", "dump.jsonl.gz"], store)
    >>> report.count("added")  # doctest: +SKIP
    """
    settings = settings or Settings()
    options = ReadOptions.from_settings(settings, fields, input_format)
    started = time.perf_counter()
    own_runner = runner is None and analyse
    if own_runner:
        from storyline.runner import Runner

        runner = Runner(settings)
    run = _Run(store, settings, now, runner if analyse else None)
    batch: list[Read] = []
    try:
        for read in progress(read_sources(paths, options), "Ingesting", None):
            batch.append(read)
            if len(batch) >= settings.ingest_batch_size:
                run.flush(batch)
                batch = []
        if batch:
            run.flush(batch)
    finally:
        if own_runner:
            runner.close()  # type: ignore[union-attr]
    return run.report(started)


class _Run:
    """The running totals of one ingest_paths call."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        now: datetime | None,
        runner: Runner | None = None,  # None: not analysed here (engines), but at first read
    ) -> None:
        self.store = store
        self.settings = settings
        self.now = now
        self.runner = runner
        self.counts: Counter[tuple[str, str]] = Counter()
        self.added_ids: list[str] = []
        self.quarantined: list[Quarantined] = []
        self.warnings: list[str] = []

    def report(self, started: float) -> IngestReport:
        """What this run did, timed from `started` (a `time.perf_counter()` reading)."""
        return IngestReport(
            counts=tuple((fmt, outcome, n) for (fmt, outcome), n in sorted(self.counts.items())),
            article_ids=tuple(self.added_ids),
            quarantined=tuple(self.quarantined),
            warnings=tuple(self.warnings),
            seconds=time.perf_counter() - started,
        )

    def flush(self, batch: Sequence[Read]) -> None:
        """Clean and store one batch in one transaction."""
        reads = []
        for read in batch:
            if isinstance(read.item, RawDocument):
                if read.raw is not None and self.store.article_for_raw(read.raw.sha256):
                    # The same bytes were stored before: no need to clean them again.
                    self.counts[read.format, "already stored"] += 1
                else:
                    reads.append(read)
        rejected = [r for r in batch if isinstance(r.item, Quarantined)]
        articles, failures = self._clean(reads)
        rejected += failures
        kept = [(a, r) for a, r in zip(articles, reads, strict=True) if a is not None]
        try:
            outcomes = self._store(kept, rejected)
        except _RECORD_ERRORS:  # one bad record must not roll back the batch
            kept, rejected, outcomes = self._store_one_by_one(kept, rejected)
        added = []
        for (article, read), outcome in zip(kept, outcomes, strict=True):
            self.counts[read.format, outcome.outcome] += 1
            if outcome.outcome == "added":
                self.added_ids.append(outcome.article_id)
                self.warnings.extend(article.warnings)
                added.append(article)
        if self.runner is not None and added:
            self._analyse(added)
        for read in rejected:
            self.counts[read.format, "quarantined"] += 1
            self.quarantined.append(read.item)  # type: ignore[arg-type]

    def _analyse(self, added: Sequence[Article]) -> None:
        """Analyse the batch's new articles and store the analyses (a second transaction:
        an interrupted run leaves articles without analyses, which the first read fills)."""
        _, failed = self.runner.analyse(added, self.store)  # type: ignore[union-attr]
        if failed:
            self.store.add_quarantined(failed)
            self.quarantined.extend(failed)

    def _store(self, kept: Sequence[tuple[Article, Read]], rejected: Sequence[Read]) -> list:
        with self.store.transaction():
            outcomes = self.store.add_articles([a for a, _ in kept], [r.raw for _, r in kept])
            self.store.add_quarantined(
                [r.item for r in rejected],  # type: ignore[misc]
                [r.raw for r in rejected],
            )
        return list(outcomes)

    def _store_one_by_one(
        self, kept: Sequence[tuple[Article, Read]], rejected: Sequence[Read]
    ) -> tuple[list[tuple[Article, Read]], list[Read], list]:
        """The batch failed to store: each item in its own transaction; an article the store
        refuses is quarantined with the reason instead."""
        stored, outcomes, refused = [], [], []
        for article, read in kept:
            try:
                (outcome,) = self._store([(article, read)], [])
            except _RECORD_ERRORS as exc:
                problem = f"cannot be stored ({type(exc).__name__}: {exc})"
                item = Quarantined(
                    _safe(article.source),
                    "store",
                    f"{_safe(article.source)}: {_safe(problem)}",
                    read.raw.sha256 if read.raw else None,
                )
                refused.append(Read(item, None, read.format))
            else:
                stored.append((article, read))
                outcomes.append(outcome)
        done = []
        for read in [*rejected, *refused]:
            try:
                self._store([], [read])
            except _RECORD_ERRORS as exc:  # keep the reason, drop the raw bytes
                item = read.item
                problem = f"{_safe(item.error)} (raw input not kept: {type(exc).__name__})"
                read = Read(Quarantined(_safe(item.source), item.stage, problem), None, read.format)
                self._store([], [read])
            done.append(read)
        return stored, done, outcomes

    def _clean(self, reads: Sequence[Read]) -> tuple[list[Article | None], list[Read]]:
        """Articles (None where cleaning failed or left nothing) and the failures as Reads."""
        raws = [r.item for r in reads]
        settings = self.settings
        try:
            articles: list[Article | None] = list(
                clean_documents(
                    raws,  # type: ignore[arg-type]
                    settings.min_furniture_repeats,
                    settings.max_article_chars,
                    history=self._history(raws),  # type: ignore[arg-type]
                    now=self.now,
                    max_future_date_s=settings.max_future_date_s,
                    earliest_published_year=settings.earliest_published_year,
                )
            )
        except Exception:  # noqa: BLE001 - retry one by one so only the culprit is quarantined
            articles = [self._clean_alone(raw) for raw in raws]  # type: ignore[arg-type]
        failures = []
        for index, (article, read) in enumerate(zip(articles, reads, strict=True)):
            problem = None
            if isinstance(article, Quarantined):
                problem = article
            elif article is not None and (rule := self._non_article(read, article)):
                problem = Quarantined(
                    read.item.source,
                    "clean",
                    f"{read.item.source}: not an article: {rule[1]} [{rule[0]}]",
                    read.raw.sha256 if read.raw else None,
                )
            elif article is not None and not article.text.strip():
                error = EmptyInput(
                    read.item.source,
                    "no text left after removing boilerplate, bylines and credits",
                    "its lines are all page furniture, promos or credits",
                )
                problem = Quarantined(
                    read.item.source, "clean", str(error), read.raw.sha256 if read.raw else None
                )
            if problem is not None:
                articles[index] = None
                failures.append(Read(problem, read.raw, read.format))
        return articles, failures

    def _non_article(self, read: Read, article: Article) -> tuple[str, str] | None:
        if not self.settings.quarantine_non_articles or not article.text.strip():
            return None
        return non_article_reason(
            read.item.text,  # type: ignore[union-attr]
            article.text,
            article.title,
            self.settings.min_article_words,
        )

    def _clean_alone(self, raw: RawDocument) -> Article | Quarantined:
        """Fallback when a batch fails to clean: each document alone, failures quarantined."""
        settings = self.settings
        try:
            (article,) = clean_documents(
                [raw],
                settings.min_furniture_repeats,
                settings.max_article_chars,
                now=self.now,
                max_future_date_s=settings.max_future_date_s,
                earliest_published_year=settings.earliest_published_year,
            )
        except Exception as exc:  # noqa: BLE001 - the error handler: quarantine, go on
            problem = exc if isinstance(exc, StorylineError) else f"{type(exc).__name__}: {exc}"
            return Quarantined(raw.source, "clean", f"{raw.source}: cannot be cleaned ({problem})")
        return article

    def _history(self, raws: Sequence[RawDocument]) -> list[tuple[str, list[str]]]:
        """(outlet, lines) of the store's recent articles of the batch's outlets."""
        sources = {raw.source for raw in raws}
        urls = {raw.meta("url") for raw in raws} - {None}
        history = []
        for outlet in sorted({key for raw in raws if (key := outlet_key(raw))}):
            for article in self.store.iter_articles(
                outlet=outlet,
                limit=self.settings.furniture_history_articles,
                newest_first=True,
            ):
                if article.source in sources or article.url in urls:
                    continue
                history.append((outlet, split_lines(article.text) + list(article.removed_lines)))
        return history


def _safe(text: str) -> str:
    """Text any store can encode: lone surrogates escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
