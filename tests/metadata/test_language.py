import pytest

from storyline.metadata.language import detect_language

SAMPLES = {
    "en": "The county water board said on Thursday that the dam was safe, but it would lower "
    "the reservoir so that divers can inspect the base of the spillway before the melt.",
    "es": "La junta del agua dijo el jueves que la presa es segura, pero que bajará el nivel "
    "del embalse para que los buzos puedan inspeccionar la base del aliviadero.",
    "fr": "Le conseil de l'eau a indiqué jeudi que le barrage était sûr, mais qu'il allait "
    "abaisser le niveau du réservoir pour que des plongeurs inspectent la base du déversoir.",
    "de": "Die Wasserbehörde sagte am Donnerstag, der Damm sei sicher, aber sie werde den "
    "Stausee absenken, damit Taucher die Basis der Überlaufrinne untersuchen können.",
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_language_detected_from_stopwords(code):
    assert detect_language(SAMPLES[code]) == code


@pytest.mark.parametrize("text", ["Dam cracks found", "1 2 3 4 5 " * 20, ""])
def test_language_unsure_on_short_or_wordless_text(text):
    assert detect_language(text) is None
