import json
from datetime import date

import pytest

from storyline.records import TimelineEvent
from storyline.timeline import period_end, timeline_chart


@pytest.mark.parametrize(
    "when, granularity, end",
    [
        (date(2026, 3, 3), "day", date(2026, 3, 3)),
        (date(2026, 3, 2), "week", date(2026, 3, 8)),
        (date(2026, 2, 1), "month", date(2026, 2, 28)),
        (date(2026, 12, 1), "month", date(2026, 12, 31)),
        (date(2025, 1, 1), "year", date(2025, 12, 31)),
    ],
)
def test_chart_period_end_per_granularity(when, granularity, end):
    assert period_end(when, granularity) == end


def test_chart_is_json_with_ordered_events_and_range():
    events = [
        TimelineEvent(date(2026, 3, 10), "day", "Voltaro recalled every pack.", ("a", "b")),
        TimelineEvent(date(2026, 1, 1), "month", "Owners reported swollen packs.", ("c",)),
    ]
    chart = json.loads(json.dumps(timeline_chart(events)))
    assert (chart["start"], chart["end"]) == ("2026-01-01", "2026-03-10")
    assert [e["start"] for e in chart["events"]] == ["2026-01-01", "2026-03-10"]
    assert chart["events"][1]["article_ids"] == ["a", "b"] and chart["events"][1]["sources"] == 2


def test_chart_empty_timeline():
    assert timeline_chart([]) == {"start": None, "end": None, "events": []}
