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


def test_article_length_cut_comes_before_boilerplate_and_repair(monkeypatch):
    import storyline.clean.article as article_module

    seen = []
    real_strip, real_degraded = article_module.strip_boilerplate, article_module.is_degraded

    def strip(lines, furniture=frozenset()):
        seen.append(sum(len(line) + 1 for line in lines))
        return real_strip(lines, furniture)

    def degraded(text):
        seen.append(len(text))
        return real_degraded(text)

    monkeypatch.setattr(article_module, "strip_boilerplate", strip)
    monkeypatch.setattr(article_module, "is_degraded", degraded)
    raw = RawDocument("big.txt", "text", (BODY + "\n\n") * 2_000)  # ~300,000 characters
    (article,) = clean_documents([raw], 3, 20_000, now=NOW)
    assert seen and max(seen) <= 20_001
    assert any("text cut to 20,000 characters" in w for w in article.warnings)


def test_article_headline_item_keeps_its_title_as_text():
    title = "Heron Bay ferry timetable changes from Monday"
    article = clean(title, [("title", title)], [("title", "record-field")], fmt="jsonl")
    assert article.text == title


def test_article_identical_documents_are_cleaned_alike():
    raws = [RawDocument(f"{n}.txt", "text", f"By Priya Castellano\n\n{BODY}") for n in range(3)]
    articles = clean_documents(raws, 3, 200_000, now=NOW)
    assert [a.source for a in articles] == ["0.txt", "1.txt", "2.txt"]
    assert len({a.article_id for a in articles}) == 3
    assert {a.text for a in articles} == {BODY} and {a.author for a in articles} == {
        "Priya Castellano"
    }
