"""`evaluate_extract` on small made-up pages and, when present, the shared benchmarks."""

from __future__ import annotations

import pytest

from storyline.evaluate.extract import evaluate_extract, html_to_text

ARTICLE = (
    "<html><head><title>Port strike</title><script>var ad = 1;</script></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
    "<article><h1>Halden dockworkers strike</h1>"
    "<p>Dockworkers at the Port of Halden walked off the job on Monday after talks over a new "
    "contract collapsed, union officials said.</p>"
    "<p>The union said 1,200 members joined the strike, and cargo ships began queuing outside "
    "the harbor by the afternoon as the port authority refused to reopen talks.</p>"
    "<p>Retailers warned of empty shelves within a week if the stoppage continues, and "
    "economists put its cost at $40 million a day.</p></article>"
    "<footer>Copyright 2024 Halden Courier. All rights reserved.</footer></body></html>"
)
EXPECTED = (
    "Dockworkers at the Port of Halden walked off the job on Monday after talks over a new "
    "contract collapsed, union officials said.\n"
    "The union said 1,200 members joined the strike, and cargo ships began queuing outside the "
    "harbor by the afternoon as the port authority refused to reopen talks.\n"
    "Retailers warned of empty shelves within a week if the stoppage continues, and economists "
    "put its cost at $40 million a day."
)


def test_extract_html_to_text_puts_blocks_on_lines():
    text = html_to_text("<div><p>First  paragraph.</p><p>Second<br>line.</p><script>x</script>")
    assert text.splitlines() == ["First paragraph.", "Second", "line."]


def test_extract_aeb_format_file(tmp_path, write_jsonl_gz):
    record = {
        "id": "p1",
        "url": "https://example.org/a",
        "html": ARTICLE,
        "expected_text": EXPECTED,
    }
    path = write_jsonl_gz(tmp_path / "pages.jsonl.gz", [record])
    result = evaluate_extract(data_path=path, systems=["trafilatura", "readability-lxml"])
    for system in ("trafilatura", "readability-lxml"):
        assert result.row(system)["recall"] > 0.9
    assert result.row("published:trafilatura 2.0.0")["f1"] == 0.958


def test_extract_snippet_format_file(tmp_path, write_jsonl_gz):
    record = {
        "id": "hard::halden.html",
        "url": "hard::halden.html",
        "html": ARTICLE,
        "with": ["walked off the job on Monday", "economists put its cost at $40 million a day."],
        "without": ["All rights reserved.", "Home World"],
    }
    path = write_jsonl_gz(tmp_path / "pages.jsonl.gz", [record])
    result = evaluate_extract(data_path=path, dataset="trafilatura", systems=["trafilatura"])
    row = result.row("trafilatura")
    assert row["recall"] == 1.0
    assert row["accuracy"] == 1.0


def test_extract_aeb_needs_expected_text(tmp_path, write_jsonl_gz):
    path = write_jsonl_gz(tmp_path / "pages.jsonl.gz", [{"id": "p", "html": ARTICLE}])
    with pytest.raises(ValueError, match="expected_text"):
        evaluate_extract(data_path=path, systems=["trafilatura"])


def test_extract_aeb_baselines_on_shared_data(require_data):
    require_data("aeb")
    result = evaluate_extract(dataset="aeb", limit=2, systems=["trafilatura", "readability-lxml"])
    assert result.n == 2
    assert 0 < result.row("trafilatura")["f1"] <= 1


def test_extract_trafilatura_baselines_on_shared_data(require_data):
    require_data("trafilatura")
    result = evaluate_extract(dataset="trafilatura", limit=3, systems=["trafilatura"])
    assert result.n == 3
    assert 0 <= result.row("trafilatura")["f1"] <= 1


def test_extract_storyline_row_on_shared_data(require_data, require_attribute):
    require_data("aeb")
    require_attribute("storyline.ingest.html", "extract_main_text")
    result = evaluate_extract(dataset="aeb", limit=2, systems=["storyline"])
    assert 0 < result.row("storyline")["f1"] <= 1
