"""Acceptance checks on the five real articles in ../shared/examples/trade-talks."""

import json
import re
import shutil
from datetime import date

import pytest

from storyline.pipeline import brief_paths, read_articles
from storyline.render import render_markdown
from storyline.render.html import render_html
from storyline.settings import Settings

BOILERPLATE = [
    "You are here",
    "Your feedback is important to us",
    "Tell us what you think",
    "Email us at",
    "contact us at",
    "editors time com",
    "is now on Telegram",
    "For daily updates on weekdays",
    "BLOOMBERG",
]


def source(briefing, prefix):
    return next(s for s in briefing.sources if s.path.split("/")[-1].startswith(prefix))


def test_examples_bloomberg_credited_on_both_reprints(examples_briefing):
    # 004's reprinting paper names itself in its Telegram promo line (metadata/outlet.py).
    assert source(examples_briefing, "002").credit == "unknown outlet via Bloomberg"
    assert source(examples_briefing, "004").credit == "The Business Times via Bloomberg"
    assert source(examples_briefing, "000").credit == "time.com"


def test_examples_no_article_dropped_as_duplicate(examples_briefing):
    assert examples_briefing.article_count == 5
    assert examples_briefing.reprint_groups == ()


def test_examples_copies_grouped_with_original(examples_dir, tmp_path):
    for path in examples_dir.iterdir():
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(examples_dir / "003_64fc973e7f69bfb2.txt", tmp_path / "copy_of_003.txt")
    edited = (examples_dir / "002_1f939b5c64f92757.txt").read_text(encoding="utf-8")
    paragraphs = edited.split("\n\n")
    edited = "\n\n".join(["Trade talks: the IP gap", *paragraphs[:4], *paragraphs[5:-1]])
    (tmp_path / "edited_002.txt").write_text(edited.replace("little", "scant"), "utf-8")
    briefing = brief_paths([tmp_path])
    groups = {frozenset([g.original_id, *g.copy_ids]) for g in briefing.reprint_groups}
    by_name = {s.path.split("/")[-1]: s.article_id for s in briefing.sources}
    assert groups == {
        frozenset([by_name["003_64fc973e7f69bfb2.txt"], by_name["copy_of_003.txt"]]),
        frozenset([by_name["002_1f939b5c64f92757.txt"], by_name["edited_002.txt"]]),
    }


def test_examples_boilerplate_absent_from_briefing(examples_briefing):
    text = render_markdown(examples_briefing)
    for line in BOILERPLATE:
        assert line not in text
    caption = "A woman walked by shelves displaying bottles of American wine"
    assert caption not in text


def test_examples_summary_cites_at_least_three_articles(examples_briefing):
    assert len({a for s in examples_briefing.summary for a in s.article_ids}) >= 3


def test_examples_degraded_copy_split_into_sentences(examples_dir):
    articles, _ = read_articles([examples_dir / "000_a49e6c0a67cf3d13.txt"], Settings())
    (article,) = articles
    assert article.degraded
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", article.text) if s]
    assert len(sentences) > 20
    assert max(len(s.split()) for s in sentences) < 100


@pytest.mark.parametrize("expression", ["Jan. 30", "July 16"])
def test_examples_day_without_year_listed_as_year_unknown(examples_briefing, expression):
    (unplaced,) = [u for u in examples_briefing.unplaced_dates if expression in u.text]
    assert unplaced.reason == "year unknown"
    assert expression in unplaced.sentence
    assert all(expression not in e.text for e in examples_briefing.timeline)


@pytest.mark.parametrize(
    "year, words", [("2001", "joined the WTO in 2001"), ("2024", "trade surplus to zero by 2024")]
)
def test_examples_full_years_on_timeline_with_sentence(examples_briefing, year, words):
    events = [e for e in examples_briefing.timeline if words in e.text]
    assert [(e.when, e.granularity) for e in events] == [(date(int(year), 1, 1), "year")]
    assert all(year not in u.text for u in examples_briefing.unplaced_dates)


@pytest.mark.parametrize("expression", ["this May", "last week"])
def test_examples_relative_dates_unplaced_without_publication_date(examples_briefing, expression):
    # Degraded 000 arrives lowercased; its restored casing gives "Last week".
    wanted = expression.casefold()
    found = [u for u in examples_briefing.unplaced_dates if u.text.casefold() == wanted]
    assert found
    assert all(u.reason == "no publication date" for u in found)
    assert all(wanted in u.sentence.casefold() for u in found)


def test_examples_unplaced_dates_rendered_under_timeline(examples_briefing):
    markdown = render_markdown(examples_briefing)
    timeline = markdown.split("## Timeline")[1].split("## Reprints")[0]
    assert "### Dates that could not be placed" in timeline
    # One short line per undated article (it was one line per expression: 35 lines).
    unplaced = timeline.split("### Dates that could not be placed")[1].strip().splitlines()
    assert len(unplaced) <= examples_briefing.article_count
    assert any(line.startswith("- [") and "“this May”" in line for line in unplaced)
    page = render_html(examples_briefing)
    assert "Dates that could not be placed" in page
    assert "<q>Jan. 30 and 31</q>" in page


def test_examples_dated_record_resolves_relative_dates(examples_dir, tmp_path):
    text = (examples_dir / "004_f4fbc80d8ed34c7b.txt").read_text(encoding="utf-8")
    record = {"title": "China's Xi wary about fresh trade talks", "date": "2018-08-01"}
    path = tmp_path / "dated.jsonl"
    path.write_text(json.dumps({**record, "text": text}) + "\n", encoding="utf-8")
    briefing = brief_paths([path])
    (event,) = [e for e in briefing.timeline if "this May" in e.text]
    assert (event.when, event.granularity) == (date(2018, 5, 1), "month")
    assert briefing.unplaced_dates == ()
