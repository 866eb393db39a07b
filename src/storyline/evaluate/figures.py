"""Figures on NewsQuant (dev half): value + unit exact-match P/R/F1 and concept overlap.

As the upstream `evaluate_models.py`: per sentence, a predicted quantity matches a gold one
when the values are numerically close (`isclose`, rtol 1e-5; a gold range "a-b" matches
either end) and, for `f1`, the normalised units are equal (lower-cased; our ISO currency
codes and unit names are mapped to NewsQuant's names: USD -> "dollar", percent ->
"percentage"). Each gold quantity matches at most one prediction. `concept_overlap` is the
F1 of value matches whose `measures` shares a word with the gold concept ("partial" in
the upstream script). `precision`/`recall` are those of `f1`. The rules were tuned
looking at one half of the dev sentences only (`held_out`); the `held-out half` rows are
the untuned estimate.

Example:
    >>> from storyline.evaluate.figures import evaluate_figures
    >>> evaluate_figures(limit=20)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.evaluate.datasets import _field, dataset_path, file_sha256, read_jsonl
from storyline.evaluate.metrics import f_score
from storyline.evaluate.report import EvalResult, chosen_systems, make_row, progress, published_row

SYSTEMS = ("storyline", "baseline-regex")
COLUMNS = ("f1", "precision", "recall", "concept_overlap", "seconds_per_item")
# Our money codes as NewsQuant's normalised unit names.
CURRENCY_NAMES = {
    "USD": "dollar",
    "AUD": "australian dollar",
    "CAD": "canadian dollar",
    "HKD": "hong kong dollar",
    "NZD": "new zealand dollar",
    "SGD": "singapore dollar",
    "GBP": "pound sterling",
    "EUR": "euro",
    "JPY": "japanese yen",
    "CNY": "chinese yuan",
    "MYR": "malaysian ringgit",
    "ILS": "shekel",
    "INR": "indian rupee",
}
_PUBLISHED_NOTE = (
    "published: CQE (Almasian et al. 2023), value+unit F1 on all 590 NewsQuant sentences "
    "(upstream data/evaluation_output/NewsQuant.csv); this is the dev half"
)


@dataclass(frozen=True, slots=True)
class GoldQuantity:
    values: tuple[float, ...]
    unit: str
    concepts: frozenset[str]


@dataclass(frozen=True, slots=True)
class QuantitySentence:
    sentence_id: str
    text: str
    quantities: tuple[GoldQuantity, ...]


@dataclass(frozen=True, slots=True)
class Predicted:
    value: float
    unit: str
    measures: str


def _values(text: str) -> tuple[float, ...]:
    parts = re.split(r"(?<=\d)-(?=\d|\.)", str(text))
    try:
        return tuple(float(p) for p in parts)
    except ValueError:
        return ()


def _concept_words(text: str | None) -> frozenset[str]:
    return frozenset(w for w in re.split(r"[,\s]+", (text or "").casefold()) if w and w != "-")


def load_quantity_sentences(path: Path, limit: int | None = None) -> list[QuantitySentence]:
    """NewsQuant sentences in the shared format (see shared/data/README.md)."""
    sentences = []
    for number, record in enumerate(read_jsonl(path), 1):
        where = f"{path}:{number}"
        quantities = tuple(
            GoldQuantity(
                _values(q.get("value", "")),
                str(q.get("normalized_unit", "")).casefold().strip(),
                _concept_words(q.get("referred_concepts")),
            )
            for q in _field(record, "quantities", where)
        )
        sentences.append(
            QuantitySentence(str(_field(record, "id", where)), record["text"], quantities)
        )
        if limit is not None and len(sentences) >= limit:
            break
    return sentences


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-9)


def match(
    predicted: Sequence[Predicted], gold: Sequence[GoldQuantity], with_unit: bool, concept: bool
) -> int:
    """Greedy one-to-one matches of one sentence (upstream pairs each gold with one)."""
    used: set[int] = set()
    hits = 0
    for quantity in gold:
        for i, guess in enumerate(predicted):
            if i in used or not any(_close(guess.value, v) for v in quantity.values):
                continue
            if with_unit and guess.unit.casefold() != quantity.unit:
                continue
            if concept and not (_concept_words(guess.measures) & quantity.concepts):
                continue
            used.add(i)
            hits += 1
            break
    return hits


def storyline_unit(figure) -> str:
    """A Figure's unit as NewsQuant names it."""
    if figure.kind == "money":
        code, per, rate = figure.unit.partition(" per ")
        return CURRENCY_NAMES.get(code, code.casefold()) + per + rate
    if figure.unit == "percent":
        return "percentage"
    return figure.unit


def _storyline(nlp):
    from storyline.extract.figures import find_figures

    def run(text: str) -> list[Predicted]:
        return [
            Predicted(f.value, storyline_unit(f), f.measures or "")
            for f in find_figures(nlp(text))
            if f.value is not None
        ]

    return run


