"""`evaluate_entities` on the shared ECB+ entity file, when present."""

from __future__ import annotations

from storyline.evaluate.entities import evaluate_entities, load_entity_documents


def test_eval_entities_reads_only_annotated_sentences(require_data):
    documents = load_entity_documents(require_data("ecbplus-entities"), limit=30)
    assert documents and all(d.mentions for d in documents)


def test_eval_entities_rows_on_a_few_topics(require_data):
    result = evaluate_entities(data_path=require_data("ecbplus-entities"), limit=40)
    rows = {row["system"]: row for row in result.rows}
    assert set(rows) == {"storyline", "baseline-exact-string", "baseline-head-word"}
    for row in rows.values():
        assert 0 < row["conll_f1"] <= 1
        mean = (row["muc_f1"] + row["b3_f1"] + row["ceafe_f1"]) / 3
        assert abs(row["conll_f1"] - mean) < 1e-9
    # the story-level kind is right more often than spaCy's label sentence by sentence
    assert rows["storyline"]["type_accuracy"] > rows["baseline-head-word"]["type_accuracy"]
    assert rows["storyline"]["conll_f1"] > rows["baseline-exact-string"]["conll_f1"]
    # heads, pronoun and descriptor links beat clustering by the last word (issue 19)
    assert rows["storyline"]["conll_f1"] > rows["baseline-head-word"]["conll_f1"]
