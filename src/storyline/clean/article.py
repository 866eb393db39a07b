"""Turn RawDocuments into clean Articles: strip boilerplate, split off credits, fill metadata.

Metadata precedence, recorded in `Article.provenance` (field -> where the value came from):
- date: explicit metadata (front matter, record field, feed entry) > HTML signals (meta tags,
  htmldate) > a date printed at the top of the text or in the dateline > the WARC fetch date;
  a date in the future (of now or of the fetch) or before 1990 is not trusted: it is skipped
  with a warning and kept in provenance as "date-untrusted";
- author: metadata > byline line ("By Jane Roe"), which is split off the text;
- outlet: metadata (site name) > URL domain > byline ("By Jane Roe, The Bay Herald").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from storyline.clean.boilerplate import (
    find_furniture,
    normalize_line,
    strip_boilerplate,
    strip_trailing_promo,
)
from storyline.clean.casing import learn_casing_hints
from storyline.clean.degraded import is_degraded, repair_with_confidences
from storyline.metadata.byline import find_byline
from storyline.metadata.language import detect_language
from storyline.metadata.outlet import outlet_from_text
from storyline.metadata.published import (
    date_in_text,
    is_date_line,
    parse_published,
    untrusted_date_reason,
)
from storyline.metadata.title import looks_like_headline, outlet_from_url
from storyline.metadata.wire import expand_tag, find_wire, inline_credit, wire_name
from storyline.records import Article, RawDocument
from storyline.settings import Settings

_DEFAULTS = Settings()
_BLANK_RUN = re.compile(r"\n{3,}")
# An opening dateline: "WASHINGTON —", "PORTLAND, Ore. (CWS) —", "LONDON, March 3 (Reuters) -".
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]{2,40}(?:, [A-Z][A-Za-z.]{1,12}(?: \d{1,2})?)?"
    r"(?: \([A-Za-z .&]{1,30}\))?\s+[—–-]{1,2}\s+"
)
_LANGUAGE_NAMES = {
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
}


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def outlet_key(raw: RawDocument) -> str | None:
    """The outlet a document's furniture is learned under: its outlet, else its URL's domain."""
    return raw.meta("outlet") or outlet_from_url(raw.meta("url"))


def clean_documents(
    raws: Sequence[RawDocument],
    min_furniture_repeats: int,
    max_article_chars: int,
    *,
    history: Iterable[tuple[str, Sequence[str]]] = (),
    now: datetime | None = None,
    max_future_date_s: int = _DEFAULTS.max_future_date_s,
    earliest_published_year: int = _DEFAULTS.earliest_published_year,
) -> list[Article]:
    """Clean a batch together, so furniture and casing can be learned across its articles.

    `history` adds (outlet, lines) of articles stored earlier: furniture is counted over them
    too, so a line an outlet prints on every page is found even when pages arrive one at a
    time. `now` is the reference for future-date checks (default: the current time).
    """
    now = now or datetime.now(UTC)
    # The length cut comes first: boilerplate removal, furniture counting and degraded-text
    # repair then work on at most max_article_chars, whatever the size of the input.
    raws = [_cut(raw, max_article_chars) for raw in raws]
    lines_of = [split_lines(raw.text) for raw in raws]
    outlets = [outlet_key(raw) for raw in raws]
    batch = ((outlet or "?", lines) for outlet, lines in zip(outlets, lines_of, strict=True))
    furniture = find_furniture([*batch, *history], min_furniture_repeats)
    hints = _LazyHints(raws)
    known_names = {outlet for outlet in outlets if outlet}
    dates = _DateRules(now, max_future_date_s, earliest_published_year)
    articles = []
    # Identical documents (same text and metadata, other sources) are cleaned once.
    done: dict[tuple, Article] = {}
    for raw, lines, outlet in zip(raws, lines_of, outlets, strict=True):
        key = (raw.text, raw.format, raw.metadata, raw.provenance)
        first = done.get(key)
        if first is not None and not raw.warnings:
            articles.append(_as_copy(first, raw.source))
            continue
        article = _clean_one(
            raw,
            lines,
            outlet,
            furniture.get(outlet or "?", frozenset()),
            hints,
            known_names,
            max_article_chars,
            dates,
        )
        if not raw.warnings:
            done[key] = article
        articles.append(article)
    return articles


def _as_copy(article: Article, source: str) -> Article:
    """The clean Article of an identical document read from `source`."""
    prefix = f"{article.source}: "
    return replace(
        article,
        article_id=_article_id(source, article.text),
        source=source,
        warnings=tuple(
            f"{source}: {w[len(prefix) :]}" if w.startswith(prefix) else w for w in article.warnings
        ),
    )


def _cut(raw: RawDocument, max_chars: int) -> RawDocument:
    """The document cut to `max_chars` (at a line or word break near the limit), with a
    warning; unchanged when it is short enough."""
    if len(raw.text) <= max_chars:
        return raw
    end = raw.text.rfind("\n", 0, max_chars + 1)
    if end < max_chars * 0.9:
        end = raw.text.rfind(" ", 0, max_chars + 1)
    if end < max_chars * 0.9:
        end = max_chars
    warning = f"{raw.source}: text cut to {max_chars:,} characters (it had {len(raw.text):,})"
    return replace(raw, text=raw.text[:end], warnings=(*raw.warnings, warning))


class _LazyHints:
    """Casing hints from the batch's intact texts, learned only if some text needs repair."""

    def __init__(self, raws: Sequence[RawDocument]) -> None:
        self._raws = raws
        self._hints: dict[str, str] | None = None

    def get(self) -> dict[str, str]:
        if self._hints is None:
            self._hints = learn_casing_hints(
                raw.text for raw in self._raws if not is_degraded(raw.text)
            )
        return self._hints


