"""Main-text extraction from HTML: Storyline vs trafilatura and readability-lxml.

Two gold formats, each scored exactly as its upstream project does:
- `aeb` (scrapinghub/article-extraction-benchmark): the full expected article text;
  precision/recall/F1 over word 4-gram shingles and exact-match accuracy
  (`metrics.shingle_counts`, `metrics.shingle_scores`).
- `trafilatura` (adbar/trafilatura `tests/evaluate.py`): snippets that must and must not
  appear; P/R/F1/accuracy over all snippets (`metrics.snippet_counts`, `snippet_scores`).

A system that raises on a page is scored as returning nothing for it (as upstream does) and
the number of such pages is reported.

Example:
    >>> from storyline.evaluate.extract import evaluate_extract
    >>> evaluate_extract(dataset="aeb", limit=5)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from storyline.errors import BackendUnavailable, ConfigError
from storyline.evaluate.datasets import (
    ExtractionPage,
    dataset_path,
    file_sha256,
    load_extraction_pages,
)
from storyline.evaluate.metrics import (
    exact_match,
    shingle_counts,
    shingle_scores,
    snippet_counts,
    snippet_scores,
)
from storyline.evaluate.report import EvalResult, chosen_systems, make_row, progress, published_row

DATASETS = ("aeb", "trafilatura")
SYSTEMS = ("storyline", "trafilatura", "readability-lxml")
COLUMNS = ("precision", "recall", "f1", "accuracy", "seconds_per_item")

Extractor = Callable[[ExtractionPage], str | None]

_AEB_NOTE = "article-extraction-benchmark README, all 181 pages (this file: the first 90), F1 only"
_TRAFILATURA_NOTE = (
    "floor pinned by trafilatura's quality gate (tests/eval_baseline.json), all 990 pages "
    "(this file: the first 495), F1 only"
)
_PUBLISHED = {
    "aeb": [
        ("trafilatura 2.0.0", 0.958),
        ("newspaper4k", 0.949),
        ("readability-lxml", 0.922),
        ("boilerpipe", 0.860),
        ("html-text", 0.665),
    ],
    "trafilatura": [
        ("trafilatura (fallback)", 0.9253),
        ("trafilatura (fast)", 0.9195),
    ],
}

# Libraries that log a warning for every odd page; silenced while the benchmark runs.
_NOISY_LOGGERS = ("trafilatura", "htmldate", "courlan", "readability", "readability.readability")

_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
    "h5 h6 header hr li main nav ol p pre section table tbody td th thead tr ul".split()
)


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, one line per block element.

    Stands in for `html_text.extract_text`, which the upstream AEB readability runner uses
    but which is not a dependency here.
    """
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            element.text = None
            continue
        if element.tag in ("script", "style", "noscript"):
            element.text = None
        elif element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag != "br":
                element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _storyline_extractor() -> tuple[Extractor | None, str | None]:
    try:
        from storyline.ingest.html import extract_main_text
    except ImportError as error:
        return None, f"storyline.ingest.html.extract_main_text is not importable ({error})"
    return lambda page: extract_main_text(page.html, page.url), None


def _trafilatura_extractor() -> Extractor:
    try:
        import trafilatura
    except ImportError as error:  # pragma: no cover - core dependency
        raise BackendUnavailable(f"trafilatura is not installed ({error})") from error
    return lambda page: trafilatura.extract(page.html)


def _readability_extractor() -> Extractor:
    try:
        from readability import Document
    except ImportError as error:
        raise BackendUnavailable(
            f"readability-lxml is not installed ({error}); "
            "install the extra: pip install 'storyline[eval]'"
        ) from error
    return lambda page: html_to_text(Document(page.html).summary(html_partial=True))


