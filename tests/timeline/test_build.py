from datetime import date

from storyline.extract.dates import find_dates
from storyline.records import Sentence
from storyline.timeline import build_timeline, timeline_from_pool


def sentences_with_dates(article_id, published, texts):
    sentences, dates, start = [], [], 0
    for index, text in enumerate(texts):
        sentences.append(Sentence(article_id, index, start, start + len(text), text))
        dates += find_dates(text, published, article_id, start)
        start += len(text) + 1
    return sentences, dates


def test_timeline_events_merged_across_articles_and_ordered():
    s1, d1 = sentences_with_dates(
        "a",
        date(2026, 3, 3),
        [
            "Ferry crews walked off the job on Friday over night-shift pay.",
            "The ministry will host talks between the two sides next Monday.",
        ],
    )
    s2, d2 = sentences_with_dates(
        "b",
        date(2026, 3, 4),
        [
            "Crews walked off the job last Friday in the night-shift pay dispute.",
            "No dated event is in this sentence at all, it only describes things.",
        ],
    )
    events = build_timeline(s1 + s2, d1 + d2, {"a": "a", "b": "b"}, max_events=10)
    assert [e.when for e in events] == [date(2026, 2, 27), date(2026, 3, 9)]
    assert events[0].article_ids == ("a", "b")


def test_timeline_from_pool_keeps_requested_dates_and_sentences():
    pool = [
        (
            date(2011, 1, 25),
            [
                "Protesters fill Tahrir Square in Cairo.",
                "Thousands of protesters march in Cairo against the government.",
                "Police fire tear gas at protesters in Cairo.",
            ],
        ),
        (date(2011, 2, 11), ["Mubarak resigns after weeks of protests in Cairo."]),
        (date(2011, 3, 1), ["A football match is postponed."]),
    ]
    timeline = timeline_from_pool(pool, n_dates=2, sentences_per_date=1)
    assert [when for when, _ in timeline] == [date(2011, 1, 25), date(2011, 2, 11)]
    assert all(len(texts) == 1 for _, texts in timeline)


def test_timeline_reprint_copy_cited_not_duplicated():
    original, d1 = sentences_with_dates(
        "wire", date(2026, 3, 3), ["Voltaro halted sales of its scooters on Tuesday after fires."]
    )
    # the reprint ran a day later, so its "Tuesday" alone would read as another day
    copy, d2 = sentences_with_dates(
        "copy", date(2026, 3, 4), ["Voltaro halted sales of its scooters on Tuesday after fires."]
    )
    events = build_timeline(original + copy, d1 + d2, {"wire": "wire", "copy": "wire"}, 10)
    assert [(e.when, e.article_ids) for e in events] == [(date(2026, 3, 3), ("wire", "copy"))]


def test_timeline_near_identical_retellings_merge_across_adjacent_dates():
    s1, d1 = sentences_with_dates(
        "a", date(2026, 3, 3), ["Voltaro halted all sales of the Model V2 scooter on Monday."]
    )
    s2, d2 = sentences_with_dates(
        "b", date(2026, 3, 3), ["Voltaro halted all sales of the Model V2 scooter on March 3."]
    )
    events = build_timeline(s1 + s2, d1 + d2, {"a": "a", "b": "b"}, 10)
    assert len(events) == 1 and events[0].article_ids == ("a", "b")


def test_timeline_distinct_events_of_one_day_stay_apart():
    sentences, dates = sentences_with_dates(
        "a",
        date(2026, 3, 3),
        [
            "Voltaro halted all sales of the Model V2 scooter on Tuesday.",
            "On Tuesday the agency opened a formal inquiry into the battery supplier.",
        ],
    )
    events = build_timeline(sentences, dates, {"a": "a"}, 10)
    assert len(events) == 2


def test_timeline_events_in_date_order_with_month_before_its_days():
    sentences, dates = sentences_with_dates(
        "a",
        date(2026, 3, 20),
        [
            "The agency will publish its full report on the fires on March 31.",
            "Owners first reported swollen battery packs in January this year.",
            "Voltaro recalled every pack sold in the United States on March 10.",
        ],
    )
    events = build_timeline(sentences, dates, {"a": "a"}, 10)
    assert [(e.when, e.granularity) for e in events] == [
        (date(2026, 1, 1), "month"),
        (date(2026, 3, 10), "day"),
        (date(2026, 3, 31), "day"),
    ]


def test_timeline_max_events_caps_the_timeline():
    texts = [f"Inspectors visited depot number {n} in the city on March {n}." for n in range(1, 9)]
    sentences, dates = sentences_with_dates("a", date(2026, 3, 20), texts)
    assert len(build_timeline(sentences, dates, {"a": "a"}, max_events=3)) == 3


def test_timeline_leaves_quoted_words_to_the_quotes_list():
    sentences, dates = sentences_with_dates(
        "a",
        date(2026, 3, 7),
        [
            "“Forty million dollars covers the damage we know about today,” Menon said.",
            "Voltaro set up the fund for families of fire victims on Friday.",
        ],
    )
    assert len(dates) == 2  # "today" and "Friday" both resolve
    events = build_timeline(sentences, dates, {"a": "a"}, 10)
    assert [(e.when, e.text[:7]) for e in events] == [(date(2026, 3, 6), "Voltaro")]


def test_timeline_background_years_are_not_events():
    # shapes seen in real briefings (trade-talks, Multi-News): a year as a noun's modifier
    # or inside a clause about someone is background; "the strike began in 2019" is an event
    sentences, dates = sentences_with_dates(
        "a",
        date(2026, 3, 3),
        [
            "The actress, who shot to fame in 1999, checked into a clinic in Malibu.",
            "The mayor tends to praise the jobs he pledged to bring back in his 2016 campaign.",
            "The rival hopes a challenger will win the 2020 election and end the talks.",
            "In 2019, police said, the strike began at the port and spread to two others.",
        ],
    )
    events = build_timeline(sentences, dates, {"a": "a"}, max_events=10)
    assert [e.text[:8] for e in events] == ["In 2019,"]


def test_timeline_event_of_a_repaired_copy_is_marked_or_worded_by_a_published_one():
    repaired, d1 = sentences_with_dates(
        "r",
        date(2026, 3, 3),
        [
            "Ferry crews walked off the job on Friday over night shift pay",
            "The ministry will host talks between the two sides next Monday",
        ],
    )
    published, d2 = sentences_with_dates(
        "p", date(2026, 3, 4), ["Crews walked off the job last Friday in the night-shift pay row."]
    )
    events = build_timeline(
        repaired + published, d1 + d2, {"r": "r", "p": "p"}, 10, degraded=frozenset({"r"})
    )
    strike, talks = events
    assert set(strike.article_ids) == {"r", "p"}
    assert strike.text == published[0].text and not strike.repaired
    assert talks.article_ids == ("r",) and talks.repaired
