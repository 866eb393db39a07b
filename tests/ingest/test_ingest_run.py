"""ingest_paths end to end into a store: outcomes, quarantine, dates, furniture, atomicity."""

import shutil
from datetime import UTC, datetime

import pytest
from news_pages import DAM_PARAGRAPHS, page_html

from storyline.ingest.run import ingest_paths
from storyline.settings import Settings
from storyline.store import SqliteStore

NOW = datetime(2026, 5, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    with SqliteStore(tmp_path / "store.db") as opened:
        yield opened


@pytest.fixture
def corpus(tmp_path, fixtures_dir):
    folder = tmp_path / "corpus"
    shutil.copytree(fixtures_dir, folder)
    return folder


def stored_by_title(store):
    return {a.title: a for a in store.iter_articles()}


def test_run_counts_outcomes_per_format(store, corpus):
    report = ingest_paths([corpus], store, now=NOW)
    assert report.count("added", "feed") == 5 and report.count("quarantined", "feed") == 2
    assert report.count("added", "csv") == 2 and report.count("quarantined", "csv") == 3
    assert report.count("added") == store.count() == len(report.article_ids) == 7


def test_run_same_input_twice_adds_nothing(store, corpus):
    first = ingest_paths([corpus], store, now=NOW)
    second = ingest_paths([corpus], store, now=NOW)
    assert second.count("added") == 0
    assert second.count("already stored") == first.count("added")
    assert store.count() == first.count("added")
    assert len(store.quarantined()) == first.count("quarantined")


def test_run_quarantine_table_holds_reason_stage_source_and_raw_hash(store, corpus):
    ingest_paths([corpus], store, now=NOW)
    by_source = {q.source.rsplit("/", 1)[1]: q for q in store.quarantined()}
    assert set(by_source) == {
        "broken.rss", "sentinel.rss#4", "custom_columns.csv", "dump.csv:6", "dump.csv:7",
    }  # fmt: skip
    assert all(q.stage == "ingest" and q.raw_sha256 for q in by_source.values())
    assert "row has 6 fields" in by_source["dump.csv:6"].error


def test_run_feed_dates_in_the_future_are_not_trusted(store, corpus):
    report = ingest_paths([corpus / "sentinel.rss"], store, now=NOW)
    path = stored_by_title(store)["Council approves budget for lakefront path"]
    assert path.published_at is None
    assert "2031-01-01" in dict(path.provenance)["date-untrusted"]
    assert any("is in the future" in w and "not trusted" in w for w in report.warnings)


def test_run_feed_dates_before_1990_are_not_trusted(store, corpus):
    ingest_paths([corpus / "coastline.atom"], store, now=NOW)
    museum = stored_by_title(store)["Lighthouse keeper's cottage to become a museum"]
    assert museum.published_at is None
    assert any("is before 1990" in w for w in museum.warnings)


def test_run_feed_entry_dated_after_the_feed_was_built_is_not_trusted(tmp_path, store):
    feed = tmp_path / "late.rss"
    feed.write_text(
        '<rss version="2.0"><channel><title>Lakeview Sentinel</title>'
        "<lastBuildDate>Fri, 10 Apr 2026 18:00:00 +0000</lastBuildDate>"
        "<item><title>Dam cracks</title><link>https://x.example/d</link>"
        "<pubDate>Mon, 20 Apr 2026 09:00:00 +0000</pubDate>"
        f"<description>{DAM_PARAGRAPHS[0]}</description></item></channel></rss>"
    )
    ingest_paths([feed], store, now=NOW)
    (dam,) = store.iter_articles()
    assert dam.published_at is None
    assert "after the page was fetched (2026-04-10 18:00 UTC)" in dam.warnings[0]


def test_run_trusted_feed_date_kept_with_provenance(store, corpus):
    ingest_paths([corpus / "sentinel.rss"], store, now=NOW)
    dam = stored_by_title(store)["Inspectors find cracks in Marrow Falls dam spillway"]
    assert dam.published_at == datetime(2026, 4, 10, 9, 30, tzinfo=UTC)
    assert dict(dam.provenance)["date"] == "feed-entry"
    assert not any("appeared first on" in line for line in dam.text.split("\n"))


def test_run_warc_date_is_the_fallback_publication_date(tmp_path, store, write_warc):
    path = write_warc(
        tmp_path / "crawl.warc",
        [("https://x.example/dam", page_html("Dam cracks", DAM_PARAGRAPHS), "text/html",
          "2026-04-10T18:00:00Z")],
    )  # fmt: skip
    ingest_paths([path], store, now=NOW)
    (dam,) = store.iter_articles()
    assert dam.published_at == datetime(2026, 4, 10, 18, 0, tzinfo=UTC)
    assert dict(dam.provenance)["date"] == "warc-date" and dam.url == "https://x.example/dam"
    assert dam.outlet == "Lakeview Sentinel"


def test_run_page_claiming_a_date_after_its_fetch_falls_back(tmp_path, store, write_warc):
    head = '<meta property="article:published_time" content="2026-09-01T08:00:00Z">'
    path = write_warc(
        tmp_path / "crawl.warc",
        [("https://x.example/dam", page_html("Dam cracks", DAM_PARAGRAPHS, head), "text/html",
          "2026-04-10T18:00:00Z")],
    )  # fmt: skip
    ingest_paths([path], store, now=NOW)
    (dam,) = store.iter_articles()
    assert dam.published_at == datetime(2026, 4, 10, 18, 0, tzinfo=UTC)
    assert "2026-09-01" in dict(dam.provenance)["date-untrusted"]
    assert any("2026-09-01" in w and "not trusted" in w for w in dam.warnings)


def test_run_byline_and_dateline_become_metadata(tmp_path, store):
    path = tmp_path / "dam.txt"
    path.write_text(
        "Inspectors find cracks in Marrow Falls dam\n\nBy Priya Castellano, Lakeview Sentinel\n\n"
        "April 10, 2026\n\nMARROW FALLS — " + "\n\n".join(DAM_PARAGRAPHS),
        encoding="utf-8",
    )
    ingest_paths([path], store, now=NOW)
    (dam,) = store.iter_articles()
    assert dam.author == "Priya Castellano" and dam.outlet == "Lakeview Sentinel"
    assert dam.published_at == datetime(2026, 4, 10, tzinfo=UTC)
    provenance = dict(dam.provenance)
    assert provenance["author"] == provenance["outlet"] == "byline"
    assert provenance["date"] == "text-date" and provenance["dateline"] == "MARROW FALLS"
    assert dam.text.startswith("State inspectors") and "By Priya" not in dam.text


def test_run_furniture_learned_from_store_when_articles_arrive_one_by_one(tmp_path, store):
    furniture = "Marrow Falls Gazette | Lakeside edition | Weather: showers"
    stories = [
        "The town's new fire engine arrived on Monday after a two-year wait for parts.",
        "Heron Island's school will stay open after parents raised 40,000 for repairs.",
        "The county will resurface the lake road in July, closing it for nine nights.",
        "A beaver dam has flooded part of the golf course, the club said on Friday.",
    ]
    for number, story in enumerate(stories, start=1):
        path = tmp_path / f"gazette-{number}.txt"
        path.write_text(
            f"---\noutlet: Marrow Falls Gazette\ntitle: Story {number}\n---\n"
            f"{furniture}\n\n{story}\n\nMore details were not immediately available.\n",
            encoding="utf-8",
        )
        ingest_paths([path], store, now=NOW)
    texts = {a.title: a for a in store.iter_articles()}
    assert furniture in texts["Story 1"].text  # nothing to learn from yet
    for title in ("Story 3", "Story 4"):
        assert furniture not in texts[title].text and furniture in texts[title].removed_lines
        assert stories[int(title[-1]) - 1] in texts[title].text


def test_run_article_of_only_furniture_is_quarantined_at_clean_stage(tmp_path, store):
    path = tmp_path / "promo.txt"
    path.write_text("Sign up for our morning newsletter\n\nFollow us on Instagram\n")
    report = ingest_paths([path], store, now=NOW)
    (item,) = report.quarantined
    assert item.stage == "clean" and "no text left" in item.error
    assert store.quarantined() == [item]


def test_run_failure_in_a_later_batch_keeps_earlier_batches(tmp_path, store, monkeypatch):
    for number, paragraph in enumerate(DAM_PARAGRAPHS):
        (tmp_path / f"{number}.txt").write_text(paragraph, encoding="utf-8")
    calls = []
    original = store.add_articles

    def failing(articles, raws=None):
        calls.append(len(articles))
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return original(articles, raws)

    monkeypatch.setattr(store, "add_articles", failing)
    with pytest.raises(RuntimeError, match="power cut"):
        ingest_paths([tmp_path], store, Settings(ingest_batch_size=1), now=NOW)
    assert store.count() == 2


def test_run_non_english_text_is_flagged(tmp_path, store):
    path = tmp_path / "es.txt"
    path.write_text(
        "El consejo municipal de Marrow Falls aprobó el martes un presupuesto para el paseo "
        "junto al lago, después de un debate de dos horas sobre su trazado por el puerto, y "
        "las obras comenzarán en otoño según el alcalde de la ciudad.",
        encoding="utf-8",
    )
    report = ingest_paths([path], store, now=NOW)
    assert any("looks Spanish (es)" in w for w in report.warnings)


def test_run_bug_in_cleaning_quarantines_only_that_article(tmp_path, store, monkeypatch):
    import storyline.clean.article as article_module

    for number, paragraph in enumerate(DAM_PARAGRAPHS[:3]):
        (tmp_path / f"{number}.txt").write_text(paragraph, encoding="utf-8")
    original = article_module._clean_one

    def flaky(raw, *args):
        if raw.source.endswith("1.txt"):
            raise KeyError("ambiguous")
        return original(raw, *args)

    monkeypatch.setattr(article_module, "_clean_one", flaky)
    report = ingest_paths([tmp_path], store, now=NOW)
    assert report.count("added") == 2
    (item,) = store.quarantined()
    assert item.stage == "clean" and "KeyError" in item.error and item.raw_sha256


def test_run_failed_degraded_repair_keeps_article_with_warning(tmp_path, store, monkeypatch):
    def broken(text, casing_hints=None):
        raise KeyError("ambiguous")

    monkeypatch.setattr("storyline.clean.article.repair_with_confidences", broken)
    monkeypatch.setattr("storyline.clean.article.is_degraded", lambda text: True)
    (tmp_path / "low.txt").write_text(DAM_PARAGRAPHS[0].lower().replace(",", ""))
    report = ingest_paths([tmp_path], store, now=NOW)
    (low,) = store.iter_articles()
    assert low.degraded and "could not be repaired (KeyError" in report.warnings[0]