_REGEX = re.compile(
    r"(?P<sign>US\$|\$|£|€)?(?P<num>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<scale>million|billion|trillion|thousand)?\s?(?P<unit>%|percent|per cent|[A-Za-z]+)?"
)
_SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def baseline_regex(text: str) -> list[Predicted]:
    """Every number with its currency sign, scale word and the word after it as the unit."""
    found = []
    for m in _REGEX.finditer(text):
        value = float(m.group("num").replace(",", "")) * _SCALE_WORDS.get(m.group("scale"), 1)
        unit = (m.group("unit") or "").casefold()
        if m.group("sign"):
            unit = {"£": "pound sterling", "€": "euro"}.get(m.group("sign"), "dollar")
        elif unit in ("%", "percent", "per cent"):
            unit = "percentage"
        elif unit.endswith("s") and len(unit) > 3:
            unit = unit[:-1]
        found.append(Predicted(value, unit or "-", ""))
    return found


_COUNTS = ("gold", "pred", "hit", "concept")


def held_out(sentence: QuantitySentence) -> bool:
    """The half of the dev file kept out of tuning: sha256 of the id, first hex digit odd."""
    return hashlib.sha256(sentence.sentence_id.encode()).hexdigest()[0] not in "02468ace"


def _row(system: str, c: dict[str, int], seconds: float | None) -> dict:
    precision = c["hit"] / c["pred"] if c["pred"] else 0.0
    recall = c["hit"] / c["gold"] if c["gold"] else 0.0
    concept_p = c["concept"] / c["pred"] if c["pred"] else 0.0
    concept_r = c["concept"] / c["gold"] if c["gold"] else 0.0
    return make_row(
        system,
        f1=f_score(precision, recall),
        precision=precision,
        recall=recall,
        concept_overlap=f_score(concept_p, concept_r),
        seconds_per_item=seconds,
    )


def evaluate_figures(
    data_path: str | Path | None = None,
    limit: int | None = None,
    seed: int = 0,
    systems: Sequence[str] | None = None,
    show_progress: bool = False,
) -> EvalResult:
    """Value+unit F1 and concept overlap of each system on NewsQuant (dev half)."""
    chosen = chosen_systems(systems, SYSTEMS)
    from storyline.extract.nlp import load_pipeline
    from storyline.settings import Settings

    path = dataset_path("newsquant", data_path)
    sentences = load_quantity_sentences(path, limit)
    nlp = load_pipeline(Settings().spacy_model)
    functions = {"storyline": _storyline(nlp), "baseline-regex": baseline_regex}
    functions["storyline"]("A $5 fund.")  # untimed: model loading
    counts: dict[tuple[str, str], dict[str, int]] = {}
    seconds = dict.fromkeys(chosen, 0.0)
    for sentence in progress(sentences, "figures", show_progress, total=len(sentences)):
        for system in chosen:
            start = time.perf_counter()
            predicted = functions[system](sentence.text)
            seconds[system] += time.perf_counter() - start
            for part in ("all", "held" if held_out(sentence) else "tune"):
                c = counts.setdefault((system, part), dict.fromkeys(_COUNTS, 0))
                c["gold"] += len(sentence.quantities)
                c["pred"] += len(predicted)
                c["hit"] += match(predicted, sentence.quantities, True, False)
                c["concept"] += match(predicted, sentence.quantities, False, True)
    rows = [
        _row(system, counts[(system, "all")], seconds[system] / max(len(sentences), 1))
        for system in chosen
    ]
    for system in chosen:
        if (system, "held") in counts:
            rows.append(_row(f"{system} (held-out half)", counts[(system, "held")], None))
    n_gold = counts[(chosen[0], "all")]["gold"]
    n_held = sum(1 for s in sentences if held_out(s))
    rows.append(published_row("CQE", _PUBLISHED_NOTE, f1=0.856, concept_overlap=0.761))
    notes = [
        f"{len(sentences)} sentences, {n_gold} gold quantities; storyline seconds include "
        "the spaCy parse of each sentence (the figures need it)",
        f"rows (held-out half) are the {n_held} sentences (sha256 of the id, first hex digit "
        "odd) not looked at while tuning the rate, range and compound-unit rules; rules "
        "written before the split saw every dev sentence",
    ]
    settings = {
        "limit": limit,
        "seed": seed,
        "split": "NewsQuant dev half (sha256 first hex digit even)",
        "match": "isclose(rtol=1e-5) value, lower-cased normalised unit",
        "systems": list(chosen),
        "data_sha256": file_sha256(path),
    }
    return EvalResult(
        task="figures",
        data=str(path),
        n=len(sentences),
        settings=settings,
        rows=rows,
        columns=COLUMNS,
        notes=notes,
    )