@contextmanager
def _quiet_loggers() -> Iterator[None]:
    saved = {name: logging.getLogger(name).level for name in _NOISY_LOGGERS}
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def evaluate_extract(
    data_path: str | Path | None = None,
    limit: int | None = None,
    seed: int = 0,
    dataset: str = "aeb",
    systems: Sequence[str] | None = None,
    show_progress: bool = False,
) -> EvalResult:
    """Precision, recall, F1 and accuracy (0-1) of each extractor; see the module docstring.

    The `storyline` row calls `storyline.ingest.html.extract_main_text(html, url)`;
    `trafilatura` is `trafilatura.extract(html)` with its defaults; `readability-lxml` is
    `Document(html).summary(html_partial=True)` turned into text by `html_to_text`. `seed`
    is recorded but unused (no randomness here; upstream's bootstrap CIs are not computed).
    """
    if dataset not in DATASETS:
        raise ConfigError(f"unknown extraction dataset {dataset!r}; valid: {DATASETS}")
    chosen = chosen_systems(systems, SYSTEMS)
    path = dataset_path(dataset, data_path)
    pages = load_extraction_pages(path, limit)
    if dataset == "aeb" and any(p.expected_text is None for p in pages):
        raise ConfigError(f"{path}: AEB pages need 'expected_text'; is this the snippet format?")

    notes: list[str] = []
    extractors: dict[str, Extractor] = {}
    if "storyline" in chosen:
        extractor, reason = _storyline_extractor()
        if extractor is None:
            notes.append(f"storyline row skipped: {reason}")
        else:
            extractors["storyline"] = extractor
    if "trafilatura" in chosen:
        extractors["trafilatura"] = _trafilatura_extractor()
    if "readability-lxml" in chosen:
        extractors["readability-lxml"] = _readability_extractor()

    outputs: dict[str, list[str | None]] = {s: [] for s in extractors}
    seconds = dict.fromkeys(extractors, 0.0)
    errors = dict.fromkeys(extractors, 0)
    with _quiet_loggers():
        for extractor in extractors.values():  # untimed: imports and caches are not per page
            try:
                extractor(ExtractionPage("warm-up", "<html><body><p>text</p></body></html>"))
            except Exception:  # a failing extractor is counted page by page below
                pass
        for page in progress(pages, f"extract {dataset}", show_progress, total=len(pages)):
            for system, extractor in extractors.items():
                start = time.perf_counter()
                try:
                    text = extractor(page)
                except Exception:  # a crash is a full miss, as upstream scores it
                    text = None
                    errors[system] += 1
                seconds[system] += time.perf_counter() - start
                outputs[system].append(text)

    rows = []
    for system in chosen:
        if system not in extractors:
            continue
        texts = outputs[system]
        if dataset == "aeb":
            scores = shingle_scores(
                [shingle_counts(p.expected_text, t) for p, t in zip(pages, texts, strict=True)],
                [exact_match(p.expected_text, t) for p, t in zip(pages, texts, strict=True)],
            )
        else:
            scores = snippet_scores(
                snippet_counts(t, p.with_snippets, p.without_snippets)
                for p, t in zip(pages, texts, strict=True)
            )
        rows.append(
            make_row(
                system, seconds_per_item=seconds[system] / len(pages) if pages else 0.0, **scores
            )
        )
        if errors[system]:
            notes.append(f"{system} raised on {errors[system]} pages (scored as empty)")
    published_note = _AEB_NOTE if dataset == "aeb" else _TRAFILATURA_NOTE
    for name, f1 in _PUBLISHED[dataset]:
        rows.append(published_row(name, published_note, f1=f1))
    if dataset == "aeb":
        notes.append(
            "AEB metric: word 4-gram shingles (upstream evaluate.py tokenises with \\w+); "
            "P and R are means over pages, F1 their harmonic mean; accuracy = share of "
            "pages whose word tokens equal the gold's"
        )
    else:
        notes.append(
            "snippet metric: 'with' found = TP, missing = FN; 'without' found = FP, "
            "absent = TN; counted over all snippets"
        )
    settings = {
        "dataset": dataset,
        "limit": limit,
        "seed": seed,
        "systems": list(chosen),
        "trafilatura_call": "trafilatura.extract(html) with defaults",
        "readability_call": "Document(html).summary(html_partial=True) -> html_to_text",
        "data_sha256": file_sha256(path),
    }
    return EvalResult(
        task="extract",
        data=str(path),
        n=len(pages),
        settings=settings,
        rows=rows,
        columns=COLUMNS,
        notes=notes,
    )
