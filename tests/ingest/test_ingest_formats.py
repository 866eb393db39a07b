"""Each reader on realistic input and on broken versions of it."""

import gzip
import io
import json
import sys
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from news_pages import DAM_PARAGRAPHS, page_html

from storyline.ingest import FieldMap, ReadOptions, read_inputs, read_sources
from storyline.ingest.feeds import html_fragment_text
from storyline.ingest.sources import find_files, sniff_format
from storyline.records import Quarantined, RawDocument

WARC_DATE = "2026-04-10T18:00:00Z"


def documents(reads):
    return [r.item for r in reads if isinstance(r.item, RawDocument)]


def quarantined(reads):
    return [r.item for r in reads if isinstance(r.item, Quarantined)]


# -- CSV ----------------------------------------------------------------------------------


def test_csv_reads_default_columns_and_multiline_text(fixtures_dir):
    reads = list(read_sources([fixtures_dir / "dump.csv"]))
    first, second = documents(reads)
    assert first.meta("title") == "Saltmere port votes to dredge harbour mouth"
    assert first.meta("outlet") == "Coastline Daily" and first.meta("date") == "2026-05-04"
    assert "larger trawlers" in first.text and "six weeks" in first.text
    assert second.source.endswith("dump.csv:5")
    assert all(r.format == "csv" for r in reads)


def test_csv_bad_rows_quarantined_with_line_and_reason(fixtures_dir):
    bad = quarantined(read_sources([fixtures_dir / "dump.csv"]))
    assert [q.source.rsplit(":", 1)[1] for q in bad] == ["6", "7"]
    assert "row has 6 fields, the header has 5" in bad[0].error
    assert "record has no text" in bad[1].error and "--text-field" in bad[1].error
    assert all(q.raw_sha256 for q in bad)


def test_csv_without_text_column_names_columns_and_flag(fixtures_dir):
    (item,) = [r.item for r in read_sources([fixtures_dir / "custom_columns.csv"])]
    assert isinstance(item, Quarantined)
    assert "no text column among headline, story_body" in item.error
    assert "--text-field" in item.error


def test_csv_column_flags_map_any_column(fixtures_dir):
    fields = FieldMap(
        text="story_body", title="headline", date="pub_time", outlet="paper",
        url="permalink", author="writer",
    )  # fmt: skip
    (doc,) = documents(
        read_sources([fixtures_dir / "custom_columns.csv"], ReadOptions(fields=fields))
    )
    assert doc.text.startswith("The Heron Island ferry will add a 19:30 crossing")
    assert doc.meta("author") == "Priya Castellano" and doc.meta("outlet") == "Lakeview Sentinel"
    assert doc.meta("date") == "2026-04-14T16:00:00Z"
    assert doc.meta("url").endswith("/evening-ferry")


def test_tsv_reads_tab_separated_rows(tmp_path):
    path = tmp_path / "stories.tsv"
    path.write_text(
        "headline\tcontent\nTram line opens\tThe new tram line to Saltmere opened on Sunday, "
        "with free rides for the first week.\n",
        encoding="utf-8",
    )
    (doc,) = documents(read_sources([path]))
    assert doc.meta("title") == "Tram line opens" and doc.text.startswith("The new tram line")


# -- Parquet ------------------------------------------------------------------------------


def test_parquet_reads_rows_with_timestamp_column(tmp_path, write_parquet):
    path = write_parquet(
        tmp_path / "news.parquet",
        {
            "headline": ["Dam spillway cracks found", "Ferry resumes"],
            "maintext": ["\n\n".join(DAM_PARAGRAPHS), "The Heron Island ferry resumed service."],
            "date_publish": [datetime(2026, 4, 10, 9, 30, tzinfo=UTC), None],
            "source_domain": ["lakeviewsentinel.example", "lakeviewsentinel.example"],
        },
    )
    reads = list(read_sources([path]))
    first, second = documents(reads)
    assert first.meta("title") == "Dam spillway cracks found"
    assert first.meta("date").startswith("2026-04-10T09:30:00")
    assert first.meta("outlet") == "lakeviewsentinel.example"
    assert second.meta("date") is None and second.source.endswith("news.parquet#2")
    assert {r.format for r in reads} == {"parquet"}
    assert json.loads(reads[0].raw.content)["headline"] == "Dam spillway cracks found"


def test_parquet_truncated_file_is_quarantined(tmp_path, write_parquet):
    path = write_parquet(tmp_path / "news.parquet", {"text": ["A story."] * 10})
    path.write_bytes(path.read_bytes()[:-40])
    (item,) = [r.item for r in read_sources([path])]
    assert isinstance(item, Quarantined) and "not a readable Parquet file" in item.error


