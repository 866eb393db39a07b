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
