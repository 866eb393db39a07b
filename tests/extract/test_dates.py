from datetime import date

import pytest

from storyline.extract.dates import find_dates, find_unplaced_dates

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


@pytest.mark.parametrize(
    "sentence, text, value, granularity",
    [
        ("Complaints rose earlier this month.", "earlier this month", date(2026, 3, 1), "month"),
        ("The first fire was two weeks ago.", "two weeks ago", date(2026, 2, 16), "week"),
        ("A rider was hurt three days ago.", "three days ago", date(2026, 2, 28), "day"),
        ("The plant opened a year ago.", "a year ago", date(2025, 1, 1), "year"),
        ("A new pack is due by mid-2027.", "mid-2027", date(2027, 1, 1), "year"),
        ("Production began in early 2024.", "early 2024", date(2024, 1, 1), "year"),
        ("Sales slowed in late January.", "late January", date(2026, 1, 1), "month"),
        ("Complaints doubled over the past year.", "past year", date(2025, 1, 1), "year"),
        (
            "The supplier changed its film late last year.",
            "late last year",
            date(2025, 1, 1),
            "year",
        ),
    ],
)
def test_dates_extended_relative_forms(sentence, text, value, granularity):
    (found,) = find_dates(sentence, TUESDAY)
    assert (found.text, found.value, found.granularity) == (text, value, granularity)


def test_dates_day_pair_gives_two_dates_sharing_month():
    found = find_dates("Inspectors visited on Jan. 30 and 31 this year.", TUESDAY)
    assert [(d.text, d.value) for d in found[:2]] == [
        ("Jan. 30", date(2026, 1, 30)),
        ("31", date(2026, 1, 31)),
    ]


def test_dates_day_pair_keeps_spans_in_text():
    text = "Hearings ran March 3-5, 2025."
    found = find_dates(text, None, "a", offset=10)
    assert [text[d.start - 10 : d.end - 10] for d in found] == ["March 3", "5, 2025"]
    assert [d.value for d in found] == [date(2025, 3, 3), date(2025, 3, 5)]


def test_dates_ago_needs_publication_date():
    assert find_dates("The first fire was two weeks ago.", None) == []


def test_dates_deadline_weekday_looks_ahead():
    (found,) = find_dates("Regulators set a Friday deadline.", TUESDAY)
    assert found.value == date(2026, 3, 6)


UNDATED = "On Tuesday, after talks this May and on Jan. 30 and 31, it rejoined the 2001 pact."


def test_dates_unplaced_found_without_publication_date():
    found = find_unplaced_dates(UNDATED, None, "a", offset=5)
    assert [(u.text, u.reason) for u in found] == [
        ("Tuesday", "no publication date"),
        ("this May", "no publication date"),
        ("Jan. 30 and 31", "year unknown"),
    ]
    assert all(u.article_id == "a" and u.sentence == UNDATED for u in found)
    assert [UNDATED[u.start - 5 : u.end - 5] for u in found] == [u.text for u in found]


def test_dates_unplaced_none_with_publication_date():
    assert find_unplaced_dates(UNDATED, TUESDAY) == []


@pytest.mark.parametrize(
    "sentence, text",
    [
        ("He spoke to business leaders on July 16.", "July 16"),
        ("The talks are set for Jan. 30 in Washington.", "Jan. 30"),
        ("The visit ended on 4 March.", "4 March"),
        ("Sales slowed in late January.", "late January"),
    ],
)
def test_dates_unplaced_day_without_year_is_year_unknown(sentence, text):
    (found,) = find_unplaced_dates(sentence, None)
    assert (found.text, found.reason) == (text, "year unknown")


@pytest.mark.parametrize(
    "sentence, text",
    [
        ("Following talks in Washington this May, he declared victory.", "this May"),
        ("A Bloomberg report last week said so.", "last week"),
        ("The first fire was two weeks ago.", "two weeks ago"),
        ("Shares fell yesterday.", "yesterday"),
        ("The supplier changed its film late last year.", "late last year"),
    ],
)
def test_dates_unplaced_relative_is_no_publication_date(sentence, text):
    (found,) = find_unplaced_dates(sentence, None)
    assert (found.text, found.reason) == (text, "no publication date")


def test_dates_unplaced_leaves_out_resolved_dates():
    sentence = "A day after the March 1, 2026 deadline, it joined the WTO in 2001, as planned."
    assert find_unplaced_dates(sentence, None) == []


def test_dates_year_followed_by_comma_is_found():
    found = find_dates("It joined the WTO in 2001, including its courts.", None)
    assert [(d.text, d.value) for d in found] == [("2001", date(2001, 1, 1))]


@pytest.mark.parametrize(
    "sentence", ["Subsidies under the Made in China 2025 plan stay.", "Vision 2030 was launched."]
)
def test_dates_year_inside_a_name_is_not_a_date(sentence):
    assert find_dates(sentence, None) == []
