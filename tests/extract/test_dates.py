from datetime import date

import pytest

from storyline.extract.dates import find_dates

TUESDAY = date(2026, 3, 3)


@pytest.mark.parametrize(
    "sentence, value, granularity",
    [
        ("Voltaro said on Tuesday it would recall the packs.", date(2026, 3, 3), "day"),
        ("The fires began on Sunday evening.", date(2026, 3, 1), "day"),
        ("A hearing is scheduled for Thursday.", date(2026, 3, 5), "day"),
        ("The hearing will be held next Tuesday.", date(2026, 3, 10), "day"),
        ("Complaints began last month.", date(2026, 2, 1), "month"),
        ("A new model is due this May.", date(2026, 5, 1), "month"),
        ("The talks are set for Jan. 30 in Washington.", date(2026, 1, 30), "day"),
        ("Owners must register by March 31.", date(2026, 3, 31), "day"),
        ("The company was founded in 2019.", date(2019, 1, 1), "year"),
        ("Sales rose last year.", date(2025, 1, 1), "year"),
        ("The order was signed on 2026-02-27.", date(2026, 2, 27), "day"),
        ("Shares fell yesterday.", date(2026, 3, 2), "day"),
    ],
)
def test_dates_resolved_against_publication_date(sentence, value, granularity):
    (found,) = find_dates(sentence, TUESDAY)
    assert (found.value, found.granularity) == (value, granularity)


def test_dates_late_december_day_without_year_takes_nearest_year():
    (found,) = find_dates("The next round is on Jan. 4.", date(2025, 12, 28))
    assert found.value == date(2026, 1, 4)


def test_dates_without_publication_date_keep_only_absolute_dates():
    found = find_dates("On Tuesday, a day after the March 1, 2026 deadline, it said so.", None)
    assert [(d.text, d.value) for d in found] == [("March 1, 2026", date(2026, 3, 1))]


@pytest.mark.parametrize(
    "sentence",
    ["She may resign.", "About 2,019 people signed it.", "It costs $2020.", "May I ask?"],
)
def test_dates_not_found_in_non_dates(sentence):
    assert find_dates(sentence, TUESDAY) == []
