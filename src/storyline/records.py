"""Frozen records passed between the pipeline's stages.

A stage takes records and returns new ones; nothing here is mutated after creation. Spans are
character offsets into `Article.text`, so every fact can cite the sentence it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Granularity = Literal["day", "week", "month", "year"]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input item as read from disk, before cleaning.

    `metadata` holds whatever the reader found (title, outlet, date, author, url), each value
    a string, and `provenance` says where each value came from ("front-matter", "html-meta", ...).
    """

    source: str
    format: str
    text: str
    metadata: tuple[tuple[str, str], ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    def meta(self, key: str) -> str | None:
        return dict(self.metadata).get(key)


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: main text plus what is known about where and when it appeared."""

    article_id: str
    text: str
    source: str
    title: str | None = None
    outlet: str | None = None
    published_at: datetime | None = None
    author: str | None = None
    url: str | None = None
    wire: str | None = None
    degraded: bool = False
    # ISO 639-1 code from metadata.language (None when too short to tell).
    language: str | None = None
    removed_lines: tuple[str, ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()
    # Degraded copies only: (start, end, confidence) of each repaired sentence in `text`, from
    # clean.degraded.repair_with_confidences; a briefing may quote a repaired sentence whose
    # confidence reaches settings.SUMMARY_MIN_REPAIR_CONFIDENCE. Empty for intact articles.
    repair_confidences: tuple[tuple[int, int, float], ...] = ()

    @property
    def published_on(self) -> date | None:
        return self.published_at.date() if self.published_at else None

    @property
    def credit(self) -> str:
        """Who to name for this article: outlet, wire, or both ("unknown outlet" if neither)."""
        if self.wire and self.outlet and self.wire.casefold() != self.outlet.casefold():
            return f"{self.outlet} via {self.wire}"
        if self.wire and not self.outlet:
            return f"unknown outlet via {self.wire}"
        return self.outlet or self.wire or "unknown outlet"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article, with its offsets in the article's clean text."""

    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a cited statement is printed: `text` is exactly `Article.text[start:end]`.

    Summary sentences, timeline events and cross-source claims carry one per cited article,
    so the web UI highlights the very characters cited instead of searching for them.
    """

    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention in one article."""

    article_id: str
    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Entity:
    """One person, organisation or place, with every surface form seen for it."""

    name: str
    label: str
    aliases: tuple[str, ...]
    mention_count: int
    article_ids: tuple[str, ...]
    # Independent articles naming it: reprints of one story count once.
    source_count: int = 0
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """A date expression in the text resolved to a calendar date at its granularity."""

    article_id: str
    start: int
    end: int
    text: str
    value: date
    granularity: Granularity


@dataclass(frozen=True, slots=True)
class UnplacedDate:
    """A date expression that could not be put on the timeline, kept with its sentence.

    `reason` is "year unknown" for a day or month named without a year ("Jan. 30", "July
    16") and "no publication date" for a relative expression ("this May", "last week") in an
    article with no publication date to resolve it against.
    """

    article_id: str
    start: int
    end: int
    text: str
    sentence: str
    reason: Literal["year unknown", "no publication date"]


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A dated sentence on a story's timeline, citing every article that reports it."""

    when: date
    granularity: Granularity
    text: str
    article_ids: tuple[str, ...]
    # One span per cited article (the same event as that article words it).
    evidence: tuple[Evidence, ...] = ()
    # Worded from a repaired degraded copy (no published article of the event says it).
    repaired: bool = False


@dataclass(frozen=True, slots=True)
class ReprintGroup:
    """Articles that are copies of one another; only `original_id` counts as a source."""

    original_id: str
    copy_ids: tuple[str, ...]
    kind: Literal["exact", "near"]
    similarity: float


@dataclass(frozen=True, slots=True)
class SummarySentence:
    """A summary sentence and the articles (by citation marker order) it comes from."""

    text: str
    article_ids: tuple[str, ...]
    # True when the wording is a repaired degraded copy's (re-cased, re-punctuated guess),
    # used because no clean article reports the content; every renderer marks it.
    repaired: bool = False
    # One span per cited article: the sentence itself, or that article's sentence saying it.
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """A cited article as listed under a briefing; `marker` is its [n] number."""

    marker: int
    article_id: str
    credit: str
    title: str | None
    published_on: date | None
    path: str


@dataclass(frozen=True, slots=True)
class Quarantined:
    """An input that could not be used, with the reason; nothing is dropped silently."""

    source: str
    stage: str
    error: str
    raw_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A statement and the independent sources that report it (reprints counted once)."""

    text: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    # One span per cited article: the sentence of that article grouped into the claim.
    evidence: tuple[Evidence, ...] = ()
    # Worded from a repaired degraded copy (no published article says it): marked as such.
    repaired: bool = False


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Outlets giving different values for what looks like the same figure."""

    about: str
    claims: tuple[Claim, ...]
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CrossSourceView:
    """What several outlets agree on, what one source alone claims, where figures differ."""

    consensus: tuple[Claim, ...]
    single_source: tuple[Claim, ...]
    disagreements: tuple[Disagreement, ...]


@dataclass(frozen=True, slots=True)
class Briefing:
    """Everything a reader gets for one story."""

    title: str
    summary: tuple[SummarySentence, ...]
    sources: tuple[Source, ...]
    entities: tuple[Entity, ...]
    timeline: tuple[TimelineEvent, ...]
    reprint_groups: tuple[ReprintGroup, ...]
    article_count: int
    quarantined: tuple[Quarantined, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    # Set for an update briefing: only what was first reported after this date.
    since: date | None = None
    cross_source: CrossSourceView | None = None
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()
    # Date expressions in articles without a publication date that could not be placed on
    # the timeline (originals only; reprints would repeat them).
    unplaced_dates: tuple[UnplacedDate, ...] = ()

    def marker_of(self, article_id: str) -> int | None:
        for source in self.sources:
            if source.article_id == article_id:
                return source.marker
        return None


Outcome = Literal["added", "already stored", "quarantined"]


@dataclass(frozen=True, slots=True)
class RawInput:
    """The exact bytes one article (or one rejected item) was read from, kept for re-processing.

    A whole file for single-article formats (.txt, .html), one record for datasets (a JSONL
    line, a CSV row as JSON, a WARC response payload, a feed entry's content).
    """

    source: str
    format: str
    content: bytes
    sha256: str

    @classmethod
    def of(cls, source: str, format: str, content: bytes) -> RawInput:
        import hashlib

        return cls(source, format, content, hashlib.sha256(content).hexdigest())


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What the store did with one article: added it, or found it already stored.

    `article_id` is the id under which the article is stored: the earlier copy's id when the
    same text (same outlet) or the same URL was stored before.
    """

    article_id: str
    source: str
    outcome: Literal["added", "already stored"]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One full-text search result; `score` is higher for better matches (negated BM25)."""

    article_id: str
    title: str | None
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest run did: counts per (format, outcome), the new ids, what was refused."""

    counts: tuple[tuple[str, Outcome, int], ...]
    article_ids: tuple[str, ...]
    quarantined: tuple[Quarantined, ...]
    warnings: tuple[str, ...]
    seconds: float

    def count(self, outcome: Outcome | None = None, format: str | None = None) -> int:
        """Items with this outcome and/or format (all items when both are None)."""
        return sum(
            n
            for fmt, out, n in self.counts
            if (outcome is None or out == outcome) and (format is None or fmt == format)
        )


@dataclass(frozen=True, slots=True)
class Story:
    """A tracked story: articles grouped by the online clusterer, with a stable id."""

    story_id: int
    label: str
    article_ids: tuple[str, ...]
    first_at: datetime | None
    last_at: datetime | None
    outlets: tuple[str, ...] = ()
    # False once no article has joined for the clusterer's window: it is no longer matched.
    active: bool = True


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """A change to story identity, recorded instead of renumbering stories.

    merge: stories `from_ids` were absorbed into `story_id`; split: articles of `story_id`
    moved to the new stories `to_ids` (window or batch re-clustering); revive: dormant
    story `story_id` was continued by `article_id` after a gap longer than the window.
    """

    kind: Literal["merge", "split", "revive"]
    story_id: int
    from_ids: tuple[int, ...] = ()
    to_ids: tuple[int, ...] = ()
    at: datetime | None = None
    article_id: str | None = None
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote or reported speech, with who said it and where it is printed.

    `start`/`end` span the quoted words (direct: the marks included; split quotes run from
    the first mark to the last) or the reported clause in `Article.text`. `speaker` is a
    canonical entity name when the speaker is named (pronouns resolved to the most recent
    person in the article); for anonymous sources it is None and `description` holds how
    the article describes them ("people familiar with the talks").
    """

    article_id: str
    start: int
    end: int
    text: str
    kind: Literal["direct", "reported"]
    speaker: str | None
    speaker_kind: Literal["named", "anonymous", "unknown"]
    speaker_text: str | None = None
    description: str | None = None
    verb: str | None = None
    # Where the speaker is written (the cue's subject phrase, e.g. "he" or "Liu He"), as
    # offsets into `Article.text`; None when no speaker phrase was found.
    speaker_start: int | None = None
    speaker_end: int | None = None
    # The quote as printed (marks included: `Article.text[start:end]`), set by the pipeline.
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in the text, normalised: money, percentage, count or deadline.

    `value` is the plain number (1.2e12 for "$1.2 trillion", 25.0 for "25 per cent"; None for
    a deadline, whose date is `when`). `unit` is an ISO 4217 code for money ("USD", "GBP"),
    "percent", "percentage point", the counted noun's lemma ("worker") or "date". `measures`
    is what the number is about, read from the dependency parse ("fund", "Chinese goods").
    """

    article_id: str
    start: int
    end: int
    text: str
    kind: Literal["money", "percent", "count", "duration", "deadline"]
    value: float | None
    unit: str
    measures: str | None
    sentence: str
    when: date | None = None
    granularity: Granularity | None = None
    # The sentence printing the figure in its article, set by the pipeline.
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything spaCy and the extractors find in one article, computed once at ingest.

    Stored in the `analyses` table so briefings are built without spaCy at read time. Every
    span is an offset into `Article.text`. Quotes, figures and unplaced dates are found for
    every article; a briefing drops them for reprints, whose originals already give them.
    `text_sha256` is the reprint signature: an exact copy with the same publication date
    reuses this analysis under its own id. `model` names the spaCy pipeline and analysis
    version, so a stored analysis from older extractors is recomputed, not reused.
    """

    article_id: str
    text_sha256: str
    published_on: date | None
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    quotes: tuple[Quote, ...]
    figures: tuple[Figure, ...]
    dates: tuple[ResolvedDate, ...]
    unplaced: tuple[UnplacedDate, ...]
    model: str = ""
    # One L2-normalised float16 row per sentence (the packaged MiniLM, as the summarizer
    # uses), row-major; empty when that model is not installed. float16 halves the stored
    # size (~47 KB/article); cosines move by < 1e-3, below any threshold the summarizer uses.
    sentence_vectors: bytes = b""
