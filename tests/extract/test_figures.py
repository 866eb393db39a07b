from datetime import date

import pytest

from storyline.extract.figures import find_figures

PUBLISHED = date(2026, 3, 3)


@pytest.mark.parametrize(
    "sentence, text, value, unit",
    [
        ("The company set aside $1.2 trillion in guarantees.", "$1.2 trillion", 1.2e12, "USD"),
        ("Exports reached US$200 billion last year.", "US$200 billion", 2e11, "USD"),
        ("The council spent £3m on new chargers.", "£3m", 3e6, "GBP"),
        ("The supplier was fined €450,000 by regulators.", "€450,000", 4.5e5, "EUR"),
        ("Beijing offered 500 billion yuan in purchases.", "500 billion yuan", 5e11, "CNY"),
    ],
)
def test_figures_money_normalised_with_currency_and_scale(nlp, sentence, text, value, unit):
    (figure,) = [f for f in find_figures(nlp(sentence)) if f.kind == "money"]
    assert (figure.text, figure.value, figure.unit) == (text, value, unit)


@pytest.mark.parametrize(
    "sentence, value, unit",
    [
        ("Sales fell 25 per cent in February.", 25.0, "percent"),
        ("Sales fell 7.5% in February.", 7.5, "percent"),
        ("Sales fell five percent in February.", 5.0, "percent"),
        ("Its market share slipped 2 percentage points.", 2.0, "percentage point"),
    ],
)
def test_figures_percentages_normalised(nlp, sentence, value, unit):
    (figure,) = [f for f in find_figures(nlp(sentence)) if f.kind == "percent"]
    assert (figure.value, figure.unit) == (value, unit)


@pytest.mark.parametrize(
    "sentence, text, measures",
    [
        ("Voltaro set aside a $40 million fund for riders.", "$40 million", "fund"),
        ("Tariffs now cover $200 billion of Chinese goods.", "$200 billion", "Chinese goods"),
        ("Voltaro shares fell 18% on Tuesday.", "18%", "Voltaro shares"),
        ("The annual deficit was $419 billion.", "$419 billion", "annual deficit"),
        ("The compensation fund will hold $45 million.", "$45 million", "compensation fund"),
        ("The quake is overdue on a 100 mile stretch of the fault.", "100", "stretch"),
        ("He broke free for an 80 yard touchdown.", "80", "touchdown"),
        (
            "Voltaro will recall about 212,000 e-bike battery packs.",
            "212,000",
            "e-bike battery packs",
        ),
    ],
)
def test_figures_attach_to_what_they_measure(nlp, sentence, text, measures):
    figure = next(f for f in find_figures(nlp(sentence)) if f.text == text)
    assert figure.measures == measures


def test_figures_percentage_in_participle_clause_measures_the_object(nlp):
    sentence = "The government raised tariffs on steel, rising to 25% by June."
    figure = next(f for f in find_figures(nlp(sentence)) if f.kind == "percent")
    assert figure.measures == "tariffs"


def test_figures_counts_take_the_counted_noun(nlp):
    figures = find_figures(nlp("At least 14 riders were hurt and three inspectors resigned."))
    counts = [(f.value, f.unit) for f in figures if f.kind == "count"]
    assert counts == [(14.0, "rider"), (3.0, "inspector")]


def test_figures_counts_with_scale_word(nlp):
    (figure,) = find_figures(nlp("The company recalled 2.5 million battery packs."))
    # the counted noun keeps the words written between the number and it (NewsQuant's unit)
    assert (figure.kind, figure.value, figure.unit) == ("count", 2.5e6, "battery pack")


def test_figures_years_and_days_are_not_counts(nlp):
    figures = find_figures(nlp("The review took three weeks in 2025."))
    assert [f for f in figures if f.kind == "count"] == []


