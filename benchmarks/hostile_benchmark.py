"""Time and peak memory of hostile inputs, today's code beside a baseline in the same run.

Each case runs in a fresh subprocess (so its peak RSS is its own) with PYTHONPATH set to this
tree's src/ ("new") or to a baseline tree ("old", e.g. the code before issue 18's fixes,
exported with `git archive <commit> src | tar -x -C /tmp/old`). Old code is run on smaller
inputs where the full size would take minutes or gigabytes; each row says its size.

    PYTHONPATH=src python benchmarks/hostile_benchmark.py --old /tmp/old/src
    PYTHONPATH=src python benchmarks/hostile_benchmark.py --non-articles   # rule hits on real data

Bombs and articles are generated under a temporary folder at run time; nothing is stored.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

MIB = 1024**2
SRC = Path(__file__).resolve().parents[1] / "src"


# -- inputs -------------------------------------------------------------------------------


def gzip_of(path: Path, head: bytes, fill: bytes, size: int, tail: bytes = b"") -> Path:
    """A gzip file of `head` + `size` bytes of `fill` + `tail`, compressed as it is written."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = fill * (MIB // len(fill))
    with path.open("wb") as out:
        out.write(compressor.compress(head))
        for _ in range(size // MIB):
            out.write(compressor.compress(chunk))
        out.write(compressor.compress(tail))
        out.write(compressor.flush())
    return path


def long_article(chars: int, single_line: bool = False) -> str:
    """A made-up article of `chars` characters: distinct sentences, paragraphs or one line."""
    sentences = []
    total = n = 0
    while total < chars:
        sentence = (
            f"The council heard submission {n} on the harbour plan, which residents of ward "
            f"{n % 97} said would change the ferry timetable by {n % 13} minutes."
        )
        sentences.append(sentence)
        total += len(sentence) + 1
        n += 1
    return (" " if single_line else "\n").join(sentences)[:chars]


# -- one case, run in a subprocess -------------------------------------------------------


def run_case(case: str, arg: str, size: int) -> dict:
    """Run one case in this process; return seconds, peak RSS and what happened."""
    started = time.perf_counter()
    outcome = ""
    if case == "ingest":
        from storyline.ingest.run import ingest_paths
        from storyline.store import open_store

        with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s.db") as store:
            report = ingest_paths([arg], store)
            outcome = "; ".join(q.error.split(": ", 1)[-1][:110] for q in report.quarantined)
            outcome = f"added {report.count('added')}, quarantined {len(report.quarantined)}" + (
                f": {outcome}" if outcome else " (nothing reported)"
            )
    elif case in ("clean", "clean-nocut"):
        from storyline.clean.article import clean_documents
        from storyline.records import RawDocument

        text = Path(arg).read_text()
        cut = 200_000 if case == "clean" else len(text) + 1
        (article,) = clean_documents([RawDocument("big.txt", "text", text)], 3, cut)
        outcome = f"clean text {len(article.text):,} chars"
    elif case == "brief":
        from storyline.pipeline import brief_paths

        briefing = brief_paths([arg])
        outcome = f"{briefing.article_count} articles, {len(briefing.summary)} summary sentences"
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "outcome": outcome,
    }


