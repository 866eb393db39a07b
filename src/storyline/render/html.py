"""Briefing as one self-contained HTML page; every piece of article text is escaped."""

from __future__ import annotations

from html import escape
from importlib.resources import files

from storyline.records import Briefing
from storyline.render.markdown import (
    NO_EVENTS,
    NONE_FOUND,
    counted,
    format_when,
    outlet_list,
    speaker_of,
)
from storyline.render.unplaced import unplaced_lines

REPAIRED_HTML = " <em class=repaired>(repaired text)</em>"


def _cite(briefing: Briefing, article_ids) -> str:
    return "".join(
        f'<a class="cite" href="#source-{briefing.marker_of(a)}">[{briefing.marker_of(a)}]</a>'
        for a in article_ids
    )


def render_html(briefing: Briefing) -> str:
    css = (files("storyline.render") / "briefing.css").read_text(encoding="utf-8")
    summary = "".join(
        f"<p>{escape(s.text)}{REPAIRED_HTML if s.repaired else ''}"
        f" {_cite(briefing, s.article_ids)}</p>"
        for s in briefing.summary
    )
    entities = (
        "".join(
            f"<li><b>{escape(e.name)}</b> <span class='kind'>{escape(e.label.lower())}</span>"
            f" <span class='count'>{counted(e.source_count, 'article')}</span></li>"
            for e in briefing.entities
        )
        or f"<li>{NONE_FOUND}</li>"
    )
    timeline = (
        "".join(
            f"<li><time>{escape(format_when(e))}</time> {escape(e.text)}"
            f"{REPAIRED_HTML if e.repaired else ''} "
            f"{_cite(briefing, e.article_ids)}</li>"
            for e in briefing.timeline
        )
        or f"<li>{NO_EVENTS}</li>"
    )
    if briefing.unplaced_dates:
        items = "".join(
            f"<li>{_cite(briefing, [article_id])} "
            + ", ".join(f"<q>{escape(t)}</q>" for t in texts)
            + (f" and {more} more" if more else "")
            + f" <span class='kind'>{escape(reasons)}</span></li>"
            for article_id, texts, reasons, more in unplaced_lines(briefing.unplaced_dates)
        )
        unplaced = f"<h3>Dates that could not be placed</h3><ul>{items}</ul>"
    else:
        unplaced = ""
    by_id = {s.article_id: s for s in briefing.sources}
    reprints = (
        "".join(
            f"<li>[{by_id[g.original_id].marker}] {escape(by_id[g.original_id].credit)} reprinted "
            f"as {', '.join(f'[{by_id[c].marker}] ' + escape(by_id[c].credit) for c in g.copy_ids)}"
            f"</li>"
            for g in briefing.reprint_groups
        )
        or f"<li>{NONE_FOUND}</li>"
    )
    sources = "".join(
        f'<li id="source-{s.marker}">{escape(s.credit)}'
        f"{', <i>' + escape(s.title) + '</i>' if s.title else ''}, "
        f"{s.published_on.isoformat() if s.published_on else 'date unknown'}, "
        f"<code>{escape(s.path)}</code></li>"
        for s in briefing.sources
    )
    heading = f"What's new since {briefing.since.isoformat()}" if briefing.since else "Summary"
    meta = (
        f"{counted(briefing.article_count, 'article')}, "
        f"{counted(len(briefing.reprint_groups), 'reprint group')}"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(briefing.title)}</title><style>{css}</style></head>
<body><main>
<h1>{escape(briefing.title)}</h1>
<p class="meta">{meta}</p>
<section><h2>{heading}</h2>{summary}</section>{_cross_source(briefing)}
<section><h2>Key entities</h2><ul class="entities">{entities}</ul></section>
{_quotes(briefing)}<section><h2>Timeline</h2><ol class="timeline">{timeline}</ol>
{unplaced}</section>
<section><h2>Reprints</h2><ul>{reprints}</ul></section>
<section><h2>Sources</h2><ol class="sources">{sources}</ol></section>
</main></body></html>
"""


def _quotes(briefing: Briefing) -> str:
    if not briefing.quotes:
        return ""
    items = "".join(
        f"<li><b>{escape(speaker_of(q))}</b>: "
        + (
            f"<q>{escape(q.text.strip(chr(34) + '“”'))}</q> "
            if q.kind == "direct"  # reported speech is a paraphrase, not their words
            else f"(paraphrased) {escape(q.text)} "
        )
        + f"{_cite(briefing, [q.article_id])}</li>"
        f"{_cite(briefing, [q.article_id])}</li>"
        for q in briefing.quotes
    )
    return f"<section><h2>Quotes</h2><ul>{items}</ul></section>"


def _cross_source(briefing: Briefing) -> str:
    view = briefing.cross_source
    if view is None:
        return ""

    def claims(items, limit=None) -> str:
        return "".join(
            f"<li>{escape(c.text)}{REPAIRED_HTML if c.repaired else ''} "
            f"{_cite(briefing, c.article_ids)} "
            f"<span class='count'>{escape(outlet_list(c.outlets[:limit]))}</span></li>"
            for c in items
        )

    disagreements = "".join(
        "<li>"
        + "; ".join(
            f"{escape(c.outlets[0])}: <b>{escape(v)}</b> {_cite(briefing, c.article_ids)}"
            for c, v in zip(d.claims, d.values, strict=True)
        )
        + "</li>"
        for d in view.disagreements
    )
    none = f"<li>{NONE_FOUND}</li>"
    return (
        "<section><h2>Across sources</h2>"
        f"<h3>Reported by several outlets</h3><ul>{claims(view.consensus) or none}"
        f"</ul><h3>One source only</h3><ul>{claims(view.single_source, 1) or none}</ul>"
        f"<h3>Where outlets disagree</h3><ul>{disagreements or none}</ul>"
        "</section>"
    )
