import pytest

from storyline.metadata.wire import dateline_tag, expand_tag, find_wire, wire_name


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Bloomberg", "Bloomberg"),
        ("— Associated Press", "Associated Press"),
        ("-- Reuters", "Reuters"),
        ("AFP", "AFP"),
        ("Continental Wire Service", "Continental Wire Service"),
        ("(Andy Roe/Associated Press)", None),
        ("Bloomberg reported on Friday that talks had stalled.", None),
    ],
)
def test_wire_name_of_credit_lines(line, expected):
    assert wire_name(line) == expected


@pytest.mark.parametrize(
    "paragraph, tag",
    [
        ("WASHINGTON (AP) — Senators voted on Tuesday.", "AP"),
        ("LONDON, March 3 (Reuters) - Shares fell.", "Reuters"),
        ("PORTLAND, Ore. (CWS) — Voltaro said.", "CWS"),
        ("WASHINGTON — Senators voted on Tuesday.", None),
    ],
)
def test_wire_dateline_tag(paragraph, tag):
    assert dateline_tag(paragraph) == tag


def test_wire_tag_expanded_from_corpus_names():
    assert expand_tag("AP", []) == "Associated Press"
    assert expand_tag("CWS", ["Metro Ledger", "Continental Wire Service"]) == (
        "Continental Wire Service"
    )


def test_wire_photo_credit_is_not_a_wire():
    lines = [
        "A trader watches screens in Tokyo on Monday.(Kim Ito/Associated Press)",
        "",
        "Stocks fell for a third day.",
    ]
    assert find_wire(lines) == (None, set())


def test_wire_header_and_trailer_lines_found():
    assert find_wire(["Bloomberg", "", "Talks stalled.", "", "More text."]) == ("Bloomberg", {0})
    assert find_wire(["Talks stalled.", "", "— Associated Press"]) == ("Associated Press", {2})