# -- WARC ---------------------------------------------------------------------------------


def test_warc_reads_html_responses_with_target_uri_and_fetch_date(tmp_path, write_warc):
    url = "https://lakeviewsentinel.example/2026/04/10/dam-spillway-cracks"
    path = write_warc(
        tmp_path / "crawl.warc",
        [(url, page_html("Inspectors find cracks in dam", DAM_PARAGRAPHS), "text/html", WARC_DATE)],
    )
    reads = list(read_sources([path]))
    (doc,) = documents(reads)
    assert doc.format == "warc" and doc.meta("url") == url
    assert doc.meta("fetched_at") == WARC_DATE
    assert dict(doc.provenance)["fetched_at"] == "warc-date"
    assert "three hairline cracks" in doc.text and "newsletter" not in doc.text
    assert reads[0].raw.content.startswith(b"<!DOCTYPE html>")


def test_warc_skips_requests_images_and_reads_gzip(tmp_path, write_warc):
    pages = [
        ("https://x.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png", WARC_DATE),
        ("https://x.example/a", page_html("Dam cracks", DAM_PARAGRAPHS), "text/html", WARC_DATE),
    ]
    path = write_warc(tmp_path / "crawl.warc.gz", pages, gzip=True)
    reads = list(read_sources([path]))
    assert len(reads) == 1 and reads[0].item.meta("url") == "https://x.example/a"


def test_warc_garbage_is_quarantined_as_not_a_warc(tmp_path):
    path = tmp_path / "crawl.warc"
    path.write_bytes(b"this is not an archive at all\n" * 20)
    (item,) = [r.item for r in read_sources([path])]
    assert isinstance(item, Quarantined) and "not a WARC file" in item.error


@pytest.mark.parametrize("gzip", [False, True])
def test_warc_truncated_keeps_records_before_the_damage(tmp_path, write_warc, gzip):
    pages = [
        (f"https://x.example/{i}", page_html(f"Story {i}", DAM_PARAGRAPHS), "text/html", WARC_DATE)
        for i in range(3)
    ]
    path = write_warc(tmp_path / "crawl.warc.gz", pages, gzip=gzip, with_requests=False)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 9 // 10])
    reads = list(read_sources([path]))
    assert len(documents(reads)) >= 1
    assert isinstance(reads[-1].item, Quarantined)


# -- RSS and Atom -------------------------------------------------------------------------


def test_feed_rss_content_encoded_becomes_paragraph_text(fixtures_dir):
    docs = documents(read_sources([fixtures_dir / "sentinel.rss"]))
    dam = docs[0]
    assert dam.meta("outlet") == "Lakeview Sentinel" and dam.meta("author") == "Priya Castellano"
    assert dam.meta("url").endswith("/dam-spillway-cracks")
    assert dam.meta("date") == "2026-04-10T09:30:00+00:00"
    assert dam.meta("fetched_at") == "2026-04-10T18:00:00+00:00"
    assert "three hairline cracks" in dam.text and "Odile Brenner" in dam.text
    assert "<p>" not in dam.text and len(dam.text.split("\n\n")) == 4


def test_feed_rss_entry_without_content_is_quarantined(fixtures_dir):
    (bad,) = quarantined(read_sources([fixtures_dir / "sentinel.rss"]))
    assert bad.source.endswith("sentinel.rss#4") and "no content or summary" in bad.error


def test_feed_atom_entries_read_with_author_and_feed_title(fixtures_dir):
    first, second = documents(read_sources([fixtures_dir / "coastline.atom"]))
    assert first.meta("outlet") == "Coastline Daily" and first.meta("author") == "Tomas Eriksen"
    assert first.meta("date") == "2026-05-02T08:15:00+00:00"
    assert second.text.startswith("The cottage beside the Saltmere lighthouse")


def test_feed_malformed_xml_is_quarantined_with_parser_message(fixtures_dir):
    (item,) = [r.item for r in read_sources([fixtures_dir / "broken.rss"])]
    assert isinstance(item, Quarantined)
    assert "not a well-formed RSS/Atom feed" in item.error and "broken.rss" in item.error


def test_feed_xml_that_is_no_feed_is_quarantined(tmp_path):
    path = tmp_path / "config.xml"
    path.write_text("<?xml version='1.0'?><settings><a>1</a></settings>", encoding="utf-8")
    (item,) = [r.item for r in read_sources([path])]
    assert isinstance(item, Quarantined) and "feed" in item.error


def test_feed_html_fragment_text_keeps_paragraphs_drops_scripts():
    html = "<p>First <b>para</b>.</p><script>var x = 1;</script><p>Second<br>line.</p>"
    assert html_fragment_text(html) == "First para.\n\nSecond\nline."


