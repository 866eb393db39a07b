"""Briefing as Markdown, the CLI's default output."""

from __future__ import annotations

from storyline.records import Briefing, TimelineEvent

_KIND_TITLES = {"PERSON": "People", "ORG": "Organisations", "PLACE": "Places"}


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
    out += [f"{s.text} {markers(briefing, s.article_ids)}" for s in briefing.summary]
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
    out += _quotes_and_figures(briefing)
    out += ["", "## Timeline", ""]
    out += [
        f"- **{format_when(e)}** — {e.text} {markers(briefing, e.article_ids)}"
        for e in briefing.timeline
    ] or ["- (no dated events found)"]
    if briefing.unplaced_dates:
        out += ["", "### Dates that could not be placed", ""]
        out += [
            f"- “{u.text}” ({u.reason}) — {u.sentence} {markers(briefing, [u.article_id])}"
            for u in briefing.unplaced_dates
        ]
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
        out.append("- none found")
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
        out += [f"- warning: {w}" for w in briefing.warnings]
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
    out = ["", "## Across sources"]
    if view.consensus:
        out += ["", "Reported by several independent outlets:"]
        out += [
            f"- {c.text} {markers(briefing, c.article_ids)} ({', '.join(c.outlets)})"
            for c in view.consensus
        ]
    if view.single_source:
        out += ["", "Reported by one source only:"]
        out += [
            f"- {c.text} {markers(briefing, c.article_ids)} ({c.outlets[0]})"
            for c in view.single_source
        ]
    if view.disagreements:
        out += ["", "Where outlets disagree:"]
        for d in view.disagreements:
            sides = "; ".join(
                f"{c.outlets[0]} says {v} {markers(briefing, c.article_ids)}"
                for c, v in zip(d.claims, d.values, strict=True)
            )
            out.append(f"- {sides}")
    return out


def _copies(briefing: Briefing) -> int:
    return sum(len(g.copy_ids) for g in briefing.reprint_groups)
