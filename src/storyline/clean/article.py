"""Turn RawDocuments into clean Articles: strip boilerplate, split off credits, fill metadata."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from storyline.clean.boilerplate import find_furniture, normalize_line, strip_boilerplate
from storyline.clean.casing import learn_casing_hints
from storyline.clean.degraded import is_degraded, repair_degraded
from storyline.metadata.published import parse_published
from storyline.metadata.title import looks_like_headline, outlet_from_url
from storyline.metadata.wire import expand_tag, find_wire, wire_name
from storyline.records import Article, RawDocument

_BLANK_RUN = re.compile(r"\n{3,}")
# An opening dateline: "WASHINGTON —", "PORTLAND, Ore. (CWS) —", "LONDON, March 3 (Reuters) -".
_DATELINE = re.compile(
    r"^[A-Z][A-Z .'-]{2,40}(?:, [A-Z][A-Za-z.]{1,12}(?: \d{1,2})?)?"
    r"(?: \([A-Za-z .&]{1,30}\))?\s+[—–-]{1,2}\s+"
)


def clean_documents(
    raws: Sequence[RawDocument], min_furniture_repeats: int, max_article_chars: int
) -> list[Article]:
    """Clean a batch together, so furniture and casing can be learned across its articles."""
    lines_of = [raw.text.replace("\r\n", "\n").replace("\r", "\n").split("\n") for raw in raws]
    outlets = [raw.meta("outlet") or outlet_from_url(raw.meta("url")) for raw in raws]
    furniture = find_furniture(
        ((outlet or "?", lines) for outlet, lines in zip(outlets, lines_of, strict=True)),
        min_furniture_repeats,
    )
    hints = learn_casing_hints(raw.text for raw in raws if not is_degraded(raw.text))
    known_names = {outlet for outlet in outlets if outlet}
    articles = []
    for raw, lines, outlet in zip(raws, lines_of, outlets, strict=True):
        articles.append(
            _clean_one(
                raw,
                lines,
                outlet,
                furniture.get(outlet or "?", frozenset()),
                hints,
                known_names,
                max_article_chars,
            )
        )
    return articles


def _clean_one(
    raw: RawDocument,
    lines: list[str],
    outlet: str | None,
    furniture: frozenset[str],
    hints: dict[str, str],
    known_names: set[str],
    max_article_chars: int,
) -> Article:
    provenance = dict(raw.provenance)
    warnings = list(raw.warnings)
    wire, credit_lines = find_wire(lines)
    kept_lines = [line for i, line in enumerate(lines) if i not in credit_lines]
    kept, removed = strip_boilerplate(kept_lines, furniture)
    removed = [lines[i].strip() for i in sorted(credit_lines)] + removed
    if wire:
        wire = expand_tag(wire, known_names)
        provenance["wire"] = "text"
    elif raw.meta("wire"):
        wire, provenance["wire"] = raw.meta("wire"), dict(raw.provenance).get("wire", "metadata")

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
    if degraded:
        text = repair_degraded(text, casing_hints=hints)
        warnings.append(
            f"{raw.source}: arrived lowercased without punctuation; sentence "
            "breaks and casing were restored automatically"
        )
    if len(text) > max_article_chars:
        warnings.append(f"{raw.source}: text cut to {max_article_chars:,} characters")
        text = text[:max_article_chars]
    text = _BLANK_RUN.sub("\n\n", text)

    if outlet and "outlet" not in provenance:
        provenance["outlet"] = "url"
    published_at = parse_published(raw.meta("date"))
    if raw.meta("date") and published_at is None:
        warnings.append(
            f"{raw.source}: publication date {raw.meta('date')!r} is not a date; ignored"
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
        author=raw.meta("author"),
        url=raw.meta("url"),
        wire=wire,
        degraded=degraded,
        removed_lines=tuple(removed),
        provenance=tuple(sorted(provenance.items())),
        warnings=tuple(warnings),
    )


def _drop_headline(paragraphs: list[str], title: str | None) -> tuple[list[str], list[str]]:
    """Remove the headline from the body, with the section label or kicker printed above it."""
    if not title:
        return paragraphs, []
    for index, paragraph in enumerate(paragraphs[:3]):
        if normalize_line(paragraph) == normalize_line(title):
            if all(len(p.split()) <= 4 for p in paragraphs[:index]):
                return paragraphs[index + 1 :], paragraphs[: index + 1]
            return paragraphs[:index] + paragraphs[index + 1 :], [paragraph]
    return paragraphs, []


def _article_id(source: str, text: str) -> str:
    """Stable id from where the article came from and its clean text."""
    return hashlib.sha256(f"{source}\0{text}".encode()).hexdigest()[:12]
