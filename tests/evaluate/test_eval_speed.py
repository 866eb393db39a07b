"""The speed eval's measuring parts: memory read per process (VmHWM, sampled workers) and
the texts it times; the full three-process run is benchmarks' job (BENCHMARKS.md)."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from storyline.evaluate import speed


@pytest.fixture
def data_available(require_data):
    require_data("ecbplus")
    require_data("multinews")


def test_speed_status_reads_this_process_peak_not_an_inherited_one():
    """A fresh interpreter's VmHWM is its own (~230 MB with what the speed module imports),
    whatever its parent holds; an inherited peak (ru_maxrss) would be past 600 MB."""
    hog = bytearray(600 * 1024 * 1024)  # the parent's peak is now past 600 MB
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "from storyline.evaluate.speed import _status_kb; print(_status_kb('self', 'VmHWM'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert speed._status_kb("self", "VmHWM") / 1024 > 600
    assert int(child.stdout) / 1024 < 400
    del hog


def test_speed_sampler_adds_worker_memory_to_the_parent():
    script = "b = bytearray(250 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); " + (
        "import time; time.sleep(1.5)"
    )
    with speed._RssSampler(children=True) as sampler:
        worker = subprocess.Popen([sys.executable, "-c", script])
        worker.wait()
        time.sleep(0.3)
    own = max(rss for _, _, rss in sampler.samples)
    assert sampler.peak_total_mb > own + 200


def test_speed_rss_profile_splits_each_stage_into_quarters():
    samples = [(i * 0.2, "ingest", 100.0 + i) for i in range(8)]
    samples += [(2 + i * 0.2, "brief", 500.0) for i in range(4)]
    assert speed.rss_profile(samples) == [
        {"stage": "ingest", "rss_mb": [101, 103, 105, 107]},
        {"stage": "brief", "rss_mb": [500, 500, 500, 500]},
    ]


def test_speed_texts_repeat_with_variation_never_byte_identical(data_available):
    texts = speed.speed_texts(2500, seed=0)
    assert len(texts) == 2500
    assert len(set(texts)) == 2500
    copies = [t for t in texts if re.search(r" \(copy [12]\)$", t)]
    originals = set(texts) - set(copies)
    assert 800 < len(originals) < 1000 and len(copies) == 2500 - len(originals)
    # About two thirds lose a sentence; texts of 1-2 sentences differ by the suffix alone.
    shorter = sum(t.rsplit(" (copy", 1)[0] not in originals for t in copies)
    assert shorter > 0.5 * len(copies)


def test_speed_cpu_seconds_count_a_live_worker_beside_this_process():
    """A worker that burns ~1 s of CPU is counted while it runs (read from /proc), so a
    stage's CPU includes the pool's, whatever the machine's load does to wall time."""
    script = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0: pass\n"
    script += "time.sleep(30)"
    import os

    def workers_cpu() -> float:
        own = os.times()
        return speed._cpu_s() - own.user - own.system

    before = workers_cpu()
    worker = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while workers_cpu() - before < 1.0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert workers_cpu() - before >= 1.0
    finally:
        worker.kill()
        worker.wait()
