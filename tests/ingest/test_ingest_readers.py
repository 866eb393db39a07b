import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.errors import BinaryInput, EmptyInput, StorylineError, UndecodableInput
from storyline.ingest import read_inputs
from storyline.ingest.decode import decode_bytes
from storyline.ingest.jsonl import parse_jsonl
from storyline.ingest.text import parse_text
from storyline.records import Quarantined, RawDocument

ARTICLE = (
    "The harbour authority said on Monday it would close two berths for repairs.\n\n"
    "“We cannot keep ships waiting,” said Ana Ruiz, the port’s director.\n"
)


def test_decode_utf8_has_no_warning():
    text, warnings = decode_bytes(ARTICLE.encode("utf-8"), "a.txt")
    assert text == ARTICLE and warnings == ()


@pytest.mark.parametrize(
    "encoded, expected_word",
    [
        (codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), "UTF-16"),
        (ARTICLE.encode("utf-16-le"), "UTF-16-LE"),
        (ARTICLE.encode("utf-16-be"), "UTF-16-BE"),
        (ARTICLE.encode("cp1252"), "Windows-1252"),
    ],
)
def test_decode_other_encodings_read_with_named_warning(encoded, expected_word):
    text, warnings = decode_bytes(encoded, "story.txt")
    assert text == ARTICLE
    assert len(warnings) == 1 and "story.txt" in warnings[0] and expected_word in warnings[0]


@pytest.mark.parametrize(
    "data, error",
    [
        (b"", EmptyInput),
        (b"  \n\t\n", EmptyInput),
        (bytes(range(256)) * 20, BinaryInput),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), BinaryInput),
        (b"caf\x81 \x8d\x90", UndecodableInput),
    ],
)
def test_decode_bad_bytes_raise_specific_error_naming_file(data, error):
    with pytest.raises(error, match="bad.txt"):
        decode_bytes(data, "bad.txt")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_arbitrary_bytes_raise_only_storyline_errors(data):
    try:
        text, _ = decode_bytes(data, "fuzz.txt")
    except StorylineError:
        return
    assert isinstance(text, str) and text.strip()


def test_text_front_matter_becomes_metadata():
    raw = parse_text(
        "---\ntitle: Port closes berths\noutlet: Bay Herald\ndate: 2026-03-02\n---\n" + ARTICLE,
        "a.txt",
    )
    assert raw.meta("title") == "Port closes berths"
    assert raw.meta("outlet") == "Bay Herald" and raw.meta("date") == "2026-03-02"
    assert dict(raw.provenance)["outlet"] == "front-matter"
    assert raw.text == ARTICLE


def test_text_without_front_matter_keeps_all_text():
    raw = parse_text("Port closes berths\n\n" + ARTICLE, "a.txt")
    assert raw.metadata == () and raw.text.startswith("Port closes berths")


def test_jsonl_bad_lines_are_quarantined_and_good_lines_kept():
    lines = "\n".join(
        [
            '{"title": "Berths close", "text": "'
            + ARTICLE.replace("\n", "\\n").replace('"', '\\"')
            + '", "source": "Bay Herald", "published_at": "2026-03-02T08:00:00Z"}',
            '{"title": "broken", "text": ',
            '["not", "an", "object"]',
            '{"title": "no body"}',
        ]
    )
    items = list(parse_jsonl(lines, "dump.jsonl"))
    good = [i for i in items if isinstance(i, RawDocument)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(good) == 1 and good[0].meta("outlet") == "Bay Herald"
    assert good[0].meta("date") == "2026-03-02T08:00:00Z"
    assert [q.source for q in bad] == ["dump.jsonl:2", "dump.jsonl:3", "dump.jsonl:4"]
    assert "invalid JSON" in bad[0].error and "no text" in bad[2].error


def test_read_inputs_quarantines_missing_and_empty_files(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    items = list(read_inputs([tmp_path, tmp_path / "nope.txt"], max_input_bytes=10_000))
    assert [type(i).__name__ for i in items] == ["Quarantined", "RawDocument", "Quarantined"]
    assert "empty.txt: file is empty" in items[0].error
    assert items[1].source.endswith("good.txt")
    assert "nope.txt: no such file or folder" in items[2].error


def test_read_inputs_refuses_oversize_file(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(ARTICLE * 100, encoding="utf-8")
    (item,) = read_inputs([big], max_input_bytes=1_000)
    assert isinstance(item, Quarantined) and "over the 1,000 byte limit" in item.error


def test_html_reader_finds_text_and_metadata_of_demo_page(demo_dir):
    (raw,) = read_inputs([demo_dir / "05_daily-meridian_investigation.html"], 10**7)
    assert raw.meta("outlet") == "Daily Meridian"
    assert raw.meta("date") == "2026-03-05"
    assert "National Product Safety Agency" in raw.text
    for furniture in ("Subscribe", "Try 4 weeks", "Privacy", "© 2026"):
        assert furniture not in raw.text
