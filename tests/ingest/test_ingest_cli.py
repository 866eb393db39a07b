"""`storyline ingest` end to end, in a subprocess as a user runs it."""

import json
import os
import subprocess
import sys

import pytest


def run(*args, cwd, stdin=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "storyline", "ingest", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, request):
    fixtures = request.config.rootpath / "tests" / "fixtures" / "ingest"
    folder = tmp_path_factory.mktemp("cli")
    db = folder / "news.db"
    done = run(fixtures, "--db", db, "--json", "--quiet", cwd=folder)
    return fixtures, folder, db, done


def test_cli_ingest_json_summary_counts_formats_and_outcomes(first_run):
    _, _, db, done = first_run
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["totals"] == {"added": 7, "already stored": 0, "quarantined": 5}
    assert summary["formats"]["feed"] == {"added": 5, "already stored": 0, "quarantined": 2}
    assert summary["articles_in_store"] == 7 and db.exists()


def test_cli_ingest_reports_quarantined_inputs_on_stderr(first_run):
    _, _, _, done = first_run
    assert "quarantined" in done.stderr.decode() and "dump.csv:6" in done.stderr.decode()


def test_cli_ingest_second_run_reports_already_stored(first_run):
    fixtures, folder, db, _ = first_run
    done = run(fixtures, "--db", db, "--json", "--quiet", cwd=folder)
    assert json.loads(done.stdout)["totals"]["already stored"] == 7


def test_cli_ingest_table_and_default_db_from_environment(tmp_path, first_run):
    fixtures = first_run[0]
    done = run(fixtures / "coastline.atom", cwd=tmp_path, env={"STORYLINE_DB": "env.db"})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env.db").exists()
    assert "feed" in done.stdout.decode() and "already stored" in done.stdout.decode()


def test_cli_ingest_stdin_with_format_and_column_flags(tmp_path, first_run):
    fixtures = first_run[0]
    done = run(
        "-", "--format", "csv", "--db", "s.db", "--json", "--quiet",
        "--text-field", "story_body", "--title-field", "headline", cwd=tmp_path,
        stdin=(fixtures / "custom_columns.csv").read_bytes(),
    )  # fmt: skip
    assert json.loads(done.stdout)["formats"] == {
        "csv": {"added": 1, "already stored": 0, "quarantined": 0}
    }


def test_cli_ingest_only_bad_input_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    done = run(tmp_path / "empty.txt", "--db", "s.db", "--quiet", cwd=tmp_path)
    assert done.returncode == 1 and "file is empty" in done.stderr.decode()


def test_cli_ingest_newer_store_is_one_line_error(tmp_path):
    import sqlite3

    db = sqlite3.connect(tmp_path / "future.db")
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    (tmp_path / "a.txt").write_text("The ferry sailed on Monday.")
    done = run(tmp_path / "a.txt", "--db", "future.db", cwd=tmp_path)
    stderr = done.stderr.decode()
    assert done.returncode == 1 and "newer than this Storyline" in stderr
    assert "Traceback" not in stderr
