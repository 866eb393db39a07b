"""Full-size gzip bombs (1 GiB expanded) under the default settings: refused, low memory.

Slow (each bomb is compressed at test time, a few seconds each); `.ci/run` runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

MIB = 1024**2
SRC = Path(__file__).resolve().parents[2] / "src"
_PROBE = """
import json, re, sys, tempfile
from pathlib import Path
from storyline.ingest.run import ingest_paths
from storyline.store import open_store
with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s.db") as store:
    report = ingest_paths([sys.argv[1]], store)
print(json.dumps({"errors": [q.error for q in report.quarantined],
                  # VmHWM: ru_maxrss would carry the pytest parent's peak across exec.
                  "peak_mb": int(re.search(r"VmHWM:\\s+(\\d+)",
                                           Path("/proc/self/status").read_text()).group(1))
                  // 1024}))
"""


def _bomb(path: Path, head: bytes, fill: bytes, tail: bytes) -> Path:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = fill * MIB
    with path.open("wb") as out:
        out.write(compressor.compress(head))
        for _ in range(1024):
            out.write(compressor.compress(chunk))
        out.write(compressor.compress(tail) + compressor.flush())
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, head, fill, tail",
    [
        ("dump.csv.gz", b"title,text\na,", b"0", b"\n"),
        ("dump.json.gz", b'{"text": "', b" ", b'"}'),
        ("blank.jsonl.gz", b"", b"\n", b""),
        (
            "crawl.warc.gz",
            b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 9\r\n\r\n",
            b"\0",
            b"",
        ),
    ],
)
def test_gigabyte_bomb_is_refused_with_low_memory(tmp_path, name, head, fill, tail):
    path = _bomb(tmp_path / name, head, fill, tail)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)],
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert any("decompression bomb" in error for error in result["errors"]), result
    assert result["peak_mb"] < 1024
