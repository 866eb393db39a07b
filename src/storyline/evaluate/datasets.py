"""Read the benchmark files in `shared/data` (gzip JSON Lines) into frozen records.

The data directory is, in order: `$STORYLINE_DATA`; `shared/data` beside the working
directory's parent (`Path.cwd().parent / "shared" / "data"`, i.e. the layout
`<work>/main` + `<work>/shared/data`); or the first `shared/data` found walking up from this
file. Each loader also takes any file in the same format (`--data FILE`). The files are read,
never copied or written.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from storyline.errors import DataUnavailable, MalformedRecord

DATA_ENV = "STORYLINE_DATA"

# Default file of each dataset, relative to the data directory (see shared/data/README.md).
DATASET_FILES = {
    "multinews": "multinews-sample100/clusters.jsonl.gz",
    "neus": "neus-allsides/clusters.jsonl.gz",
    "ecbplus": "ecbplus-clustering/articles.jsonl.gz",
    "uci": "uci-news-aggregator-stories/articles.jsonl.gz",
    "multinews-mix": "multinews-sample100/clusters.jsonl.gz",
    "timeline17-crisis": "timeline17-crisis/topics.jsonl.gz",
    "aeb": "article-extraction-benchmark/pages.jsonl.gz",
    "trafilatura": "trafilatura-eval/pages.jsonl.gz",
    "polnear": "polnear-attribution/dev.jsonl.gz",
    "ecbplus-entities": "ecbplus-entities/dev.jsonl.gz",
    "newsquant": "newsquant-quantities/dev.jsonl.gz",
}


def find_data_dir() -> Path:
    """The benchmark data directory; raises `DataUnavailable` listing the places tried."""
    tried: list[Path] = []
    env = os.environ.get(DATA_ENV)
    if env:
        path = Path(env).expanduser()
        if path.is_dir():
            return path
        raise DataUnavailable(
            f"${DATA_ENV} is set to {env!r}, which is not a directory "
            f"(unset it or point it at the folder holding {DATASET_FILES['multinews']!r})"
        )
    candidates = [Path.cwd().parent / "shared" / "data"]
    candidates += [parent / "shared" / "data" for parent in Path(__file__).resolve().parents]
    for candidate in candidates:
        tried.append(candidate)
        if candidate.is_dir():
            return candidate
    places = ", ".join(str(p) for p in dict.fromkeys(tried))
    raise DataUnavailable(
        f"benchmark data directory not found; tried {places} "
        f"(set ${DATA_ENV} to the shared/data folder, or pass --data FILE)"
    )


def dataset_path(dataset: str, data_path: str | Path | None = None) -> Path:
    """The file to read: `data_path` when given, else the dataset's default file."""
    if data_path is not None:
        path = Path(data_path).expanduser()
    else:
        if dataset not in DATASET_FILES:
            valid = ", ".join(sorted(DATASET_FILES))
            raise DataUnavailable(f"unknown dataset {dataset!r}; valid names: {valid}")
        path = find_data_dir() / DATASET_FILES[dataset]
    if not path.is_file():
        raise DataUnavailable(
            f"{path}: benchmark file not found (see shared/data/README.md for the layout, "
            f"or pass --data FILE)"
        )
    return path


def file_sha256(path: Path) -> str:
    """SHA-256 of a data file, recorded with every result so runs can be matched to data."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_jsonl(path: Path) -> Iterator[dict]:
    """Yield the JSON objects of a JSON Lines file, gzip-compressed or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise MalformedRecord(
                        f"{path}:{line_number}",
                        f"not valid JSON ({error.msg})",
                        "each line must hold one JSON object",
                    ) from error
                if not isinstance(record, dict):
                    raise MalformedRecord(
                        f"{path}:{line_number}",
                        "line is not a JSON object",
                        "each line must hold one JSON object",
                    )
                yield record
    except (OSError, EOFError) as error:
        if isinstance(error, FileNotFoundError):
            raise DataUnavailable(f"{path}: benchmark file not found") from error
        raise MalformedRecord(
            str(path), f"cannot read file ({error})", "is it gzip JSON Lines?"
        ) from error


def _field(record: dict, key: str, where: str):
    if key not in record:
        raise MalformedRecord(
            where, f"missing field {key!r}", f"fields present: {', '.join(sorted(record))}"
        )
    return record[key]


# --- summarisation ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SummaryCluster:
    """Documents about one story and the reference summaries written for them."""

    cluster_id: str
    documents: tuple[str, ...]
    references: tuple[str, ...]


def load_summary_clusters(path: Path, limit: int | None = None) -> list[SummaryCluster]:
    """Multi-News / NeuS clusters: `{"id", "documents": [{"text"}], "summaries": [...]}`."""
    clusters = []
    for index, record in enumerate(read_jsonl(path)):
        if limit is not None and len(clusters) >= limit:
            break
        where = f"{path} record {record.get('id', index)}"
        documents = tuple(
            str(d["text"]) if isinstance(d, dict) else str(d)
            for d in _field(record, "documents", where)
        )
        documents = tuple(d for d in documents if d.strip())
        references = tuple(str(s) for s in _field(record, "summaries", where) if str(s).strip())
        if not documents or not references:
            raise MalformedRecord(where, "cluster has no document text or no reference summary")
        clusters.append(SummaryCluster(str(record.get("id", index)), documents, references))
    return clusters