class _DateRules:
    """What makes a publication date believable (see `untrusted_date_reason`)."""

    def __init__(self, now: datetime, max_future_s: int, earliest_year: int) -> None:
        self.now = now
        self.max_future_s = max_future_s
        self.earliest_year = earliest_year


def _clean_one(
    raw: RawDocument,
    lines: list[str],
    outlet: str | None,
    furniture: frozenset[str],
    hints: _LazyHints,
    known_names: set[str],
    max_article_chars: int,
    dates: _DateRules,
) -> Article:
    provenance = dict(raw.provenance)
    warnings = list(raw.warnings)
    wire, credit_lines = find_wire(lines)
    lines, inline_removed = _strip_inline_credits(lines, credit_lines)
    byline, byline_index = find_byline(
        [line if i not in credit_lines else "" for i, line in enumerate(lines)]
    )
    dropped_lines = credit_lines | ({byline_index} if byline_index is not None else set())
    dropped_lines |= _date_lines(lines)
    kept_lines = [line for i, line in enumerate(lines) if i not in dropped_lines]
    kept, removed = strip_boilerplate(kept_lines, furniture)
    removed = [lines[i].strip() for i in sorted(dropped_lines)] + inline_removed + removed
    if wire:
        wire = expand_tag(wire, known_names)
        provenance["wire"] = "text"
    elif byline and byline.wire:
        wire, provenance["wire"] = byline.wire, "byline"
    elif raw.meta("wire"):
        wire, provenance["wire"] = raw.meta("wire"), dict(raw.provenance).get("wire", "metadata")

    author = raw.meta("author")
    if not author and byline and byline.author:
        author, provenance["author"] = byline.author, "byline"
    if outlet and "outlet" not in provenance:
        provenance["outlet"] = "url"
    if not outlet and byline and byline.outlet:
        outlet, provenance["outlet"] = byline.outlet, "byline"
    if not outlet and (named := outlet_from_text(lines)):  # URL line, contact line, promo
        outlet, provenance["outlet"] = named

    title = raw.meta("title")
    paragraphs = [line.strip() for line in kept if line.strip()]
    if not title and paragraphs and looks_like_headline(paragraphs[0]) and len(paragraphs) > 1:
        title, provenance["title"] = paragraphs[0], "first-line"
    paragraphs, dropped = _drop_headline(paragraphs, title)
    removed += dropped
    dateline = _DATELINE.match(paragraphs[0]) if paragraphs else None
    if dateline:
        provenance["dateline"] = dateline.group().strip(" —–-")
        paragraphs[0] = paragraphs[0][dateline.end() :]

    text = "\n\n".join(paragraphs)
    degraded = is_degraded(text)
    repaired: list[tuple[str, float]] = []  # each repaired sentence and its confidence
    if degraded:
        text, promo = strip_trailing_promo(text)
        removed += promo
        try:
            text, spans = repair_with_confidences(text, casing_hints=hints.get())
            repaired = [(text[start:end], confidence) for start, end, confidence in spans]
        except Exception as exc:  # noqa: BLE001 - a failed repair must not lose the article
            warnings.append(
                f"{raw.source}: arrived lowercased without punctuation and could not be "
                f"repaired ({type(exc).__name__}: {exc}); kept as it arrived"
            )
        else:
            warnings.append(
                f"{raw.source}: arrived lowercased without punctuation; sentence "
                "breaks and casing were restored automatically"
            )
    if len(text) > max_article_chars:
        warnings.append(f"{raw.source}: text cut to {max_article_chars:,} characters")
        text = text[:max_article_chars]
    text = _BLANK_RUN.sub("\n\n", text)
    repair_confidences = _locate_sentences(text, repaired)

    published_at = _published_at(raw, lines, provenance, warnings, dates)
    language = detect_language(text)
    if language in _LANGUAGE_NAMES:
        warnings.append(
            f"{raw.source}: text looks {_LANGUAGE_NAMES[language]} ({language}), not English; "
            "entities and dates are found with an English model"
        )
    if wire and outlet and wire_name(outlet) == wire:
        outlet = wire
    return Article(
        article_id=_article_id(raw.source, text),
        text=text,
        source=raw.source,
        title=title,
        outlet=outlet,
        published_at=published_at,
        author=author,
        url=raw.meta("url"),
        wire=wire,
        degraded=degraded,
        language=language,
        removed_lines=tuple(removed),
        provenance=tuple(sorted(provenance.items())),
        warnings=tuple(warnings),
        repair_confidences=repair_confidences,
    )