def measure(src: Path, case: str, arg: Path, size: int, timeout: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--case", case, "--arg", str(arg), "--size", str(size)]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": f">{timeout}", "peak_mb": "?", "outcome": "timed out"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"seconds": "?", "peak_mb": "?", "outcome": f"exit {done.returncode}: {last}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the table ----------------------------------------------------------------------------


def cases(folder: Path, quick: bool) -> list[tuple[str, str, Path, int, int | None, Path | None]]:
    """(name, case, new input, new size, old size or None, old input)."""
    big = 256 * MIB if quick else 1024 * MIB
    old = 64 * MIB
    rows = []
    csv_head = b"title,text\n"
    for name, head, fill, tail in (
        ("csv.gz", csv_head + b"a,", b"0", b"\n"),
        ("json.gz", b'{"text": "', b" ", b'"}'),
    ):
        new_path = gzip_of(folder / f"bomb-new.{name}", head, fill, big, tail)
        old_path = gzip_of(folder / f"bomb-old.{name}", head, fill, old, tail)
        rows.append((f"{name} bomb", "ingest", new_path, big, old, old_path))
    blank_new = gzip_of(folder / "blank-new.jsonl.gz", b"", b"\n", 200 * MIB)
    blank_old = gzip_of(folder / "blank-old.jsonl.gz", b"", b"\n", 16 * MIB)
    rows.append(("blank-line .jsonl.gz", "ingest", blank_new, 200 * MIB, 16 * MIB, blank_old))
    for label, chars, old_chars, single in (
        ("article, lines", 49 * MIB, MIB, False),
        ("article, one line", 10 * MIB, MIB, True),
    ):
        new_path = folder / f"article-{chars}-{single}.txt"
        new_path.write_text(long_article(chars, single))
        old_path = folder / f"article-{old_chars}-{single}.txt"
        old_path.write_text(long_article(old_chars, single))
        rows.append((f"clean {label}", "clean", new_path, chars, old_chars, old_path))
    nocut = folder / "article-4m.txt"
    nocut.write_text(long_article(4 * MIB))
    rows.append(("clean 4 MB lines, no length cut", "clean-nocut", nocut, 4 * MIB, None, None))
    text = long_article(2_500)
    for n in (10_000, 300):
        path = folder / f"copies-{n}.jsonl"
        path.write_text(
            "".join(json.dumps({"text": text, "title": "Vote"}) + "\n" for _ in range(n))
        )
    rows.append(
        (
            "brief N copies",
            "brief",
            folder / "copies-10000.jsonl",
            10_000,
            300,
            folder / "copies-300.jsonl",
        )  # fmt: skip
    )
    return rows


def table(old_src: Path | None, quick: bool, timeout: int) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, case, path, size, old_size, old_path in cases(Path(tmp), quick):
            row = {"input": name, "size": size, **measure(SRC, case, path, size, timeout)}
            row["code"] = "new"
            results.append(row)
            print(_line(row), flush=True)
            if old_src is not None and old_size is not None and old_path is not None:
                row = {"input": name, "size": old_size, "code": "old"}
                row.update(measure(old_src, case, old_path, old_size, timeout))
                results.append(row)
                print(_line(row), flush=True)
    return results


def _line(row: dict) -> str:
    size = row["size"]
    shown = f"{size / MIB:g} MiB" if size >= MIB else f"{size:,}"
    return (
        f"{row['input']:<32} {row['code']:<4} {shown:>10} {row['seconds']!s:>8} s "
        f"{row['peak_mb']!s:>6} MB  {row['outcome'][:150]}"
    )


# -- non-article rule hits on real data ---------------------------------------------------


def non_article_hits(data: Path) -> None:
    """How many real records each ingest/nonarticle.py rule hits, per dataset."""
    from collections import Counter

    from storyline.clean.article import clean_documents
    from storyline.ingest.nonarticle import non_article_reason
    from storyline.records import RawDocument
    from storyline.settings import Settings

    min_words = Settings().min_article_words

    def records(path: Path, nested: bool):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                yield from record["documents"] if nested else [record]

    sets = [
        ("ecbplus-clustering", "ecbplus-clustering/articles.jsonl.gz", False),
        ("multinews-sample100", "multinews-sample100/clusters.jsonl.gz", True),
        ("neus-allsides", "neus-allsides/clusters.jsonl.gz", True),
        ("polnear-attribution", "polnear-attribution/dev.jsonl.gz", False),
        ("uci-news-aggregator", "uci-news-aggregator-stories/articles.jsonl.gz", False),
    ]
    for name, relative, nested in sets:
        path = data / relative
        if not path.exists():
            print(f"{name}: not found under {data}")
            continue
        hits: Counter[str] = Counter()
        examples: dict[str, str] = {}
        n = 0
        for number, doc in enumerate(records(path, nested)):
            text = doc.get("text") or ""
            if not text.strip():
                continue
            n += 1
            meta = (("title", doc["title"]),) if doc.get("title") else ()
            raw = RawDocument(f"{name}:{number}", "jsonl", text, meta)
            (article,) = clean_documents([raw], 3, 200_000)
            found = non_article_reason(text, article.text, article.title, min_words)
            if found:
                hits[found[0]] += 1
                examples.setdefault(found[0], " ".join(text.split())[:70])
        listed = ", ".join(f"{rule} {count}" for rule, count in hits.most_common()) or "none"
        print(f"{name}: {n} records with text; rule hits: {listed}")
        for rule, example in examples.items():
            print(f"    {rule}: e.g. {example!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="src/ folder of the baseline code")
    parser.add_argument("--quick", action="store_true", help="256 MiB bombs instead of 1 GiB")
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--non-articles", action="store_true")
    parser.add_argument("--data", type=Path, default=SRC.parent.parent / "shared" / "data")
    parser.add_argument("--case")
    parser.add_argument("--arg")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.arg, args.size)))
        return
    if args.non_articles:
        non_article_hits(args.data)
        return
    print(f"{'input':<32} code {'size':>10} {'time':>10} {'peak':>9}  outcome")
    rows = table(args.old, args.quick, args.timeout)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
