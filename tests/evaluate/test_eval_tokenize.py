"""The regex sentence and word splitter every summary baseline shares."""

from __future__ import annotations

import pytest

from storyline.evaluate.tokenize import SumyTokenizer, count_words, split_sentences, split_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith flew to Washington. He met Sen. Jones on Tuesday.",
            ["Mr. Smith flew to Washington.", "He met Sen. Jones on Tuesday."],
        ),
        (
            "The U.S. Army left at 5 p.m. Friday. J. K. Rowling was not there.",
            ["The U.S. Army left at 5 p.m. Friday.", "J. K. Rowling was not there."],
        ),
        (
            'He said "it is over." Then he left. Was it? Nobody knows!',
            ['He said "it is over."', "Then he left.", "Was it?", "Nobody knows!"],
        ),
        (
            "Acme Inc. said profits rose 5.2% in Jan. 2014, analysts said.",
            ["Acme Inc. said profits rose 5.2% in Jan. 2014, analysts said."],
        ),
    ],
)
def test_tokenize_split_sentences_keeps_abbreviations(text, expected):
    assert split_sentences(text) == expected


def test_tokenize_split_sentences_breaks_at_newlines():
    text = (
        "WASHINGTON (AP) \n \n The Senate voted 52-48 on Monday\n\nThe bill now goes to the House"
    )
    assert split_sentences(text) == [
        "WASHINGTON (AP)",
        "The Senate voted 52-48 on Monday",
        "The bill now goes to the House",
    ]


def test_tokenize_split_sentences_is_idempotent_on_its_output():
    text = "Police closed the bridge. Traffic backed up for miles. Officials apologised."
    assert [s for part in split_sentences(text) for s in split_sentences(part)] == (
        split_sentences(text)
    )


def test_tokenize_split_words_keeps_inner_apostrophes_and_numbers():
    assert split_words("Don't stop: the coalition's 3.5% rise.") == [
        "Don't",
        "stop",
        "the",
        "coalition's",
        "3.5",
        "rise",
    ]


def test_tokenize_count_words_uses_whitespace():
    assert count_words("The port reopened on Friday, officials said.") == 7


def test_tokenize_sumy_tokenizer_matches_regex_splitter():
    tokenizer = SumyTokenizer()
    text = "Dockworkers walked out. Ships queued outside."
    assert tokenizer.to_sentences(text) == ("Dockworkers walked out.", "Ships queued outside.")
    assert tokenizer.to_words("Ships queued outside.") == ("Ships", "queued", "outside")
