"""clean.article fills Article.repair_confidences for a repaired degraded copy (issue 22).

Runs the real TIME copy of the trade-talks example with its clean sister articles (the batch
the pipeline sees); skips when ../shared is absent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from storyline.clean.article import clean_documents
from storyline.records import RawDocument
from storyline.settings import SUMMARY_MIN_REPAIR_CONFIDENCE

TRADE_TALKS = Path(__file__).resolve().parents[3] / "shared" / "examples" / "trade-talks"
TIME_COPY = "000_a49e6c0a67cf3d13.txt"
NOW = datetime(2026, 12, 1, tzinfo=UTC)

pytestmark = pytest.mark.skipif(not TRADE_TALKS.exists(), reason="shared examples absent")


@pytest.fixture(scope="module")
def articles():
    raws = [
        RawDocument(p.name, "text", p.read_text(encoding="utf-8"))
        for p in sorted(TRADE_TALKS.glob("*.txt"))
    ]
    return {a.source: a for a in clean_documents(raws, 3, 200_000, now=NOW)}


def test_article_repaired_copy_carries_sentence_confidences(articles):
    time_copy = articles[TIME_COPY]
    assert time_copy.degraded
    spans = time_copy.repair_confidences
    assert len(spans) > 20
    for start, end, confidence in spans:
        sentence = time_copy.text[start:end]
        assert 0.0 <= confidence <= 1.0
        assert sentence[0].isupper() or sentence[0].isdigit(), sentence
        assert sentence[-1] in ".?", sentence
    starts = [s for s, _, _ in spans]
    assert starts == sorted(starts)
    # Confidence separates something: not every sentence gets the same score.
    assert len({round(c, 2) for _, _, c in spans}) > 3


def test_article_repaired_spans_cite_the_stored_text(articles):
    """The spans cover the stored text's words (each word lies in exactly one sentence)."""
    time_copy = articles[TIME_COPY]
    covered = " ".join(time_copy.text[a:b] for a, b, _ in time_copy.repair_confidences)
    assert covered.split() == time_copy.text.split()


def test_article_clean_copies_have_no_repair_confidences(articles):
    clean = [a for name, a in articles.items() if name != TIME_COPY]
    assert clean and all(not a.degraded and a.repair_confidences == () for a in clean)


def test_article_some_repaired_sentences_reach_the_quote_threshold(articles):
    floor = SUMMARY_MIN_REPAIR_CONFIDENCE  # the bar the briefing applies (summarize.briefing)
    confidences = [c for _, _, c in articles[TIME_COPY].repair_confidences]
    assert any(c >= floor for c in confidences)
    assert any(c < floor for c in confidences)