def _locate_sentences(
    text: str, sentences: Sequence[tuple[str, float]]
) -> tuple[tuple[int, int, float], ...]:
    """(start, end, confidence) of each repaired sentence still in the final `text`.

    Found again after the length cut and blank-line folding, so every span cites the stored
    text exactly; a sentence the cut removed is dropped.
    """
    spans, cursor = [], 0
    for sentence, confidence in sentences:
        start = text.find(sentence, cursor)
        if start < 0:
            continue
        spans.append((start, start + len(sentence), round(confidence, 4)))
        cursor = start + len(sentence)
    return tuple(spans)


def _strip_inline_credits(lines: list[str], credit_lines: set[int]) -> tuple[list[str], list[str]]:
    """Cut a capitalised wire credit off the end of the last paragraphs ('... BLOOMBERG')."""
    filled = [i for i, line in enumerate(lines) if line.strip() and i not in credit_lines]
    lines, removed = list(lines), []
    for i in filled[-3:]:
        wire, rest = inline_credit(lines[i])
        if wire:
            removed.append(lines[i][len(rest) :].strip())
            lines[i] = rest
    return lines, removed


def _date_lines(lines: list[str], max_lines: int = 6) -> set[int]:
    """Indices of lines near the top that only state a date; the date goes to metadata."""
    filled = [i for i, line in enumerate(lines) if line.strip()][:max_lines]
    return {i for i in filled if is_date_line(lines[i])}


def _published_at(
    raw: RawDocument,
    lines: list[str],
    provenance: dict[str, str],
    warnings: list[str],
    rules: _DateRules,
) -> datetime | None:
    """The first believable date by precedence (module docstring); others become warnings."""
    fetched_at = parse_published(raw.meta("fetched_at"))
    candidates: list[tuple[datetime, str, str]] = []
    stated = raw.meta("date")
    if stated:
        parsed = parse_published(stated)
        if parsed is None:
            warnings.append(f"{raw.source}: publication date {stated!r} is not a date; ignored")
        else:
            candidates.append((parsed, stated, provenance.get("date", "metadata")))
    in_text = date_in_text(lines, reference=fetched_at)
    if in_text:
        candidates.append((in_text[0], in_text[0].date().isoformat(), in_text[1]))
    if fetched_at is not None and raw.format == "warc":
        candidates.append((fetched_at, raw.meta("fetched_at") or "", "warc-date"))
    for parsed, shown, origin in candidates:
        reason = untrusted_date_reason(
            parsed, rules.now, fetched_at, rules.max_future_s, rules.earliest_year
        )
        if reason is None:
            provenance["date"] = origin
            return parsed
        warnings.append(
            f"{raw.source}: publication date {shown!r} ({origin}) {reason}; not trusted"
        )
        provenance["date-untrusted"] = f"{shown} ({origin})"
    provenance.pop("date", None)
    return None


def _drop_headline(paragraphs: list[str], title: str | None) -> tuple[list[str], list[str]]:
    """Remove the headline from the body, with the section label or kicker printed above it."""
    if not title:
        return paragraphs, []
    if all(normalize_line(p) == normalize_line(title) for p in paragraphs):
        return paragraphs[:1], []  # a headline item (a headline feed): its text is its title
    for index, paragraph in enumerate(paragraphs[:3]):
        if normalize_line(paragraph) == normalize_line(title):
            if all(len(p.split()) <= 4 for p in paragraphs[:index]):
                return paragraphs[index + 1 :], paragraphs[: index + 1]
            return paragraphs[:index] + paragraphs[index + 1 :], [paragraph]
    return paragraphs, []


def _article_id(source: str, text: str) -> str:
    """Stable id from where the article came from and its clean text."""
    return hashlib.sha256(f"{source}\0{text}".encode()).hexdigest()[:12]