# --- clustering ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClusterItem:
    """One article to cluster, with its gold story and (for ECB+) its topic."""

    item_id: str
    text: str
    gold: str
    published_at: datetime | None = None
    topic: str | None = None


def _parse_datetime(value: object, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise MalformedRecord(where, f"date {value!r} is not ISO 8601") from error


def load_cluster_items(path: Path, limit: int | None = None) -> list[ClusterItem]:
    """Articles with gold clusters: `{"id", "text", "cluster", "date"?, "topic"?}`.

    `limit` counts topics when the items carry one (ECB+: the first N topics in file
    order, so every kept topic is complete), else items (UCI: the first N in file order).
    """
    items: list[ClusterItem] = []
    topics: list[str] = []
    for index, record in enumerate(read_jsonl(path)):
        where = f"{path} record {record.get('id', index)}"
        topic = record.get("topic")
        topic = None if topic is None else str(topic)
        if limit is not None:
            if topic is not None:
                if topic not in topics:
                    if len(topics) >= limit:
                        continue
                    topics.append(topic)
            elif len(items) >= limit:
                break
        items.append(
            ClusterItem(
                item_id=str(record.get("id", index)),
                text=str(_field(record, "text", where)),
                gold=str(_field(record, "cluster", where)),
                published_at=_parse_datetime(record.get("date"), where),
                topic=topic,
            )
        )
    return items


def load_mixed_clusters(path: Path, limit: int | None = None) -> list[ClusterItem]:
    """Every document of every summarisation cluster, gold = the cluster it came from.

    This turns Multi-News into a story-clustering set ("multinews-mix"); `limit` counts
    summarisation clusters.
    """
    items = []
    for cluster in load_summary_clusters(path, limit):
        for number, text in enumerate(cluster.documents):
            items.append(ClusterItem(f"{cluster.cluster_id}#{number}", text, cluster.cluster_id))
    return items


# --- timelines ----------------------------------------------------------------------------

DatedSentences = tuple[tuple[date, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class GoldTimeline:
    """One reference timeline: dates in order, each with its sentences."""

    name: str
    entries: DatedSentences


@dataclass(frozen=True, slots=True)
class TimelineTopic:
    """A topic's gold timelines and its pool of candidate sentences grouped by date."""

    topic_id: str
    dataset: str
    timelines: tuple[GoldTimeline, ...]
    pool: DatedSentences


def _dated(entries: list, where: str) -> DatedSentences:
    grouped: dict[date, list[str]] = {}
    for entry in entries:
        try:
            day = date.fromisoformat(str(_field(entry, "date", where)))
        except ValueError as error:
            raise MalformedRecord(where, f"date {entry.get('date')!r} is not YYYY-MM-DD") from error
        grouped.setdefault(day, []).extend(str(s) for s in _field(entry, "sentences", where))
    return tuple((day, tuple(grouped[day])) for day in sorted(grouped))


def load_timeline_topics(path: Path, limit: int | None = None) -> list[TimelineTopic]:
    """Timeline17 / Crisis topics: `{"id", "dataset", "timelines", "candidate_dated_sentences"}`."""
    topics = []
    for index, record in enumerate(read_jsonl(path)):
        if limit is not None and len(topics) >= limit:
            break
        where = f"{path} record {record.get('id', index)}"
        timelines = tuple(
            GoldTimeline(str(t.get("name", number)), _dated(_field(t, "entries", where), where))
            for number, t in enumerate(_field(record, "timelines", where))
        )
        pool = _dated(_field(record, "candidate_dated_sentences", where), where)
        topics.append(
            TimelineTopic(
                str(record.get("id", index)), str(record.get("dataset", "")), timelines, pool
            )
        )
    return topics


# --- main-text extraction -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExtractionPage:
    """A saved web page with its gold: full expected text (AEB) or snippets (trafilatura)."""

    page_id: str
    html: str
    url: str | None = None
    expected_text: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()


def load_extraction_pages(path: Path, limit: int | None = None) -> list[ExtractionPage]:
    """Pages: `{"id", "html", "url"?, "expected_text"?, "with"?, "without"?}`."""
    pages = []
    for index, record in enumerate(read_jsonl(path)):
        if limit is not None and len(pages) >= limit:
            break
        where = f"{path} record {record.get('id', index)}"
        url = record.get("url")
        pages.append(
            ExtractionPage(
                page_id=str(record.get("id", index)),
                html=str(_field(record, "html", where)),
                # trafilatura-eval "urls" are file keys ("hard::name.html"), not URLs
                url=str(url) if url and "://" in str(url) else None,
                expected_text=record.get("expected_text"),
                with_snippets=tuple(record.get("with") or ()),
                without_snippets=tuple(record.get("without") or ()),
            )
        )
    return pages
