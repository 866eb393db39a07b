"""Mention heads and antecedent links (`storyline.extract.mention_links`)."""

from __future__ import annotations

import pytest

from storyline.extract.mention_links import (
    descriptor_people,
    link_mentions,
    mention_head,
    resolve_descriptors,
)


@pytest.mark.parametrize(
    ("mention", "head"),
    [
        ("the Halden Port Authority in Oslo , Norway", "authority"),
        ("on Tuesday , December 9 , 2008", "tuesday"),
        ("at the harbor", "harbor"),
        ("Mara Olsen 's", "olsen"),
        ("Olsen's", "olsen"),
        ("Harold Comeaux Jr .", "comeaux"),
        ("the man who robbed the store", "man"),
        ("Friday night .", "night"),
    ],
)
def test_mention_links_head_is_the_syntactic_head(mention, head):
    assert mention_head(mention) == head


def _spans(text, phrases):
    """(start, end) of each phrase, searched left to right."""
    spans, at = [], 0
    for phrase in phrases:
        start = text.index(phrase, at)
        spans.append((start, start + len(phrase)))
        at = start + len(phrase)
    return spans


def test_mention_links_pronouns_take_compatible_antecedents(nlp):
    text = (
        "Mara Olsen, who starred in the film, arrived with her brother. "
        "The man said he was proud. The dockworkers said they would strike."
    )
    phrases = ["Mara Olsen", "who", "her", "The man", "he", "The dockworkers", "they"]
    spans = _spans(text, phrases)
    links = link_mentions(nlp(text), spans)
    assert links[1] == 0  # who -> Mara Olsen (the clause modifies her name)
    assert links[2] == 0  # her -> Mara Olsen
    assert links[4] == 3  # he -> the man, not the woman named earlier
    assert links[6] == 5  # they -> the dockworkers
    assert links[0] is None and links[3] is None


def test_mention_links_descriptor_joins_the_person_named_beside_it(nlp):
    first = "The actress Mara Olsen left the clinic on Monday."
    second = "Mara Olsen was seen in Oslo. The actress did not comment."
    docs = [nlp(first), nlp(second)]
    spans = [_spans(first, ["Mara Olsen"]), _spans(second, ["Mara Olsen", "The actress"])]
    labels = [["olsen"], ["olsen", "actress"]]
    assert ("actress", "olsen") in descriptor_people(docs[0], spans[0], labels[0])
    assert resolve_descriptors(docs, spans, labels)[1] == ["olsen", "olsen"]
