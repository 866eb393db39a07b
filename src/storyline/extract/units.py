"""Unit names: what a number measures, normalised ("km" and "kilometers" are "kilometre").

Names follow NewsQuant's normalised units (British spelling, singular), so a figure's unit
can be compared with public gold data; an unknown counted noun keeps its own lemma
("worker"). Durations are their own kind: "a 90-day truce" is 90 of "day".
"""

from __future__ import annotations

UNIT_NAMES = {
    "mph": "mile per hour",
    "km/h": "kilometre per hour",
    "kph": "kilometre per hour",
    "km": "kilometre",
    "kilometer": "kilometre",
    "kilometre": "kilometre",
    "mile": "mile",
    "yard": "yard",
    "yd": "yard",
    "metre": "metre",
    "meter": "metre",
    "mm": "millimetre",
    "millimeter": "millimetre",
    "cm": "centimetre",
    "centimeter": "centimetre",
    "μm": "micrometre",
    "micron": "micrometre",
    "sqm": "square metre",
    "kg": "kilogram",
    "kilo": "kilogram",
    "lb": "pound",
    "lbs": "pound",
    "tonne": "tonne",
    "ton": "ton",
    "litre": "litre",
    "liter": "litre",
    "gallon": "gallon",
    "barrel": "barrel",
    "hz": "hertz",
    "ghz": "gigahertz",
    "mhz": "megahertz",
    "mpg": "mile per gallon",
    "w": "watt",
    "kw": "kilowatt",
    "mw": "megawatt",
    "gw": "gigawatt",
    "kwh": "kilowatt hour",
    "mah": "milliampere-hour",
    "hp": "horsepower",
    "bhp": "brake horsepower",
    "ppg": "point per game",
    "rpg": "rebound per game",
    "apg": "assist per game",
    "inch": "inch",
    "foot": "foot",
    "feet": "foot",
    "ft": "foot",
    "degree": "degree",
    "fahrenheit": "fahrenheit",
    "celsius": "celsius",
    "gb": "gigabyte",
    "tb": "terabyte",
    "mb": "megabyte",
    "people": "people",
    "point": "point",
    "pts": "point",
    "cent": "cent",
}
# Written right after a number, these are units even where the parse sees no noun
# ("87 mph (140 km/h)", "570 sq m", "a 10W charger").
MEASURE_UNITS = {
    "sq m": "square metre",
    "sqm": "square metre",
    "m2": "square metre",
    "square metres": "square metre",
    "square meters": "square metre",
    "sq ft": "square foot",
    "square feet": "square foot",
    "km/h": "kilometre per hour",
    "kph": "kilometre per hour",
    "mph": "mile per hour",
    "miles per hour": "mile per hour",
    "km": "kilometre",
    "mm": "millimetre",
    "cm": "centimetre",
    "kg": "kilogram",
    "mpg": "mile per gallon",
    "hz": "hertz",
    "ghz": "gigahertz",
    "mhz": "megahertz",
    "khz": "kilohertz",
    "kw": "kilowatt",
    "mw": "megawatt",
    "gw": "gigawatt",
    "kwh": "kilowatt hour",
    "mah": "milliampere-hour",
    "w": "watt",
    "hp": "horsepower",
    "bhp": "brake horsepower",
    "μm": "micrometre",
    "gb": "gigabyte",
    "tb": "terabyte",
    "degrees fahrenheit": "fahrenheit",
    "degrees celsius": "celsius",
    "°f": "fahrenheit",
    "°c": "celsius",
    "barrels a day": "barrel per day",
    "barrels per day": "barrel per day",
    "bpd": "barrel per day",
}
# Counted nouns that are spans of time: their figures are durations.
DURATION_UNITS = frozenset("second minute hour day week month year decade century".split())


def unit_name(word: str, lemma: str) -> str:
    """The normalised unit for a counted word ("kilometers" -> "kilometre")."""
    for key in (word.casefold(), lemma.casefold()):
        if key in UNIT_NAMES:
            return UNIT_NAMES[key]
    stripped = word.casefold().rstrip("s")
    return UNIT_NAMES.get(stripped, lemma.casefold())
