"""How long `storyline --help` takes to start, beside the interpreter and typer alone.

Each command runs `--runs` times in a fresh interpreter, alternating so machine load hits
every row alike; the table gives the median and the fastest run in seconds. `--before SRC`
adds a row for another source tree (e.g. `git archive <commit> src | tar -x -C /tmp/old`),
so a before/after pair comes from the same run.

    PYTHONPATH=src python benchmarks/cli_startup.py --runs 15 --before /tmp/old/src
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def timed(argv: list[str], src: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--before", type=Path, help="another src/ folder to time beside this one")
    args = parser.parse_args()
    rows = {
        "python -c pass (floor)": ([sys.executable, "-c", "pass"], SRC),
        "python -c 'import typer' (floor)": ([sys.executable, "-c", "import typer"], SRC),
        "storyline --help (this tree)": ([sys.executable, "-m", "storyline", "--help"], SRC),
    }
    if args.before:
        rows["storyline --help (--before tree)"] = (
            [sys.executable, "-m", "storyline", "--help"],
            args.before,
        )
    times: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(args.runs):
        for name, (argv, src) in rows.items():
            times[name].append(timed(argv, src))
    print(f"{'command':40} {'median s':>9} {'min s':>7}   (n={args.runs} runs each)")
    for name, values in times.items():
        print(f"{name:40} {statistics.median(values):9.3f} {min(values):7.3f}")


if __name__ == "__main__":
    main()
