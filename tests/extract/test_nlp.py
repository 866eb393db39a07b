import pytest

from storyline.errors import BackendUnavailable, ConfigError
from storyline.extract.nlp import load_pipeline


def test_nlp_model_directory_loads(tmp_path):
    import spacy

    spacy.blank("en").to_disk(tmp_path)
    nlp = load_pipeline(str(tmp_path))
    doc = nlp("The packs were recalled. Riders were told.\n\nA second paragraph.")
    # the pipeline skips whitespace-only sentences (a blank line after "told.")
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == [
        "The packs were recalled.",
        "Riders were told.",
        "A second paragraph.",
    ]


def test_nlp_model_directory_with_ner_keeps_its_pipes(tmp_path):
    import spacy

    small = spacy.blank("en")
    small.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Voltaro"}])
    small.to_disk(tmp_path)
    doc = load_pipeline(str(tmp_path))("Voltaro halted sales.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Voltaro", "ORG")]


def test_nlp_unknown_package_raises_backend_unavailable():
    with pytest.raises(BackendUnavailable, match="not installed"):
        load_pipeline("en_no_such_model_anywhere")


def test_nlp_broken_model_directory_raises_config_error(tmp_path):
    (tmp_path / "config.cfg").write_text("not a config", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be loaded"):
        load_pipeline(str(tmp_path))
