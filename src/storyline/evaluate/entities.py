"""Cross-document entity coreference on ECB+ (topics 1-35): MUC, B-cubed, CEAF-e, CoNLL F1.

Gold mentions, restricted to the annotated sentences, singletons included; the gold topic
is given (each topic is clustered on its own, as a story would be, and scored with the
others as one meta-document). Every system clusters the same gold mentions:

- `storyline`: `storyline.extract.mention_links` over the topic: one cluster per syntactic
  head word ("center" for "the Promises Treatment Center in Malibu , California"), a
  relative pronoun joins the noun its clause modifies, "he"/"she" the nearest earlier person
  of compatible gender, "they" the nearest earlier plural or organisation, and "the
  actress" the person the story writes "actress" beside ("actress Lindsay Lohan").
- `baseline-exact-string`: one cluster per case-folded mention text in a topic.
- `baseline-head-word`: one cluster per case-folded last word in a topic.

`type_accuracy`: of the gold person / organisation / place mentions that cover a spaCy
entity, the share whose kind we give matches; the baselines' figure is spaCy's own label
per mention (what one sentence says), ours is the story-level kind.

Example:
    >>> from storyline.evaluate.entities import evaluate_entities
    >>> evaluate_entities(limit=20)  # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from storyline.evaluate.coref import clusters_from_labels, conll
from storyline.evaluate.datasets import _field, dataset_path, file_sha256, read_jsonl
from storyline.evaluate.report import EvalResult, chosen_systems, make_row, progress

SYSTEMS = ("storyline", "baseline-exact-string", "baseline-head-word")
COLUMNS = ("conll_f1", "muc_f1", "b3_f1", "ceafe_f1", "type_accuracy", "seconds_per_item")
# Gold tags scored for type accuracy, as our kinds.
GOLD_KINDS = {
    "HUMAN_PART_PER": "PERSON",
    "HUMAN_PART_ORG": "ORG",
    "LOC_GEO": "PLACE",
    "LOC_FAC": "PLACE",
    "LOC_OTHER": "PLACE",
}


@dataclass(frozen=True, slots=True)
class GoldMention:
    doc_id: str
    start: int
    end: int
    text: str
    type: str
    entity: str


@dataclass(frozen=True, slots=True)
class EntityDocument:
    doc_id: str
    topic: str
    text: str
    mentions: tuple[GoldMention, ...]


def load_entity_documents(path: Path, limit: int | None = None) -> list[EntityDocument]:
    """ECB+ documents with their gold mentions in annotated sentences only."""
    documents = []
    for number, record in enumerate(read_jsonl(path), 1):
        where = f"{path}:{number}"
        doc_id = str(_field(record, "id", where))
        annotated = set(_field(record, "annotated_sentences", where))
        mentions = tuple(
            GoldMention(doc_id, m["span"][0], m["span"][1], m["text"], m["type"], m["entity"])
            for m in _field(record, "mentions", where)
            if m.get("sentence") in annotated
        )
        if not mentions:
            continue
        documents.append(
            EntityDocument(doc_id, str(_field(record, "topic", where)), record["text"], mentions)
        )
        if limit is not None and len(documents) >= limit:
            break
    return documents


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def _head_word(text: str) -> str:
    words = text.casefold().split()
    return words[-1] if words else ""


def storyline_labels(documents: Sequence[EntityDocument], docs) -> tuple[dict, dict]:
    """(cluster label, our kind or None) per gold mention of one topic's documents.

    Labels come from `storyline.extract.mention_links`: each mention's syntactic head word
    within the topic, a pronoun or relative pronoun taking its antecedent's label, and a
    descriptor noun the label of the person the story writes it beside. Kinds are the
    story-level kinds of `storyline.extract.entities` for the spaCy entity covering the
    mention's head.
    """
    from storyline.extract.mention_links import link_mentions, mention_head, resolve_descriptors

    spans_per_doc, labels_per_doc, keys_per_doc = [], [], []
    for document, doc in zip(documents, docs, strict=True):
        mentions = sorted(document.mentions, key=lambda m: (m.start, m.end))
        spans = [(m.start, m.end) for m in mentions]
        labels: list = [mention_head(m.text) for m in mentions]
        for index, antecedent in enumerate(link_mentions(doc, spans)):
            if antecedent is not None:
                labels[index] = labels[antecedent]
        spans_per_doc.append(spans)
        labels_per_doc.append(labels)
        keys_per_doc.append([(m.doc_id, m.start, m.end) for m in mentions])
    labels_per_doc = resolve_descriptors(docs, spans_per_doc, labels_per_doc)
    labels = {
        key: label
        for keys, found in zip(keys_per_doc, labels_per_doc, strict=True)
        for key, label in zip(keys, found, strict=True)
    }
    return labels, story_kinds(documents, docs)


def story_kinds(documents: Sequence[EntityDocument], docs) -> dict:
    """Our story-level kind of the spaCy entity covering each gold mention's head word."""
    from storyline.extract.entities import mention_label, zip_assignments
    from storyline.records import Mention

    ner = []  # (document index, Mention)
    for index, doc in enumerate(docs):
        for ent in doc.ents:
            mention = Mention(
                documents[index].doc_id, ent.start_char, ent.end_char, ent.text, mention_label(ent)
            )
            ner.append((index, mention))
    assigned = {id(m): value for m, value in zip_assignments(m for _, m in ner)}
    kinds = {}
    for index, document in enumerate(documents):
        spans = [m for i, m in ner if i == index]
        for gold in document.mentions:
            head_at = gold.start + gold.text.rstrip().rfind(" ") + 1
            covering = [
                (_overlap(gold.start, gold.end, m.start, m.end), m)
                for m in spans
                if m.start <= head_at < m.end
            ]
            if covering:
                value = assigned.get(id(max(covering, key=lambda c: c[0])[1]))
                kinds[(gold.doc_id, gold.start, gold.end)] = value[0] if value else None
    return kinds


