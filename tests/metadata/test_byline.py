import pytest

from storyline.metadata.byline import Byline, find_byline, parse_byline


@pytest.mark.parametrize(
    "line, expected",
    [
        ("By Priya Castellano", Byline("Priya Castellano", None, None, None)),
        ("BY PRIYA CASTELLANO", Byline("Priya Castellano", None, None, None)),
        ("By Priya Castellano, Staff Writer", Byline("Priya Castellano", None, None, None)),
        (
            "By Tomas Eriksen and Ines Calder, The Coastline Daily",
            Byline("Tomas Eriksen, Ines Calder", "The Coastline Daily", None, None),
        ),
        (
            "By Hana Okafor | Lakeview Sentinel | April 10, 2026 9:30 a.m.",
            Byline("Hana Okafor", "Lakeview Sentinel", None, "April 10, 2026 9:30 a.m"),
        ),
        ("By Maria de la Cruz in Saltmere", Byline("Maria de la Cruz", None, None, None)),
        ("By The Associated Press", Byline(None, None, "Associated Press", None)),
    ],
)
def test_byline_parsed_into_author_outlet_wire_and_date(line, expected):
    assert parse_byline(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday the river had risen above the flood wall near the old mill.",
        "By Friday",
        "Bystanders said the ferry left on time.",
        "By the end of the season, crews had landed half their quota.",
    ],
)
def test_byline_sentences_starting_with_by_are_not_bylines(line):
    assert parse_byline(line) is None


def test_byline_found_only_near_the_top():
    lines = ["Dam cracks found", "", "By Priya Castellano", "", "Inspectors found cracks."]
    assert find_byline(lines) == (Byline("Priya Castellano", None, None, None), 2)
    late = ["Para one.", "Para two.", "Para three.", "Para four.", "Para five.", "By Jo Lee"]
    assert find_byline(late) == (None, None)
