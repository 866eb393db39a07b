"""The hostile corpus (hostile_corpus.py) through `ingest_paths`: nothing lost, no traceback.

Every good article of the corpus is stored, every bad item is quarantined with a specific
reason, and no exception leaves `ingest_paths`, with bombs and oversize files refused under
low caps (HOSTILE_SETTINGS).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hostile_corpus import HOSTILE_SETTINGS, write_corpus

from storyline.ingest.run import ingest_paths
from storyline.store import open_store

NOW = datetime(2026, 3, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    cases = write_corpus(folder)
    with open_store(folder.parent / "store.db") as store:
        report = ingest_paths([folder], store, HOSTILE_SETTINGS, now=NOW)
        articles = list(store.iter_articles())
        quarantined = store.quarantined()
    return cases, report, articles, quarantined


def test_corpus_has_at_least_40_kinds(ingested):
    cases, *_ = ingested
    assert len({case.kind for case in cases}) >= 40


def test_every_good_article_is_stored_once(ingested):
    cases, _, articles, _ = ingested
    for case in cases:
        for marker in case.good:
            holding = [a for a in articles if marker.lower() in a.text.lower()]
            assert holding, f"{case.kind}: the article marked {marker} was not stored"


def test_every_bad_item_is_quarantined_with_its_reason(ingested):
    cases, _, _, quarantined = ingested
    for case in cases:
        for source, reason in case.bad:
            hits = [q for q in quarantined if source in q.source and reason in q.error]
            assert hits, f"{case.kind}: nothing quarantined for {source!r} with {reason!r}"


def test_nothing_is_quarantined_that_no_case_expects(ingested):
    cases, _, _, quarantined = ingested
    expected = [source for case in cases for source, _ in case.bad]
    unexpected = [q for q in quarantined if not any(s in q.source for s in expected)]
    assert not unexpected


def test_no_article_is_a_number_a_link_target_or_a_non_article(ingested):
    _, _, articles, _ = ingested
    for article in articles:
        assert article.text.strip() not in ("12345", "True", "Yes")
        assert "Outsidelink" not in article.text
        assert "add location information" not in article.text


def test_mixed_encoding_keeps_utf8_text(ingested):
    _, _, articles, _ = ingested
    (mixed,) = [a for a in articles if "Mixedenc" in a.text]
    assert "café — a landmark" in mixed.text and "naïve plan ’stalled’" in mixed.text


def test_edge_dates_keep_the_article_without_a_date(ingested):
    _, _, articles, _ = ingested
    for marker in ("Yearone", "Yearmax", "Rfcyear", "Feedyearone", "Feedyearmax", "Feedfuture"):
        (article,) = [a for a in articles if marker in a.text]
        assert article.published_at is None, marker


def test_surrogates_become_replacement_characters(ingested):
    _, _, articles, _ = ingested
    (article,) = [a for a in articles if "Surrogate" in a.text]
    assert "\ufffd" in article.text and "\ufffd" in (article.title or "")


def test_non_utf8_file_name_is_stored_escaped(ingested):
    _, _, articles, _ = ingested
    (article,) = [a for a in articles if "Bytename" in a.text]
    assert "caf\\xe9-\\xff.txt" in article.source


def test_long_line_is_cut_before_cleaning(ingested):
    _, _, articles, _ = ingested
    (article,) = [a for a in articles if "longline" in a.text.lower()]
    assert len(article.text) <= HOSTILE_SETTINGS.max_article_chars
    assert any("text cut to" in w for w in article.warnings)


def test_nine_copies_of_a_platform_notice_are_not_already_stored(ingested):
    _, report, _, _ = ingested
    assert report.count("already stored", "jsonl") == 0


PEAK_RUN = """
import re, sys
from datetime import UTC, datetime
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from hostile_corpus import HOSTILE_SETTINGS, write_corpus
from storyline.ingest.run import ingest_paths
from storyline.store import open_store
folder = Path(sys.argv[2]) / "corpus"
if sys.argv[3] == "hostile":
    write_corpus(folder)
else:
    folder.mkdir(parents=True)
    sentence = "Voltaro recalled 212,000 battery packs on Tuesday after 37 fires. "
    (folder / "plain.txt").write_text(sentence * 40)
    # a degraded copy too, so the repair encoder is loaded as the hostile corpus loads it
    (folder / "degraded.txt").write_text(
        sentence.lower().replace(".", "").replace(",", "") * 40
    )
with open_store(folder.parent / "store.db") as store:
    ingest_paths([folder], store, HOSTILE_SETTINGS, now=datetime(2026, 3, 12, tzinfo=UTC))
status = Path("/proc/self/status").read_text()
print(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1))
"""


def _peak_mb(corpus: str, folder: Path) -> float:
    run = subprocess.run(
        [sys.executable, "-c", PEAK_RUN, str(Path(__file__).parent), str(folder), corpus],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return int(run.stdout.split()[-1]) / 1024


def test_peak_memory_stays_low(tmp_path):
    """The hostile corpus (a 50 MB article, gzip and XML bombs, deep nesting) costs little
    beyond what ingesting one plain article costs: the models the analyse stage loads
    (spaCy, MiniLM, the repair encoder) are about 1 GB of that peak on their own."""
    # A process of its own: the test process's peak holds whatever earlier tests loaded.
    # VmHWM, not ru_maxrss: Linux carries a parent's ru_maxrss across fork and exec, so a
    # child of a 1.9 GB pytest would report 1.9 GB.
    plain = _peak_mb("plain", tmp_path / "plain")
    hostile = _peak_mb("hostile", tmp_path / "hostile")
    # The largest hostile input is a 50 MB article, held as bytes, decoded text and its cut
    # copy: about 250 MB over the plain run (249-252 MB measured in two environments). A
    # gzip or XML bomb that expanded would add gigabytes.
    assert hostile - plain < 400, (plain, hostile)
    assert hostile < 1536, (plain, hostile)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_unreadable_folder_is_reported(tmp_path):
    locked = tmp_path / "corpus" / "locked"
    locked.mkdir(parents=True)
    (locked / "a.txt").write_text("x")
    locked.chmod(0)
    try:
        with open_store(tmp_path / "s.db") as store:
            report = ingest_paths([tmp_path / "corpus"], store, now=NOW)
    finally:
        locked.chmod(0o755)
    assert any("folder cannot be read" in q.error for q in report.quarantined)


def test_unreadable_folder_is_reported_as_root_too(tmp_path, monkeypatch):
    (tmp_path / "corpus" / "locked").mkdir(parents=True)
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with open_store(tmp_path / "s.db") as store:
        report = ingest_paths([tmp_path / "corpus"], store, now=NOW)
    (item,) = report.quarantined
    assert "locked" in item.source and "folder cannot be read" in item.error
