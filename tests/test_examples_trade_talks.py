"""Acceptance checks on the five real articles in ../shared/examples/trade-talks."""

import re
import shutil

from storyline.pipeline import brief_paths, read_articles
from storyline.render import render_markdown
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
    for prefix in ("002", "004"):
        assert source(examples_briefing, prefix).credit == "unknown outlet via Bloomberg"


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