@pytest.mark.parametrize(
    "sentence, when",
    [
        ("Owners must register their packs by March 31.", date(2026, 3, 31)),
        ("The agency set a Friday deadline for the plan.", date(2026, 3, 6)),
        ("The offer stands until April 15, 2026.", date(2026, 4, 15)),
    ],
)
def test_figures_deadlines_resolved(nlp, sentence, when):
    (figure,) = [f for f in find_figures(nlp(sentence), "a", PUBLISHED) if f.kind == "deadline"]
    assert (figure.when, figure.value, figure.unit) == (when, None, "date")


def test_figures_deadline_names_what_is_due(nlp):
    sentence = "Owners must register their packs by March 31."
    (figure,) = find_figures(nlp(sentence), "a", PUBLISHED)
    assert figure.measures == "register packs"


def test_figures_keep_sentence_and_offsets(nlp):
    text = "Shares rose. The fund holds $40 million for riders."
    (figure,) = find_figures(nlp(text), "a7", offset=100)
    assert figure.sentence == "The fund holds $40 million for riders."
    assert (figure.article_id, figure.start - 100, figure.end - 100) == ("a7", 28, 39)


@pytest.mark.parametrize(
    "sentence, text, value, unit",
    [
        ("Petrol averaged $2.11 per gallon.", "$2.11 per gallon", 2.11, "USD per gallon"),
        ("They pay a $3500 a month mortgage.", "$3500 a month", 3500.0, "USD per month"),
        ("I work 40 to 50 hours a week.", "40 to 50", 40.0, "hour per week"),
        ("There are four to five thousand people.", "four to five thousand", 4000.0, "people"),
        ("The limit is between 15kHz and 17kHz.", "15kHz and 17kHz", 15.0, "kilohertz"),
        ("Shares sold at $62 to $68 per share.", "$62 to $68 per share", 62.0, "USD per share"),
        ("It is about minus 387 Fahrenheit.", "387", -387.0, "fahrenheit"),
    ],
)
def test_figures_rates_ranges_and_signs(nlp, sentence, text, value, unit):
    figures = [f for f in find_figures(nlp(sentence)) if f.value is not None]
    assert [(f.text, f.value, f.unit) for f in figures] == [(text, value, unit)]


def test_figures_from_a_to_b_is_a_change_not_a_range(nlp):
    figures = find_figures(nlp("Tariffs will rise from 10 percent to 25 percent."))
    assert [f.value for f in figures] == [10.0, 25.0]


def _newsquant(sentence_id):
    """A NewsQuant dev sentence and its gold quantities, read at test time (never copied)."""
    from storyline.errors import DataUnavailable
    from storyline.evaluate.datasets import dataset_path
    from storyline.evaluate.figures import load_quantity_sentences

    try:
        path = dataset_path("newsquant", None)
    except DataUnavailable as error:
        pytest.skip(f"shared data not available: {error}")
    if not path.is_file():
        pytest.skip(f"shared data not available: {path}")
    found = [s for s in load_quantity_sentences(path) if s.sentence_id == sentence_id]
    if not found:
        pytest.skip(f"{sentence_id} is not in the NewsQuant file")
    return found[0]


@pytest.mark.parametrize(
    "sentence_id, rule",
    [
        ("newsquant-0180", "money per unit"),
        ("newsquant-0325", "money per barrel beside barrels per day"),
        ("newsquant-0278", "a range of money per share and a count of shares"),
        ("newsquant-0116", "a compound counted noun"),
        ("newsquant-0359", "an age and a compound counted noun"),
        ("newsquant-0358", "nanometres"),
    ],
)
def test_figures_match_newsquant_gold(nlp, sentence_id, rule):
    """Each gold quantity of these NewsQuant dev sentences is found with its value and
    normalised unit, and nothing else is (scored as `storyline eval figures` does)."""
    from storyline.evaluate.figures import Predicted, match, storyline_unit

    sentence = _newsquant(sentence_id)
    predicted = [
        Predicted(f.value, storyline_unit(f), f.measures or "")
        for f in find_figures(nlp(sentence.text))
        if f.value is not None
    ]
    hits = match(predicted, sentence.quantities, True, False)
    assert hits == len(sentence.quantities), rule
    assert len(predicted) <= len(sentence.quantities) + 1, rule