# -- JSON Lines and JSON ------------------------------------------------------------------


def test_jsonl_gz_is_read_line_by_line(tmp_path):
    path = tmp_path / "dump.jsonl.gz"
    rows = [{"title": f"Story {i}", "text": DAM_PARAGRAPHS[i]} for i in range(3)]
    path.write_bytes(gzip.compress("\n".join(json.dumps(r) for r in rows).encode()))
    reads = list(read_sources([path]))
    assert [r.item.source.rsplit(":", 1)[1] for r in reads] == ["1", "2", "3"]
    assert reads[1].raw.content == json.dumps(rows[1]).encode()


def test_jsonl_oversize_record_is_quarantined_and_next_line_read(tmp_path):
    path = tmp_path / "dump.jsonl"
    big = json.dumps({"text": "x" * 5_000})
    path.write_text(big + "\n" + json.dumps({"text": DAM_PARAGRAPHS[0]}) + "\n")
    reads = list(read_sources([path], ReadOptions(max_input_bytes=1_000)))
    assert (
        isinstance(reads[0].item, Quarantined)
        and "over the 1,000 byte limit" in reads[0].item.error
    )
    assert isinstance(reads[1].item, RawDocument) and reads[1].item.source.endswith(":2")


def test_jsonl_newsapi_nested_source_name_is_the_outlet(tmp_path):
    path = tmp_path / "newsapi.jsonl"
    record = {"source": {"id": None, "name": "Coastline Daily"}, "content": DAM_PARAGRAPHS[0],
              "publishedAt": "2026-05-02T08:15:00Z"}  # fmt: skip
    path.write_text(json.dumps(record))
    (doc,) = documents(read_sources([path]))
    assert doc.meta("outlet") == "Coastline Daily" and doc.meta("date") == "2026-05-02T08:15:00Z"


def test_json_array_gives_one_article_per_object(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"text": p} for p in DAM_PARAGRAPHS[:2]] + [42]))
    reads = list(read_sources([path]))
    assert len(documents(reads)) == 2
    assert "a JSON int is not an article" in reads[2].item.error


# -- paths, globs, stdin ------------------------------------------------------------------


def test_find_files_expands_globs_and_reports_empty_patterns(tmp_path):
    for name in ("a.txt", "b.txt", "c.html"):
        (tmp_path / name).write_text(DAM_PARAGRAPHS[0])
    found = list(find_files([str(tmp_path / "*.txt"), str(tmp_path / "*.csv")]))
    assert [p.name for p in found[:2]] == ["a.txt", "b.txt"]
    assert isinstance(found[2], Quarantined) and "matches no file" in found[2].error


def test_folder_reading_skips_unknown_suffixes(tmp_path):
    (tmp_path / "story.txt").write_text(DAM_PARAGRAPHS[0])
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    assert [p.name for p in find_files([tmp_path])] == ["story.txt"]


@pytest.mark.parametrize(
    "head, name",
    [
        (b"PAR1\x15\x04", "parquet"),
        (b"WARC/1.0\r\n", "warc"),
        (b'<?xml version="1.0"?>\n<rss version="2.0">', "feed"),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        (b"<!DOCTYPE html><html>", "html"),
        (b'{"text": "A story."}\n', "jsonl"),
        (b'[{"text": "A story."}]', "json"),
        (b"Dam cracks found\n\nInspectors said.", "text"),
    ],
)
def test_sniff_format_of_first_bytes(head, name):
    assert sniff_format(head) == name


def test_stdin_is_read_and_sniffed(monkeypatch):
    data = "\n".join(json.dumps({"text": p}) for p in DAM_PARAGRAPHS).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    reads = list(read_sources(["-"]))
    assert len(documents(reads)) == 4 and reads[0].item.source == "<stdin>:1"


def test_read_inputs_keeps_its_meaning_for_new_formats(fixtures_dir):
    items = list(read_inputs([fixtures_dir / "coastline.atom"], max_input_bytes=10**6))
    assert [type(i).__name__ for i in items] == ["RawDocument", "RawDocument"]


# -- any bytes, any format: quarantine, never an exception --------------------------------

SUFFIXES = [".txt", ".html", ".jsonl", ".jsonl.gz", ".json", ".csv", ".parquet", ".warc",
            ".warc.gz", ".rss"]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=600), suffix=st.sampled_from(SUFFIXES))
def test_read_sources_arbitrary_bytes_never_raise(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for read in read_sources([path], ReadOptions(max_input_bytes=10_000)):
        assert isinstance(read.item, RawDocument | Quarantined)
