from datetime import UTC, datetime

import pytest

from storyline.metadata.published import (
    date_in_text,
    is_date_line,
    parse_published,
    untrusted_date_reason,
)

NOW = datetime(2026, 5, 3, 12, 0, tzinfo=UTC)
APRIL_10 = datetime(2026, 4, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-04-10", datetime(2026, 4, 10, tzinfo=UTC)),
        ("2026-04-10T09:30:00+02:00", datetime(2026, 4, 10, 7, 30, tzinfo=UTC)),
        ("Fri, 10 Apr 2026 09:30:00 +0000", datetime(2026, 4, 10, 9, 30, tzinfo=UTC)),
        ("next Tuesday", None),
    ],
)
def test_published_parses_metadata_strings(value, expected):
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    "lines, expected",
    [
        (["Dam cracks", "Published April 10, 2026", "Text."], (APRIL_10, "text-date")),
        (["10 April 2026 | 09:30", "Text."], (APRIL_10, "text-date")),
        (["The dam, built on March 3, 1962, holds back the lake that feeds the town."], None),
    ],
)
def test_published_date_in_text_reads_only_date_lines(lines, expected):
    assert date_in_text(lines) == expected


def test_published_dateline_year_comes_from_the_fetch_date():
    lines = ["SALTMERE, Dec. 30 (Reuters) - Crews voted to strike."]
    fetched = datetime(2026, 1, 2, tzinfo=UTC)
    assert date_in_text(lines, fetched) == (datetime(2025, 12, 30, tzinfo=UTC), "text-dateline")
    assert date_in_text(lines) is None


@pytest.mark.parametrize(
    "line, expected",
    [
        ("April 10, 2026", True),
        ("Updated: Fri 10 April 2026, 10:15 BST", True),
        ("The plant opened on March 3, 2019.", False),
    ],
)
def test_published_date_only_lines(line, expected):
    assert is_date_line(line) is expected


@pytest.mark.parametrize(
    "published, fetched, reason",
    [
        (datetime(2031, 1, 1, tzinfo=UTC), None, "is in the future"),
        (datetime(1970, 1, 1, tzinfo=UTC), None, "is before 1990"),
        (datetime(2026, 4, 20, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC), "after the page"),
        (datetime(2026, 5, 4, 6, 0, tzinfo=UTC), None, None),  # UTC+14 "tomorrow" is fine
    ],
)
def test_published_untrusted_dates_named(published, fetched, reason):
    found = untrusted_date_reason(published, NOW, fetched)
    assert (found is None) if reason is None else (reason in found)
