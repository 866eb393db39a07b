"""Key figures of real briefings: the trade-talks examples and the demo corpus."""

from __future__ import annotations

from storyline.extract.key_figures import key_figures, listable
from storyline.records import Figure
from storyline.render import render_markdown


def _figure(text, kind, value, unit, article="a", when=None, granularity=None, measures=None):
    return Figure(article, 0, len(text), text, kind, value, unit, measures, "", when, granularity)


def test_key_figures_a_year_is_never_a_figure():
    from datetime import date

    by_year = _figure("2024", "deadline", None, "date", when=date(2024, 1, 1), granularity="year")
    assert not listable(by_year)
    assert not listable(_figure("2019", "count", 2019.0, "season"))
    assert listable(_figure("212,000", "count", 212000.0, "pack"))
    assert not listable(_figure("three", "count", 3.0, "official"))


def test_key_figures_ranked_by_independent_sources():
    figures = [
        _figure("$5", "money", 5.0, "USD", "a"),
        _figure("37", "count", 37.0, "fire", "a"),
        _figure("37", "count", 37.0, "fire", "b"),
        _figure("37", "count", 37.0, "fire", "b-copy"),
    ]
    ranked = key_figures(figures, {"b-copy": "b"})
    assert [f.text for f in ranked] == ["37", "$5"]


def test_key_figures_trade_talks_briefing_lists_its_figures(examples_briefing):
    shown = {(f.text, f.measures) for f in examples_briefing.figures}
    texts = {text for text, _ in shown}
    assert {"$1.2 trillion", "US$50 billion", "200 billion", "90-day", "30-page"} <= texts
    assert ("90-day", "trade truce") in shown and ("30-page", "text") in shown
    assert ("200 billion", "Chinese imports") in shown
    assert not any(text.strip().isdigit() and 1900 <= int(text) <= 2100 for text in texts)


def test_key_figures_demo_briefing_lists_headline_counts(demo_briefing):
    markdown = render_markdown(demo_briefing)
    figures = markdown.split("## Key figures", 1)[1]
    assert "212,000" in figures and "37" in figures


def test_key_figures_reported_speech_is_not_printed_in_quote_marks(examples_briefing):
    markdown = render_markdown(examples_briefing)
    for quote in examples_briefing.quotes:
        if quote.kind == "reported":
            assert f"“{quote.text}”" not in markdown


def test_key_figures_rates_and_background_durations_are_not_listed():
    # the degraded trade-talks copy: "if trump imposes new 25 tariffs" (its "%" was lost)
    assert not listable(_figure("25", "count", 25.0, "tariff", measures="new tariffs"))
    # "over the past 40 years" is background; "a 90-day truce" is a term of the deal
    assert not listable(_figure("40", "duration", 40.0, "year", measures="past years"))
    assert listable(_figure("90-day", "duration", 90.0, "day", measures="trade truce"))
    # "The 33-year-old Reid" (ECB+ 1_3ecb): an age describes a person
    assert not listable(_figure("33-year", "count", 33.0, "year of age"))


def test_key_figures_a_large_count_is_one_figure_whatever_its_noun():
    figures = [
        _figure("212,000", "count", 212000.0, "pack", "a", measures="e-bike battery packs"),
        _figure("212,000", "count", 212000.0, "V2", "b", measures="Model V2"),
        _figure("3", "count", 3.0, "pack", "a"),
        _figure("3", "count", 3.0, "fire", "b"),
    ]
    ranked = key_figures(figures, {})
    assert [(f.text, f.measures) for f in ranked][:1] == [("212,000", "e-bike battery packs")]
    assert len(ranked) == 3  # small counts of different things stay apart