def spacy_kinds(documents: Sequence[EntityDocument], docs) -> dict:
    """spaCy's own label (as our kind) of the entity covering each gold mention."""
    from storyline.extract.entities import KINDS

    kinds = {}
    for document, doc in zip(documents, docs, strict=True):
        for gold in document.mentions:
            covering = [
                (_overlap(gold.start, gold.end, e.start_char, e.end_char), e) for e in doc.ents
            ]
            covering = [c for c in covering if c[0] > 0]
            if covering:
                ent = max(covering, key=lambda c: c[0])[1]
                kinds[(gold.doc_id, gold.start, gold.end)] = KINDS.get(ent.label_)
    return kinds


def type_accuracy(documents: Sequence[EntityDocument], kinds: dict) -> float | None:
    scored = [
        (GOLD_KINDS[m.type], kinds[(m.doc_id, m.start, m.end)])
        for d in documents
        for m in d.mentions
        if m.type in GOLD_KINDS and (m.doc_id, m.start, m.end) in kinds
    ]
    return sum(g == p for g, p in scored) / len(scored) if scored else None


def evaluate_entities(
    data_path: str | Path | None = None,
    limit: int | None = None,
    seed: int = 0,
    systems: Sequence[str] | None = None,
    show_progress: bool = False,
) -> EvalResult:
    """CoNLL F1 (MUC, B-cubed, CEAF-e) and type accuracy of each system on ECB+ entities."""
    chosen = chosen_systems(systems, SYSTEMS)
    from storyline.extract.nlp import load_pipeline
    from storyline.settings import Settings

    path = dataset_path("ecbplus-entities", data_path)
    documents = load_entity_documents(path, limit)
    nlp = load_pipeline(Settings().spacy_model)
    topics: dict[str, list[EntityDocument]] = {}
    for document in documents:
        topics.setdefault(document.topic, []).append(document)
    labels: dict[str, list] = {system: [] for system in chosen}
    our_kinds: dict = {}
    raw_kinds: dict = {}
    seconds = 0.0
    for topic, members in progress(list(topics.items()), "entities", show_progress):
        docs = list(nlp.pipe(d.text for d in members))
        raw_kinds.update(spacy_kinds(members, docs))
        mentions = [m for d in members for m in d.mentions]
        if "storyline" in chosen:
            start = time.perf_counter()
            found, kinds = storyline_labels(members, docs)
            seconds += time.perf_counter() - start
            our_kinds.update(kinds)
            labels["storyline"] += [
                ((m.doc_id, m.start, m.end), (topic, found[(m.doc_id, m.start, m.end)]))
                for m in mentions
            ]
        if "baseline-exact-string" in chosen:
            labels["baseline-exact-string"] += [
                ((m.doc_id, m.start, m.end), (topic, m.text.casefold())) for m in mentions
            ]
        if "baseline-head-word" in chosen:
            labels["baseline-head-word"] += [
                ((m.doc_id, m.start, m.end), (topic, _head_word(m.text))) for m in mentions
            ]
    all_mentions = [m for d in documents for m in d.mentions]
    key = clusters_from_labels(((m.doc_id, m.start, m.end), m.entity) for m in all_mentions)
    rows = []
    for system in chosen:
        scores = conll(key, clusters_from_labels(labels[system]))
        kinds = our_kinds if system == "storyline" else raw_kinds
        rows.append(
            make_row(
                system,
                conll_f1=scores["conll_f1"],
                muc_f1=scores["muc"].f1,
                b3_f1=scores["b3"].f1,
                ceafe_f1=scores["ceafe"].f1,
                type_accuracy=type_accuracy(documents, kinds),
                seconds_per_item=seconds / max(len(documents), 1)
                if system == "storyline"
                else None,
            )
        )
    notes = [
        f"{len(documents)} documents in {len(topics)} topics, {len(all_mentions)} gold mentions "
        f"in {len(key)} gold entities (annotated sentences only, singletons included); gold "
        "mentions, gold topic given, one meta-document",
        "type_accuracy: gold person/organisation/place mentions covering a spaCy entity; "
        "baseline rows show spaCy's per-mention label; seconds_per_item excludes the spaCy parse",
    ]
    settings = {
        "limit": limit,
        "seed": seed,
        "split": "ECB+ topics 1-35 (dev)",
        "mentions": "gold, annotated sentences, singletons included",
        "setting": "within gold topic, cross-document",
        "systems": list(chosen),
        "data_sha256": file_sha256(path),
    }
    return EvalResult(
        task="entities",
        data=str(path),
        n=len(documents),
        settings=settings,
        rows=rows,
        columns=COLUMNS,
        notes=notes,
    )
