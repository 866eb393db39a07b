"""`brief` under hostile input: a bad record or a failing extractor costs one article, and
exact copies are analysed once."""

from __future__ import annotations

import json

from hostile_corpus import article

import storyline.runner.analyse as pipeline
from storyline.pipeline import brief_paths

_OWN = {
    "Aone": "Fishermen in the northern harbour say the new quota rules will cut their catch by "
    "a third this season, and the cooperative has asked the ministry for an emergency meeting "
    "before the spring fleet sails, warning that two processing plants could close.",
    "Btwo": "The regional hospital opened its rebuilt maternity wing on Monday after three "
    "years of delays, with twelve delivery rooms, a neonatal unit and a midwife-led birth "
    "centre that staff said would end the long transfers to the city clinic.",
    "Cthree": "A late frost destroyed most of the apricot blossom in the valley orchards last "
    "week, growers reported, and the agricultural office estimates the harvest at a quarter "
    "of last year's, the worst since the drought summer a decade ago.",
}


def _distinct(marker: str) -> str:
    """An article unlike the others, so no two are grouped as reprints."""
    return f"{_OWN[marker]} Reference {marker}.\n\n" + _OWN[marker].replace("the", "a")


def _dump(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_brief_survives_surrogates_and_edge_dates(tmp_path):
    path = _dump(
        tmp_path / "dump.jsonl",
        [
            {"text": article("Briefone"), "date": "2026-03-10"},
            {"text": article("Surrogate") + " \ud800", "title": "Bad \udfff title"},
            {"text": article("Yearmax"), "date": "9999-12-31T23:00:00-14:00"},
            {"text": article("Yearone"), "date": "0001-01-01T00:00:00+14:00"},
        ],
    )
    briefing = brief_paths([path])
    assert briefing.article_count == 4
    assert briefing.summary
    assert not briefing.quarantined


def test_an_extractor_raising_quarantines_one_article_with_the_stage(tmp_path, monkeypatch):
    path = _dump(
        tmp_path / "dump.jsonl",
        [{"text": _distinct(m), "date": "2026-03-10"} for m in ("Aone", "Btwo", "Cthree")],
    )
    real = pipeline.find_quotes

    def find_quotes(doc, article_id):
        if "Btwo" in doc.text:
            raise RuntimeError("extractor bug")
        return real(doc, article_id)

    monkeypatch.setattr(pipeline, "find_quotes", find_quotes)
    briefing = brief_paths([path])
    (item,) = briefing.quarantined
    assert item.stage == "analyse:find_quotes" and "extractor bug" in item.error
    assert item.source.endswith("dump.jsonl:2")
    assert briefing.article_count == 2 and briefing.summary
    assert all("Btwo" not in s.text for s in briefing.summary)


def test_failing_date_and_figure_extractors_are_named_too(tmp_path, monkeypatch):
    path = _dump(
        tmp_path / "dump.jsonl",
        [{"text": _distinct(m), "date": "2026-03-10"} for m in ("Aone", "Btwo", "Cthree")],
    )
    real_dates, real_figures = pipeline.find_dates, pipeline.find_figures

    def find_dates(text, *args):
        if "Aone" in text:
            raise OverflowError("date out of range")
        return real_dates(text, *args)

    def find_figures(doc, *args):
        if "Cthree" in doc.text:
            raise ValueError("bad figure")
        return real_figures(doc, *args)

    monkeypatch.setattr(pipeline, "find_dates", find_dates)
    monkeypatch.setattr(pipeline, "find_figures", find_figures)
    briefing = brief_paths([path])
    stages = sorted(q.stage for q in briefing.quarantined)
    assert stages == ["analyse:find_dates", "analyse:find_figures"]
    assert briefing.article_count == 1


def test_exact_copies_are_analysed_once(tmp_path, monkeypatch):
    text = article("Copied")
    path = _dump(tmp_path / "copies.jsonl", [{"text": text, "title": "Vote"}] * 40)
    analysed = set()
    real = pipeline.find_dates

    def find_dates(text, published, article_id, offset):
        analysed.add(article_id)
        return real(text, published, article_id, offset)

    monkeypatch.setattr(pipeline, "find_dates", find_dates)
    briefing = brief_paths([path])
    assert briefing.article_count == 40
    assert len(analysed) == 1
    (group,) = briefing.reprint_groups
    assert len(group.copy_ids) == 39
    (first,) = briefing.summary[:1]
    assert len(first.article_ids) == 40  # every copy is still cited
