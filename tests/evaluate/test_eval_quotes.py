"""`evaluate_quotes`: speaker scoring on made-up records, and the PolNeAR run when present."""

from __future__ import annotations

from storyline.evaluate.quotes import (
    AttributionArticle,
    GoldAttribution,
    evaluate_quotes,
    score_article,
    speaker_correct,
)
from storyline.records import Quote

TEXT = 'Ana Ruiz spoke first. "We will keep talking," she said. Later "no deal yet" came out.'


def _article(*gold):
    return AttributionArticle("a1", "wire", TEXT, tuple(gold))


def test_eval_quotes_pronoun_source_accepts_the_resolved_name():
    first = GoldAttribution((0, 8), (0, 8), "Ana Ruiz", False)
    quote_at = TEXT.index('"We')
    she = TEXT.index("she")
    gold = GoldAttribution((quote_at, quote_at + 24), (she, she + 3), "she", True)
    named = Quote(
        "a1", quote_at, quote_at + 24, "We will keep talking", "direct", "Ana Ruiz", "named"
    )
    wrong = Quote(
        "a1", quote_at, quote_at + 24, "We will keep talking", "direct", "Bo Lind", "named"
    )
    article = _article(first, gold)
    assert speaker_correct(article, gold, named)
    assert not speaker_correct(article, gold, wrong)


def test_eval_quotes_counts_misattribution_and_unattributed_apart():
    quote_at = TEXT.index('"We')
    she = TEXT.index("she")
    gold = GoldAttribution((quote_at, quote_at + 24), (she, she + 3), "she", True)
    wrong = Quote("a1", quote_at, quote_at + 24, "x", "direct", "Bo Lind", "named")
    unknown = Quote("a1", quote_at, quote_at + 24, "x", "direct", None, "unknown")
    assert score_article(_article(gold), [wrong])["wrong"] == 1
    counts = score_article(_article(gold), [unknown])
    assert counts["wrong"] == 0 and counts["correct"] == 0 and counts["gold_hit"] == 1


def test_eval_quotes_on_polnear_dev_beats_the_baseline(require_data):
    path = require_data("polnear")
    result = evaluate_quotes(data_path=path, limit=14)
    ours, baseline = result.row("storyline"), result.row("baseline-nearest-person")
    assert ours["speaker_accuracy"] > baseline["speaker_accuracy"] + 0.3
    assert ours["misattribution_rate"] <= 0.10
    assert {"speaker_accuracy", "misattribution_rate", "quote_f1"} <= set(ours)
