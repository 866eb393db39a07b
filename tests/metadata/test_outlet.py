"""Outlets named by the article itself: first-line URL, contact line, known promo line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from storyline.metadata.outlet import KNOWN_PROMOS, outlet_from_text, url_from_first_line

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
TRADE_TALKS = SHARED / "examples" / "trade-talks"
ECB = SHARED / "data" / "ecbplus-clustering" / "articles.jsonl.gz"


def test_spaced_out_url_line_gives_its_domain():
    line = "http: / / www. harbor-courier. example / news / 2026 / ferry - strike. html"
    assert (
        url_from_first_line(line) == "http://www.harbor-courier.example/news/2026/ferry-strike.html"
    )
    assert outlet_from_text([line, "Ferry crews walked out."]) == (
        "harbor-courier.example",
        "first-line url",
    )


def test_contact_line_gives_the_mail_domain_with_or_without_punctuation():
    assert outlet_from_text(["Text.", "Contact us at letters@bay.herald.com"]) == (
        "bay.herald.com",
        "contact line",
    )
    assert outlet_from_text(["Text.", "Contact us at letters@bayherald.org"]) == (
        "bayherald.org",
        "contact line",
    )
    degraded = "the talks resume on monday contact us at letters bayherald com"
    assert outlet_from_text([degraded]) == ("bayherald.com", "contact line")


def test_known_promo_line_names_its_outlet():
    promo, outlet = next(iter(KNOWN_PROMOS.items()))
    lines = ["The talks resume on Monday.", promo.upper() + "!", "Subscribe for daily updates."]
    assert outlet_from_text(lines) == (outlet, "promo line")


def test_a_url_or_address_inside_a_sentence_names_no_outlet():
    lines = [
        "Officials posted the rules at http://www.gov.example/rules on Monday.",
        "Readers can write to letters@bayherald.org, the paper said.",
    ]
    assert outlet_from_text(lines) is None


@pytest.mark.skipif(not TRADE_TALKS.is_dir(), reason="../shared/examples absent")
def test_rules_on_the_trade_talks_examples():
    found = {
        path.name[:3]: outlet_from_text(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(TRADE_TALKS.glob("*.txt"))
    }
    # 000 ends with a degraded contact line; 004 with The Business Times' promo; the
    # other three say nothing about who printed them, and no rule may guess.
    assert found == {
        "000": ("time.com", "contact line"),
        "001": None,
        "002": None,
        "003": None,
        "004": ("The Business Times", "promo line"),
    }


@pytest.mark.skipif(not ECB.is_file(), reason="../shared/data/ecbplus-clustering absent")
def test_first_line_urls_of_ecbplus_give_their_domain_and_nothing_else_guesses():
    with gzip.open(ECB, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    with_url = agree = false_hits = 0
    for record in records:
        lines = record["text"].splitlines()
        url = url_from_first_line(lines[0]) if lines else None
        found = outlet_from_text(lines)
        if url:
            with_url += 1
            host = (urlparse(url).hostname or "").removeprefix("www.")
            agree += found == (host, "first-line url")
        elif found is not None and found[1] == "first-line url":
            false_hits += 1
    assert with_url > 300  # 381 of the 772 texts start with their source URL
    assert agree == with_url and false_hits == 0
