"""Degraded-text repair beyond the harness table: per source, speed per core, confidence.

Why: `storyline eval repair` prints the per-class and boundary scores; this script adds what
the issue also asks to see (issue 22): news scores per source, words per CPU-second of one
core beside the lexical baseline, how the per-sentence confidence sorts right sentences from
wrong ones (on dev story groups, beside the briefing's `SUMMARY_MIN_REPAIR_CONFIDENCE` bar), and the
repaired TIME copy of ../shared/examples/trade-talks.

Usage:
    python benchmarks/eval_degraded_repair.py                # all sections
    python benchmarks/eval_degraded_repair.py --only speed   # one of: sources speed confidence time
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from storyline.clean.casing import learn_casing_hints  # noqa: E402
from storyline.clean.degraded import (  # noqa: E402
    degrade_text,
    repaired_sentences,
    restore_degraded_tokens,
)
from storyline.evaluate import repair as ev  # noqa: E402
from storyline.evaluate.datasets import find_data_dir  # noqa: E402
from storyline.settings import SUMMARY_MIN_REPAIR_CONFIDENCE  # noqa: E402

TRADE_TALKS = REPO.parent / "shared" / "examples" / "trade-talks"
TIME_COPY = "000_a49e6c0a67cf3d13.txt"
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
NEWS_DEV = range(65, ev.NEWS_TEST_FROM_BUCKET)  # the fit script's dev buckets


def by_source() -> None:
    print("## news, held-out story groups, by source (storyline vs lexical)")
    for source in ev.NEWS_FILES:
        items = ev.news_items(None, None, sources=[source])
        for method in ("model", "lexical"):
            tally = ev.Tally()
            for item in items:
                restored = restore_degraded_tokens(item.words, method=method)
                forms = [m.group() for f in restored.forms if (m := ev.WORD.search(f))]
                tally.add(item, ev.Prediction(restored.marks, forms))
            row = tally.row(method)
            print(
                f"{source:<10} {method:<8} n={len(items):4d} overall F1 {row['overall_f1']:.3f}"
                f"  comma {row['comma_f1']:.3f}  boundary {row['boundary_f1']:.3f}"
                f"  truecase {row['truecase_accuracy']:.3f}"
                f"  proper {row['proper_truecase_accuracy']:.3f}"
            )


def speed() -> None:
    print("## speed: words per CPU-second (process time, one encoder thread)")
    items = ev.news_items(None, 100)
    words = sum(len(i.words) for i in items)
    for method in ("model", "lexical"):
        restore_degraded_tokens(["warm", "up"], method=method)
        cpu, wall = time.process_time(), time.perf_counter()
        for item in items:
            restore_degraded_tokens(item.words, method=method)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{method:<8} {words:,} words (100 held-out news articles): "
            f"{words / cpu:,.0f} words/CPU-s, {words / wall:,.0f} words/wall-s"
        )


def confidence() -> None:
    print("## confidence rule on news dev story groups (where the threshold is chosen)")
    docs = [d for d in ev.news_documents(find_data_dir()) if ev.news_bucket(d[0], d[2]) in NEWS_DEV]
    scored: list[tuple[float, bool]] = []
    for _, _, _, text in docs:
        words, labels = ev.gold_labels(text)
        gold, current = set(), []
        for word, label in zip(words, labels, strict=True):
            current.append(word.lower())
            if label in ("PERIOD", "QUESTION"):
                gold.add(" ".join(current))
                current = []
        for sentence, conf in repaired_sentences(degrade_text(text)):
            key = " ".join(ev.WORD.findall(sentence.lower()))
            scored.append((conf, key in gold))
    total = len(scored)
    print(f"{len(docs)} dev documents, {total:,} repaired sentences; right = both ends match gold")
    print(f"all sentences: {sum(r for _, r in scored) / total:.3f} right")
    for threshold in THRESHOLDS:
        kept = [r for c, r in scored if c >= threshold]
        if kept:
            print(
                f"confidence >= {threshold:.2f}: keeps {len(kept) / total:.3f} of sentences, "
                f"{sum(kept) / len(kept):.3f} of them right"
            )


def time_copy() -> None:
    path = TRADE_TALKS / TIME_COPY
    if not path.exists():
        print(f"{path} absent")
        return
    text = path.read_text(encoding="utf-8")
    others = [p.read_text(encoding="utf-8") for p in sorted(TRADE_TALKS.glob("*.txt")) if p != path]
    threshold = SUMMARY_MIN_REPAIR_CONFIDENCE
    for label, hints in (("no hints", None), ("batch hints", learn_casing_hints(others))):
        print(
            f"## TIME copy, first ten repaired sentences ({label}); * = confidence >= {threshold}"
        )
        for sentence, conf in repaired_sentences(text, hints)[:10]:
            print(f"{'*' if conf >= threshold else ' '} {conf:.2f}  {sentence}")


SECTIONS = {"sources": by_source, "speed": speed, "confidence": confidence, "time": time_copy}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SECTIONS))
    args = parser.parse_args(argv)
    for name, section in SECTIONS.items():
        if args.only in (None, name):
            section()
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
