"""Briefing as Markdown, the CLI's default output."""

from __future__ import annotations

from storyline.records import Briefing, TimelineEvent
from storyline.render.unplaced import unplaced_lines
from storyline.render.warnings import summarise_warnings

_KIND_TITLES = {"PERSON": "People", "ORG": "Organisations", "PLACE": "Places"}
# What an empty section says, the same words in Markdown and HTML.
NONE_FOUND = "none found"
NONE_FOUND_MD = f"- {NONE_FOUND}"
NO_EVENTS = "no dated events found"
UNKNOWN_OUTLET = "unknown outlet"
REPAIRED_MD = " _(repaired text)_"  # wording restored from a degraded copy


def outlet_list(outlets) -> str:
    """Outlets named once each; unknown ones counted, not repeated ("3 of unknown outlet").

    >>> outlet_list(["Reuters", "unknown outlet", "unknown outlet"])
    'Reuters, 2 sources of unknown outlet'
    """
    named = [o for o in dict.fromkeys(outlets) if o != UNKNOWN_OUTLET]
    unknown = sum(1 for o in outlets if o == UNKNOWN_OUTLET)
    if unknown == 1:
        named.append(UNKNOWN_OUTLET)
    elif unknown:
        named.append(f"{unknown} sources of {UNKNOWN_OUTLET}")
    return ", ".join(named)


def counted(n: int, noun: str) -> str:
    """`n` and `noun`, plural unless `n` is 1.

    >>> counted(1, "reprint group"), counted(3, "article")
    ('1 reprint group', '3 articles')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def markers(briefing: Briefing, article_ids) -> str:
    return "".join(f"[{briefing.marker_of(a)}]" for a in article_ids)


def format_when(event: TimelineEvent) -> str:
    formats = {"day": "%Y-%m-%d", "week": "week of %Y-%m-%d", "month": "%B %Y", "year": "%Y"}
    return event.when.strftime(formats[event.granularity])


def render_markdown(briefing: Briefing) -> str:
    out = [
        f"# {briefing.title}",
        "",
        f"_{counted(briefing.article_count, 'article')}, "
        f"{counted(len(briefing.sources) - _copies(briefing), 'independent source')}, "
        f"{counted(len(briefing.reprint_groups), 'reprint group')}_",
        "",
        f"## What's new since {briefing.since.isoformat()}" if briefing.since else "## Summary",
        "",
    ]
    out += [
        f"{s.text}{REPAIRED_MD if s.repaired else ''} {markers(briefing, s.article_ids)}"
        for s in briefing.summary
    ]
    if briefing.since and not briefing.summary:
        out.append("Nothing new was reported after that date.")
    out += _cross_source(briefing)
    out += ["", "## Key entities", ""]
    for kind, title in _KIND_TITLES.items():
        names = [e for e in briefing.entities if e.label == kind]
        if names:
            listed = "; ".join(
                e.name
                + (f" ({', '.join(e.roles[:2])})" if e.roles else "")
                + f" — {counted(e.source_count, 'article')}"
                for e in names
            )
            out.append(f"- **{title}:** {listed}")
    if not any(e.label in _KIND_TITLES for e in briefing.entities):
        out.append(NONE_FOUND_MD)
    out += _quotes_and_figures(briefing)
    out += ["", "## Timeline", ""]
    out += [
        f"- **{format_when(e)}** — {e.text}{REPAIRED_MD if e.repaired else ''} "
        f"{markers(briefing, e.article_ids)}"
        for e in briefing.timeline
    ] or [f"- {NO_EVENTS}"]
    if briefing.unplaced_dates:
        out += ["", "### Dates that could not be placed", ""]
        for article_id, texts, reasons, more in unplaced_lines(briefing.unplaced_dates):
            listed = ", ".join(f"“{t}”" for t in texts) + (f" and {more} more" if more else "")
            out.append(f"- {markers(briefing, [article_id])} {listed} ({reasons})")
    out += ["", "## Reprints and duplicates", ""]
    by_id = {s.article_id: s for s in briefing.sources}
    for group in briefing.reprint_groups:
        original = by_id[group.original_id]
        copies = ", ".join(f"[{by_id[c].marker}] {by_id[c].credit}" for c in group.copy_ids)
        out.append(
            f"- [{original.marker}] {original.credit} is the original of: {copies} "
            f"({group.kind} copy, overlap {group.similarity:.2f})"
        )
    if not briefing.reprint_groups:
        out.append(NONE_FOUND_MD)
    out += ["", "## Sources", ""]
    for source in briefing.sources:
        parts = [
            source.credit,
            f"“{source.title}”" if source.title else None,
            source.published_on.isoformat() if source.published_on else "date unknown",
            f"`{source.path}`",
        ]
        out.append(f"{source.marker}. " + ", ".join(p for p in parts if p))
    if briefing.quarantined or briefing.warnings:
        out += ["", "## Input problems", ""]
        out += [f"- skipped: {q.error}" for q in briefing.quarantined]
        warnings = summarise_warnings(map(str, briefing.warnings), briefing.article_count)
        out += [f"- warning: {w}" for w in warnings]
    return "\n".join(out) + "\n"


def speaker_of(quote) -> str:
    if quote.speaker:
        return quote.speaker
    if quote.description:
        return f"{quote.description} (anonymous)"
    return "unattributed"


def _quotes_and_figures(briefing: Briefing) -> list[str]:
    out = []
    if briefing.quotes:
        out += ["", "## Quotes", ""]
        for q in briefing.quotes:
            words = q.text.strip(chr(34) + "“”")
            # reported speech is the article's paraphrase: never printed as their words
            said = f"“{words}”" if q.kind == "direct" else f"(paraphrased) {words}"
            out.append(f"- **{speaker_of(q)}**: {said} {markers(briefing, [q.article_id])}")
    if briefing.figures:
        out += ["", "## Key figures", ""]
        seen = set()
        for figure in briefing.figures:
            key = (figure.kind, figure.value, figure.unit, figure.when)
            if key in seen or len(seen) >= 12:
                continue
            seen.add(key)
            about = f" — {figure.measures}" if figure.measures else ""
            out.append(f"- {figure.text}{about} {markers(briefing, [figure.article_id])}")
    return out


def _cross_source(briefing: Briefing) -> list[str]:
    view = briefing.cross_source
    if view is None:
        return []
    # Every subsection is printed, "none found" when empty, exactly as render_html does.
    out = ["", "## Across sources", "", "Reported by several independent outlets:"]
    out += [
        f"- {c.text}{REPAIRED_MD if c.repaired else ''} {markers(briefing, c.article_ids)} "
        f"({outlet_list(c.outlets)})"
        for c in view.consensus
    ] or [NONE_FOUND_MD]
    out += ["", "Reported by one source only:"]
    out += [
        f"- {c.text}{REPAIRED_MD if c.repaired else ''} {markers(briefing, c.article_ids)} "
        f"({outlet_list(c.outlets[:1])})"
        for c in view.single_source
    ] or [NONE_FOUND_MD]
    out += ["", "Where outlets disagree:"]
    for d in view.disagreements:
        sides = "; ".join(
            f"{c.outlets[0]} says {v} {markers(briefing, c.article_ids)}"
            for c, v in zip(d.claims, d.values, strict=True)
        )
        out.append(f"- {sides}")
    if not view.disagreements:
        out.append(NONE_FOUND_MD)
    return out


def _copies(briefing: Briefing) -> int:
    return sum(len(g.copy_ids) for g in briefing.reprint_groups)
