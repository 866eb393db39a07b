"""Markdown and HTML briefings: the same sections, the same words when one is empty, short
lists where a long one would drown the briefing, and per-article warnings folded."""

from __future__ import annotations

import re
from datetime import date

from storyline.records import Briefing, CrossSourceView, Source, UnplacedDate
from storyline.render import render_html, render_markdown
from storyline.render.markdown import outlet_list
from storyline.render.unplaced import UNPLACED_PER_ARTICLE, unplaced_lines
from storyline.render.warnings import summarise_warnings


def _briefing(**changes) -> Briefing:
    base = {
        "title": "Ferry strike",
        "summary": (),
        "sources": (Source(1, "a1", "Bay Herald", "Ferry crews strike", None, "in/a1.txt"),),
        "entities": (),
        "timeline": (),
        "reprint_groups": (),
        "article_count": 1,
        "cross_source": CrossSourceView((), (), ()),
    }
    return Briefing(**{**base, **changes})


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_empty_sections_read_the_same_in_markdown_and_html():
    briefing = _briefing()
    markdown = render_markdown(briefing)
    html = _visible(render_html(briefing))
    for heading in ("Across sources", "Timeline", "Sources"):
        assert heading in markdown and heading in html
    # every empty section says so, in both formats, the same number of times
    assert markdown.count("none found") == html.count("none found") == 5
    assert "no dated events found" in markdown and "no dated events found" in html
    assert "<li>none</li>" not in render_html(briefing)


def test_html_sources_show_their_file_path():
    html = render_html(_briefing())
    assert "in/a1.txt" in html


def test_unknown_outlets_are_counted_not_repeated():
    outlets = ["Bay Herald", *["unknown outlet"] * 8]
    assert outlet_list(outlets) == "Bay Herald, 8 sources of unknown outlet"
    assert outlet_list(["unknown outlet"]) == "unknown outlet"


def test_unplaced_dates_collapse_to_one_short_line_per_article():
    many = [
        UnplacedDate("a1", i, i + 5, f"day {i % 5}", f"Sentence {i}.", "no publication date")
        for i in range(40)
    ]
    lines = unplaced_lines(many)
    assert len(lines) == 1
    article_id, texts, reasons, more = lines[0]
    assert article_id == "a1" and len(texts) == UNPLACED_PER_ARTICLE
    assert more == 40 - UNPLACED_PER_ARTICLE and reasons == "no publication date"
    markdown = render_markdown(_briefing(unplaced_dates=tuple(many)))
    section = markdown.split("### Dates that could not be placed")[1].split("##")[0]
    assert len(section.strip().splitlines()) == 1 and "and 37 more" in section


def test_a_warning_every_article_shares_is_printed_once():
    warnings = [
        f"in/a{n}.txt: no publication date; its relative dates were not resolved" for n in range(5)
    ]
    warnings.append("in/b.txt: text cut to 100,000 characters")
    folded = summarise_warnings(warnings, 5)
    assert folded == [
        "5 of 5 articles have no publication date; their relative dates were not resolved "
        "(in/a0.txt, in/a1.txt and 3 more)",
        "in/b.txt: text cut to 100,000 characters",
    ]
    markdown = render_markdown(_briefing(warnings=tuple(warnings), article_count=5))
    assert markdown.count("no publication date") == 1


def test_a_warning_without_a_source_is_kept_as_is():
    assert summarise_warnings(["briefed the 60 newest of 90 articles"]) == [
        "briefed the 60 newest of 90 articles"
    ]


def test_sources_keep_their_date():
    html = render_html(
        _briefing(
            sources=(Source(1, "a1", "Bay Herald", None, date(2026, 3, 6), "https://x.example/a"),)
        )
    )
    assert "2026-03-06" in html and "https://x.example/a" in html
