"""Quotes, figures and dates over the demo corpus and ../shared/examples/trade-talks.

Prints, per corpus, how many facts of each kind were found with a few examples, and the
throughput (articles/s) of the facts stage beside plain spaCy NER on the same texts (the
same-run baseline: `nlp.pipe` and reading `doc.ents`, which the facts stage also needs).

    python benchmarks/facts_benchmark.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from storyline.cli.demo import demo_corpus
from storyline.extract.dates import find_dates
from storyline.extract.entities import canonical_entities, mention_label
from storyline.extract.figures import find_figures
from storyline.extract.nlp import load_pipeline
from storyline.extract.quotes import find_quotes, resolve_speakers
from storyline.pipeline import read_articles
from storyline.records import Mention
from storyline.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "examples" / "trade-talks"


def facts(nlp, articles):
    quotes, figures, dates, mentions = [], [], [], []
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        mentions += [
            Mention(article.article_id, e.start_char, e.end_char, e.text, mention_label(e))
            for e in doc.ents
        ]
        quotes += find_quotes(doc, article.article_id)
        figures += find_figures(doc, article.article_id, article.published_on)
        for sent in doc.sents:
            dates += find_dates(
                sent.text, article.published_on, article.article_id, sent.start_char
            )
    entities = canonical_entities(mentions, {a.article_id: a.article_id for a in articles})
    return resolve_speakers(quotes, entities), figures, dates


def plain_ner(nlp, articles):
    return [len(doc.ents) for doc in nlp.pipe(a.text for a in articles)]


def timed(function, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return result, best


def report(name, nlp, articles, repeat):
    (quotes, figures, dates), facts_s = timed(lambda: facts(nlp, articles), repeat)
    _, ner_s = timed(lambda: plain_ner(nlp, articles), repeat)
    print(f"\n## {name}: {len(articles)} articles, {sum(len(a.text) for a in articles)} chars")
    kinds = Counter(f"{q.kind}/{q.speaker_kind}" for q in quotes)
    print(f"quotes {len(quotes)}: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(
        f"figures {len(figures)}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(f.kind for f in figures).items()))
    )
    attached = sum(f.measures is not None for f in figures)
    print(f"  with what they measure: {attached}/{len(figures)}")
    grains = Counter(d.granularity for d in dates)
    print(f"dates {len(dates)}: " + ", ".join(f"{k} {v}" for k, v in sorted(grains.items())))
    print("examples:")
    for quote in [q for q in quotes if q.speaker_kind == "named"][:3]:
        print(f"  quote  {quote.speaker!r} ({quote.verb}): {quote.text[:70]!r}")
    for quote in [q for q in quotes if q.speaker_kind == "anonymous"][:2]:
        print(f"  quote  anonymous {quote.description!r}: {quote.text[:60]!r}")
    for kind in ("money", "percent", "count", "deadline"):
        for figure in [f for f in figures if f.kind == kind][:2]:
            value = figure.when if kind == "deadline" else figure.value
            print(
                f"  figure {figure.text!r} -> {value} {figure.unit}, measures {figure.measures!r}"
            )
    for found in [d for d in dates if not d.text[:1].isdigit()][:3]:
        print(f"  date   {found.text!r} -> {found.value} ({found.granularity})")
    print(
        f"throughput: facts stage (parse + NER + quotes + figures + dates) "
        f"{len(articles) / facts_s:.1f} articles/s; plain spaCy NER {len(articles) / ner_s:.1f} "
        f"articles/s (best of {repeat})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    nlp = load_pipeline(settings.spacy_model)
    corpora = [("demo corpus", Path(str(demo_corpus())))]
    if EXAMPLES.is_dir():
        corpora.append(("trade-talks", EXAMPLES))
    for name, path in corpora:
        articles, _ = read_articles([path], settings)
        report(name, nlp, articles, args.repeat)


if __name__ == "__main__":
    main()
