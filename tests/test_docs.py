"""Every CLI command is documented in README.md (as sqlite-utils' tests/test_docs.py does)."""

from pathlib import Path

import typer.main

from storyline.cli.app import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix="storyline"):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}"


def test_docs_every_command_in_readme():
    commands = list(_commands(typer.main.get_group(app)))
    assert "storyline brief" in commands
    missing = [c for c in commands if c not in README]
    assert missing == []


def test_docs_readme_opens_with_two_setup_commands():
    first_block = README.split("```")[1].strip().splitlines()
    assert first_block[0] == "bash"
    assert len([line for line in first_block[1:] if line.strip()]) == 2
