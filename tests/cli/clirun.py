"""Run `storyline` in-process through typer's CliRunner: what a user sees, without a new
interpreter per test (a subprocess costs seconds of imports; the few tests that need a real
process, for exit codes and `serve`, keep one)."""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner

from storyline.cli.app import app


@dataclass
class Ran:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def err(self) -> str:
        """stderr with its line breaks folded (rich may wrap a long message)."""
        return " ".join(self.stderr.split())


def run_cli(*args, cwd=None, env: dict | None = None) -> Ran:
    runner = CliRunner(env=env)
    if cwd is not None:
        import os

        before = os.getcwd()
        os.chdir(cwd)
    try:
        result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    finally:
        if cwd is not None:
            os.chdir(before)
    return Ran(result.exit_code, result.stdout, result.stderr)
