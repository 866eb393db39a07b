"""`storyline brief` and `demo` end to end (in-process), including bad inputs."""

import codecs
import json
import subprocess
import sys

import pytest

GOOD = (
    "---\ntitle: Ferry crews strike\noutlet: Bay Herald\ndate: 2026-03-06\n---\n"
    "Ferry crews on the northern route walked off the job on Friday, stranding about 3,000 "
    "commuters after talks over night-shift pay broke down.\n\n"
    "“We asked for a fair rota, not a pay rise,” said union organiser Dev Patel.\n\n"
    "The transport ministry urged Nordlink and the union to meet again on Monday.\n"
)


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mixed")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8)
    (folder / "latin.txt").write_bytes(GOOD.replace("Bay Herald", "Café Herald").encode("cp1252"))
    (folder / "wide.txt").write_bytes(codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"))
    (folder / "broken.jsonl").write_text('{"text": "unterminated\n', encoding="utf-8")
    return folder


def test_cli_brief_reports_each_bad_file_and_briefs_the_rest(cli, mixed_folder):
    result = cli("brief", mixed_folder, "--format", "json", mixed_folder / "missing.txt")
    assert result.exit_code == 0, result.stderr
    err = result.err
    assert "empty.txt: file is empty" in err
    assert "binary.txt: holds binary data" in err
    assert "latin.txt: not UTF-8" in err and "Windows-1252" in err
    assert "wide.txt: not UTF-8; decoded as UTF-16" in err
    assert "broken.jsonl:1: invalid JSON" in err
    assert "missing.txt: no such file or folder" in err
    briefing = json.loads(result.stdout)
    assert briefing["article_count"] == 3
    assert briefing["summary"] and all(s["markers"] for s in briefing["summary"])


def test_cli_brief_exits_nonzero_when_nothing_readable(cli, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = cli("brief", tmp_path / "empty.txt", tmp_path / "nothing-here")
    assert result.exit_code == 1
    assert "no article could be read" in result.err
    assert "nothing-here: no such file or folder" in result.err


def test_cli_brief_summarises_a_warning_every_article_shares(cli, tmp_path):
    undated = GOOD.replace("date: 2026-03-06\n", "")
    for n in range(5):
        (tmp_path / f"a{n}.txt").write_text(
            undated.replace("Ferry crews strike", f"Ferry strike day {n}") + f"\nDay {n}.\n",
            encoding="utf-8",
        )
    result = cli("brief", tmp_path, "--words", "40")
    assert result.exit_code == 0, result.stderr
    assert result.err.count("no publication date; ") == 1
    assert "5 of 5 articles have no publication date" in result.err


def test_cli_brief_html_escapes_article_text(cli, tmp_path):
    hostile = GOOD.replace("title: Ferry crews strike", "title: Ferry <script>alert(1)</script>")
    (tmp_path / "a.txt").write_text(hostile, encoding="utf-8")
    out = tmp_path / "briefing.html"
    result = cli("brief", tmp_path / "a.txt", "--format", "html", "--out", out, "--words", "60")
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_cli_demo_writes_named_briefing_file(cli, tmp_path):
    result = cli("demo", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "storyline-demo-briefing.md"
    assert str(out.name) in result.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and "## Summary" in text and "[1]" in text
    assert "## Timeline" in text and "Continental Wire Service" in text


def test_cli_version_and_help_show_no_bool_types(cli):
    from storyline import __version__

    version = cli("--version")
    assert version.exit_code == 0 and version.stdout.strip() == f"storyline {__version__}"
    help_text = cli("stories", "--help").stdout
    assert "--json" in help_text and "--all" in help_text
    assert "<bool>" not in help_text


def test_cli_unknown_command_fails_with_usage():
    """A real process: the exit code a shell sees."""
    result = subprocess.run(
        [sys.executable, "-m", "storyline", "frobnicate"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2 and "No such command" in result.stderr


def test_cli_help_does_not_import_heavy_libraries():
    """`storyline --help` must not pay for spaCy, scikit-learn, numba, FastAPI or onnxruntime."""
    probe = (
        "import sys\n"
        "from storyline.cli.app import app\n"
        "from typer.testing import CliRunner\n"
        "CliRunner().invoke(app, ['--help'])\n"
        "heavy = {'spacy', 'sklearn', 'numba', 'onnxruntime', 'fastapi', 'scipy', 'numpy',\n"
        "         'trafilatura', 'uvicorn', 'jinja2', 'lxml'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, check=True
    )
    assert out.stdout.strip() == "[]"
