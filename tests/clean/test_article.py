from datetime import UTC, datetime

from storyline.clean.article import clean_documents
from storyline.records import RawDocument

NOW = datetime(2026, 5, 3, tzinfo=UTC)
BODY = (
    "State inspectors found three hairline cracks in the concrete spillway of the Marrow Falls "
    "dam during a routine survey on Thursday, the county water board said."
)


def clean(text, metadata=(), provenance=(), fmt="text", **kwargs):
    raw = RawDocument("a.txt", fmt, text, tuple(metadata), tuple(provenance))
    (article,) = clean_documents([raw], 3, 200_000, now=NOW, **kwargs)
    return article


def test_article_byline_split_off_into_author():
    article = clean(f"Dam cracks found\n\nBy Priya Castellano\n\n{BODY}")
    assert article.author == "Priya Castellano" and article.text == BODY
    assert "By Priya Castellano" in article.removed_lines


def test_article_metadata_author_beats_byline():
    article = clean(
        f"By Priya Castellano\n\n{BODY}", [("author", "Hana Okafor")], [("author", "front-matter")]
    )
    assert article.author == "Hana Okafor" and dict(article.provenance)["author"] == "front-matter"


def test_article_explicit_date_beats_date_in_text():
    article = clean(
        f"April 9, 2026\n\n{BODY}", [("date", "2026-04-10")], [("date", "front-matter")]
    )
    assert article.published_at == datetime(2026, 4, 10, tzinfo=UTC)
    assert dict(article.provenance)["date"] == "front-matter"


def test_article_untrusted_metadata_date_falls_back_to_text_date():
    article = clean(
        f"April 9, 2026\n\n{BODY}", [("date", "2035-01-01")], [("date", "record-field")]
    )
    assert article.published_at == datetime(2026, 4, 9, tzinfo=UTC)
    assert dict(article.provenance)["date-untrusted"] == "2035-01-01 (record-field)"
    assert "is in the future" in article.warnings[0]


def test_article_wire_byline_is_a_wire_credit():
    article = clean(f"By The Associated Press\n\n{BODY}")
    assert article.wire == "Associated Press" and article.author is None


def test_article_furniture_counted_over_history():
    line = "Lakeview Sentinel | Lakeside edition"
    history = [("Lakeview Sentinel", [line, "Other story."])] * 2
    article = clean(f"{line}\n\n{BODY}", [("outlet", "Lakeview Sentinel")], history=history)
    assert line not in article.text and line in article.removed_lines
