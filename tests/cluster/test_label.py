"""Story labels: headlines when there are some, else a lead sentence; never furniture.

The real-article tests read ECB+ and Multi-News (which have no titles) from ../shared/data
at test time and skip when it is absent.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict

import pytest

from storyline.cluster.label import is_label_furniture, story_label
from storyline.errors import DataUnavailable
from storyline.evaluate.datasets import DATASET_FILES, find_data_dir


def _records(dataset: str) -> list[dict]:
    try:
        path = find_data_dir() / DATASET_FILES[dataset]
    except DataUnavailable as error:
        pytest.skip(f"shared data not available: {error}")
    if not path.is_file():
        pytest.skip(f"{path} not available")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.mark.parametrize(
    "line",
    [
        "Follow CBSDFW.COM: Facebook | Twitter",
        "Photo by Scott Olson/Getty Images",
        "We've detected that JavaScript is disabled in your browser.",
        "http://www.example.com/news/story.html",
        "http: / / sports. yahoo. com / mlb / news? slug=ge - teixeiraredsoxmeet121808",
        "By Jane Roe, Staff Writer",
        "Story 12",
    ],
)
def test_label_furniture_lines_are_never_labels(line):
    assert is_label_furniture(line)
    assert story_label([line]) == ""
    assert story_label([None], [line]) == ""


def test_label_of_a_cnn_highlights_box_taken_for_a_title_drops_the_box_heading():
    title = "Story highlights Two groups got into a dispute in Baghlan province"
    assert story_label([title]) == "Two groups got into a dispute in Baghlan province"


def test_label_most_representative_headline_not_the_first():
    headlines = ["Oops", "Ferry strike strands commuters", "Ferry strike enters day two"]
    assert story_label(headlines).startswith("Ferry strike")


def test_label_lead_sentence_skips_dateline_and_abbreviations():
    text = "LONDON (Reuters) - Sen. Ana Ruiz resigned on Monday after a row over ferry funding."
    expected = "Sen. Ana Ruiz resigned on Monday after a row over ferry funding"
    assert story_label([None], [text]) == expected


def _check(label: str) -> None:
    assert label and not label.startswith("Story ")
    assert not is_label_furniture(label.rstrip(" …"))
    assert len(label.split()) <= 15


def test_label_ecbplus_stories_without_titles():
    by_story: dict[str, list[str]] = defaultdict(list)
    for record in _records("ecbplus"):
        by_story[record["cluster"]].append(record["text"])
    for texts in by_story.values():
        _check(story_label([None] * len(texts), texts))


def test_label_multinews_stories_without_titles():
    for cluster in _records("multinews"):
        texts = [d["text"] for d in cluster["documents"]]
        _check(story_label([None] * len(texts), texts))


ECB_LEADS = [
    "Another day in Hollywood; another star in rehab.\n"
    "Tara Reid has entered the Promises Treatment Center in Malibu, California.",
    "Follow CBSDFW.COM: Facebook | Twitter\n"
    "Actress Tara Reid has checked into the Promises Treatment Center in Malibu.",
]


def test_clusterer_names_an_untitled_story_from_its_leads_and_keeps_it_saved():
    from storyline.cluster.online import OnlineClusterer

    clusterer = OnlineClusterer(threshold=0.05)
    clusterer.partial_fit(ECB_LEADS, [None, None])
    (story,) = clusterer.stories()
    assert "Tara Reid" in story.label and "Promises Treatment Center" in story.label
    assert "Follow" not in story.label and "rehab" not in story.label
    restored = OnlineClusterer.from_state(json.loads(json.dumps(clusterer.to_state())))
    assert [s.label for s in restored.stories()] == [story.label]
    restored.partial_fit(["Tara Reid's publicist confirmed she is receiving treatment."], [None])
    assert restored.stories()[0].label == story.label  # the medoid stays put


def test_clusterer_prefers_a_headline_over_leads():
    from storyline.cluster.online import OnlineClusterer

    clusterer = OnlineClusterer(threshold=0.05)
    clusterer.partial_fit(
        ECB_LEADS, [None, None], headlines=[None, "Tara Reid checks into rehab in Malibu"]
    )
    assert [s.label for s in clusterer.stories()] == ["Tara Reid checks into rehab in Malibu"]


def test_label_of_short_leads_is_the_longest_not_story_n():
    assert story_label([None], ["Tornado hits Joplin.\nPhoto by Scott Olson/Getty Images"]) == (
        "Tornado hits Joplin"
    )


def test_clusterer_names_a_story_whose_only_headlines_are_urls_from_its_text():
    from storyline.cluster.online import OnlineClusterer

    clusterer = OnlineClusterer(threshold=0.05)
    url = "http: / / abclocal. go. com / wabc / story? section=news / local"
    clusterer.partial_fit(ECB_LEADS, [None, None], headlines=[url, url])
    (story,) = clusterer.stories()
    assert "Tara Reid" in story.label and "http" not in story.label
