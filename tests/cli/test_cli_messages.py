"""CLI messages: one line off a terminal, and text from inputs is never read as markup."""

from __future__ import annotations

from storyline.cli.common import say


def test_say_prints_markup_in_a_file_name_literally(capsys):
    say("/data/[/red]/dump.csv: no text column", "quarantined")
    err = capsys.readouterr().err
    assert "quarantined /data/[/red]/dump.csv: no text column" in err


def test_say_keeps_a_long_message_on_one_line_off_a_terminal(capsys):
    long_path = "/very/long/checkout/" + "nested-folder/" * 12 + "notes.db"
    say(f"{long_path}: not a Storyline store (file is not a database)", "error")
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{long_path}: not a Storyline store" in err
