"""Briefing summaries on real clusters (../shared/data, ../shared/examples; skipped when
absent): no repeated facts, no orphan sentences, a lead opening, the repaired-text rule."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pytest

from storyline.errors import DataUnavailable
from storyline.evaluate.datasets import dataset_path, load_summary_clusters
from storyline.records import Sentence
from storyline.render import render_markdown
from storyline.render.html import render_html
from storyline.summarize.briefing import (
    briefing_sentences,
    photo_caption,
    quote_fragment,
    rebreak_repaired,
    repair_confidence,
    usable_sentences,
)
from storyline.summarize.extractive import (
    default_embedder,
    document_candidates,
    select_sentences,
)
from storyline.summarize.features import leans_on_context


@pytest.fixture(scope="module")
def real_clusters():
    """Candidates of the first 6 Multi-News and 6 NeuS clusters, with their MiniLM rows."""
    clusters = []
    for name in ("multinews", "neus"):
        try:
            path = dataset_path(name)
        except DataUnavailable:
            pytest.skip(f"../shared/data {name} is not present")
        for cluster in load_summary_clusters(path, 6):
            candidates = document_candidates(list(cluster.documents))
            rows = np.asarray(default_embedder().embed([c.text for c in candidates]))
            clusters.append((candidates, rows))
    return clusters


def briefing_picks(candidates, rows, words=250):
    return select_sentences(candidates, words, embeddings=rows, briefing=True)


def test_briefing_repeats_no_fact_on_real_clusters(real_clusters):
    for candidates, rows in real_clusters:
        chosen = briefing_picks(candidates, rows)
        for i, j in itertools.combinations(chosen, 2):
            assert float(rows[i] @ rows[j]) <= 0.8, (candidates[i].text, candidates[j].text)


def test_briefing_has_no_orphan_sentence_on_real_clusters(real_clusters):
    for candidates, rows in real_clusters:
        chosen = briefing_picks(candidates, rows)
        for i in chosen:
            if leans_on_context(candidates[i].text):
                before = (candidates[i].document, candidates[i].position - 1)
                assert any(
                    (candidates[j].document, candidates[j].position) == before for j in chosen
                ), candidates[i].text


def test_the_eval_summary_also_takes_no_orphan(real_clusters):
    for candidates, rows in real_clusters:
        chosen = select_sentences(candidates, 225, embeddings=rows)
        places = {(candidates[j].document, candidates[j].position) for j in chosen}
        for i in chosen:
            if leans_on_context(candidates[i].text):
                assert (candidates[i].document, candidates[i].position - 1) in places


def test_briefing_opens_with_a_lead_sentence_on_real_clusters(real_clusters):
    for candidates, rows in real_clusters:
        chosen = briefing_picks(candidates, rows)
        assert chosen
        opening = candidates[chosen[0]]
        assert opening.position < 2 and not leans_on_context(opening.text)


def test_briefing_length_follows_the_story():
    """Three near-identical reports need fewer words than the budget allows."""
    try:
        cluster = load_summary_clusters(dataset_path("multinews"), 1)[0]
    except DataUnavailable:
        pytest.skip("../shared/data multinews is not present")
    candidates = document_candidates([cluster.documents[0]] * 3)
    chosen = briefing_picks(candidates, None, words=400)
    words = sum(len(candidates[i].text.split()) for i in chosen)
    assert len({candidates[i].text for i in chosen}) == len(chosen)
    assert words < 400


def test_leans_on_context_and_quote_fragments():
    assert leans_on_context("But the talks stalled on Friday.")
    assert leans_on_context("He did not say what she was treated for.")
    assert not leans_on_context("Talks between the two sides stalled on Friday.")
    assert quote_fragment("We will not back down,” the minister said.")
    assert not quote_fragment("“We will not back down,” the minister said.")


def test_rebreak_repaired_starts_after_an_attribution_the_repair_ran_on():
    joined = (
        "It is promising to do the official said in response the president wrote on Sunday "
        "that he would raise tariffs on 200 billion of imports from 10 to 25 percent."
    )
    cut = rebreak_repaired(Sentence("a", 19, 100, 100 + len(joined), joined))
    assert cut.text.startswith("In response the president wrote on Sunday")
    assert cut.start == 100 + joined.index("in response") and cut.index == 19
    assert not leans_on_context(cut.text)
    whole = "Talks resumed on Thursday, the official said in response to a question."
    assert rebreak_repaired(Sentence("a", 2, 0, len(whole), whole)).text == whole
    short = "It is done the official said in response to that."
    assert rebreak_repaired(Sentence("a", 3, 0, len(short), short)).text == short


def test_photo_captions_are_not_briefing_sentences():
    assert photo_caption(
        "A man is rescued from the rubble of a building after an earthquake, in Accumoli, "
        "central Italy, Wednesday, Aug. 24, 2016."
    )
    assert not photo_caption("The quake struck central Italy early on Wednesday, Aug. 24.")
    text = (
        "An injured boy lies on a bed at a hospital in the provincial capital, Monday, "
        "July 27, 2015."
    )
    news = "A gunfight at a wedding party in the north of the country left 21 people dead."
    article = SimpleNamespace(article_id="a", degraded=False)
    usable, _ = usable_sentences(
        [Sentence("a", 0, 0, 10, news), Sentence("a", 1, 11, 20, text)], [article]
    )
    assert [s.text for s in usable] == [news]


def test_repair_confidence_is_read_when_the_record_carries_one():
    sentence = Sentence("a", 0, 10, 40, "x")
    article = SimpleNamespace(degraded=True, repair_confidences=((0, 20, 0.9), (20, 60, 0.3)))
    assert repair_confidence(article, sentence) == 0.3
    assert repair_confidence(SimpleNamespace(degraded=True), sentence) is None
    assert (
        repair_confidence(SimpleNamespace(degraded=False, repair_confidences=()), sentence) is None
    )


@pytest.fixture(scope="module")
def trade_talks(examples_dir):
    from storyline.extract.nlp import load_sentence_splitter
    from storyline.pipeline import read_articles
    from storyline.settings import Settings

    articles, _ = read_articles([examples_dir], Settings())
    splitter = load_sentence_splitter(Settings().spacy_model)
    sentences = []
    for article in articles:
        for index, span in enumerate(splitter(article.text).sents):
            if span.text.strip():
                sentences.append(
                    Sentence(
                        article.article_id, index, span.start_char, span.end_char, span.text.strip()
                    )
                )
    return articles, sentences


def test_repaired_copy_used_only_for_what_it_alone_reports(trade_talks):
    """TIME's degraded copy (000): its tariff threat (200 billion, 10 to 25) is reported by
    no clean article, so it may be used, marked repaired; its fragments may not.

    Before calibration the only repaired sentence let through was the fragment "He's made in
    his campaign ..." (raw confidence 0.99; calibrated 0.42); that it may be used at all is
    test_repaired_tariff_threat_is_usable (strict xfail)."""
    articles, sentences = trade_talks
    degraded = {a.article_id for a in articles if a.degraded}
    usable, _ = usable_sentences(sentences, articles)
    repaired = [s.text for s in usable if s.article_id in degraded]
    assert not any(text.startswith("He's made in his campaign") for text in repaired)
    assert all(len(text.split()) >= 12 for text in repaired)
    assert not any(text.endswith("told Trump.") for text in repaired)
    assert len(repaired) < sum(s.article_id in degraded for s in sentences) / 2
    chosen = briefing_sentences(sentences, articles, 250)
    assert all((s.article_id in degraded) == flag for s, flag in chosen)


@pytest.mark.xfail(
    strict=True,
    reason="issue 22: the fine-tuned tagger repairs the tariff-threat sentence whole ('In "
    "response, Trump tweeted on Sunday that he intended to jack up tariffs on 200 billion "
    "worth of Chinese imports from 10 to 25 at 12:01 a.m. on Friday.'), but its calibrated "
    "confidence is 0.13, under the 0.5 bar (held-out: 26% of repaired sentences are whole)",
)
def test_repaired_tariff_threat_is_usable(trade_talks):
    articles, sentences = trade_talks
    degraded = {a.article_id for a in articles if a.degraded}
    usable, _ = usable_sentences(sentences, articles)
    repaired = [s.text for s in usable if s.article_id in degraded]
    assert any("200 billion" in text and "tariffs" in text for text in repaired)


def test_briefing_marks_repaired_wording_in_every_format():
    from storyline.records import Briefing, SummarySentence
    from storyline.render.json import render_json

    briefing = Briefing(
        title="t",
        summary=(SummarySentence("Talks resumed in the capital on Thursday.", (), repaired=True),),
        sources=(),
        entities=(),
        timeline=(),
        reprint_groups=(),
        article_count=1,
    )
    assert "Thursday. _(repaired text)_" in render_markdown(briefing)
    assert "(repaired text)" in render_html(briefing)
    assert '"repaired": true' in render_json(briefing)


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="issue 22: the repaired tariff-threat sentence's calibrated confidence is 0.13, "
    "under the 0.5 bar (see test_repaired_tariff_threat_is_usable)",
)
def test_trade_talks_briefing_states_the_tariff_threat(examples_briefing):
    threat = [s for s in examples_briefing.summary if s.repaired and "200 billion" in s.text]
    assert threat and "tariffs" in threat[0].text
    assert not leans_on_context(threat[0].text)


@pytest.mark.parametrize(
    ("text", "leans"),
    [
        ("He's made in his campaign to reshape America's trade relations with the world.", True),
        ("It’s a criminal justice matter, Lighthizer told reporters.", True),
        ("Hermès shares rose 4% in Paris on Tuesday.", False),
    ],
)
def test_a_contracted_pronoun_leans_on_context(text, leans):
    """The repaired TIME copy's "He's made in his campaign ..." fragment opened a summary."""
    assert leans_on_context(text) is leans
